package jinja_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src  string
		at   string // the error points at the first occurrence of this text
		want string // the message contains this
	}{
		{"a{% for x in y %}{{ x }}{% endfor %}", "for", "unsupported tag 'for': the template subset supports if/elif/else/endif"},
		{"{% set x = 1 %}", "set", "unsupported tag 'set'"},
		{"{% macro m() %}{% endmacro %}", "macro", "unsupported tag 'macro'"},
		{"{% raw %}x{% endraw %}", "raw", "unsupported tag 'raw'"},
		{"x {% if a %}y", "{% if", "unclosed {% if %}"},
		{"{% if a %}{% if b %}{% endif %}", "{% if a", "unclosed {% if %}"},
		{"{% endif %}", "{% endif", "{% endif %} without an open {% if %}"},
		{"{% else %}", "{% else", "{% else %} without an open {% if %}"},
		{"{% elif a %}", "{% elif", "{% elif %} without an open {% if %}"},
		{"{% if a %}{% else %}{% elif b %}{% endif %}", "{% elif", "{% elif %} after {% else %}"},
		{"{% if a %}{% else %}{% else %}{% endif %}", "{% else %}{% endif", "second {% else %}"},
		{"{% if a %}{% endif b %}", "b %}", "unexpected 'b' after endif"},
		{"{{ x|foo }}", "foo", "unknown filter 'foo'; supported: default (alias d), lower, upper, trim, replace, urlencode"},
		{"{{ x|lower(1) }}", "lower", "filter 'lower' takes 0 arguments, got 1"},
		{"{{ x|replace('a') }}", "replace", "filter 'replace' takes 2 arguments, got 1"},
		{"{{ x|default(a=1) }}", "a=1", "keyword arguments are not supported"},
		{"{{ x is odd }}", "odd", "unknown test 'odd'; supported: defined, undefined, none"},
		{"{{ x is defined y }}", "y }}", "test 'defined' takes no arguments"},
		{"{{ x[0] }}", "[", "subscripts are not supported"},
		{"{{ x + 1 }}", "+", "arithmetic '+' is not supported"},
		{"{{ x < 1 }}", "<", "comparison '<' is not supported"},
		{"{{ 1.5 }}", "1.5", "float literals are not supported"},
		{"{{ 1e5 }}", "1e5", "float literals are not supported"},
		{"{{ 007 }}", "007", "invalid integer literal"},
		{"{{ 99999999999999999999 }}", "999", "too large"},
		{"{{ x() }}", "(", "function and method calls are not supported"},
		{"{{ x.upper() }}", "(", "function and method calls are not supported"},
		{"{{ a == b == c }}", "== c", "chained comparisons are not supported"},
		{"{{ a if b else c }}", "if", "inline if expressions"},
		{"{{ a, b }}", ",", "tuples are not supported"},
		{"{{ (a }}", "}}", "expected ')'"},
		{"{{ }}", "}}", "expected an expression"},
		{"{{ x = 1 }}", "=", "assignment is not supported"},
		{"{{ 'abc }}", "'abc", "unterminated string literal"},
		{"{{ '\\x4' }}", "\\x4", "truncated \\x escape"},
		{"{{ '\\N{DASH}' }}", "\\N", "named escapes"},
		{"abc {{ x ", "{{", "unclosed {{: no }} before the end of the template"},
		{"{% if x ", "{%", "unclosed {%: no %} before the end of the template"},
		{"a {# x", "{#", "unclosed comment"},
		{"{% %}", "{%", "empty tag"},
		{"{% 1 %}", "1", "expected a tag name, got integer 1"},
		{"{{ and }}", "and", "expected an expression, got 'and'"},
		{"{{ 1.x }}", ".", "attribute access is only supported on variable names"},
		{"{{ x. }}", "}}", "expected a name after '.'"},
		{"{{ x|1 }}", "1", "expected a filter name"},
		{"{{ x | lower | bar(1) }}", "bar", "unknown filter 'bar'"},
		{"{{ é }}", "é", "unexpected character 'é'"},
		{"{%+ if x %}{% endif %}", "+", "arithmetic '+'"},
	}
	for _, tt := range tests {
		_, err := jinja.Parse(tt.src)
		var e *jinja.Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want a *jinja.Error", tt.src, err)
			continue
		}
		if at := strings.Index(tt.src, tt.at); e.Offset != at {
			t.Errorf("Parse(%q): offset %d, want %d (%q): %s", tt.src, e.Offset, at, tt.at, e.Msg)
		}
		if !strings.Contains(e.Msg, tt.want) {
			t.Errorf("Parse(%q): %q, want it to contain %q", tt.src, e.Msg, tt.want)
		}
	}
}

func TestParseTree(t *testing.T) {
	tpl := jinja.MustParse("a {%- if x is not defined and 'b' not in y|lower %}{{ callback.shop|d('z') ~ 1 }}{% elif not z %}c{% else %}{# c #}{% endif -%} \n")
	if len(tpl.Nodes) != 2 {
		t.Fatalf("nodes: %#v", tpl.Nodes)
	}
	if x := tpl.Nodes[0].(*jinja.Text); x.Text != "a" {
		t.Errorf("text before {%%-: %q", x.Text)
	}
	n := tpl.Nodes[1].(*jinja.If)
	if n.Offset != 2 || len(n.Branches) != 2 || n.Else == nil || len(n.Else) != 0 {
		t.Fatalf("if: %#v", n)
	}
	and := n.Branches[0].Cond.(*jinja.Binary)
	test := and.X.(*jinja.Test)
	if and.Op != jinja.OpAnd || test.Name != jinja.TestDefined || !test.Negated || test.X.(*jinja.Name).Name != "x" {
		t.Errorf("condition: %#v %#v", and, test)
	}
	in := and.Y.(*jinja.Binary)
	if in.Op != jinja.OpNotIn || in.Y.(*jinja.Filter).Name != "lower" {
		t.Errorf("not in: %#v", in)
	}
	out := n.Branches[0].Body[0].(*jinja.Output).X.(*jinja.Binary)
	f := out.X.(*jinja.Filter)
	if out.Op != jinja.OpConcat || f.Name != "default" || f.X.(*jinja.Name).Name != "callback.shop" || f.Args[0].(*jinja.Literal).Value != "z" || out.Y.(*jinja.Literal).Value != int64(1) {
		t.Errorf("output: %#v %#v", out, f)
	}
	if got := tpl.Names(); !reflect.DeepEqual(got, []string{"callback.shop", "x", "y", "z"}) {
		t.Errorf("Names() = %v", got)
	}
	if _, ok := tpl.Constant(); ok {
		t.Error("Constant() is true for a template with an if")
	}
	if s, ok := jinja.MustParse("https://x/{# note #}y\n").Constant(); !ok || s != "https://x/y" {
		t.Errorf("Constant() = %q, %v", s, ok)
	}
}
