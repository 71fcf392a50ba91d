package jinja

import (
	"fmt"
	"slices"
)

// Error is a problem found in a template: a syntax error from Parse, a check error
// from Check, or a render error from Render. Offset is the byte offset in the template
// source of the character the problem is about, so that a caller that knows where the
// template sits in a file can report file:line:col.
type Error struct {
	Offset int    // byte offset in the template source
	Msg    string // what is wrong, without position
}

// Error returns "offset N: message".
func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

func errorf(off int, format string, args ...any) *Error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// Template is a parsed template. Its Nodes are the template's top-level nodes, with
// whitespace control already applied to the Text nodes. A Template is immutable and safe
// for concurrent use.
type Template struct {
	src   string
	Nodes []Node
}

// Source returns the text the template was parsed from.
func (t *Template) Source() string { return t.src }

// Node is one piece of a template: *Text, *Output or *If.
type Node interface {
	// Pos is the byte offset in the source where the node starts.
	Pos() int
	node()
}

// Text is literal output. Its Text has newlines normalized to "\n" and whitespace
// control applied, exactly as Jinja would output it.
type Text struct {
	Offset int
	Text   string
}

// Output is a {{ expression }}.
type Output struct {
	Offset int // the "{{"
	X      Expr
}

// If is an {% if %} block with its {% elif %} branches and optional {% else %}.
type If struct {
	Offset   int       // the "{%" of the if tag
	Branches []*Branch // the if branch, then each elif branch, in order
	Else     []Node    // the else body; nil when there is no else
}

// Branch is the condition and body of an if or elif.
type Branch struct {
	Offset int // the "{%" of the if or elif tag
	Cond   Expr
	Body   []Node
}

// Pos implements Node.
func (n *Text) Pos() int { return n.Offset }

// Pos implements Node.
func (n *Output) Pos() int { return n.Offset }

// Pos implements Node.
func (n *If) Pos() int { return n.Offset }

func (*Text) node()   {}
func (*Output) node() {}
func (*If) node()     {}

// Expr is an expression: *Literal, *Name, *Not, *Binary, *Test or *Filter.
type Expr interface {
	// Pos is the byte offset in the source of the token the expression is about: the
	// literal, the name, the operator, the "is" of a test, the filter name.
	Pos() int
	expr()
}

// Literal is a constant: a string, an int64, a bool, or nil for none.
type Literal struct {
	Offset int
	Value  any // string, int64, bool or nil
}

// Name is a variable, possibly dotted: "scope", "callback.shop".
type Name struct {
	Offset int
	Name   string // the full dotted name
}

// Not is "not X".
type Not struct {
	Offset int
	X      Expr
}

// Op is a binary operator.
type Op string

// The binary operators of the subset.
const (
	OpEq     Op = "=="
	OpNe     Op = "!="
	OpAnd    Op = "and"
	OpOr     Op = "or"
	OpIn     Op = "in"
	OpNotIn  Op = "not in"
	OpConcat Op = "~"
)

// Binary is "X op Y".
type Binary struct {
	Offset int // the operator
	Op     Op
	X, Y   Expr
}

// TestName is the name of a test ("x is defined").
type TestName string

// The tests of the subset. "is undefined" is parsed as a negated TestDefined.
const (
	TestDefined TestName = "defined"
	TestNone    TestName = "none"
)

// Test is "X is [not] defined" or "X is [not] none".
type Test struct {
	Offset  int // the "is"
	X       Expr
	Name    TestName
	Negated bool
}

// Filter is "X | name(args)". Name is canonical: the alias "d" is stored as "default".
type Filter struct {
	Offset int // the filter name
	X      Expr
	Name   string
	Args   []Expr
}

// Pos implements Expr.
func (e *Literal) Pos() int { return e.Offset }

// Pos implements Expr.
func (e *Name) Pos() int { return e.Offset }

// Pos implements Expr.
func (e *Not) Pos() int { return e.Offset }

// Pos implements Expr.
func (e *Binary) Pos() int { return e.Offset }

// Pos implements Expr.
func (e *Test) Pos() int { return e.Offset }

// Pos implements Expr.
func (e *Filter) Pos() int { return e.Offset }

func (*Literal) expr() {}
func (*Name) expr()    {}
func (*Not) expr()     {}
func (*Binary) expr()  {}
func (*Test) expr()    {}
func (*Filter) expr()  {}

// Constant returns the output of a template that has no {{ }} and no {% %} (comments
// are allowed), and whether it is such a template.
func (t *Template) Constant() (string, bool) {
	s := ""
	for _, n := range t.Nodes {
		x, ok := n.(*Text)
		if !ok {
			return "", false
		}
		s += x.Text
	}
	return s, true
}

// Names returns the sorted, distinct names of the variables the template reads, dotted
// names in full ("callback.shop").
func (t *Template) Names() []string {
	seen := map[string]bool{}
	var walkE func(Expr)
	walkE = func(e Expr) {
		switch e := e.(type) {
		case *Name:
			seen[e.Name] = true
		case *Not:
			walkE(e.X)
		case *Binary:
			walkE(e.X)
			walkE(e.Y)
		case *Test:
			walkE(e.X)
		case *Filter:
			walkE(e.X)
			for _, a := range e.Args {
				walkE(a)
			}
		}
	}
	walkNodes(t.Nodes, walkE)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func walkNodes(nodes []Node, f func(Expr)) {
	for _, n := range nodes {
		switch n := n.(type) {
		case *Output:
			f(n.X)
		case *If:
			for _, b := range n.Branches {
				f(b.Cond)
				walkNodes(b.Body, f)
			}
			walkNodes(n.Else, f)
		}
	}
}
