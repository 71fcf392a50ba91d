package filters

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lower is Jinja's lower (Python's str.lower): unicode.ToLower for each character, except
// that U+0130 (İ) becomes "i̇" and a capital sigma becomes a final sigma (ς) at the end
// of a word, as Python does.
func Lower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch r {
		case 0x130:
			b.WriteString("i\u0307")
		case 0x3A3:
			if finalSigma(s, i) {
				b.WriteRune(0x3C2)
			} else {
				b.WriteRune(0x3C3)
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma reports whether the capital sigma at byte i of s is in the Final_Sigma
// context: preceded by a cased letter and not followed by one, skipping case-ignorable
// characters on both sides.
func finalSigma(s string, i int) bool {
	j := i
	var c rune
	found := false
	for j > 0 {
		var n int
		c, n = utf8.DecodeLastRuneInString(s[:j])
		j -= n
		if !caseIgnorable(c) {
			found = true
			break
		}
	}
	if !found || !cased(c) {
		return false
	}
	for _, c := range s[i+utf8.RuneLen(0x3A3):] {
		if !caseIgnorable(c) {
			return !cased(c)
		}
	}
	return true
}

func cased(r rune) bool {
	return unicode.IsLower(r) || unicode.IsUpper(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '^', '`', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// Upper is Jinja's upper (Python's str.upper): unicode.ToUpper for each character,
// except the characters whose upper case is several characters ("ß" becomes "SS").
func Upper(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if u, ok := upperSpecial[r]; ok {
			b.WriteString(u)
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}
