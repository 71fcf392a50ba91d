// Package suggest finds the "did you mean" candidate for a misspelt name: a
// connector key, a template variable.
package suggest

import "strings"

// Closest returns the candidate closest to word (case-insensitive edit distance, ties
// broken alphabetically) when it is close enough to be a likely misspelling, else "".
// Close enough is about one edit per three characters, at least one ("scop" ->
// "scope", "acess_token_path" -> "access_token_path", but not "PUT" -> "GET"), or
// word missing or adding an affix of the candidate ("access_token" for
// "access_token_path").
func Closest(word string, candidates []string) string {
	best, bestD := "", 0
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := distance(lw, strings.ToLower(c))
		if best == "" || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	if bestD <= max(1, len(best)/3) {
		return best
	}
	if len(lw) >= 4 && (strings.Contains(best, lw) || strings.Contains(lw, best)) {
		return best
	}
	return ""
}

// distance is the Levenshtein distance between a and b, over bytes.
func distance(a, b string) int {
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
