package gocode_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/jinja/gocode"
)

// compile compiles src with the seed bindings plus a few more and returns the function
// source.
func compile(t *testing.T, src string, bind func(string) (gocode.Binding, bool)) (*gocode.Compiled, string) {
	t.Helper()
	c, err := gocode.Compile(jinja.MustParse(src), bind)
	if err != nil {
		t.Fatalf("Compile(%q): %v", src, err)
	}
	f := jen.NewFile("p")
	f.Func().Id("f").Params().String().Block(c.Body...)
	return c, fmt.Sprintf("%#v", f)
}

func moreBind(name string) (gocode.Binding, bool) {
	switch name {
	case "port":
		return gocode.Binding{Expr: jen.Id("p").Dot("Port"), Kind: jinja.Number, Defined: jen.Id("p").Dot("Port").Op(">").Lit(0)}, true
	case "verbose":
		return gocode.Binding{Expr: jen.Id("p").Dot("Verbose"), Kind: jinja.Bool}, true
	}
	return seedBind(name)
}

func TestCompileShapes(t *testing.T) {
	tests := []struct {
		src     string
		isConst bool
		want    []string // the function source contains each
		not     []string // and none of these
	}{
		{src: "https://x/{# c #}y", isConst: true, want: []string{`return "https://x/y"`}},
		// is defined on an always-defined select disappears; so does a comparison
		// with a value outside the enum
		{src: "{% if environment is defined %}a{% endif %}{% if environment == 'Staging' %}b{% endif %}", isConst: true, want: []string{`return "a"`}},
		{src: "{% if environment is not defined %}x{% else %}{{ environment }}{% endif %}", want: []string{`return string(p.Environment)`}, not: []string{"if "}},
		{src: "{% if environment != 'Production' %}s{% endif %}", want: []string{"if p.Environment != EnvironmentProduction {"}},
		{src: "{{ scope|default('none')|upper }}", want: []string{`filters.Upper(filters.Cond(p.Scope != "", p.Scope, "none"))`}},
		{src: "{{ 'a b'|urlencode ~ ('X'|lower) }}", isConst: true, want: []string{`return "a%20bx"`}},
		{src: "{{ port }}", want: []string{`filters.Cond(p.Port > 0, strconv.FormatInt(int64(p.Port), 10), "")`}},
		{src: "{{ verbose }}{% if not verbose %}!{% endif %}", want: []string{"if !p.Verbose {", "filters.Bool(p.Verbose)"}},
		{src: "{{ 'x' in scope }}", want: []string{`strings.Contains(p.Scope, "x")`}},
		{src: "{{ host|replace('a', scope)|trim }}", want: []string{`filters.Trim(strings.ReplaceAll(p.Host, "a", p.Scope))`}},
		// eight ifs in a row: 256 paths, so locals and one concatenation
		{src: strings.Repeat("{% if scope == 'a' %}1{% elif host %}2{% endif %}", 8), want: []string{"var s1 string", "s1 = \"1\"", "return s1 + s2 + s3"}},
	}
	for _, tt := range tests {
		c, src := compile(t, tt.src, moreBind)
		if c.IsConst != tt.isConst {
			t.Errorf("Compile(%q).IsConst = %v (%q)", tt.src, c.IsConst, c.Const)
		}
		for _, w := range tt.want {
			if !strings.Contains(src, w) {
				t.Errorf("Compile(%q) lacks %q:\n%s", tt.src, w, src)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(src, w) {
				t.Errorf("Compile(%q) has %q:\n%s", tt.src, w, src)
			}
		}
	}
}

func TestCompileErrors(t *testing.T) {
	_, err := gocode.Compile(jinja.MustParse("ab{{ nope }}"), seedBind)
	var e *jinja.Error
	if !errors.As(err, &e) || e.Offset != 5 || !strings.Contains(e.Msg, "variable 'nope' has no Go binding") {
		t.Errorf("unbound variable: %v", err)
	}
	deep := "scope"
	for range 12 {
		deep = "(" + deep + " or scope)"
	}
	_, err = gocode.Compile(jinja.MustParse("{{ "+deep+" }}"), seedBind)
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "too complex") {
		t.Errorf("deep or: %v", err)
	}
	_, err = gocode.Compile(jinja.MustParse("{{ port == 'a' }}"), moreBind)
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "cannot compare") {
		t.Errorf("unchecked comparison: %v", err)
	}
}
