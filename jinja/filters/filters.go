// Package filters implements the filters of the oauthgen template subset with the exact
// semantics of Python Jinja, for both the interpreter (package jinja) and the Go code
// that package jinja/gocode generates. It depends only on the standard library.
//
// Values are rendered like Jinja's str(): see Bool and Float. Filters that Jinja applies
// to str(value) take a string here; callers stringify first.
package filters

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// IsSpace reports whether r is whitespace for Python's str.isspace (and the \s of its
// regular expressions), which is what Jinja strips for whitespace control and trim.
// It is unicode.IsSpace plus the information separators U+001C..U+001F.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// URLEncode is Jinja's urlencode for a string (Python's urllib.parse.quote with safe
// "/"): every byte of the UTF-8 encoding except ASCII letters, digits, "_", ".", "-",
// "~" and "/" is written as %XX with upper-case hex; a space becomes %20.
func URLEncode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !urlSafe(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if urlSafe(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

func urlSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '-' || c == '~' || c == '/'
}

// Trim is Jinja's trim without argument (Python's str.strip()): it removes leading and
// trailing whitespace as defined by IsSpace.
func Trim(s string) string { return strings.TrimFunc(s, IsSpace) }

// TrimChars is Jinja's trim(chars) (Python's str.strip(chars)): it removes leading and
// trailing characters that are in chars. It is strings.Trim.
func TrimChars(s, chars string) string { return strings.Trim(s, chars) }

// Replace is Jinja's replace(old, new) (Python's str.replace): it is strings.ReplaceAll,
// which agrees with Python, including for an empty old.
func Replace(s, old, new string) string { return strings.ReplaceAll(s, old, new) }

// Bool renders a boolean like Python: "True" or "False".
func Bool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// Int renders an integer like Python.
func Int(i int64) string { return strconv.FormatInt(i, 10) }

// Float renders a float like Python's repr: the shortest representation that round
// trips, in fixed notation with at least one decimal ("1.0") when the exponent is
// between -4 and 15, otherwise in scientific notation ("1e+16", "1.5e-05"); "inf",
// "-inf", "nan".
func Float(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expPart, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expPart)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		es := strconv.Itoa(exp)
		if len(es) < 2 {
			es = "0" + es
		}
		return mant + "e" + sign + es
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// Cond returns a when c is true and b otherwise. Generated code uses it where Jinja
// picks one of two values (or, and, default); both operands are evaluated.
func Cond[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}
