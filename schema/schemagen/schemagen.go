// Package schemagen generates the JSON Schema of the connector format from the Go
// types of package schema, with their doc comments as descriptions.
//
// It is used by `go run ./schema/gen` (make generate) and by the test that fails when
// the committed schema/connector.schema.json is stale. Package schema itself does not
// depend on it, so programs that only load connectors do not link the reflector.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/oauthgen/oauthgen/schema"
)

// PackagePath is the import path of package schema, the key of its doc comments.
const PackagePath = "github.com/oauthgen/oauthgen/schema"

// Generate returns the JSON Schema of schema.Connector, indented and ending in a
// newline. srcDir is the directory holding the Go sources of package schema: their
// doc comments become the descriptions.
func Generate(srcDir string) ([]byte, error) {
	if _, err := os.Stat(filepath.Join(srcDir, "connector.go")); err != nil {
		return nil, fmt.Errorf("schemagen: %s is not the schema package directory: %w", srcDir, err)
	}
	r := &jsonschema.Reflector{
		Anonymous:      true,
		ExpandedStruct: true,
		// Doc comments of types are used in full, not just their first sentence.
		CommentMap: map[string]string{},
	}
	// AddGoComments keys comments by base joined with the walked directory, so walk
	// "." from inside srcDir to key them by the package path itself.
	if err := withDir(srcDir, func() error {
		return r.AddGoComments(PackagePath, ".", jsonschema.WithFullComment())
	}); err != nil {
		return nil, fmt.Errorf("schemagen: reading doc comments: %w", err)
	}
	for k, v := range r.CommentMap {
		r.CommentMap[k] = unwrap(v)
	}
	comments := r.CommentMap
	r.CommentMap = nil
	r.LookupComment = func(t reflect.Type, field string) string {
		key := t.PkgPath() + "." + t.Name()
		if field == "" {
			return comments[key]
		}
		return keyedComment(t, field, comments[key+"."+field])
	}
	s := r.Reflect(&schema.Connector{})
	if err := adjust(s); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("schemagen: encoding: %w", err)
	}
	return buf.Bytes(), nil
}

// adjust makes the changes struct tags cannot express.
func adjust(s *jsonschema.Schema) error {
	s.Title = "oauthgen connector"
	field := s.Definitions["Field"]
	if field == nil {
		return fmt.Errorf("schemagen: no Field definition in the reflected schema")
	}
	// auth_form entries may carry UI hints beyond the known keys: they are kept
	// (Field.Extra) and not interpreted.
	field.AdditionalProperties = nil
	def, ok := field.Properties.Get("default")
	if !ok {
		return fmt.Errorf("schemagen: Field has no default property")
	}
	def.AnyOf = []*jsonschema.Schema{{Type: "string"}, {Type: "number"}, {Type: "boolean"}}
	def.Examples = []any{"Production"}

	config := s.Definitions["Config"]
	if config == nil {
		return fmt.Errorf("schemagen: no Config definition in the reflected schema")
	}
	gt, ok := config.Properties.Get("grant_type")
	if !ok {
		return fmt.Errorf("schemagen: Config has no grant_type property")
	}
	gt.Deprecated = true
	return nil
}

// withDir runs f with the working directory set to dir. Generation is a one-shot
// step (a command or a test), never concurrent with other directory-sensitive work.
func withDir(dir string, f func() error) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if err := os.Chdir(dir); err != nil {
		return err
	}
	defer os.Chdir(wd)
	return f()
}

// unwrap joins the lines of each paragraph of a doc comment: editors wrap
// descriptions themselves.
func unwrap(comment string) string {
	paras := strings.Split(strings.TrimSpace(comment), "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}

// keyedComment makes a field's doc comment read from the file's point of view: a
// comment that starts with the Go field name ("AccessTokenPath is ...") starts with
// the JSON key instead ("access_token_path is ...").
func keyedComment(t reflect.Type, field, comment string) string {
	f, ok := t.FieldByName(field)
	if !ok {
		return comment
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return comment
	}
	if rest, ok := strings.CutPrefix(comment, field+" "); ok {
		return name + " " + rest
	}
	return comment
}
