package jinja

import (
	"fmt"
	"math"
	"strings"

	"github.com/oauthgen/oauthgen/jinja/filters"
)

// undefined is the value of a variable that is not in the map.
type undefined struct{}

// Render renders the template with vars, with the semantics of Python Jinja (default
// settings, no autoescape).
//
// Values are string, bool, nil (none), integers (int, int8..int64, uint8..uint32), and
// float64/float32 (uint and uint64 up to MaxInt64). A dotted name "callback.shop" is looked up in nested maps: vars["callback"]
// must be a map[string]string or map[string]any that holds "shop". A name missing from
// its map is undefined: it renders as "", "is defined" is false and default() applies.
// As in Jinja, reading "a.b" when "a" itself is undefined is an error, so callers put
// the parent map (possibly empty) in vars for every dotted prefix in the scope. Callers
// omit optional values that are empty (see Var.AlwaysDefined).
//
// The error, a *Error, comes from values that Jinja rejects (such as 'in' with a number);
// it never contains a variable's value.
func (t *Template) Render(vars map[string]any) (string, error) {
	return t.RenderEscaped(vars, nil)
}

// RenderEscaped is Render with the string of each output passed through esc (nil: none)
// before it is written: the interpreter of URL templates escapes each value by its
// context (see URL) this way, as compiled code does.
func (t *Template) RenderEscaped(vars map[string]any, esc func(o *Output, s string) string) (string, error) {
	r := &renderer{vars: vars, esc: esc}
	var b strings.Builder
	b.Grow(len(t.src) + 16) // usually the output is about as long as the template
	if err := r.nodes(&b, t.Nodes); err != nil {
		return "", err
	}
	return b.String(), nil
}

type renderer struct {
	vars map[string]any
	esc  func(*Output, string) string
}

func (r *renderer) nodes(b *strings.Builder, nodes []Node) error {
	for _, n := range nodes {
		switch n := n.(type) {
		case *Text:
			b.WriteString(n.Text)
		case *Output:
			v, err := r.eval(n.X)
			if err != nil {
				return err
			}
			s, err := str(v, n.X.Pos())
			if err != nil {
				return err
			}
			if r.esc != nil {
				s = r.esc(n, s)
			}
			b.WriteString(s)
		case *If:
			body := n.Else
			for _, br := range n.Branches {
				v, err := r.eval(br.Cond)
				if err != nil {
					return err
				}
				if truthy(v) {
					body = br.Body
					break
				}
			}
			if err := r.nodes(b, body); err != nil {
				return err
			}
		}
	}
	return nil
}

// normalize maps a Go value to the interpreter's values: undefined, nil, string, int64,
// float64, bool, map[string]any, map[string]string.
func normalize(v any) (any, bool) {
	switch v := v.(type) {
	case nil, string, int64, float64, bool, map[string]any, map[string]string:
		return v, true
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case uint:
		return int64(v), v <= math.MaxInt64
	case uint64:
		return int64(v), v <= math.MaxInt64
	case float32:
		return float64(v), true
	}
	return nil, false
}

func (r *renderer) lookup(e *Name) (any, error) {
	parts := strings.Split(e.Name, ".")
	v, ok := r.vars[parts[0]]
	if !ok {
		v = undefined{}
	}
	for i, p := range parts[1:] {
		switch m := v.(type) {
		case undefined:
			return nil, errorf(e.Offset, "'%s' is undefined", strings.Join(parts[:i+1], "."))
		case map[string]any:
			if v, ok = m[p]; !ok {
				v = undefined{}
			}
		case map[string]string:
			if v, ok = m[p]; !ok {
				v = undefined{}
			}
		default:
			v = undefined{}
		}
	}
	if _, ok := v.(undefined); ok {
		return v, nil
	}
	n, ok := normalize(v)
	if !ok {
		return nil, errorf(e.Offset, "variable '%s' has the unsupported Go type %T", e.Name, v)
	}
	return n, nil
}

func (r *renderer) eval(e Expr) (any, error) {
	switch e := e.(type) {
	case *Literal:
		return e.Value, nil
	case *Name:
		return r.lookup(e)
	case *Not:
		v, err := r.eval(e.X)
		if err != nil {
			return nil, err
		}
		return !truthy(v), nil
	case *Test:
		v, err := r.eval(e.X)
		if err != nil {
			return nil, err
		}
		var res bool
		switch e.Name {
		case TestDefined:
			_, undef := v.(undefined)
			res = !undef
		case TestNone:
			res = v == nil
		}
		return res != e.Negated, nil
	case *Binary:
		return r.binary(e)
	case *Filter:
		return r.filter(e)
	}
	return nil, errorf(e.Pos(), "unknown expression %T", e)
}

func (r *renderer) binary(e *Binary) (any, error) {
	x, err := r.eval(e.X)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case OpAnd:
		if !truthy(x) {
			return x, nil
		}
		return r.eval(e.Y)
	case OpOr:
		if truthy(x) {
			return x, nil
		}
		return r.eval(e.Y)
	}
	y, err := r.eval(e.Y)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case OpEq:
		return equal(x, y), nil
	case OpNe:
		return !equal(x, y), nil
	case OpIn, OpNotIn:
		res, err := contains(y, x, e.Offset)
		if err != nil {
			return nil, err
		}
		return res != (e.Op == OpNotIn), nil
	case OpConcat:
		xs, err := str(x, e.X.Pos())
		if err != nil {
			return nil, err
		}
		ys, err := str(y, e.Y.Pos())
		if err != nil {
			return nil, err
		}
		return xs + ys, nil
	}
	return nil, errorf(e.Offset, "unknown operator %s", e.Op)
}

func (r *renderer) filter(e *Filter) (any, error) {
	x, err := r.eval(e.X)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if args[i], err = r.eval(a); err != nil {
			return nil, err
		}
	}
	if e.Name == "default" {
		var d any = ""
		if len(args) > 0 {
			d = args[0]
		}
		_, undef := x.(undefined)
		if undef || len(args) > 1 && truthy(args[1]) && !truthy(x) {
			return d, nil
		}
		return x, nil
	}
	if e.Name == "urlencode" {
		if _, undef := x.(undefined); undef {
			return "", nil // Jinja iterates an undefined value: nothing to encode
		}
	}
	s, err := str(x, e.X.Pos())
	if err != nil {
		return nil, err
	}
	switch e.Name {
	case "lower":
		return filters.Lower(s), nil
	case "upper":
		return filters.Upper(s), nil
	case "urlencode":
		return filters.URLEncode(s), nil
	case "trim":
		if len(args) == 0 || args[0] == nil {
			return filters.Trim(s), nil
		}
		chars, ok := args[0].(string)
		if !ok {
			return nil, errorf(e.Args[0].Pos(), "the argument of trim must be a string or none, not %s", typeName(args[0]))
		}
		return filters.TrimChars(s, chars), nil
	case "replace":
		old, err := str(args[0], e.Args[0].Pos())
		if err != nil {
			return nil, err
		}
		repl, err := str(args[1], e.Args[1].Pos())
		if err != nil {
			return nil, err
		}
		return filters.Replace(s, old, repl), nil
	}
	return nil, errorf(e.Offset, "unknown filter '%s'", e.Name)
}

// str is Python's str() of a value; undefined is "".
func str(v any, off int) (string, error) {
	switch v := v.(type) {
	case undefined:
		return "", nil
	case nil:
		return "None", nil
	case string:
		return v, nil
	case int64:
		return filters.Int(v), nil
	case float64:
		return filters.Float(v), nil
	case bool:
		return filters.Bool(v), nil
	}
	return "", errorf(off, "cannot render %s: only strings, numbers, booleans and none", typeName(v))
}

func typeName(v any) string {
	switch v.(type) {
	case undefined:
		return "an undefined value"
	case nil:
		return "none"
	case string:
		return "a string"
	case int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any, map[string]string:
		return "a map"
	}
	return fmt.Sprintf("%T", v)
}

func truthy(v any) bool {
	switch v := v.(type) {
	case undefined, nil:
		return false
	case string:
		return v != ""
	case int64:
		return v != 0
	case float64:
		return v != 0
	case bool:
		return v
	case map[string]any:
		return len(v) > 0
	case map[string]string:
		return len(v) > 0
	}
	return true
}

// number returns the numeric value of an int, float or bool, as Python compares them.
func number(v any) (float64, int64, bool, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), v, true, true
	case bool:
		if v {
			return 1, 1, true, true
		}
		return 0, 0, true, true
	case float64:
		return v, 0, false, true
	}
	return 0, 0, false, false
}

// equal is Python's == for the interpreter's values.
func equal(x, y any) bool {
	if xf, xi, xint, ok := number(x); ok {
		yf, yi, yint, ok := number(y)
		if !ok {
			return false
		}
		if xint && yint {
			return xi == yi
		}
		return xf == yf
	}
	switch x := x.(type) {
	case undefined:
		_, ok := y.(undefined)
		return ok
	case nil:
		return y == nil
	case string:
		s, ok := y.(string)
		return ok && s == x
	case map[string]any, map[string]string:
		return false // maps are not comparable in templates of the subset
	}
	return false
}

// contains is Python's "needle in haystack".
func contains(haystack, needle any, off int) (bool, error) {
	switch h := haystack.(type) {
	case undefined:
		return false, nil // iterating an undefined value yields nothing
	case string:
		n, ok := needle.(string)
		if !ok {
			return false, errorf(off, "'in <string>' requires a string as left operand, not %s", typeName(needle))
		}
		return strings.Contains(h, n), nil
	case map[string]any:
		n, ok := needle.(string)
		_, found := h[n]
		return ok && found, nil
	case map[string]string:
		n, ok := needle.(string)
		_, found := h[n]
		return ok && found, nil
	}
	return false, errorf(off, "the right side of 'in' must be a string, not %s", typeName(haystack))
}
