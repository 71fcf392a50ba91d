package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzLoad feeds arbitrary bytes to the loader. It must never panic; every problem
// must carry a position inside the file; the parser must agree with encoding/json;
// and a file that loads must load again identically from its own tree.
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{"../connectors/*.json", "testdata/invalid/*.json", "testdata/valid/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := check("fuzz.json", data)
		if d.conn != nil && len(d.errs) != 0 {
			// Parse returns no connector then; check keeps the lenient one.
			if _, err := Parse("fuzz.json", data); err == nil {
				t.Fatal("Parse accepted a file with problems")
			}
		}
		lines := strings.Count(string(data), "\n") + 1
		// With duplicate keys a pointer is ambiguous (it resolves to the last member),
		// so pointers are checked only in files without them.
		dupKeys := false
		for _, e := range d.errs {
			dupKeys = dupKeys || strings.Contains(e.Msg, "duplicate key")
		}
		for _, e := range d.errs {
			if strings.Contains(e.Msg, "internal error") {
				t.Fatalf("a check panicked: %v", e)
			}
			if e.Offset < 0 || e.Offset > len(data) || e.Line < 1 || e.Line > lines || e.Col < 1 {
				t.Fatalf("problem outside the file: %+v", e)
			}
			if !utf8.ValidString(e.Msg) && utf8.Valid(data) {
				t.Fatalf("message is not UTF-8: %q", e.Msg)
			}
			if !dupKeys && e.Pointer != "" && d.root != nil && d.root.lookup(e.Pointer) == nil && !strings.Contains(e.Msg, "unknown key") {
				// Every pointer except that of an unknown key names an existing value.
				if d.root.lookup(parentPointer(e.Pointer)) == nil {
					t.Fatalf("pointer %q names nothing: %v", e.Pointer, e)
				}
			}
		}
		checkAgainstEncodingJSON(t, data)
		c, err := Parse("fuzz.json", data)
		var errs Errors
		if err != nil && !errors.As(err, &errs) {
			t.Fatalf("error of type %T", err)
		}
		if err == nil && (c == nil || c.Name == "") {
			t.Fatalf("valid file without a name: %+v", c)
		}
		// What reaches a terminal or generated code hides nothing: printed problems are
		// printable, an accepted file holds no hidden character, its slug is one segment.
		for _, e := range errs {
			for _, r := range e.Error() {
				if !strconv.IsPrint(r) {
					t.Fatalf("printed problem holds %U: %q", r, e.Error())
				}
			}
		}
		if err == nil {
			assertNoHidden(t, d.root)
			slug := c.CallbackSlug()
			if strings.Trim(slug, ".") == "" || strings.ContainsAny(slug, "/?#\\") {
				t.Fatalf("CallbackSlug %q of %q is not one safe segment", slug, c.Name)
			}
		}
	})
}

// assertNoHidden fails when a string or key of an accepted file holds a control or
// format character (tab, line feed and carriage return excepted), by Unicode's
// categories rather than by the check's own list.
func assertNoHidden(t *testing.T, n *node) {
	t.Helper()
	hidden := func(r rune) bool {
		return r != '\t' && r != '\n' && r != '\r' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r))
	}
	for _, k := range n.keys {
		for _, r := range k {
			if hidden(r) {
				t.Fatalf("accepted key %q holds %U", k, r)
			}
		}
	}
	for _, r := range n.str {
		if n.kind == kindString && hidden(r) {
			t.Fatalf("accepted string %q holds %U", n.str, r)
		}
	}
	for _, kid := range n.kids {
		assertNoHidden(t, kid)
	}
}

func parentPointer(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}
