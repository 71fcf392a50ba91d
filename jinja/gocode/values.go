package gocode

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/jinja/filters"
)

// cond is a Go boolean expression, possibly known at compile time.
type cond struct {
	k    int      // kDyn, kTrue or kFalse
	c    jen.Code // the expression when kDyn
	neg  jen.Code // its negation, when simpler than !(c)
	prec int      // precedence of c: 1 ||, 2 &&, 3 comparison, 4 operand
}

const (
	kDyn = iota
	kTrue
	kFalse
)

var (
	condTrue  = cond{k: kTrue}
	condFalse = cond{k: kFalse}
)

func constCond(b bool) cond {
	if b {
		return condTrue
	}
	return condFalse
}

func (c cond) code() jen.Code {
	switch c.k {
	case kTrue:
		return jen.True()
	case kFalse:
		return jen.False()
	}
	return c.c
}

// operand returns the code parenthesized if its precedence is below p.
func (c cond) operand(p int) jen.Code {
	if c.k == kDyn && c.prec < p {
		return jen.Parens(c.c)
	}
	return c.code()
}

func cmp(a jen.Code, op string, b jen.Code, negOp string) cond {
	return cond{c: jen.Add(a).Op(op).Add(b), neg: jen.Add(a).Op(negOp).Add(b), prec: 3}
}

func notC(a cond) cond {
	switch a.k {
	case kTrue:
		return condFalse
	case kFalse:
		return condTrue
	}
	if a.neg != nil {
		return cond{c: a.neg, neg: a.c, prec: a.prec}
	}
	return cond{c: jen.Op("!").Add(a.operand(4)), neg: a.c, prec: 4}
}

func andC(a, b cond) cond {
	switch {
	case a.k == kFalse || b.k == kFalse:
		return condFalse
	case a.k == kTrue:
		return b
	case b.k == kTrue:
		return a
	}
	return cond{c: jen.Add(a.operand(2)).Op("&&").Add(b.operand(2)), prec: 2}
}

func orC(a, b cond) cond {
	switch {
	case a.k == kTrue || b.k == kTrue:
		return condTrue
	case a.k == kFalse:
		return b
	case b.k == kFalse:
		return a
	}
	return cond{c: jen.Add(a.c).Op("||").Add(b.c), prec: 1}
}

// pick is "c ? a : b" on conditions.
func pick(c, a, b cond) cond { return orC(andC(c, a), andC(notC(c), b)) }

// typ is the static type of a value.
type typ uint8

const (
	tyStr typ = iota
	tyInt
	tyBool
	tyNone
	tyMixed
)

// val is a compiled expression.
type val struct {
	ty      typ
	isConst bool
	konst   any      // string, int64, bool or nil when isConst
	code    jen.Code // typed Go expression (not for tyNone, tyMixed)
	raw     jen.Code // a Select's own expression (named type), for enum comparisons
	enum    []string // a Select's values
	enumC   func(string) jen.Code
	defined cond
	isNone  cond
	// emptyUndef: a string whose Go value is "" exactly when it is undefined.
	emptyUndef bool
	// for tyMixed: the rendering and truthiness
	mixedStr   jen.Code
	mixedTruth cond
}

func constVal(v any) val {
	x := val{isConst: true, konst: v, defined: condTrue, isNone: condFalse}
	switch v := v.(type) {
	case string:
		x.ty, x.code, x.emptyUndef = tyStr, jen.Lit(v), v != ""
	case int64:
		x.ty, x.code = tyInt, intLit(v)
	case bool:
		x.ty, x.code = tyBool, jen.Lit(v)
	case nil:
		x.ty, x.isNone = tyNone, condTrue
	}
	return x
}

func intLit(v int64) jen.Code {
	if int64(int(v)) == v {
		return jen.Lit(int(v))
	}
	return jen.Lit(v)
}

func boolVal(c cond) val {
	if c.k != kDyn {
		return constVal(c.k == kTrue)
	}
	return val{ty: tyBool, code: c.operand(4), defined: condTrue, isNone: condFalse, mixedTruth: c}
}

// pyStr is Python's str() of a constant.
func pyStr(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return filters.Int(v)
	case bool:
		return filters.Bool(v)
	}
	return "None"
}

func (v val) constStr() (string, bool) {
	if !v.isConst {
		return "", false
	}
	return pyStr(v.konst), true
}

// str is the Go string expression of Python's str() of the value ("" when undefined).
func (v val) str() jen.Code {
	if s, ok := v.constStr(); ok {
		return jen.Lit(s)
	}
	var s jen.Code
	switch v.ty {
	case tyMixed:
		return v.mixedStr
	case tyNone:
		s = jen.Lit("None")
	case tyStr:
		s = v.code
		if v.emptyUndef {
			return s
		}
	case tyInt:
		s = jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(v.code), jen.Lit(10))
	case tyBool:
		s = jen.Qual(FiltersPath, "Bool").Call(v.code)
	}
	if v.defined.k == kTrue {
		return s
	}
	if v.defined.k == kFalse {
		return jen.Lit("")
	}
	return jen.Qual(FiltersPath, "Cond").Call(v.defined.code(), s, jen.Lit(""))
}

// truth is the value's truthiness.
func (v val) truth() cond {
	if v.isConst {
		switch k := v.konst.(type) {
		case string:
			return constCond(k != "")
		case int64:
			return constCond(k != 0)
		case bool:
			return constCond(k)
		}
		return condFalse
	}
	var t cond
	switch v.ty {
	case tyMixed:
		return v.mixedTruth
	case tyNone:
		return condFalse
	case tyStr:
		t = cmp(v.code, "!=", jen.Lit(""), "==")
		if v.emptyUndef {
			return t
		}
	case tyInt:
		t = cmp(v.code, "!=", jen.Lit(0), "==")
	case tyBool:
		if v.mixedTruth.c != nil {
			t = v.mixedTruth
		} else {
			t = cond{c: v.code, prec: 4}
		}
	}
	return andC(v.defined, t)
}

// choose is "c ? a : b" on values.
func choose(c cond, a, b val) val {
	switch c.k {
	case kTrue:
		return a
	case kFalse:
		return b
	}
	r := val{
		defined: pick(c, a.defined, b.defined),
		isNone:  pick(c, a.isNone, b.isNone),
	}
	if a.ty == b.ty && a.ty != tyMixed && a.ty != tyNone {
		r.ty = a.ty
		r.code = jen.Qual(FiltersPath, "Cond").Call(c.code(), a.code, b.code)
		if a.ty == tyStr {
			r.code = jen.Qual(FiltersPath, "Cond").Call(c.code(), a.str(), b.str())
			r.emptyUndef = a.emptyUndef && b.emptyUndef
		}
		return r
	}
	r.ty = tyMixed
	r.mixedStr = jen.Qual(FiltersPath, "Cond").Call(c.code(), a.str(), b.str())
	r.mixedTruth = pick(c, a.truth(), b.truth())
	return r
}

func (c *compiler) expr(e jinja.Expr) val {
	switch e := e.(type) {
	case *jinja.Literal:
		return constVal(e.Value)
	case *jinja.Name:
		return c.name(e)
	case *jinja.Not:
		return boolVal(notC(c.expr(e.X).truth()))
	case *jinja.Test:
		x := c.expr(e.X)
		r := x.defined
		if e.Name == jinja.TestNone {
			r = x.isNone
		}
		if e.Negated {
			r = notC(r)
		}
		return boolVal(r)
	case *jinja.Binary:
		return c.binary(e)
	case *jinja.Filter:
		return c.filter(e)
	}
	c.fail(e.Pos(), "unsupported expression")
	return constVal("")
}

func (c *compiler) name(e *jinja.Name) val {
	b := c.vars[e.Name]
	v := val{code: b.Expr, defined: condTrue, isNone: condFalse}
	switch b.Kind {
	case jinja.String:
		v.ty = tyStr
	case jinja.Select:
		v.ty, v.raw, v.enum, v.enumC = tyStr, b.Expr, b.Enum, b.EnumConst
		v.code = jen.String().Call(b.Expr)
	case jinja.Number:
		v.ty = tyInt
	case jinja.Bool:
		v.ty = tyBool
	}
	if b.AlwaysDefined {
		return v
	}
	switch {
	case b.Defined != nil:
		v.defined = cond{c: b.Defined, prec: 1}
	case v.ty == tyStr:
		v.defined = cmp(b.Expr, "!=", jen.Lit(""), "==")
		v.emptyUndef = true
	case v.ty == tyInt:
		v.defined = cmp(b.Expr, "!=", jen.Lit(0), "==")
	}
	return v
}

func (c *compiler) binary(e *jinja.Binary) val {
	x, y := c.expr(e.X), c.expr(e.Y)
	switch e.Op {
	case jinja.OpConcat:
		if xs, ok := x.constStr(); ok {
			if ys, ok := y.constStr(); ok {
				return constVal(xs + ys)
			}
		}
		return val{ty: tyStr, code: jen.Add(x.str()).Op("+").Add(y.str()), defined: condTrue, isNone: condFalse}
	case jinja.OpOr:
		return choose(x.truth(), x, y)
	case jinja.OpAnd:
		return choose(x.truth(), y, x)
	case jinja.OpEq:
		return boolVal(c.equal(e, x, y))
	case jinja.OpNe:
		return boolVal(notC(c.equal(e, x, y)))
	case jinja.OpIn, jinja.OpNotIn:
		r := c.in(e, x, y)
		if e.Op == jinja.OpNotIn {
			r = notC(r)
		}
		return boolVal(r)
	}
	c.fail(e.Offset, "unsupported operator %s", e.Op)
	return constVal("")
}

// equal is Python's == with undefined values: two undefined values are equal, an
// undefined and a defined value are not.
func (c *compiler) equal(e *jinja.Binary, x, y val) cond {
	if x.ty == tyNone || y.ty == tyNone {
		switch {
		case x.ty == tyNone && y.ty == tyNone:
			return condTrue
		case x.ty == tyNone:
			return y.isNone
		}
		return x.isNone
	}
	if x.ty != y.ty || x.ty == tyMixed {
		if x.ty == tyMixed || y.ty == tyMixed || x.ty == tyStr || y.ty == tyStr {
			c.fail(e.Offset, "cannot compare %v with %v in compiled code (jinja Check reports it)", x.ty, y.ty)
			return condFalse
		}
		// bool and int compare as numbers in Python
		return c.equal(e, toInt(x), toInt(y))
	}
	if x.isConst && y.isConst {
		return constCond(x.konst == y.konst)
	}
	if y.enum != nil && x.isConst { // keep the variable on the left
		x, y = y, x
	}
	var eq cond
	if x.enum != nil && y.isConst {
		s := y.konst.(string)
		if !contains(x.enum, s) {
			eq = condFalse
		} else if x.enumC != nil {
			eq = cmp(x.raw, "==", x.enumC(s), "!=")
		} else {
			eq = cmp(x.raw, "==", jen.Lit(s), "!=")
		}
	} else {
		xc, yc := x.code, y.code
		if x.ty == tyInt && !x.isConst && !y.isConst {
			xc, yc = jen.Int64().Call(xc), jen.Int64().Call(yc)
		}
		eq = cmp(xc, "==", yc, "!=")
	}
	dx, dy := x.defined, y.defined
	switch {
	case dx.k == kTrue && dy.k == kTrue:
		return eq
	case x.emptyUndef && y.emptyUndef:
		return eq // "" == "" exactly when both are undefined
	case y.isConst && x.emptyUndef || x.isConst && y.emptyUndef:
		if x.konst == "" || y.konst == "" {
			return condFalse // an undefined value is not equal to a defined ""
		}
		return eq
	}
	return orC(andC(andC(dx, dy), eq), andC(notC(dx), notC(dy)))
}

func toInt(v val) val {
	if v.ty != tyBool {
		return v
	}
	if v.isConst {
		if v.konst.(bool) {
			return constVal(int64(1))
		}
		return constVal(int64(0))
	}
	r := v
	r.ty = tyInt
	r.code = jen.Qual(FiltersPath, "Cond").Call(v.code, jen.Lit(1), jen.Lit(0))
	return r
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// in is "x in y" on strings; x is always defined (Check), y may be undefined (false).
func (c *compiler) in(e *jinja.Binary, x, y val) cond {
	if x.ty != tyStr || y.ty != tyStr || x.defined.k != kTrue {
		c.fail(e.Offset, "'in' needs strings in compiled code (jinja Check reports it)")
		return condFalse
	}
	if x.isConst && y.isConst {
		return constCond(strings.Contains(y.konst.(string), x.konst.(string)))
	}
	has := cond{c: jen.Qual("strings", "Contains").Call(y.str(), x.str()), prec: 4}
	if x.isConst && x.konst.(string) != "" && (y.emptyUndef || y.defined.k == kTrue) {
		return has
	}
	return andC(y.defined, has)
}

func (c *compiler) filter(e *jinja.Filter) val {
	x := c.expr(e.X)
	args := make([]val, len(e.Args))
	for i, a := range e.Args {
		args[i] = c.expr(a)
	}
	if e.Name == "default" {
		d := constVal("")
		if len(args) > 0 {
			d = args[0]
		}
		usex := x.defined
		if len(args) > 1 {
			// default(x, d, boolean): with boolean, a falsy x is replaced too
			usex = pick(args[1].truth(), x.truth(), x.defined)
		}
		r := choose(usex, x, d)
		if usex.k == kDyn {
			r.defined = orC(usex, d.defined)
		}
		return r
	}
	s := x.str()
	sc, sConst := x.constStr()
	strArgs := make([]jen.Code, len(args))
	constArgs := make([]string, len(args))
	allConst := sConst
	for i, a := range args {
		strArgs[i] = a.str()
		var ok bool
		constArgs[i], ok = a.constStr()
		allConst = allConst && ok
	}
	out := func(code jen.Code, fold func() string) val {
		if allConst {
			return constVal(fold())
		}
		return val{ty: tyStr, code: code, defined: condTrue, isNone: condFalse}
	}
	switch e.Name {
	case "lower":
		return out(jen.Qual(FiltersPath, "Lower").Call(s), func() string { return filters.Lower(sc) })
	case "upper":
		return out(jen.Qual(FiltersPath, "Upper").Call(s), func() string { return filters.Upper(sc) })
	case "urlencode":
		return out(jen.Qual(FiltersPath, "URLEncode").Call(s), func() string { return filters.URLEncode(sc) })
	case "trim":
		if len(args) == 0 || args[0].ty == tyNone {
			allConst = sConst
			return out(jen.Qual(FiltersPath, "Trim").Call(s), func() string { return filters.Trim(sc) })
		}
		return out(jen.Qual("strings", "Trim").Call(s, strArgs[0]), func() string { return filters.TrimChars(sc, constArgs[0]) })
	case "replace":
		return out(jen.Qual("strings", "ReplaceAll").Call(s, strArgs[0], strArgs[1]), func() string {
			return filters.Replace(sc, constArgs[0], constArgs[1])
		})
	}
	c.fail(e.Offset, "unsupported filter '%s'", e.Name)
	return constVal("")
}
