package gocode_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/jinja/gocode"
)

// TestCompileEscaped: every output, constant or not, goes through the escaper, and
// the interpreter's RenderEscaped sees the same outputs in the same contexts.
func TestCompileEscaped(t *testing.T) {
	tpl := jinja.MustParse("https://{{ host }}.example.com/{{ scope }}?q={{ 'a/b' }}")
	a, err := tpl.URL()
	if err != nil {
		t.Fatal(err)
	}
	esc := func(o *jinja.Output, v jen.Code) jen.Code {
		return jen.Id("esc" + strings.ReplaceAll(a.Contexts[o].String(), " ", "")).Call(v)
	}
	c, err := gocode.CompileEscaped(tpl, seedBind, esc)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsConst {
		t.Fatal("an escaped template folded into a constant")
	}
	f := jen.NewFile("p")
	f.Func().Id("f").Params().String().Block(c.Body...)
	src := fmt.Sprintf("%#v", f)
	for _, want := range []string{`eschostlabel(p.Host)`, `escpathsegment(p.Scope)`, `escquery("a/b")`} {
		if !strings.Contains(src, want) {
			t.Errorf("compiled code lacks %s:\n%s", want, src)
		}
	}
	got, err := tpl.RenderEscaped(map[string]any{"host": "h", "scope": "s"}, func(o *jinja.Output, s string) string {
		return "<" + a.Contexts[o].String() + ":" + s + ">"
	})
	if want := "https://<host label:h>.example.com/<path segment:s>?q=<query:a/b>"; err != nil || got != want {
		t.Errorf("RenderEscaped = %q, %v; want %q", got, err, want)
	}
}
