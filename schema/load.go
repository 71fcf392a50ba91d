package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// Load reads and validates the connector file at path. See Parse: templates are
// not checked (model.Load checks everything).
func Load(path string) (*Connector, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse validates the connector file data (name is used in error positions) and
// returns the connector. When the file is invalid the error is an Errors holding
// every problem found, each with the line and column of the offending value:
// malformed JSON, violations of the JSON Schema (unknown keys with a "did you mean",
// wrong types, values outside an enum, missing keys) and the semantic checks the
// schema cannot express.
//
// Parse does not check templates nor resolve the connector: a file Parse accepts may
// still be rejected by model.Parse, the loader every program uses (it runs Check,
// then checks every template and resolves the connector).
//
// The file is parsed once; schema validation, semantic checks and the typed
// connector all come from that one parse. Parse never panics.
func Parse(name string, data []byte) (*Connector, error) {
	d := check(name, data)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return d.conn, nil
}

// document is one connector file being checked.
type document struct {
	file  string
	data  []byte
	lines *lineIndex
	root  *node
	conn  *Connector // decoded leniently: values of the wrong type are left zero
	errs  Errors
}

// check runs every check on a file and collects the problems.
func check(name string, data []byte) (d *document) {
	d = &document{file: name, data: data, lines: newLineIndex(data)}
	defer func() {
		// Defence in depth: a bug in a check must surface as an error of the file,
		// never as a crash of the caller.
		if r := recover(); r != nil {
			d.conn = nil
			d.errs = append(d.errs, d.errorAt(0, "", fmt.Sprintf("internal error while checking this file (please report): %v", r)))
		}
		d.errs = sortErrors(d.errs)
	}()
	root, serr := parseJSON(data)
	if serr != nil {
		d.errs = append(d.errs, d.errorAt(serr.off, "", "invalid JSON: "+serr.msg))
		return d
	}
	d.root = root
	if root.kind != kindObject {
		d.errs = append(d.errs, d.errorAt(root.start, "", fmt.Sprintf("a connector file holds a JSON object, not %s", article(root.kind))))
		return d
	}
	d.checkDuplicateKeys(root, "")
	d.validateSchema()
	d.checkSemantics()
	d.conn = decodeConnector(root)
	return d
}

// errorAt builds an Error at a byte offset.
func (d *document) errorAt(off int, ptr, msg string) *Error {
	line, col := d.lines.position(off)
	return &Error{File: d.file, Line: line, Col: col, Offset: off, Pointer: ptr, Msg: msg}
}

// errValue reports a problem with the value n at ptr.
func (d *document) errValue(n *node, ptr, format string, args ...any) {
	d.errs = append(d.errs, d.errorAt(n.start, ptr, fmt.Sprintf(format, args...)))
}

// errKey reports a problem with the key of member n at ptr (the value when n is not
// an object member).
func (d *document) errKey(n *node, ptr, format string, args ...any) {
	off := n.start
	if n.keyStart >= 0 {
		off = n.keyStart
	}
	d.errs = append(d.errs, d.errorAt(off, ptr, fmt.Sprintf(format, args...)))
}

// line returns the line of offset off, for messages that refer to another place.
func (d *document) line(off int) int {
	l, _ := d.lines.position(off)
	return l
}

// checkDuplicateKeys reports keys that appear twice in one object: JSON parsers
// disagree on which one wins, so a file must not rely on it.
func (d *document) checkDuplicateKeys(n *node, ptr string) {
	switch n.kind {
	case kindObject:
		first := make(map[string]*node, len(n.keys))
		for i, k := range n.keys {
			kid := n.kids[i]
			p := pointerJoin(ptr, k)
			if f, ok := first[k]; ok {
				d.errKey(kid, p, "duplicate key %q (first at line %d); remove one", k, d.line(f.keyStart))
			} else {
				first[k] = kid
			}
			d.checkDuplicateKeys(kid, p)
		}
	case kindArray:
		for i, kid := range n.kids {
			d.checkDuplicateKeys(kid, pointerJoin(ptr, fmt.Sprint(i)))
		}
	}
}

// article names a JSON kind with its article, for messages.
func article(k kind) string {
	switch k {
	case kindArray, kindObject:
		return "an " + k.String()
	case kindNull:
		return "null"
	}
	return "a " + k.String()
}

// rawSchema is the embedded schema decoded, to look up the allowed keys, enums and
// types that error messages mention.
var rawSchema = sync.OnceValue(func() map[string]any {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(schemaJSON))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil
	}
	return m
})
