package schema

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The JSON parser (jsontree_parse.go) reads a connector file once and keeps, for every value, where
// it starts and ends in the original bytes (and where its key starts, for object
// members). The same tree feeds schema validation (through toAny), the semantic
// checks, the template collector and the typed decoding, so every error can point at
// the exact line and column of the value it is about.

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// String names the kind as error messages do.
func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindBool:
		return "boolean"
	case kindNumber:
		return "number"
	case kindString:
		return "string"
	case kindArray:
		return "array"
	case kindObject:
		return "object"
	}
	return "unknown"
}

// node is one JSON value with its position in the file.
type node struct {
	kind     kind
	start    int      // offset of the value's first byte
	end      int      // offset just after the value's last byte
	keyStart int      // offset of the member's key (its opening quote), or -1
	str      string   // decoded string; number literal; "true"/"false"
	keys     []string // object member names, in file order (duplicates kept)
	kids     []*node  // object member values or array elements, in file order
}

// get returns the last member named key of an object node (the one encoding/json
// keeps), or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.kids[i]
		}
	}
	return nil
}

// path follows object keys from n; nil when any step is missing or not an object.
func (n *node) path(keys ...string) *node {
	for _, k := range keys {
		n = n.get(k)
	}
	return n
}

// text returns the string value of a string node, and whether n is one.
func (n *node) text() (string, bool) {
	if n == nil || n.kind != kindString {
		return "", false
	}
	return n.str, true
}

// boolean returns the value of a boolean node, and whether n is one.
func (n *node) boolean() (bool, bool) {
	if n == nil || n.kind != kindBool {
		return false, false
	}
	return n.str == "true", true
}

// lookup returns the node at the JSON pointer ptr (RFC 6901), or nil.
func (n *node) lookup(ptr string) *node {
	if ptr == "" {
		return n
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch {
		case n == nil:
			return nil
		case n.kind == kindObject:
			n = n.get(tok)
		case n.kind == kindArray:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.kids) || strconv.Itoa(i) != tok {
				return nil
			}
			n = n.kids[i]
		default:
			return nil
		}
	}
	return n
}

// toAny converts the tree into the values encoding/json produces with UseNumber, the
// input of the schema validator. For duplicate keys the last one wins, as in
// encoding/json.
func (n *node) toAny() any {
	switch n.kind {
	case kindBool:
		return n.str == "true"
	case kindNumber:
		return json.Number(n.str)
	case kindString:
		return n.str
	case kindArray:
		a := make([]any, len(n.kids))
		for i, k := range n.kids {
			a[i] = k.toAny()
		}
		return a
	case kindObject:
		m := make(map[string]any, len(n.kids))
		for i, k := range n.kids {
			m[n.keys[i]] = k.toAny()
		}
		return m
	}
	return nil
}

// pointerToken escapes one reference token of a JSON pointer.
func pointerToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// pointerJoin appends reference tokens to a JSON pointer.
func pointerJoin(ptr string, toks ...string) string {
	var b strings.Builder
	b.WriteString(ptr)
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(pointerToken(t))
	}
	return b.String()
}
