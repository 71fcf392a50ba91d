package gocode_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
	"github.com/nikolalohinski/gonja/v2"
	gexec "github.com/nikolalohinski/gonja/v2/exec"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/jinja/gocode"
	"github.com/oauthgen/oauthgen/jinja/internal/corpus"
)

// program builds a Go program that renders every checked case of the corpus with its
// compiled code, for every assignment, and prints the outputs as JSON ([][]string, one
// row per case in the order of the returned indexes).
func program(t *testing.T, cases []*corpus.Case) (*jen.File, []int) {
	f := jen.NewFile("main")
	var rows []jen.Code
	var idx []int
	for i, c := range cases {
		tpl, err := jinja.Parse(c.Template)
		if err != nil || len(tpl.Check(c.Scope())) > 0 {
			continue
		}
		ptype := fmt.Sprintf("P%d", i)
		var fields []jen.Code
		binds := map[string]gocode.Binding{}
		for j, v := range c.Vars {
			field := fmt.Sprintf("F%d", j)
			b := gocode.Binding{Expr: jen.Id("p").Dot(field), Enum: v.Enum, AlwaysDefined: v.Always}
			switch v.Kind {
			case "string":
				b.Kind = jinja.String
				fields = append(fields, jen.Id(field).String())
			case "select":
				b.Kind = jinja.Select
				etype := fmt.Sprintf("E%d_%d", i, j)
				f.Type().Id(etype).String()
				var consts []jen.Code
				for k, e := range v.Enum {
					consts = append(consts, jen.Id(fmt.Sprintf("%s_%d", etype, k)).Id(etype).Op("=").Lit(e))
				}
				f.Const().Defs(consts...)
				enum := v.Enum
				b.EnumConst = func(s string) jen.Code {
					for k, e := range enum {
						if e == s {
							return jen.Id(fmt.Sprintf("%s_%d", etype, k))
						}
					}
					t.Errorf("case %q: EnumConst(%q) outside the enum", c.Name, s)
					return jen.Lit(s)
				}
				fields = append(fields, jen.Id(field).Id(etype))
			case "number", "bool":
				b.Kind = jinja.Number
				fields = append(fields, jen.Id(field).Int())
				if v.Kind == "bool" {
					b.Kind = jinja.Bool
					fields[len(fields)-1] = jen.Id(field).Bool()
				}
				if !v.Always {
					b.Defined = jen.Id("p").Dot(fmt.Sprintf("H%d", j))
					fields = append(fields, jen.Id(fmt.Sprintf("H%d", j)).Bool())
				}
			}
			binds[v.Name] = b
		}
		comp, err := gocode.Compile(tpl, func(name string) (gocode.Binding, bool) {
			b, ok := binds[name]
			return b, ok
		})
		if err != nil {
			t.Errorf("%s: Compile(%q): %v", c.Name, c.Template, err)
			continue
		}
		if s, ok := tpl.Constant(); ok && (!comp.IsConst || comp.Const != s) {
			t.Errorf("%s: constant template %q compiled to IsConst=%v %q", c.Name, c.Template, comp.IsConst, comp.Const)
		}
		f.Type().Id(ptype).Struct(fields...)
		f.Func().Id(fmt.Sprintf("render%d", i)).Params(jen.Id("p").Op("*").Id(ptype)).String().Block(comp.Body...)
		var calls []jen.Code
		for _, env := range c.Envs {
			vals := corpus.Values(env)
			d := jen.Dict{}
			for j, v := range c.Vars {
				val, ok := lookup(vals, v.Name)
				if !ok {
					continue
				}
				if s, isStr := val.(string); isStr && s == "" && !v.Always {
					t.Fatalf("case %q: optional string %s is empty: omit it instead", c.Name, v.Name)
				}
				lit := jen.Lit(val)
				if i64, isInt := val.(int64); isInt {
					lit = jen.Lit(int(i64))
				}
				d[jen.Id(fmt.Sprintf("F%d", j))] = lit
				if (v.Kind == "number" || v.Kind == "bool") && !v.Always {
					d[jen.Id(fmt.Sprintf("H%d", j))] = jen.True()
				}
			}
			calls = append(calls, jen.Id(fmt.Sprintf("render%d", i)).Call(jen.Op("&").Id(ptype).Values(d)))
		}
		rows = append(rows, jen.Values(calls...))
		idx = append(idx, i)
	}
	f.Func().Id("main").Params().Block(
		jen.Id("out").Op(":=").Index().Index().String().Values(rows...),
		jen.Qual("encoding/json", "NewEncoder").Call(jen.Qual("os", "Stdout")).Dot("Encode").Call(jen.Id("out")),
	)
	return f, idx
}

func lookup(vals map[string]any, name string) (any, bool) {
	parts := strings.Split(name, ".")
	var cur any = vals
	for _, p := range parts {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// runProgram writes the program into a temporary package of this module and runs it.
func runProgram(t *testing.T, f *jen.File) [][]string {
	dir, err := os.MkdirTemp("testdata", "diffprog")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "main.go")
	if err := f.Save(src); err != nil {
		t.Fatalf("generated code does not format: %v", err)
	}
	cmd := exec.Command("go", "run", "./"+filepath.ToSlash(dir))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run of the compiled corpus: %v\n%s", err, stderr.String())
	}
	var out [][]string
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDifferential renders the corpus with compiled Go code, the interpreter and gonja,
// and compares each with Python Jinja's output.
func TestDifferential(t *testing.T) {
	cases, err := corpus.Load()
	if err != nil {
		t.Fatal(err)
	}
	f, idx := program(t, cases)
	out := runProgram(t, f)
	if len(out) != len(idx) || len(idx) < 250 {
		t.Fatalf("compiled %d cases, program printed %d rows", len(idx), len(out))
	}
	compared := 0
	for r, i := range idx {
		c := cases[i]
		tpl := jinja.MustParse(c.Template)
		for k, env := range c.Envs {
			want := c.Outputs[k]
			if want.Out == nil {
				t.Errorf("%s: Check passes but Python fails: %s", c.Name, want.Error)
				continue
			}
			if got := out[r][k]; got != *want.Out {
				t.Errorf("%s, vars %v: compiled %q renders %q, Python %q", c.Name, env, c.Template, got, *want.Out)
			}
			if got, err := tpl.Render(corpus.Values(env)); err != nil || got != *want.Out {
				t.Errorf("%s, vars %v: interpreted %q renders %q (%v), Python %q", c.Name, env, c.Template, got, err, *want.Out)
			}
			compared++
		}
	}
	t.Logf("%d renders compared: compiled = interpreted = Python Jinja", compared)
}

// gonjaRender renders with gonja, turning panics into errors.
func gonjaRender(src string, vars map[string]any) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gonja panics: %v", r)
		}
	}()
	tpl, err := gonja.FromString(src)
	if err != nil {
		return "", err
	}
	return tpl.ExecuteToString(gexec.NewContext(vars))
}

// gonjaBugs are the known differences between gonja v2.9.1 and Python Jinja, each with
// the construct that triggers it. A disagreement of gonja with Python Jinja on a template
// without any of them fails TestGonja.
var gonjaBugs = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`\b[nN]one\b`), "gonja renders none as \"\" (Python: None) and says an undefined value 'is none'"},
	{regexp.MustCompile(`\|\s*trim\b`), "gonja's trim fails on numbers and undefined values instead of trimming str(value)"},
	{regexp.MustCompile(`\burlencode\b`), "gonja's urlencode is url.PathEscape: it leaves $&+:=@ unescaped, and renders an undefined value as None"},
	{regexp.MustCompile(`\|\s*(default|d)\b\s*($|[^\s(])`), "gonja's default requires an argument (Python: default '')"},
	{regexp.MustCompile(`[\x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]`), "gonja's whitespace control strips ASCII whitespace only"},
	{regexp.MustCompile(`\\`), "gonja does not decode Python string escapes"},
	{regexp.MustCompile(`\w['"] +['"]\w`), "gonja does not join adjacent string literals"},
}

// TestGonja renders the checked corpus with gonja, the Go Jinja implementation, and
// requires it to agree with Python Jinja except where a known gonja bug explains the
// difference; the interpreter and compiled code agree with Python everywhere
// (TestDifferential).
func TestGonja(t *testing.T) {
	cases, err := corpus.Load()
	if err != nil {
		t.Fatal(err)
	}
	agree, explained := 0, map[string]int{}
	for _, c := range cases {
		tpl, err := jinja.Parse(c.Template)
		if err != nil || len(tpl.Check(c.Scope())) > 0 {
			continue
		}
		for k, env := range c.Envs {
			want := c.Outputs[k]
			got, err := gonjaRender(c.Template, corpus.Values(env))
			if err == nil && got == *want.Out {
				agree++
				continue
			}
			why := ""
			for _, b := range gonjaBugs {
				if b.re.MatchString(c.Template) {
					why = b.why
					break
				}
			}
			if why == "" {
				t.Errorf("%s, vars %v: gonja renders %q (%v), Python Jinja %q, our renderers agree with Python: %q", c.Name, env, got, err, *want.Out, c.Template)
				continue
			}
			explained[why]++
		}
	}
	t.Logf("gonja agrees with Python Jinja (and with the interpreter and compiled code) on %d renders", agree)
	for why, n := range explained {
		t.Logf("%d renders differ: %s", n, why)
	}
	if agree < 1000 {
		t.Errorf("gonja agrees on only %d renders", agree)
	}
}
