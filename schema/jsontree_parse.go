package schema

// The parser of the position-keeping JSON tree (jsontree.go): strict RFC 8259, with
// bounded nesting and messages that say what was found and what was expected.

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting so that hostile input cannot exhaust memory through the
// recursion; real connector files nest five levels deep.
const maxDepth = 200

// syntaxError is malformed JSON at an offset.
type syntaxError struct {
	off int
	msg string
}

// parser is a strict JSON (RFC 8259) parser that records positions.
type parser struct {
	data  []byte
	pos   int
	depth int
	err   *syntaxError
}

// parseJSON parses data into a tree. A leading UTF-8 byte order mark is skipped.
func parseJSON(data []byte) (*node, *syntaxError) {
	p := &parser{data: data}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos = 3
	}
	p.skipSpace()
	if p.pos >= len(data) {
		return nil, &syntaxError{p.pos, "empty file: expected a JSON object"}
	}
	n := p.value()
	if p.err != nil {
		return nil, p.err
	}
	p.skipSpace()
	if p.pos < len(data) {
		return nil, &syntaxError{p.pos, fmt.Sprintf("unexpected %s after the end of the top-level value", p.describe())}
	}
	return n, nil
}

func (p *parser) fail(off int, format string, args ...any) {
	if p.err == nil {
		p.err = &syntaxError{off, fmt.Sprintf(format, args...)}
	}
}

// describe names the byte at the current position for an error message.
func (p *parser) describe() string {
	if p.pos >= len(p.data) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.data[p.pos:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", p.data[p.pos])
	}
	return fmt.Sprintf("character %q", r)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() *node {
	if p.err != nil {
		return nil
	}
	if p.pos >= len(p.data) {
		p.fail(p.pos, "unexpected end of file, expected a value")
		return nil
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, ok := p.string()
		if !ok {
			return nil
		}
		return &node{kind: kindString, start: start, end: p.pos, keyStart: -1, str: s}
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", kindBool)
	case c == 'f':
		return p.literal("false", kindBool)
	case c == 'n':
		return p.literal("null", kindNull)
	case c == '\'':
		p.fail(p.pos, "strings must use double quotes, not single quotes")
	case c == '}' || c == ']':
		p.fail(p.pos, "unexpected %s, expected a value (a trailing comma?)", p.describe())
	default:
		p.fail(p.pos, "unexpected %s, expected a value", p.describe())
	}
	return nil
}

func (p *parser) literal(word string, k kind) *node {
	start := p.pos
	end := start + len(word)
	if end > len(p.data) || string(p.data[start:end]) != word {
		// Find the extent of the bad word for the message.
		e := start
		for e < len(p.data) && e-start < 20 && isWordByte(p.data[e]) {
			e++
		}
		p.fail(start, "unexpected %q, expected a value (true, false, null, a number, a string, an array or an object)", string(p.data[start:max(e, start+1)]))
		return nil
	}
	p.pos = end
	if p.pos < len(p.data) && isWordByte(p.data[p.pos]) {
		p.fail(p.pos, "unexpected %s after %s", p.describe(), word)
		return nil
	}
	n := &node{kind: k, start: start, end: end, keyStart: -1}
	if k == kindBool {
		n.str = word
	}
	return n
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *parser) number() *node {
	start := p.pos
	d := p.data
	if d[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(d) && d[p.pos] == '0':
		p.pos++
	case p.pos < len(d) && isDigit(d[p.pos]):
		for p.pos < len(d) && isDigit(d[p.pos]) {
			p.pos++
		}
	default:
		p.fail(p.pos, "invalid number: expected a digit, found %s", p.describe())
		return nil
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if p.pos >= len(d) || !isDigit(d[p.pos]) {
			p.fail(p.pos, "invalid number: expected a digit after the decimal point, found %s", p.describe())
			return nil
		}
		for p.pos < len(d) && isDigit(d[p.pos]) {
			p.pos++
		}
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if p.pos >= len(d) || !isDigit(d[p.pos]) {
			p.fail(p.pos, "invalid number: expected a digit in the exponent, found %s", p.describe())
			return nil
		}
		for p.pos < len(d) && isDigit(d[p.pos]) {
			p.pos++
		}
	}
	if p.pos < len(d) && (isWordByte(d[p.pos]) || d[p.pos] == '.') {
		p.fail(p.pos, "invalid number: unexpected %s", p.describe())
		return nil
	}
	return &node{kind: kindNumber, start: start, end: p.pos, keyStart: -1, str: string(d[start:p.pos])}
}

// string parses a string at p.pos (an opening quote) and returns its decoded value.
func (p *parser) string() (string, bool) {
	start := p.pos
	p.pos++ // opening quote
	var b []byte
	plain := p.pos // start of the run of bytes copied verbatim
	for {
		if p.pos >= len(p.data) {
			p.fail(start, "unterminated string")
			return "", false
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			var s string
			if b == nil {
				s = string(p.data[plain:p.pos])
			} else {
				s = string(append(b, p.data[plain:p.pos]...))
			}
			p.pos++
			return s, true
		case c == '\\':
			b = append(b, p.data[plain:p.pos]...)
			r, size, msg := decodeEscape(p.data[p.pos:])
			if msg != "" {
				p.fail(p.pos, "%s", msg)
				return "", false
			}
			b = utf8.AppendRune(b, r)
			p.pos += size
			plain = p.pos
		case c < 0x20:
			if c == '\n' {
				p.fail(p.pos, "unterminated string (a newline inside a string must be written \\n)")
			} else {
				p.fail(p.pos, "control character 0x%02x in a string must be escaped", c)
			}
			return "", false
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size == 1 {
				p.fail(p.pos, "invalid UTF-8 byte 0x%02x in a string", c)
				return "", false
			}
			p.pos += size
		}
	}
}

// decodeEscape decodes the escape sequence at the start of raw (which begins with a
// backslash). It returns the rune, the number of bytes consumed, and a message when
// the escape is invalid. Lone surrogates become U+FFFD, as in encoding/json.
func decodeEscape(raw []byte) (rune, int, string) {
	if len(raw) < 2 {
		return 0, 0, "unterminated escape sequence"
	}
	switch raw[1] {
	case '"':
		return '"', 2, ""
	case '\\':
		return '\\', 2, ""
	case '/':
		return '/', 2, ""
	case 'b':
		return '\b', 2, ""
	case 'f':
		return '\f', 2, ""
	case 'n':
		return '\n', 2, ""
	case 'r':
		return '\r', 2, ""
	case 't':
		return '\t', 2, ""
	case 'u':
		r, ok := hex4(raw[2:])
		if !ok {
			return 0, 0, "invalid \\u escape: expected four hexadecimal digits"
		}
		if utf16.IsSurrogate(r) {
			if len(raw) >= 12 && raw[6] == '\\' && raw[7] == 'u' {
				if r2, ok := hex4(raw[8:]); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						return d, 12, ""
					}
				}
			}
			return utf8.RuneError, 6, ""
		}
		return r, 6, ""
	}
	r, _ := utf8.DecodeRune(raw[1:])
	return 0, 0, fmt.Sprintf("invalid escape sequence \\%c", r)
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.pos, "nesting deeper than %d levels", maxDepth)
		return false
	}
	return true
}

func (p *parser) object() *node {
	n := &node{kind: kindObject, start: p.pos, keyStart: -1}
	if !p.enter() {
		return nil
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		n.end = p.pos
		return n
	}
	comma := -1 // offset of the comma before the current member
	for {
		p.skipSpace()
		if p.pos >= len(p.data) {
			p.fail(n.start, "unclosed object: expected '}' before the end of file")
			return nil
		}
		if p.data[p.pos] != '"' {
			if p.data[p.pos] == '}' && comma >= 0 {
				p.fail(comma, "trailing comma: remove it, or add a member after it")
			} else {
				p.fail(p.pos, "unexpected %s, expected a key in double quotes", p.describe())
			}
			return nil
		}
		keyStart := p.pos
		key, ok := p.string()
		if !ok {
			return nil
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			p.fail(p.pos, "unexpected %s, expected ':' after key %q", p.describe(), key)
			return nil
		}
		p.pos++
		p.skipSpace()
		v := p.value()
		if v == nil {
			return nil
		}
		v.keyStart = keyStart
		n.keys = append(n.keys, key)
		n.kids = append(n.kids, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			p.fail(n.start, "unclosed object: expected '}' before the end of file")
			return nil
		}
		switch p.data[p.pos] {
		case ',':
			comma = p.pos
			p.pos++
		case '}':
			p.pos++
			n.end = p.pos
			return n
		default:
			p.fail(p.pos, "unexpected %s, expected ',' or '}' after the value of %q", p.describe(), key)
			return nil
		}
	}
}

func (p *parser) array() *node {
	n := &node{kind: kindArray, start: p.pos, keyStart: -1}
	if !p.enter() {
		return nil
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		n.end = p.pos
		return n
	}
	comma := -1 // offset of the comma before the current element
	for {
		p.skipSpace()
		if p.pos >= len(p.data) {
			p.fail(n.start, "unclosed array: expected ']' before the end of file")
			return nil
		}
		if p.data[p.pos] == ']' && comma >= 0 {
			p.fail(comma, "trailing comma: remove it, or add an element after it")
			return nil
		}
		v := p.value()
		if v == nil {
			return nil
		}
		n.kids = append(n.kids, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			p.fail(n.start, "unclosed array: expected ']' before the end of file")
			return nil
		}
		switch p.data[p.pos] {
		case ',':
			comma = p.pos
			p.pos++
		case ']':
			p.pos++
			n.end = p.pos
			return n
		default:
			p.fail(p.pos, "unexpected %s, expected ',' or ']' after an array element", p.describe())
			return nil
		}
	}
}
