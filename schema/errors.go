package schema

import (
	"fmt"
	"sort"
	"strings"
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
}

// Error formats the problem as "file:line:col: /json/pointer: message"; syntax
// errors, which have no pointer, as "file:line:col: message".
func (e *Error) Error() string {
	if e.Pointer == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Col, e.Pointer, e.Msg)
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

// editDistance is the Levenshtein distance between a and b, over bytes (keys are
// ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// suggest returns the candidate closest to word when it is close enough to be a
// likely misspelling, or "".
func suggest(word string, candidates []string) string {
	best, bestD := "", 0
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := editDistance(lw, strings.ToLower(c))
		if best == "" || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	// Allow about one edit per three characters, at least one: "scop" -> "scope",
	// "acess_token_path" -> "access_token_path", but not "PUT" -> "GET".
	limit := max(1, len(best)/3)
	if bestD <= limit {
		return best
	}
	// A key missing or adding a common affix ("access_token" for "access_token_path").
	if len(lw) >= 4 && (strings.Contains(best, lw) || strings.Contains(lw, best)) {
		return best
	}
	return ""
}
