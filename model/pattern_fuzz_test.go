package model

import (
	"regexp"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

// FuzzPattern: CheckParams accepts a value of a field with a pattern only when the
// whole value matches (as the pattern alone, leftmost-longest, finds it), never panics, and its error never shows the value. With the
// catalog's subdomain pattern, nothing that could leave the label (/, ?, #, @, ., a
// space, a control or non-ASCII character) is accepted.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"acme", "evil.example/x?", "a@evil.example/", "evil.example#", "acme/../x", "ac me", "acme\n", "аcme", "-", "a-", "%2F", ""} {
		f.Add("[a-zA-Z0-9][a-zA-Z0-9-]*", s)
	}
	f.Add("eu|us", "eu")
	f.Add("a|", "")
	f.Add("[a-z]+", "acme\x00")
	f.Fuzz(func(t *testing.T, pattern, value string) {
		re, err := schema.CompilePattern(pattern)
		alone, aerr := regexp.Compile(pattern)
		if err == nil && aerr != nil {
			t.Fatalf("pattern %q compiles anchored but not alone (%v): its anchors do not hold", pattern, aerr)
		}
		if err != nil {
			return
		}
		alone.Longest() // the leftmost-longest match is the whole value when any is
		m := &Connector{Package: "p", Params: []*Param{{Field: &schema.Field{Name: "v", Pattern: pattern}, Name: "v", GoName: "V", GoType: "string", Pattern: re}}}
		out, err := m.CheckParams(map[string]any{"v": value})
		if err != nil {
			if value != "" && len(value) > 3 && strings.Contains(err.Error(), value) && !strings.Contains(pattern, value) {
				t.Fatalf("error shows the value: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "p: v does not match the pattern ") {
				t.Fatalf("error %q", err)
			}
			return
		}
		got, _ := out["v"].(string)
		if loc := alone.FindStringIndex(got); got != "" && (loc == nil || loc[0] != 0 || loc[1] != len(got)) {
			t.Fatalf("accepted %q, which %s does not match as a whole", got, pattern)
		}
		if pattern == "[a-zA-Z0-9][a-zA-Z0-9-]*" && strings.ContainsFunc(got, func(r rune) bool {
			return r == '/' || r == '?' || r == '#' || r == '@' || r == '.' || r <= ' ' || r >= 0x7f
		}) {
			t.Fatalf("a label value %q with a character that leaves the label", got)
		}
	})
}
