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
	"github.com/oauthgen/oauthgen/schema"
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
	out := buf.Bytes()
	if opts.ModulePath != "" && opts.ModulePath != DefaultModulePath {
		out = bytes.ReplaceAll(out, []byte(`"`+DefaultModulePath+`/`), []byte(`"`+strings.TrimSuffix(opts.ModulePath, "/")+`/`))
	}
	return out, nil
}

// File loads and validates a connector file and returns its package name and the
// generated source. source is the path shown in the header; empty means path.
func File(path string, opts Options) (pkg string, src []byte, err error) {
	c, err := schema.Load(path)
	if err != nil {
		return "", nil, err
	}
	m, err := model.Resolve(c)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	if opts.Source == "" {
		opts.Source = filepath.ToSlash(path)
	}
	src, err = Generate(m, opts)
	return m.Package, src, err
}
