package jinja

// The lexer: it splits the source into text and tags and a tag into tokens. It works
// on the parser's state (the tokens of the current tag), so its functions are methods
// of parser; the grammar over the tokens is in parse.go.

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oauthgen/oauthgen/jinja/filters"
)

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
