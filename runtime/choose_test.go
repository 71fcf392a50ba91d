package runtime

import (
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	sites := []any{
		map[string]any{"id": "1", "url": "https://acme.atlassian.net"},
		map[string]any{"id": "2", "url": "https://other.atlassian.net"},
	}
	one := []any{map[string]any{"id": "9", "url": "https://only.atlassian.net"}}
	for _, tc := range []struct {
		name    string
		root    any
		list    Path
		value   string
		wantID  string
		problem string // a part of the problem, when none is chosen
	}{
		{"by value", sites, nil, "https://other.atlassian.net", "2", ""},
		{"first by value", sites, nil, "https://acme.atlassian.net", "1", ""},
		{"nested list", map[string]any{"data": map[string]any{"items": sites}}, Path{"data", "items"}, "https://other.atlassian.net", "2", ""},
		{"empty value, one element", one, nil, "", "9", ""},
		{"empty value, several", sites, nil, "", "", `userinfo list has 2 elements and no value chooses one by "url"; choices: "https://acme.atlassian.net", "https://other.atlassian.net"`},
		{"no match", sites, nil, "https://evil.example", "", `no element of the userinfo list has url "https://evil.example"; choices: "https://acme.atlassian.net", "https://other.atlassian.net"`},
		{"no match, one element", one, nil, "https://x", "", `choices: "https://only.atlassian.net"`},
		{"not a list", map[string]any{"id": "1"}, nil, "x", "", "no list to choose from"},
		{"no list at the path", map[string]any{}, Path{"data"}, "x", "", `no list at "data"`},
		{"elements without the key", []any{map[string]any{"id": "1"}, "text"}, nil, "x", "", `the list has no "url" values`},
		{"control characters quoted", []any{map[string]any{"url": "a\x1b[31m"}}, nil, "b\n", "", `has url "b\n"; choices: "a\x1b[31m"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ui := &Userinfo{List: tc.list, ChooseBy: Path{"url"}, Choose: String(tc.value)}
			got, problem := choose(tc.root, ui, &Vars{})
			if tc.problem != "" {
				if got != nil || !strings.Contains(problem, tc.problem) {
					t.Fatalf("choose = %v, %q; want nil and a problem containing %q", got, problem, tc.problem)
				}
				if strings.ContainsAny(problem, "\x1b\n") {
					t.Errorf("problem %q holds control characters", problem)
				}
				return
			}
			if problem != "" {
				t.Fatalf("problem %q", problem)
			}
			if id := got.(map[string]any)["id"]; id != tc.wantID {
				t.Errorf("chose id %v, want %s", id, tc.wantID)
			}
		})
	}
}

func TestChooseNamesAtMostTenChoices(t *testing.T) {
	var list []any
	for i := range 25 {
		list = append(list, map[string]any{"url": "site-" + itoa(int64(i))})
	}
	_, problem := choose(list, &Userinfo{ChooseBy: Path{"url"}, Choose: String("none")}, &Vars{})
	if n := strings.Count(problem, `"site-`); n != maxChoices || !strings.HasSuffix(problem, " and more") {
		t.Errorf("problem %q names %d choices; want %d and \" and more\"", problem, n, maxChoices)
	}
}
