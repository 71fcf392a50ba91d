package schema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestParserSyntaxErrors checks the position and message of malformed JSON.
func TestParserSyntaxErrors(t *testing.T) {
	tests := []struct {
		in        string
		line, col int
		msg       string
	}{
		{"", 1, 1, "empty file"},
		{"{\n  \"a\": 1,\n}", 2, 9, "trailing comma"},
		{"[1, 2,]", 1, 6, "trailing comma"},
		{"{\"a\" 1}", 1, 6, "expected ':' after key \"a\""},
		{"{\"a\": tru}", 1, 7, `unexpected "tru"`},
		{"{\"a\": 'x'}", 1, 7, "double quotes"},
		{"{\"a\": \"x}", 1, 7, "unterminated string"},
		{"{\"a\": \"x\ny\"}", 1, 9, "newline inside a string"},
		{"{\"a\": \"\\q\"}", 1, 8, `invalid escape sequence \q`},
		{"{\"a\": \"\\u12g4\"}", 1, 8, `invalid \u escape`},
		{"{\"a\": 01}", 1, 8, "invalid number"},
		{"{\"a\": 1.}", 1, 9, "after the decimal point"},
		{"{\"a\": -}", 1, 8, "expected a digit"},
		{"{\"a\": 1e}", 1, 9, "exponent"},
		{"{\"a\": 1} x", 1, 10, "after the end of the top-level value"},
		{"{\"a\": [1, 2}", 1, 12, "expected ',' or ']'"},
		{"{\"é\": \"\xff\"}", 1, 8, "invalid UTF-8"},
		{"{\n\t\"a\": {", 2, 7, "unclosed object"},
		{"{a: 1}", 1, 2, "expected a key in double quotes"},
		{strings.Repeat("[", maxDepth+1), 1, maxDepth + 1, "nesting deeper"},
	}
	for _, tt := range tests {
		_, serr := parseJSON([]byte(tt.in))
		if serr == nil {
			t.Errorf("%q: parsed", tt.in)
			continue
		}
		line, col := newLineIndex([]byte(tt.in)).position(serr.off)
		if line != tt.line || col != tt.col || !strings.Contains(serr.msg, tt.msg) {
			t.Errorf("%q: got %d:%d %q, want %d:%d containing %q", tt.in, line, col, serr.msg, tt.line, tt.col, tt.msg)
		}
	}
}

// TestParserMatchesEncodingJSON checks values and validity against encoding/json.
func TestParserMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`{"a": [1, -2.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}}`,
		`{"dup": 1, "dup": 2}`,
		`[]`, `"\ud800"`, `0`, `-0.0E+1`, `{"": ""}`, " \t\r\n{} ",
	}
	for _, in := range inputs {
		checkAgainstEncodingJSON(t, []byte(in))
	}
}

// checkAgainstEncodingJSON asserts that the parser accepts exactly what encoding/json
// accepts (for valid UTF-8 without a byte order mark and with shallow nesting) and
// decodes to the same value.
func checkAgainstEncodingJSON(t *testing.T, data []byte) {
	t.Helper()
	root, serr := parseJSON(data)
	valid := json.Valid(data)
	comparable := utf8.Valid(data) && !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) && (serr == nil || !strings.Contains(serr.msg, "nesting"))
	if serr == nil && !valid && comparable {
		t.Fatalf("%q: parsed, but encoding/json rejects it", data)
	}
	if serr != nil && valid && comparable {
		t.Fatalf("%q: rejected (%s at %d), but encoding/json accepts it", data, serr.msg, serr.off)
	}
	if serr != nil || !valid {
		return
	}
	var want any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("%q: %v", data, err)
	}
	if got := root.toAny(); !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: decoded %#v, encoding/json %#v", data, got, want)
	}
}

// TestRawOffset maps offsets inside decoded strings back to the file.
func TestRawOffset(t *testing.T) {
	data := []byte(`{"k": "a\"b\u00e9c\ud83d\ude00d\\e"}`)
	root, serr := parseJSON(data)
	if serr != nil {
		t.Fatal(serr.msg)
	}
	n := root.get("k")
	s := n.str // a " b é c 😀 d \ e
	for _, tc := range []struct {
		char string
		raw  string
	}{{"a", "a"}, {`"`, `\"`}, {"b", "b"}, {"é", `\u00e9`}, {"c", "c"}, {"😀", `\ud83d`}, {"d", "d"}, {`\`, `\\`}, {"e", "e"}} {
		i := strings.Index(s, tc.char)
		off := rawOffset(data, n.start, i)
		if !bytes.HasPrefix(data[off:], []byte(tc.raw)) {
			t.Errorf("char %q at %d maps to %q, want %q", tc.char, i, data[off:], tc.raw)
		}
	}
	if off := rawOffset(data, n.start, len(s)); data[off] != '"' {
		t.Errorf("end maps to %q", data[off:])
	}
}

// TestLineIndexColumnsCountCharacters checks that columns count runes.
func TestLineIndexColumnsCountCharacters(t *testing.T) {
	data := []byte("ab\n\"é€\"x\n")
	li := newLineIndex(data)
	x := bytes.IndexByte(data, 'x')
	if l, c := li.position(x); l != 2 || c != 5 {
		t.Errorf("x at %d:%d, want 2:5", l, c)
	}
	if l, c := li.position(len(data)); l != 3 || c != 1 {
		t.Errorf("EOF at %d:%d, want 3:1", l, c)
	}
	// Across the index's blocks, on a long line after other lines.
	long := []byte("x\n" + strings.Repeat("é€a", 300) + "Z")
	li = newLineIndex(long)
	if l, c := li.position(bytes.IndexByte(long, 'Z')); l != 2 || c != 901 {
		t.Errorf("Z at %d:%d, want 2:901", l, c)
	}
}

// TestLookup resolves JSON pointers, escapes included.
func TestLookup(t *testing.T) {
	root, _ := parseJSON([]byte(`{"a/b": {"m~n": [10, 20]}}`))
	if n := root.lookup("/a~1b/m~0n/1"); n == nil || n.str != "20" {
		t.Errorf("got %+v", n)
	}
	for _, p := range []string{"/x", "/a~1b/m~0n/2", "/a~1b/m~0n/01", "a", "/a~1b/m~0n/-1"} {
		if n := root.lookup(p); n != nil {
			t.Errorf("%s resolved to %+v", p, n)
		}
	}
}
