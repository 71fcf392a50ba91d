package jinja_test

import (
	"io"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/jinja/gocode"
)

var fuzzScope = jinja.Scope{
	{Name: "s"},
	{Name: "t", AlwaysDefined: true},
	{Name: "e", Kind: jinja.Select, Enum: []string{"Production", "Sandbox"}, AlwaysDefined: true},
	{Name: "n", Kind: jinja.Number},
	{Name: "b", Kind: jinja.Bool, AlwaysDefined: true},
	{Name: "callback.shop"},
}

var fuzzVars = []map[string]any{
	{"t": "", "e": "Production", "b": false, "callback": map[string]any{}},
	{"s": "a b", "t": "x", "e": "Sandbox", "n": 3, "b": true, "callback": map[string]any{"shop": "é&"}},
}

// FuzzParse checks that Parse, Check, Render and gocode.Compile never panic, that a
// parse error points inside the source, that a template that passes Check renders
// without error and compiles, and that a constant template renders its constant.
func FuzzParse(f *testing.F) {
	f.Add("tickets{% if s is defined %} {{ s }}{% endif %}")
	f.Add("https://{% if e is defined and e == 'Sandbox' %}sandbox{% else %}business{% endif %}-api.tiktok.com/")
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := jinja.Parse(src)
		if err != nil {
			e, ok := err.(*jinja.Error)
			if !ok || e.Offset < 0 || e.Offset > len(src) || e.Msg == "" {
				t.Fatalf("Parse(%q) = %#v", src, err)
			}
			return
		}
		tpl.Names()
		errs := tpl.Check(fuzzScope)
		for _, e := range errs {
			if e.Offset < 0 || e.Offset > len(src) {
				t.Fatalf("Check(%q): offset %d outside the source", src, e.Offset)
			}
		}
		c, isConst := tpl.Constant()
		for _, vars := range fuzzVars {
			out, err := tpl.Render(vars)
			if err != nil && len(errs) == 0 {
				t.Fatalf("Check(%q) passes but Render(%v) fails: %v", src, vars, err)
			}
			if isConst && out != c {
				t.Fatalf("constant %q renders %q", c, out)
			}
		}
		if len(errs) > 0 {
			return
		}
		comp, err := gocode.Compile(tpl, func(name string) (gocode.Binding, bool) {
			v, ok := fuzzScope.Lookup(name)
			return gocode.Binding{Expr: jen.Id("p").Dot(name), Kind: v.Kind, Enum: v.Enum, AlwaysDefined: v.AlwaysDefined}, ok
		})
		if err != nil {
			if strings.Contains(err.Error(), "too complex") {
				return
			}
			t.Fatalf("Check(%q) passes but Compile fails: %v", src, err)
		}
		file := jen.NewFile("p")
		file.Func().Id("f").Params().String().Block(comp.Body...)
		if err := file.Render(io.Discard); err != nil {
			t.Fatalf("Compile(%q) produces code that does not format: %v", src, err)
		}
	})
}
