package model

import (
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

// FuzzPattern: CheckParams accepts a value of a field with a pattern only when the
// whole value matches, never panics, and its error never shows the value. With the
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
		if err != nil {
			return
		}
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
		if got != "" && !re.MatchString(got) {
			t.Fatalf("accepted %q, which does not match %s", got, re)
		}
		if pattern == "[a-zA-Z0-9][a-zA-Z0-9-]*" && strings.ContainsFunc(got, func(r rune) bool {
			return r == '/' || r == '?' || r == '#' || r == '@' || r == '.' || r <= ' ' || r >= 0x7f
		}) {
			t.Fatalf("a label value %q with a character that leaves the label", got)
		}
	})
}
