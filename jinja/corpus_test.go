package jinja_test

import (
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/jinja/internal/corpus"
)

// TestCorpusMatchesPythonJinja renders every case of the corpus with the interpreter and
// compares with what Python Jinja rendered (corpus.golden.json, made by pyjinja.py).
func TestCorpusMatchesPythonJinja(t *testing.T) {
	cases, err := corpus.Load()
	if err != nil {
		t.Fatal(err)
	}
	rendered, checked := 0, 0
	for _, c := range cases {
		tpl, err := jinja.Parse(c.Template)
		syntaxErr := len(c.Outputs) > 0 && strings.HasPrefix(c.Outputs[0].Error, "TemplateSyntaxError")
		if syntaxErr {
			if err == nil {
				t.Errorf("%s: Python rejects %q (%s) but Parse accepts it", c.Name, c.Template, c.Outputs[0].Error)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", c.Name, c.Template, err)
			continue
		}
		errs := tpl.Check(c.Scope())
		if len(errs) == 0 {
			checked++
		} else if !strings.HasPrefix(c.Name, "generated") {
			t.Errorf("%s: Check: %v", c.Name, errs[0])
		}
		for i, env := range c.Envs {
			got, err := tpl.Render(corpus.Values(env))
			want := c.Outputs[i]
			switch {
			case want.Out == nil && err == nil:
				t.Errorf("%s, vars %v: Python fails (%s), Render returns %q", c.Name, env, want.Error, got)
			case want.Out != nil && err != nil:
				t.Errorf("%s, vars %v: Render(%q): %v; Python renders %q", c.Name, env, c.Template, err, *want.Out)
			case want.Out != nil && got != *want.Out:
				t.Errorf("%s, vars %v: Render(%q) = %q, Python renders %q", c.Name, env, c.Template, got, *want.Out)
			case len(errs) == 0 && err != nil:
				t.Errorf("%s, vars %v: Check passes but Render fails: %v", c.Name, env, err)
			}
			rendered++
		}
	}
	if rendered < 1000 || checked < 250 {
		t.Errorf("corpus too small: %d renders, %d templates pass Check", rendered, checked)
	}
}
