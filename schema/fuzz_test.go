package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	})
}

func parentPointer(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}
