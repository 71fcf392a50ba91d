package jinja

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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

func trailingNewline(s string) int {
	switch {
	case strings.HasSuffix(s, "\r\n"):
		return 2
	case strings.HasSuffix(s, "\n"), strings.HasSuffix(s, "\r"):
		return 1
	}
	return 0
}

func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

type tokKind uint8

const (
	tEnd tokKind = iota // end of the tag
	tName
	tInt
	tString
	tOp
)

type token struct {
	kind tokKind
	off  int
	text string // name, operator, or raw text
	str  string // decoded string literal
	num  int64
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

// nextTag returns the offset of the next "{{", "{%" or "{#" at or after pos, or p.end.
func (p *parser) nextTag(pos int) int {
	for i := pos; i+1 < p.end; i++ {
		if p.src[i] == '{' {
			switch p.src[i+1] {
			case '{', '%', '#':
				return i
			}
		}
	}
	return p.end
}

// comment skips a comment starting at start; inner is after "{#" and an optional "-".
func (p *parser) comment(start, inner int) (end int, strip bool, err error) {
	i := strings.Index(p.src[inner:p.end], "#}")
	if i < 0 {
		return 0, false, errorf(start, "unclosed comment: no #} before the end of the template")
	}
	closeAt := inner + i
	strip = closeAt > inner && p.src[closeAt-1] == '-'
	return closeAt + 2, strip, nil
}

// lexTag tokenizes a tag whose content starts at inner until closer ("}}" or "%}"),
// optionally preceded by "-". It returns the offset after the tag and whether it ends
// with "-".
func (p *parser) lexTag(start, inner int, closer string) (end int, strip bool, err error) {
	p.toks = p.toks[:0]
	p.i = 0
	opener := "{{"
	if closer == "%}" {
		opener = "{%"
	}
	i := inner
	for {
		// whitespace
		for i < p.end {
			r, n := utf8.DecodeRuneInString(p.src[i:])
			if !filters.IsSpace(r) {
				break
			}
			i += n
		}
		if i >= p.end {
			return 0, false, errorf(start, "unclosed %s: no %s before the end of the template", opener, closer)
		}
		rest := p.src[i:p.end]
		if strings.HasPrefix(rest, "-"+closer) {
			p.toks = append(p.toks, token{kind: tEnd, off: i})
			return i + 3, true, nil
		}
		if strings.HasPrefix(rest, closer) {
			p.toks = append(p.toks, token{kind: tEnd, off: i})
			return i + 2, false, nil
		}
		c := rest[0]
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < p.end && isNameByte(p.src[j]) {
				j++
			}
			p.toks = append(p.toks, token{kind: tName, off: i, text: p.src[i:j]})
			i = j
		case c >= '0' && c <= '9':
			t, j, err := p.lexNumber(i)
			if err != nil {
				return 0, false, err
			}
			p.toks = append(p.toks, t)
			i = j
		case c == '\'' || c == '"':
			t, j, err := p.lexString(i)
			if err != nil {
				return 0, false, err
			}
			p.toks = append(p.toks, t)
			i = j
		case strings.HasPrefix(rest, "==") || strings.HasPrefix(rest, "!="):
			p.toks = append(p.toks, token{kind: tOp, off: i, text: rest[:2]})
			i += 2
		case c == '~' || c == '(' || c == ')' || c == '.' || c == '|' || c == ',' || c == '=':
			p.toks = append(p.toks, token{kind: tOp, off: i, text: rest[:1]})
			i++
		default:
			return 0, false, unsupportedChar(i, rest)
		}
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func unsupportedChar(off int, rest string) *Error {
	switch {
	case strings.HasPrefix(rest, "<") || strings.HasPrefix(rest, ">"):
		return errorf(off, "comparison '%s' is not supported: the template subset has == and !=", rest[:1])
	case strings.HasPrefix(rest, "["):
		return errorf(off, "subscripts are not supported: use a dotted name (callback.shop)")
	case strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "}") || strings.HasPrefix(rest, "]"):
		return errorf(off, "unexpected '%s'", rest[:1])
	case strings.ContainsAny(rest[:1], "+-*/%"):
		return errorf(off, "arithmetic '%s' is not supported: use ~ to join strings", rest[:1])
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return errorf(off, "unexpected character %q", r)
}

// lexNumber reads an integer literal (digits with optional single underscores between
// them, as in Python). Floats are rejected.
func (p *parser) lexNumber(i int) (token, int, error) {
	j := i
	for j < p.end && (p.src[j] >= '0' && p.src[j] <= '9' || p.src[j] == '_' || isNameByte(p.src[j])) {
		j++
	}
	lit := p.src[i:j]
	if j+1 < p.end && p.src[j] == '.' && p.src[j+1] >= '0' && p.src[j+1] <= '9' {
		return token{}, 0, errorf(i, "float literals are not supported: only integers")
	}
	digits := strings.ReplaceAll(lit, "_", "")
	ok := !strings.HasPrefix(lit, "_") && !strings.HasSuffix(lit, "_") && !strings.Contains(lit, "__") && digits != ""
	for k := 0; ok && k < len(digits); k++ {
		ok = digits[k] >= '0' && digits[k] <= '9'
	}
	if ok && len(digits) > 1 && digits[0] == '0' && strings.Trim(digits, "0") != "" {
		ok = false // Python: no leading zeros
	}
	if !ok {
		if strings.ContainsAny(lit, "eE") && !strings.ContainsAny(lit, "xXoObB") {
			return token{}, 0, errorf(i, "float literals are not supported: only integers")
		}
		return token{}, 0, errorf(i, "invalid integer literal %q: use decimal digits", lit)
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return token{}, 0, errorf(i, "integer literal %s is too large", lit)
	}
	return token{kind: tInt, off: i, text: lit, num: n}, j, nil
}

// lexString reads a quoted string literal and decodes its escapes like Jinja (Python's
// unicode-escape codec).
func (p *parser) lexString(i int) (token, int, error) {
	q := p.src[i]
	j := i + 1
	for {
		if j >= p.end {
			return token{}, 0, errorf(i, "unterminated string literal")
		}
		c := p.src[j]
		if c == '\\' {
			j += 2
			continue
		}
		if c == q {
			break
		}
		j++
	}
	raw := normalizeNewlines(p.src[i+1 : j])
	s, err := unescape(raw, i+1)
	if err != nil {
		return token{}, 0, err
	}
	return token{kind: tString, off: i, text: p.src[i : j+1], str: s}, j + 1, nil
}

// unescape decodes Python string escapes. base is the offset of s in the source, for
// errors (after newline normalization offsets may drift by the number of "\r\n"s, which
// only matters for strings spanning lines).
func unescape(s string, base int) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", errorf(base+i, "string literal ends with a backslash")
		}
		e := s[i+1]
		i += 2
		switch e {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			for k := 0; k < 2 && i < len(s) && s[i] >= '0' && s[i] <= '7'; k++ {
				v = v*8 + int(s[i]-'0')
				i++
			}
			b.WriteRune(rune(v))
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+n > len(s) {
				return "", errorf(base+i-2, "truncated \\%c escape: needs %d hex digits", e, n)
			}
			v, err := strconv.ParseUint(s[i:i+n], 16, 32)
			if err != nil {
				return "", errorf(base+i-2, "truncated \\%c escape: needs %d hex digits", e, n)
			}
			if v > unicode.MaxRune || v >= 0xD800 && v <= 0xDFFF {
				return "", errorf(base+i-2, "escape \\%c%s is not a valid character", e, s[i:i+n])
			}
			b.WriteRune(rune(v))
			i += n
		case 'N':
			return "", errorf(base+i-2, "named escapes \\N{...} are not supported")
		default:
			// Python keeps unknown escapes. A non-ASCII character after the backslash is
			// turned into its own escape text first (Jinja encodes the literal with
			// backslashreplace before decoding it).
			b.WriteByte('\\')
			if e < utf8.RuneSelf {
				b.WriteByte(e)
				continue
			}
			r, n := utf8.DecodeRuneInString(s[i-1:])
			i += n - 1
			switch {
			case r < 0x100:
				b.WriteString("x" + pad(strconv.FormatInt(int64(r), 16), 2))
			case r < 0x10000:
				b.WriteString("u" + pad(strconv.FormatInt(int64(r), 16), 4))
			default:
				b.WriteString("U" + pad(strconv.FormatInt(int64(r), 16), 8))
			}
		}
	}
	return b.String(), nil
}

func pad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
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
