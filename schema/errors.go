package schema

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is one problem of a connector file, with the position of the value (or, for
// an unknown key, of the key) it is about.
type Error struct {
	// File is the file name given to Load or Parse.
	File string
	// Line and Col are 1-based; Col counts characters, not bytes.
	Line, Col int
	// Offset is the byte offset in the file that Line and Col describe.
	Offset int
	// Pointer is the JSON pointer (RFC 6901) of the value, "" for the whole document
	// and for syntax errors.
	Pointer string
	// Msg says what is wrong, and how to fix it when that is known.
	Msg string
	// Warning marks a problem that does not stop the file from working (an auth_form
	// field that no template reads): model.Load returns warnings with the connector,
	// in Connector.Warnings, never as its error.
	Warning bool
}

// Error formats the problem as "file:line:col: /json/pointer: message"; syntax
// errors, which have no pointer, as "file:line:col: message"; a warning as
// "file:line:col: warning: /json/pointer: message". The pointer is written with
// Printable: its keys come from the file and may hold anything.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Col)
	if e.Warning {
		b.WriteString("warning: ")
	}
	if e.Pointer != "" {
		b.WriteString(Printable(e.Pointer))
		b.WriteString(": ")
	}
	b.WriteString(escapeHidden(e.Msg))
	return b.String()
}

// escapeHidden writes every character of msg that Printable would quote, but the
// double quote and the backslash, as its Go escape (\x1b, \u202e): a message quotes
// the values it shows, yet one may echo file text (a template's source) as it is,
// and must stay one line with nothing hidden.
func escapeHidden(msg string) string {
	if !hasHidden(msg) {
		return msg
	}
	var b strings.Builder
	for i, r := range msg {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(msg[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, msg[i])
				continue
			}
			b.WriteRune(r)
		case !strconv.IsPrint(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hasHidden(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !strconv.IsPrint(r) {
			return true
		}
	}
	return false
}

// Printable returns text from a connector file (a JSON pointer, a key) as a message may
// show it: unchanged when every character is printable and none is a double quote or
// a backslash, else quoted as a Go string literal, the way messages quote values
// (strconv.Quote, fmt's %q), so that no escape sequence reaches a terminal and no
// invisible character hides in a message.
func Printable(s string) string {
	for _, r := range s {
		if r == '"' || r == '\\' || r == utf8.RuneError || !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// Errors are all the problems of one connector file, in file order.
type Errors []*Error

// Error prints one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sortErrors orders errors by position, then pointer and message, and drops exact
// duplicates (the schema validator may report one problem through two paths).
func sortErrors(es Errors) Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		return a.Msg < b.Msg
	})
	out := es[:0]
	for i, e := range es {
		if i > 0 && *e == *es[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}
