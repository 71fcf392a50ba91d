package schema

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON parser below reads a connector file once and keeps, for every value, where
// it starts and ends in the original bytes (and where its key starts, for object
// members). The same tree feeds schema validation (through toAny), the semantic
// checks, the template collector and the typed decoding, so every error can point at
// the exact line and column of the value it is about.

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// String names the kind as error messages do.
func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindBool:
		return "boolean"
	case kindNumber:
		return "number"
	case kindString:
		return "string"
	case kindArray:
		return "array"
	case kindObject:
		return "object"
	}
	return "unknown"
}

// node is one JSON value with its position in the file.
type node struct {
	kind     kind
	start    int      // offset of the value's first byte
	end      int      // offset just after the value's last byte
	keyStart int      // offset of the member's key (its opening quote), or -1
	str      string   // decoded string; number literal; "true"/"false"
	keys     []string // object member names, in file order (duplicates kept)
	kids     []*node  // object member values or array elements, in file order
}

// get returns the last member named key of an object node (the one encoding/json
// keeps), or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.kids[i]
		}
	}
	return nil
}

// path follows object keys from n; nil when any step is missing or not an object.
func (n *node) path(keys ...string) *node {
	for _, k := range keys {
		n = n.get(k)
	}
	return n
}

// text returns the string value of a string node, and whether n is one.
func (n *node) text() (string, bool) {
	if n == nil || n.kind != kindString {
		return "", false
	}
	return n.str, true
}

// boolean returns the value of a boolean node, and whether n is one.
func (n *node) boolean() (bool, bool) {
	if n == nil || n.kind != kindBool {
		return false, false
	}
	return n.str == "true", true
}

// lookup returns the node at the JSON pointer ptr (RFC 6901), or nil.
func (n *node) lookup(ptr string) *node {
	if ptr == "" {
		return n
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch {
		case n == nil:
			return nil
		case n.kind == kindObject:
			n = n.get(tok)
		case n.kind == kindArray:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.kids) || strconv.Itoa(i) != tok {
				return nil
			}
			n = n.kids[i]
		default:
			return nil
		}
	}
	return n
}

// toAny converts the tree into the values encoding/json produces with UseNumber, the
// input of the schema validator. For duplicate keys the last one wins, as in
// encoding/json.
func (n *node) toAny() any {
	switch n.kind {
	case kindBool:
		return n.str == "true"
	case kindNumber:
		return json.Number(n.str)
	case kindString:
		return n.str
	case kindArray:
		a := make([]any, len(n.kids))
		for i, k := range n.kids {
			a[i] = k.toAny()
		}
		return a
	case kindObject:
		m := make(map[string]any, len(n.kids))
		for i, k := range n.kids {
			m[n.keys[i]] = k.toAny()
		}
		return m
	}
	return nil
}

// pointerToken escapes one reference token of a JSON pointer.
func pointerToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// pointerJoin appends reference tokens to a JSON pointer.
func pointerJoin(ptr string, toks ...string) string {
	var b strings.Builder
	b.WriteString(ptr)
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(pointerToken(t))
	}
	return b.String()
}

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

// lineIndex maps byte offsets of a file to 1-based lines and columns. Columns count
// characters (runes), so a column is where an editor shows the cursor.
type lineIndex struct {
	data  []byte
	lines []int // offset of the first byte of each line
	// chars[i] is the number of characters in data[:i*charBlock], so that a column is
	// found in constant time even on a very long line.
	chars []int
}

const charBlock = 256

// isCharStart reports whether b starts a character: it is not a UTF-8 continuation
// byte. Counting these counts runes in valid UTF-8.
func isCharStart(b byte) bool { return b&0xC0 != 0x80 }

func newLineIndex(data []byte) *lineIndex {
	li := &lineIndex{data: data, lines: []int{0}, chars: make([]int, 1, len(data)/charBlock+2)}
	n := 0
	for i, c := range data {
		if i > 0 && i%charBlock == 0 {
			li.chars = append(li.chars, n)
		}
		if isCharStart(c) {
			n++
		}
		if c == '\n' {
			li.lines = append(li.lines, i+1)
		}
	}
	return li
}

// charsBefore returns the number of characters in data[:off].
func (li *lineIndex) charsBefore(off int) int {
	b := off / charBlock
	if b >= len(li.chars) {
		b = len(li.chars) - 1
	}
	n := li.chars[b]
	for _, c := range li.data[b*charBlock : off] {
		if isCharStart(c) {
			n++
		}
	}
	return n
}

// position returns the 1-based line and column of offset off.
func (li *lineIndex) position(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(li.data) {
		off = len(li.data)
	}
	i := sort.Search(len(li.lines), func(i int) bool { return li.lines[i] > off }) - 1
	return i + 1, li.charsBefore(off) - li.charsBefore(li.lines[i]) + 1
}

// rawOffset maps an offset into the decoded value of the JSON string starting at
// quote (the offset of its opening quote) to the offset in data of the character
// that produced it. An offset inside a multi-byte escape maps to the escape's start;
// offsets past the end map to the closing quote.
func rawOffset(data []byte, quote, decoded int) int {
	pos := quote + 1
	d := 0
	for pos < len(data) && data[pos] != '"' {
		var size, width int
		if data[pos] == '\\' {
			r, n, msg := decodeEscape(data[pos:])
			if msg != "" {
				return pos
			}
			size, width = n, utf8.RuneLen(r)
			if width < 0 {
				width = 3 // U+FFFD
			}
		} else {
			_, n := utf8.DecodeRune(data[pos:])
			size, width = n, n
		}
		if decoded < d+width {
			return pos
		}
		d += width
		pos += size
	}
	return pos
}
