// Package gocode compiles a checked template of package jinja to straight Go code over
// typed values, with github.com/dave/jennifer. Generated code needs no template engine:
// it uses only the standard library and package jinja/filters.
//
// The caller binds every variable the template reads to a Go expression (a Binding), and
// gets back the statements of a function body that returns the rendered string:
//
//	c, err := gocode.Compile(t, bind)
//	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id("scope").Params().String().Block(c.Body...)
//
// or, when c.IsConst, the string c.Const. The compiler simplifies at compile time: an
// "is defined" test on an AlwaysDefined variable is true and its branch disappears; on a
// String it is a non-empty check; "environment == 'Sandbox'" on a Select compares with
// the enum constant; constant sub-expressions are folded.
//
// The code renders exactly what jinja.(*Template).Render renders for the same values (see
// Binding for how undefined values are represented), and each call allocates at most
// once: each if-branch returns one concatenation, or, when a template has many
// if-branches in sequence, each if sets string locals and one concatenation ends the
// function. Filters that change a string, and numbers of 100 or more, allocate their own
// result.
package gocode

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/jinja/filters"
)

// FiltersPath is the import path of package filters, which generated code may use.
const FiltersPath = "github.com/oauthgen/oauthgen/jinja/filters"

// Binding says how generated code reads one template variable.
type Binding struct {
	// Expr is the Go expression of the value: of a string type for String, of a string
	// type (usually a named one with constants) for Select, of an integer type for
	// Number, of type bool for Bool.
	Expr jen.Code
	Kind jinja.Kind
	// Enum lists a Select's values; comparisons with other values are false.
	Enum []string
	// EnumConst returns the Go constant of a Select value, such as
	// jen.Id("EnvironmentSandbox"). Nil: comparisons use the string literal.
	EnumConst func(value string) jen.Code
	// AlwaysDefined says the variable always has a value (Var.AlwaysDefined).
	AlwaysDefined bool
	// Defined is a Go boolean expression that is true when the variable is defined;
	// only used when AlwaysDefined is false. Nil means: Expr != "" for a String or
	// Select, Expr != 0 for a Number; a Bool without Defined is always defined.
	Defined jen.Code
}

// Compiled is a compiled template.
type Compiled struct {
	// IsConst says the template renders the same string for every value of its
	// variables; Const is that string.
	IsConst bool
	Const   string
	// Body are the statements of a function body that returns the rendered string
	// (for a constant template, a single return of Const).
	Body []jen.Code
}

// MaxPaths is the number of paths through the if-branches of a template up to which
// each path gets its own return statement; beyond it, ifs assign string locals.
const MaxPaths = 16

// Compile compiles t. bind returns the binding of a variable by its full name; an
// unbound variable, or a use that Check reports, is an error (a *jinja.Error).
func Compile(t *jinja.Template, bind func(name string) (Binding, bool)) (*Compiled, error) {
	return CompileEscaped(t, bind, nil)
}

// CompileEscaped is Compile with the string of each output passed through esc (nil:
// none): esc returns the Go expression of the escaped value from the expression of
// the value. It is how URL templates escape each value by its context, as
// jinja.(*Template).RenderEscaped does in the interpreter. An escaped output is never
// folded into a constant.
func CompileEscaped(t *jinja.Template, bind func(name string) (Binding, bool), esc func(o *jinja.Output, value jen.Code) jen.Code) (*Compiled, error) {
	c := &compiler{bind: bind, vars: map[string]Binding{}, esc: esc}
	for _, name := range t.Names() {
		b, ok := bind(name)
		if !ok {
			return nil, &jinja.Error{Offset: firstUse(t, name), Msg: fmt.Sprintf("variable '%s' has no Go binding", name)}
		}
		c.vars[name] = b
	}
	var tooBig *jinja.Error
	walkExprs(t.Nodes, func(e jinja.Expr) {
		if tooBig == nil && weight(e) > MaxWeight {
			tooBig = &jinja.Error{Offset: e.Pos(), Msg: "expression too complex to compile: simplify its nested or/and/default"}
		}
	})
	if tooBig != nil {
		return nil, tooBig
	}
	var stmts []jen.Code
	if paths(t.Nodes) <= MaxPaths {
		stmts = c.expand(t.Nodes, nil)
	} else {
		s, ps := c.locals(t.Nodes)
		stmts = append(s, ret(ps))
	}
	if c.err != nil {
		return nil, c.err
	}
	if c.dynamicIfs == 0 && c.constRet != nil {
		return &Compiled{IsConst: true, Const: *c.constRet, Body: []jen.Code{jen.Return(jen.Lit(*c.constRet))}}, nil
	}
	return &Compiled{Body: stmts}, nil
}

// MaxWeight bounds the size of the Go code of one expression. or, and and default
// repeat their left operand (for its truth and its value), so nesting them multiplies
// the code; templates of real connectors stay far below the bound.
const MaxWeight = 4096

// weight is an upper bound of the size of the Go code of e, saturating.
func weight(e jinja.Expr) int {
	switch e := e.(type) {
	case *jinja.Not:
		return 1 + weight(e.X)
	case *jinja.Test:
		return 1 + weight(e.X)
	case *jinja.Binary:
		x, y := weight(e.X), weight(e.Y)
		if e.Op == jinja.OpOr || e.Op == jinja.OpAnd {
			return min(1+4*x+2*y, 1<<30)
		}
		return min(1+x+y, 1<<30)
	case *jinja.Filter:
		n := weight(e.X)
		for _, a := range e.Args {
			n += weight(a)
		}
		if e.Name == "default" {
			n *= 4
		}
		return min(1+n, 1<<30)
	}
	return 1
}

func walkExprs(nodes []jinja.Node, f func(jinja.Expr)) {
	for _, n := range nodes {
		switch n := n.(type) {
		case *jinja.Output:
			f(n.X)
		case *jinja.If:
			for _, b := range n.Branches {
				f(b.Cond)
				walkExprs(b.Body, f)
			}
			walkExprs(n.Else, f)
		}
	}
}

func firstUse(t *jinja.Template, name string) int {
	off := 0
	var find func(e jinja.Expr)
	find = func(e jinja.Expr) {
		switch e := e.(type) {
		case *jinja.Name:
			if e.Name == name && off == 0 {
				off = e.Offset
			}
		case *jinja.Not:
			find(e.X)
		case *jinja.Binary:
			find(e.X)
			find(e.Y)
		case *jinja.Test:
			find(e.X)
		case *jinja.Filter:
			find(e.X)
			for _, a := range e.Args {
				find(a)
			}
		}
	}
	var walk func([]jinja.Node)
	walk = func(nodes []jinja.Node) {
		for _, n := range nodes {
			switch n := n.(type) {
			case *jinja.Output:
				find(n.X)
			case *jinja.If:
				for _, b := range n.Branches {
					find(b.Cond)
					walk(b.Body)
				}
				walk(n.Else)
			}
		}
	}
	walk(t.Nodes)
	return off
}

type compiler struct {
	bind       func(string) (Binding, bool)
	esc        func(*jinja.Output, jen.Code) jen.Code
	vars       map[string]Binding
	err        error
	nlocals    int
	dynamicIfs int
	constRet   *string
}

func (c *compiler) fail(off int, format string, args ...any) {
	if c.err == nil {
		c.err = &jinja.Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
}

// paths counts the paths through the if-branches of nodes, saturating.
func paths(nodes []jinja.Node) int {
	n := 1
	for _, x := range nodes {
		if x, ok := x.(*jinja.If); ok {
			sum := paths(x.Else)
			for _, b := range x.Branches {
				sum += paths(b.Body)
			}
			n = min(n*sum, 1<<20)
		}
	}
	return n
}

// piece is one operand of the final concatenation.
type piece struct {
	konst bool
	s     string
	code  jen.Code
}

func (c *compiler) outputPiece(o *jinja.Output) piece {
	v := c.expr(o.X)
	s, konst := v.constStr()
	switch {
	case c.esc != nil && konst:
		return piece{code: c.esc(o, jen.Lit(s))}
	case c.esc != nil:
		return piece{code: c.esc(o, v.str())}
	case konst:
		return piece{konst: true, s: s}
	}
	return piece{code: v.str()}
}

// expand compiles nodes after the pieces already collected, giving each path its own
// return.
func (c *compiler) expand(nodes []jinja.Node, pieces []piece) []jen.Code {
	var stmts []jen.Code
	for i, n := range nodes {
		switch n := n.(type) {
		case *jinja.Text:
			pieces = append(pieces, piece{konst: true, s: n.Text})
		case *jinja.Output:
			pieces = append(pieces, c.outputPiece(n))
		case *jinja.If:
			rest := nodes[i+1:]
			for _, b := range n.Branches {
				cond := c.expr(b.Cond).truth()
				if cond.k == kFalse {
					continue
				}
				body := append(append([]jinja.Node{}, b.Body...), rest...)
				if cond.k == kTrue {
					return append(stmts, c.expand(body, clonePieces(pieces))...)
				}
				c.dynamicIfs++
				stmts = append(stmts, jen.If(cond.code()).Block(c.expand(body, clonePieces(pieces))...))
			}
			body := append(append([]jinja.Node{}, n.Else...), rest...)
			return append(stmts, c.expand(body, pieces)...)
		}
	}
	r := ret(pieces)
	if s, ok := joinConst(pieces); ok && len(stmts) == 0 {
		if c.constRet == nil || *c.constRet == s {
			c.constRet = &s
		} else {
			c.dynamicIfs++ // two different constant returns: not a constant template
		}
	}
	return append(stmts, r)
}

func clonePieces(p []piece) []piece { return append([]piece(nil), p...) }

func joinConst(pieces []piece) (string, bool) {
	s := ""
	for _, p := range pieces {
		if !p.konst {
			return "", false
		}
		s += p.s
	}
	return s, true
}

// ret returns "return p1 + p2 + ...", merging adjacent constants.
func ret(pieces []piece) jen.Code {
	var ops []jen.Code
	var buf string
	have := false
	for _, p := range pieces {
		if p.konst {
			buf += p.s
			have = true
			continue
		}
		if have && buf != "" {
			ops = append(ops, jen.Lit(buf))
		}
		buf, have = "", false
		ops = append(ops, p.code)
	}
	if have && buf != "" {
		ops = append(ops, jen.Lit(buf))
	}
	if len(ops) == 0 {
		return jen.Return(jen.Lit(""))
	}
	e := jen.Add(ops[0])
	for _, o := range ops[1:] {
		e = e.Op("+").Add(o)
	}
	return jen.Return(e)
}

// locals compiles nodes into statements and the pieces of the final concatenation; each
// if assigns its output to fresh string locals.
func (c *compiler) locals(nodes []jinja.Node) ([]jen.Code, []piece) {
	var stmts []jen.Code
	var pieces []piece
	for _, n := range nodes {
		switch n := n.(type) {
		case *jinja.Text:
			pieces = append(pieces, piece{konst: true, s: n.Text})
		case *jinja.Output:
			pieces = append(pieces, c.outputPiece(n))
		case *jinja.If:
			type arm struct {
				cond   cond
				stmts  []jen.Code
				pieces []piece
			}
			var arms []arm
			final := false
			for _, b := range n.Branches {
				cd := c.expr(b.Cond).truth()
				if cd.k == kFalse {
					continue
				}
				s, p := c.locals(b.Body)
				arms = append(arms, arm{cd, s, mergeConst(p)})
				if cd.k == kTrue {
					final = true
					break
				}
			}
			if !final {
				s, p := c.locals(n.Else)
				arms = append(arms, arm{condTrue, s, mergeConst(p)})
			}
			if len(arms) == 1 { // only one arm can run: inline it
				stmts = append(stmts, arms[0].stmts...)
				pieces = append(pieces, arms[0].pieces...)
				continue
			}
			c.dynamicIfs++
			k := 0
			for _, a := range arms {
				k = max(k, len(a.pieces))
			}
			names := make([]jen.Code, k)
			for i := range names {
				c.nlocals++
				names[i] = jen.Id("s" + strconv.Itoa(c.nlocals))
				pieces = append(pieces, piece{code: names[i]})
			}
			if k > 0 {
				stmts = append(stmts, jen.Var().List(names...).String())
			}
			var chain *jen.Statement
			for i, a := range arms {
				block := append([]jen.Code{}, a.stmts...)
				for j, p := range a.pieces {
					val := p.code
					if p.konst {
						val = jen.Lit(p.s)
					}
					block = append(block, jen.Add(names[j]).Op("=").Add(val))
				}
				switch {
				case i == 0:
					chain = jen.If(a.cond.code()).Block(block...)
				case a.cond.k == kTrue:
					if len(block) > 0 {
						chain = chain.Else().Block(block...)
					}
				default:
					chain = chain.Else().If(a.cond.code()).Block(block...)
				}
			}
			stmts = append(stmts, chain)
		}
	}
	return stmts, pieces
}

func mergeConst(pieces []piece) []piece {
	var out []piece
	for _, p := range pieces {
		if p.konst && p.s == "" {
			continue
		}
		if p.konst && len(out) > 0 && out[len(out)-1].konst {
			out[len(out)-1].s += p.s
			continue
		}
		out = append(out, p)
	}
	return out
}

var _ = filters.Bool // generated code refers to package filters by FiltersPath
