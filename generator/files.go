package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Output is one generated file.
type Output struct {
	Connector string // the connector file
	source    string // the connector file as the header names it
	Package   string // the Go package name
	Path      string // where the file goes: <dir>/<package>/<package>.go
	Src       []byte
}

// Files generates the package of each connector file into dir. The header of each
// names the connector file relative to root (slash-separated), so that output is the
// same whatever the working directory. Two connectors with the same package are an
// error.
func Files(files []string, dir, root string, opts Options) ([]Output, error) {
	var outs []Output
	var errs []error
	seen := map[string]string{}
	for _, f := range files {
		o := opts
		o.Source = sourceName(f, root)
		pkg, src, err := File(f, o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := seen[pkg]; dup {
			errs = append(errs, fmt.Errorf("%s: package %q is also generated from %s; set package", f, pkg, prev))
			continue
		}
		seen[pkg] = f
		outs = append(outs, Output{Connector: f, source: o.Source, Package: pkg, Path: filepath.Join(dir, pkg, pkg+".go"), Src: src})
	}
	return outs, errors.Join(errs...)
}

func sourceName(file, root string) string {
	if root != "" {
		if abs, err := filepath.Abs(file); err == nil {
			if r, err := filepath.Abs(root); err == nil {
				if rel, err := filepath.Rel(r, abs); err == nil && !strings.HasPrefix(rel, "..") {
					return filepath.ToSlash(rel)
				}
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(file))
}

// Source returns the connector file as the generated header names it
// ("connectors/tiktok.json").
func (o Output) Source() string { return o.source }

// Write writes the outputs, creating their directories, and reports which changed.
func Write(outs []Output) (changed []string, err error) {
	for _, o := range outs {
		old, rerr := os.ReadFile(o.Path)
		if rerr == nil && bytes.Equal(old, o.Src) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(o.Path), 0o755); err != nil {
			return changed, err
		}
		if err := os.WriteFile(o.Path, o.Src, 0o644); err != nil {
			return changed, err
		}
		changed = append(changed, o.Path)
	}
	return changed, nil
}

// Check compares the outputs with the files on disk and returns one line per stale or
// missing file ("generated/x/x.go: stale: 3 lines differ, first at line 12"); none
// when everything is up to date.
func Check(outs []Output) []string {
	var out []string
	for _, o := range outs {
		old, err := os.ReadFile(o.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, fmt.Sprintf("%s: missing (generate it from %s)", o.Path, o.Connector))
		case err != nil:
			out = append(out, fmt.Sprintf("%s: %v", o.Path, err))
		case !bytes.Equal(old, o.Src):
			n, first := diffLines(old, o.Src)
			out = append(out, fmt.Sprintf("%s: stale: %d %s, first at line %d (regenerate from %s)", o.Path, n, plural(n), first, o.Connector))
		}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return "line differs"
	}
	return "lines differ"
}

// diffLines counts the lines that differ between a and b position by position (a
// cheap summary, not a minimal diff) and the first differing line (1-based).
func diffLines(a, b []byte) (n, first int) {
	al := strings.Split(string(a), "\n")
	bl := strings.Split(string(b), "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y || i >= len(al) || i >= len(bl) {
			n++
			if first == 0 {
				first = i + 1
			}
		}
	}
	return n, first
}
