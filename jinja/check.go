package jinja

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/internal/suggest"
)

// Kind is the type of a template variable.
type Kind uint8

// The variable kinds. An auth_form field of type text or password is a String, select is
// a Select, number is a Number, checkbox is a Bool. client_id, redirect_url, state,
// callback.* , credentials.*, token and token_format are Strings.
const (
	String Kind = iota
	Select      // a String whose value is one of Var.Enum
	Number      // an integer
	Bool
)

// String returns the kind's name: "string", "select", "number" or "boolean".
func (k Kind) String() string {
	switch k {
	case String:
		return "string"
	case Select:
		return "select"
	case Number:
		return "number"
	case Bool:
		return "boolean"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// FieldKind returns the Kind of an auth_form field type ("text", "password", "select",
// "number", "checkbox"; "" means text) and false for an unknown type.
func FieldKind(fieldType string) (Kind, bool) {
	switch fieldType {
	case "", "text", "password":
		return String, true
	case "select":
		return Select, true
	case "number":
		return Number, true
	case "checkbox":
		return Bool, true
	}
	return 0, false
}

// Var describes a variable a template may read.
type Var struct {
	// Name is the variable's full name: "scope", "callback.shop", "credentials.team_id".
	Name string
	Kind Kind
	// Enum lists the values of a Select.
	Enum []string
	// AlwaysDefined says the variable always has a value: a field with a default, a
	// required field, client_id. Otherwise the variable may be undefined; for Render,
	// an undefined variable is one missing from the map, and callers omit an optional
	// String that is empty, so that "is defined" means "was given a non-empty value".
	AlwaysDefined bool
}

// Scope is the set of variables defined at one place of a connector. The caller builds
// it: every auth_form field (FieldKind, AlwaysDefined when it has a default or is
// required); client_id (String, always defined); redirect_url and state (String) where
// the flow has them; callback.<name> for each callback_params entry and
// credentials.<name> for each token_metadata entry (String, not always defined) where
// the token exists; token and token_format (String, always defined) in the header block.
type Scope []Var

// Lookup returns the variable named name.
func (s Scope) Lookup(name string) (Var, bool) {
	for _, v := range s {
		if v.Name == name {
			return v, true
		}
	}
	return Var{}, false
}

// typ is the static type of an expression.
type typ uint8

const (
	tyStr typ = iota
	tyInt
	tyBool
	tyNone
	tyMixed // one of two different types (or, and, default)
)

func (t typ) String() string {
	return [...]string{"a string", "a number", "a boolean", "none", "a value of varying type"}[t]
}

// info is what Check knows about an expression.
type info struct {
	ty         typ
	maybeUndef bool
	enum       []string // a Select variable's values
	name       string   // the variable, for messages
}

func unify(a, b typ) typ {
	if a == b {
		return a
	}
	return tyMixed
}

// Check reports every use of the template that real Jinja would not render as the
// author meant, given the variables of scope: unknown variables, comparisons of a
// select with a value outside its enum, comparisons that are always false because the
// types differ, and 'in' operands that would make Jinja fail. A template that passes
// Check renders without error, and package gocode compiles it.
func (t *Template) Check(scope Scope) []*Error {
	c := &checker{scope: scope}
	walkNodes(t.Nodes, func(e Expr) { c.expr(e) })
	return c.errs
}

type checker struct {
	scope Scope
	errs  []*Error
}

func (c *checker) errorf(off int, format string, args ...any) {
	c.errs = append(c.errs, errorf(off, format, args...))
}

func (c *checker) expr(e Expr) info {
	switch e := e.(type) {
	case *Literal:
		switch e.Value.(type) {
		case string:
			return info{ty: tyStr}
		case int64:
			return info{ty: tyInt}
		case bool:
			return info{ty: tyBool}
		}
		return info{ty: tyNone}
	case *Name:
		v, ok := c.scope.Lookup(e.Name)
		if !ok {
			c.errorf(e.Offset, "%s", c.unknown(e.Name))
			return info{ty: tyMixed, maybeUndef: true, name: e.Name}
		}
		in := info{maybeUndef: !v.AlwaysDefined, name: e.Name}
		switch v.Kind {
		case Number:
			in.ty = tyInt
		case Bool:
			in.ty = tyBool
		case Select:
			in.enum = v.Enum
		}
		return in
	case *Not:
		c.expr(e.X)
		return info{ty: tyBool}
	case *Test:
		c.expr(e.X)
		return info{ty: tyBool}
	case *Binary:
		x, y := c.expr(e.X), c.expr(e.Y)
		switch e.Op {
		case OpConcat:
			return info{ty: tyStr}
		case OpOr:
			return info{ty: unify(x.ty, y.ty), maybeUndef: y.maybeUndef}
		case OpAnd:
			return info{ty: unify(x.ty, y.ty), maybeUndef: x.maybeUndef || y.maybeUndef}
		case OpEq, OpNe:
			c.compare(e, x, y)
		case OpIn, OpNotIn:
			c.in(e, x, y)
		}
		return info{ty: tyBool}
	case *Filter:
		x := c.expr(e.X)
		args := make([]info, len(e.Args))
		for i, a := range e.Args {
			args[i] = c.expr(a)
		}
		switch e.Name {
		case "default":
			d := info{ty: tyStr}
			if len(args) > 0 {
				d = args[0]
			}
			if !x.maybeUndef && len(args) < 2 {
				x.enum = nil
				return x
			}
			return info{ty: unify(x.ty, d.ty), maybeUndef: d.maybeUndef}
		case "trim":
			if len(args) == 1 && !(args[0].ty == tyStr && !args[0].maybeUndef || args[0].ty == tyNone) {
				c.errorf(e.Args[0].Pos(), "the argument of trim must be a string that is always defined, not %s", describeInfo(args[0]))
			}
		}
		return info{ty: tyStr}
	}
	return info{ty: tyMixed}
}

func describeInfo(in info) string {
	s := in.ty.String()
	if in.name != "" {
		s = in.name + " (" + s + ")"
	}
	if in.maybeUndef && in.ty != tyMixed {
		s += " that may be undefined"
	}
	return s
}

func (c *checker) compare(e *Binary, x, y info) {
	if x.ty == tyMixed || y.ty == tyMixed {
		if x.name != "" && !c.known(x.name) || y.name != "" && !c.known(y.name) {
			return // already reported
		}
		c.errorf(e.Offset, "cannot compare a value whose type varies (or, and, default of another type): make both sides the same type")
		return
	}
	if x.ty != y.ty && x.ty != tyNone && y.ty != tyNone {
		c.errorf(e.Offset, "%s is %s and %s is %s: '%s' is always %v", operand(e.X), x.ty, operand(e.Y), y.ty, e.Op, e.Op == OpNe)
		return
	}
	check := func(sel info, lit Expr) {
		l, ok := lit.(*Literal)
		if !ok || sel.enum == nil {
			return
		}
		s, ok := l.Value.(string)
		if ok && !slices.Contains(sel.enum, s) {
			c.errorf(l.Offset, "%q is not a value of %s: it is one of %s", s, sel.name, strings.Join(sel.enum, ", "))
		}
	}
	check(x, e.Y)
	check(y, e.X)
}

func operand(e Expr) string {
	switch e := e.(type) {
	case *Name:
		return e.Name
	case *Literal:
		if s, ok := e.Value.(string); ok {
			return fmt.Sprintf("%q", s)
		}
		return fmt.Sprint(e.Value)
	}
	return "the expression"
}

func (c *checker) in(e *Binary, x, y info) {
	if x.name != "" && !c.known(x.name) || y.name != "" && !c.known(y.name) {
		return
	}
	if y.ty != tyStr {
		c.errorf(e.Offset, "the right side of '%s' must be a string, not %s", e.Op, describeInfo(y))
		return
	}
	if x.ty != tyStr || x.maybeUndef {
		c.errorf(e.Offset, "the left side of '%s' must be a string that is always defined (Jinja fails otherwise), not %s; test it with 'is defined' first or use default()", e.Op, describeInfo(x))
	}
}

func (c *checker) known(name string) bool {
	_, ok := c.scope.Lookup(name)
	return ok
}

// unknown builds the message for an unknown variable: the closest defined name, and
// the defined names.
func (c *checker) unknown(name string) string {
	names := make([]string, len(c.scope))
	for i, v := range c.scope {
		names[i] = v.Name
	}
	slices.Sort(names)
	msg := fmt.Sprintf("unknown variable '%s'", name)
	if best := suggest.Closest(name, names); best != "" {
		msg += fmt.Sprintf(" (did you mean '%s'?)", best)
	}
	var children []string
	for _, n := range names {
		if strings.HasPrefix(n, name+".") {
			children = append(children, n)
		}
	}
	if len(children) > 0 {
		msg += fmt.Sprintf("; '%s' is not a value, use one of %s", name, strings.Join(children, ", "))
	}
	if len(names) == 0 {
		return msg + "; no variables are defined here"
	}
	return msg + "; defined here: " + strings.Join(names, ", ")
}
