package schema

// Positions in a connector file: byte offsets to line:col, and offsets inside a
// decoded JSON string back to the raw bytes, for errors about a template character.

import (
	"sort"
	"unicode/utf8"
)

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
