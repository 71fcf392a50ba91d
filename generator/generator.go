// Package generator turns a resolved connector (package model) into the Go source of
// its typed client package, with jennifer. The output is gofmt-clean and byte-stable:
// the same connector always gives the same bytes.
//
// The generated package is thin: a package-level runtime.Flow holds the parts of the
// flow that are the same for every client, templates are compiled to small functions
// (package jinja/gocode), and the methods delegate to a runtime.Client.
package generator

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/model"
)

// DefaultModulePath is the module whose runtime (and jinja/filters) packages generated
// code imports.
const DefaultModulePath = "github.com/oauthgen/oauthgen"

// Options tune the output.
type Options struct {
	// Source is the connector file's path as shown in the generated header
	// ("connectors/tiktok.json").
	Source string
	// ModulePath replaces DefaultModulePath in the generated imports (a fork of
	// oauthgen); empty means DefaultModulePath.
	ModulePath string
}

// Generate returns the source of the package of m.
func Generate(m *model.Connector, opts Options) ([]byte, error) {
	if m == nil {
		return nil, errors.New("generator: nil model")
	}
	g := &gen{m: m, f: jen.NewFile(m.Package), names: map[string]int{}}
	if err := g.file(opts.Source); err != nil {
		return nil, fmt.Errorf("generator: %s: %w", m.Name, err)
	}
	var buf bytes.Buffer
	if err := g.f.Render(&buf); err != nil {
		return nil, fmt.Errorf("generator: %s: rendering: %w", m.Name, err)
	}
	out, err := groupImports(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("generator: %s: %w", m.Name, err)
	}
	if opts.ModulePath != "" && opts.ModulePath != DefaultModulePath {
		out = bytes.ReplaceAll(out, []byte(`"`+DefaultModulePath+`/`), []byte(`"`+strings.TrimSuffix(opts.ModulePath, "/")+`/`))
	}
	return out, nil
}

// File loads a connector file completely (model.Load: schema, templates and
// resolution) and returns its package name and the generated source. opts.Source is
// the path shown in the header; empty means path.
func File(path string, opts Options) (pkg string, src []byte, err error) {
	m, src, err := file(path, opts)
	if err != nil {
		return "", nil, err
	}
	return m.Package, src, nil
}

// file loads the connector at path (model.Load) and generates its package.
func file(path string, opts Options) (*model.Connector, []byte, error) {
	m, err := model.Load(path)
	if err != nil {
		return nil, nil, err
	}
	if opts.Source == "" {
		opts.Source = filepath.ToSlash(path)
	}
	src, err := Generate(m, opts)
	if err != nil {
		return nil, nil, err
	}
	return m, src, nil
}

// groupImports puts the standard library imports of src before the others, with a
// blank line between the two groups, as goimports does.
func groupImports(src []byte) ([]byte, error) {
	start := bytes.Index(src, []byte("\nimport (\n"))
	if start < 0 {
		return src, nil
	}
	start += len("\nimport (\n")
	end := bytes.Index(src[start:], []byte("\n)\n"))
	if end < 0 {
		return src, nil
	}
	var std, other []string
	for _, line := range strings.Split(string(src[start:start+end]), "\n") {
		path := strings.Trim(line[strings.IndexByte(line, '"'):], `"`)
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	if len(std) == 0 || len(other) == 0 {
		return src, nil
	}
	block := strings.Join(std, "\n") + "\n\n" + strings.Join(other, "\n")
	// The groups are sorted already and a blank line between them is what gofmt
	// keeps: the result is still gofmt-clean (the golden test checks it).
	return append(append(append([]byte{}, src[:start]...), block...), src[start+end:]...), nil
}
