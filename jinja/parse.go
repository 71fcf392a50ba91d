package jinja

import (
	"strconv"
	"strings"

	"github.com/oauthgen/oauthgen/jinja/filters"
)

const supportedFilters = "default (alias d), lower, upper, trim, replace, urlencode"

// filterArity gives the allowed number of arguments of each filter.
var filterArity = map[string][2]int{
	"default":   {0, 2},
	"lower":     {0, 0},
	"upper":     {0, 0},
	"trim":      {0, 1},
	"replace":   {2, 2},
	"urlencode": {0, 0},
}

// Parse parses a template of the subset. The error, if any, is a *Error whose Offset
// points at the offending character of src.
//
// Like Jinja with its default settings, Parse normalizes "\r\n" and "\r" to "\n" in the
// output text and string literals, drops a single trailing newline of the source, and
// honours whitespace control ("{%-", "-%}", "{{-", "-}}", "{#-", "-#}"). Comments
// ({# ... #}) are allowed and produce no output.
func Parse(src string) (*Template, error) {
	p := &parser{src: src, end: len(src) - trailingNewline(src)}
	nodes, err := p.parseTemplate()
	if err != nil {
		return nil, err
	}
	return &Template{src: src, Nodes: nodes}, nil
}

// MustParse is Parse for templates known to be valid, such as constants in tests; it
// panics on error.
func MustParse(src string) *Template {
	t, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return t
}

type openIf struct {
	node    *If
	body    *[]Node
	elseOff int // -1 until {% else %}
}

type parser struct {
	src string
	end int // len(src) minus the trailing newline

	// current tag
	toks []token
	i    int
}

func (p *parser) parseTemplate() ([]Node, error) {
	var root []Node
	body := &root
	var stack []*openIf
	pos := 0
	lstrip := false // the previous tag ended with "-"
	for pos <= p.end {
		start := p.nextTag(pos)
		data := p.src[pos:start]
		rstrip := start < p.end && start+2 < p.end && p.src[start+2] == '-'
		if lstrip {
			data = strings.TrimLeftFunc(data, filters.IsSpace)
		}
		if rstrip {
			data = strings.TrimRightFunc(data, filters.IsSpace)
		}
		if data != "" {
			*body = append(*body, &Text{Offset: pos, Text: normalizeNewlines(data)})
		}
		if start >= p.end {
			break
		}
		kind := p.src[start+1]
		inner := start + 2
		if rstrip {
			inner++
		}
		switch kind {
		case '#':
			end, strip, err := p.comment(start, inner)
			if err != nil {
				return nil, err
			}
			pos, lstrip = end, strip
			continue
		case '{':
			end, strip, err := p.lexTag(start, inner, "}}")
			if err != nil {
				return nil, err
			}
			x, err := p.parseExprTag()
			if err != nil {
				return nil, err
			}
			*body = append(*body, &Output{Offset: start, X: x})
			pos, lstrip = end, strip
			continue
		}
		end, strip, err := p.lexTag(start, inner, "%}")
		if err != nil {
			return nil, err
		}
		pos, lstrip = end, strip
		t := p.next()
		if t.kind != tName {
			if t.kind == tEnd {
				return nil, errorf(start, "empty tag {%% %%}: the template subset supports if/elif/else/endif")
			}
			return nil, errorf(t.off, "expected a tag name, got %s", describe(t))
		}
		switch t.text {
		case "if":
			cond, err := p.parseExprTag()
			if err != nil {
				return nil, err
			}
			n := &If{Offset: start, Branches: []*Branch{{Offset: start, Cond: cond}}}
			*body = append(*body, n)
			o := &openIf{node: n, body: &n.Branches[0].Body, elseOff: -1}
			stack = append(stack, o)
			body = o.body
		case "elif":
			if len(stack) == 0 {
				return nil, errorf(start, "{%% elif %%} without an open {%% if %%}")
			}
			o := stack[len(stack)-1]
			if o.elseOff >= 0 {
				return nil, errorf(start, "{%% elif %%} after {%% else %%}")
			}
			cond, err := p.parseExprTag()
			if err != nil {
				return nil, err
			}
			b := &Branch{Offset: start, Cond: cond}
			o.node.Branches = append(o.node.Branches, b)
			o.body = &b.Body
			body = o.body
		case "else":
			if len(stack) == 0 {
				return nil, errorf(start, "{%% else %%} without an open {%% if %%}")
			}
			o := stack[len(stack)-1]
			if o.elseOff >= 0 {
				return nil, errorf(start, "second {%% else %%} in the same {%% if %%}")
			}
			if err := p.expectEnd("else"); err != nil {
				return nil, err
			}
			o.elseOff = start
			o.node.Else = []Node{}
			o.body = &o.node.Else
			body = o.body
		case "endif":
			if len(stack) == 0 {
				return nil, errorf(start, "{%% endif %%} without an open {%% if %%}")
			}
			if err := p.expectEnd("endif"); err != nil {
				return nil, err
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				body = &root
			} else {
				body = stack[len(stack)-1].body
			}
		default:
			return nil, errorf(t.off, "unsupported tag '%s': the template subset supports if/elif/else/endif", t.text)
		}
	}
	if len(stack) > 0 {
		o := stack[len(stack)-1]
		return nil, errorf(o.node.Offset, "unclosed {%% if %%}: no {%% endif %%} before the end of the template")
	}
	return root, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEnd {
		p.i++
	}
	return t
}

func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == s
}

func (p *parser) isName(s string) bool {
	t := p.peek()
	return t.kind == tName && t.text == s
}

func describe(t token) string {
	switch t.kind {
	case tEnd:
		return "end of tag"
	case tString:
		return "string " + t.text
	case tInt:
		return "integer " + t.text
	}
	return "'" + t.text + "'"
}

// parseExprTag parses one expression that must fill the rest of the tag.
func (p *parser) parseExprTag() (Expr, error) {
	if p.peek().kind == tEnd {
		return nil, errorf(p.peek().off, "expected an expression")
	}
	x, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.kind == tEnd:
		return x, nil
	case t.kind == tOp && t.text == ",":
		return nil, errorf(t.off, "tuples are not supported: one expression per tag")
	case t.kind == tOp && t.text == "=":
		return nil, errorf(t.off, "assignment is not supported: use == to compare")
	case t.kind == tName && t.text == "if":
		return nil, errorf(t.off, "inline if expressions (x if c else y) are not supported: use {%% if %%}")
	}
	return nil, errorf(t.off, "unexpected %s: expected the end of the tag", describe(t))
}

func (p *parser) expectEnd(tag string) error {
	if t := p.peek(); t.kind != tEnd {
		return errorf(t.off, "unexpected %s after %s: expected the end of the tag", describe(t), tag)
	}
	return nil
}

func (p *parser) parseExpr() (Expr, error) { return p.parseOr() }

func (p *parser) parseOr() (Expr, error) {
	x, err := p.parseAnd()
	for err == nil && p.isName("or") {
		t := p.next()
		var y Expr
		if y, err = p.parseAnd(); err == nil {
			x = &Binary{Offset: t.off, Op: OpOr, X: x, Y: y}
		}
	}
	return x, err
}

func (p *parser) parseAnd() (Expr, error) {
	x, err := p.parseNot()
	for err == nil && p.isName("and") {
		t := p.next()
		var y Expr
		if y, err = p.parseNot(); err == nil {
			x = &Binary{Offset: t.off, Op: OpAnd, X: x, Y: y}
		}
	}
	return x, err
}

func (p *parser) parseNot() (Expr, error) {
	if p.isName("not") {
		t := p.next()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &Not{Offset: t.off, X: x}, nil
	}
	return p.parseCompare()
}

// compareOp reports whether a comparison operator is next, and consumes it.
func (p *parser) compareOp() (Op, int, bool) {
	t := p.peek()
	switch {
	case t.kind == tOp && (t.text == "==" || t.text == "!="):
		p.next()
		return Op(t.text), t.off, true
	case t.kind == tName && t.text == "in":
		p.next()
		return OpIn, t.off, true
	case t.kind == tName && t.text == "not" && p.i+1 < len(p.toks) && p.toks[p.i+1].kind == tName && p.toks[p.i+1].text == "in":
		p.next()
		p.next()
		return OpNotIn, t.off, true
	}
	return "", 0, false
}

func (p *parser) parseCompare() (Expr, error) {
	x, err := p.parseConcat()
	if err != nil {
		return nil, err
	}
	op, off, ok := p.compareOp()
	if !ok {
		return x, nil
	}
	y, err := p.parseConcat()
	if err != nil {
		return nil, err
	}
	if _, off2, ok := p.compareOp(); ok {
		return nil, errorf(off2, "chained comparisons are not supported: combine them with and")
	}
	return &Binary{Offset: off, Op: op, X: x, Y: y}, nil
}

func (p *parser) parseConcat() (Expr, error) {
	x, err := p.parseUnary()
	for err == nil && p.isOp("~") {
		t := p.next()
		var y Expr
		if y, err = p.parseUnary(); err == nil {
			x = &Binary{Offset: t.off, Op: OpConcat, X: x, Y: y}
		}
	}
	return x, err
}

func (p *parser) parseUnary() (Expr, error) {
	x, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	// postfix: dotted names
	for p.isOp(".") {
		dot := p.next()
		n, ok := x.(*Name)
		t := p.peek()
		if !ok {
			return nil, errorf(dot.off, "attribute access is only supported on variable names")
		}
		if t.kind != tName {
			return nil, errorf(t.off, "expected a name after '.', got %s", describe(t))
		}
		p.next()
		n.Name += "." + t.text
	}
	if p.isOp("(") {
		return nil, errorf(p.peek().off, "function and method calls are not supported")
	}
	// filters and tests
	for {
		switch {
		case p.isOp("|"):
			p.next()
			x, err = p.parseFilter(x)
		case p.isName("is"):
			x, err = p.parseTest(x)
		case p.isOp("("):
			return nil, errorf(p.peek().off, "function and method calls are not supported")
		default:
			return x, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (p *parser) parseFilter(x Expr) (Expr, error) {
	t := p.next()
	if t.kind != tName {
		return nil, errorf(t.off, "expected a filter name after '|', got %s", describe(t))
	}
	name := t.text
	if name == "d" {
		name = "default"
	}
	arity, ok := filterArity[name]
	if !ok || p.isOp(".") {
		return nil, errorf(t.off, "unknown filter '%s'; supported: %s", t.text, supportedFilters)
	}
	f := &Filter{Offset: t.off, X: x, Name: name}
	if p.isOp("(") {
		p.next()
		for !p.isOp(")") {
			if len(f.Args) > 0 {
				if !p.isOp(",") {
					return nil, errorf(p.peek().off, "expected ',' or ')' in the arguments of filter '%s', got %s", t.text, describe(p.peek()))
				}
				p.next()
				if p.isOp(")") {
					break
				}
			}
			if a := p.peek(); a.kind == tName && p.i+1 < len(p.toks) && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "=" {
				return nil, errorf(a.off, "keyword arguments are not supported")
			}
			if p.peek().kind == tEnd {
				return nil, errorf(p.peek().off, "unclosed '(' in the arguments of filter '%s'", t.text)
			}
			a, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			f.Args = append(f.Args, a)
		}
		p.next()
	}
	if len(f.Args) < arity[0] || len(f.Args) > arity[1] {
		want := strconv.Itoa(arity[0])
		if arity[0] != arity[1] {
			want = "from " + want + " to " + strconv.Itoa(arity[1])
		}
		return nil, errorf(t.off, "filter '%s' takes %s arguments, got %d", t.text, want, len(f.Args))
	}
	return f, nil
}

func (p *parser) parseTest(x Expr) (Expr, error) {
	is := p.next()
	neg := false
	if p.isName("not") {
		p.next()
		neg = true
	}
	t := p.next()
	if t.kind != tName {
		return nil, errorf(t.off, "expected a test name after 'is', got %s", describe(t))
	}
	var name TestName
	switch t.text {
	case "defined":
		name = TestDefined
	case "undefined":
		name, neg = TestDefined, !neg
	case "none":
		name = TestNone
	default:
		return nil, errorf(t.off, "unknown test '%s'; supported: defined, undefined, none", t.text)
	}
	if p.isOp("(") {
		p.next()
		if !p.isOp(")") {
			return nil, errorf(p.peek().off, "test '%s' takes no arguments", t.text)
		}
		p.next()
	}
	if a := p.peek(); a.kind == tString || a.kind == tInt || a.kind == tName && !isKeyword(a.text) {
		return nil, errorf(a.off, "test '%s' takes no arguments", t.text)
	}
	return &Test{Offset: is.off, X: x, Name: name, Negated: neg}, nil
}

func isKeyword(s string) bool {
	switch s {
	case "and", "or", "else":
		return true
	}
	return false
}

func (p *parser) parsePrimary() (Expr, error) {
	t := p.peek()
	switch t.kind {
	case tName:
		p.next()
		switch t.text {
		case "true", "True":
			return &Literal{Offset: t.off, Value: true}, nil
		case "false", "False":
			return &Literal{Offset: t.off, Value: false}, nil
		case "none", "None":
			return &Literal{Offset: t.off, Value: nil}, nil
		case "and", "or", "not", "in", "is", "if", "else", "elif", "endif":
			return nil, errorf(t.off, "expected an expression, got '%s'", t.text)
		}
		return &Name{Offset: t.off, Name: t.text}, nil
	case tInt:
		p.next()
		return &Literal{Offset: t.off, Value: t.num}, nil
	case tString:
		p.next()
		s := t.str
		for p.peek().kind == tString { // adjacent literals concatenate, as in Python
			s += p.next().str
		}
		return &Literal{Offset: t.off, Value: s}, nil
	case tOp:
		if t.text == "(" {
			p.next()
			if p.isOp(")") {
				return nil, errorf(t.off, "tuples are not supported")
			}
			x, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if p.isOp(",") {
				return nil, errorf(p.peek().off, "tuples are not supported")
			}
			if !p.isOp(")") {
				return nil, errorf(p.peek().off, "expected ')' to close the '(' at offset %d, got %s", t.off, describe(p.peek()))
			}
			p.next()
			return x, nil
		}
	case tEnd:
		return nil, errorf(t.off, "expected an expression, got the end of the tag")
	}
	return nil, errorf(t.off, "expected an expression, got %s", describe(t))
}
