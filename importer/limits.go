package importer

import (
	"bytes"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// limits bound what an importer reads, so that a hostile file is refused quickly
// instead of keeping the importer busy: yaml.v3's duplicate-key check is quadratic in
// the keys of one mapping (100,000 keys took 85 s), and an alias can stand for a
// whole mapping many times over.
type limits struct {
	bytes int // size of the file
	keys  int // mapping keys in the document, with every alias counted as what it expands to
}

// nodes is the limit of YAML nodes with aliases expanded: a key, its value and a
// little more per key.
func (l limits) nodes() int { return 4 * l.keys }

// oneConnector bounds the formats that describe one connector (ChiefOnboarding,
// Integration.app): such a definition is a few kilobytes with a few dozen keys.
var oneConnector = limits{bytes: 256 << 10, keys: 5_000}

// providerFile bounds a Nango providers.yaml, which describes every provider: about
// 1 MB and 24,000 keys in 2026, so about three times that.
var providerFile = limits{bytes: 4 << 20, keys: 75_000}

// limitError is the error of a file over its limits: final, no repair is tried.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

// checkSize refuses data larger than l allows, before anything parses it.
func (l limits) checkSize(format string, data []byte) error {
	if len(data) > l.bytes {
		return &limitError{fmt.Sprintf("importer: %s: the file has %d bytes, more than the %d this importer reads; is it the right file?", format, len(data), l.bytes)}
	}
	return nil
}

// tooManyKeys is the error of a document over l.keys.
func (l limits) tooManyKeys(format string, line int) error {
	return &limitError{fmt.Sprintf("importer: %s: line %d: the file has more than %d keys, more than this importer reads; is it the right file?", format, line, l.keys)}
}

// parseYAML reads a YAML document within l: the size is checked first, then the
// document is parsed into yaml.Node (which runs no duplicate-key check and expands
// no alias), its keys and nodes are counted, aliases expanded, and only then is it converted to the maps, lists and scalars
// yaml.Unmarshal into an any would give. The conversion finds duplicate keys with a
// map, in linear time. Merge keys (<<) are refused; aliases are expanded.
func parseYAML(format string, data []byte, l limits) (any, error) {
	if err := l.checkSize(format, data); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("importer: %s: not YAML: %w", format, err)
	}
	if doc.Kind == 0 {
		return nil, nil // empty document
	}
	c := counter{l: l, seen: map[*yaml.Node]size{}}
	if s := c.size(&doc); s.keys > l.keys {
		return nil, l.tooManyKeys(format, c.line)
	} else if c.over(s) {
		return nil, &limitError{fmt.Sprintf("importer: %s: line %d: the file stands for more than %d values (aliases expanded), more than this importer reads; is it the right file?", format, c.line, l.nodes())}
	}
	v, err := yamlValue(&doc)
	if err != nil {
		return nil, fmt.Errorf("importer: %s: %w", format, err)
	}
	return v, nil
}

// size is what a node stands for once its aliases are expanded: mapping keys, and
// nodes of every kind (a list of lists of aliases holds no key and can still stand
// for billions of values).
type size struct{ keys, nodes int }

// counter sizes nodes, an alias counting as what its anchor holds. Sizes are
// memoised per node, so a chain of aliases each doubling the one before costs one
// visit per node, and they stop growing past the limits.
type counter struct {
	l    limits
	seen map[*yaml.Node]size
	line int // where a size went over the limits
}

func (c *counter) over(s size) bool { return s.keys > c.l.keys || s.nodes > c.l.nodes() }

func (c *counter) size(n *yaml.Node) size {
	if s, ok := c.seen[n]; ok {
		return s
	}
	full := size{c.l.keys + 1, c.l.nodes() + 1}
	c.seen[n] = full // an alias to a node being sized (a cycle) is over the limits
	s := size{nodes: 1}
	if n.Kind == yaml.MappingNode {
		s.keys = len(n.Content) / 2
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		s = c.size(n.Alias)
	}
	for _, kid := range n.Content {
		if c.over(s) {
			break
		}
		k := c.size(kid)
		s.keys += k.keys
		s.nodes += k.nodes
	}
	if c.over(s) {
		s.keys, s.nodes = min(s.keys, full.keys), min(s.nodes, full.nodes)
		if c.line == 0 {
			c.line = n.Line
		}
	}
	c.seen[n] = s
	return s
}

// yamlValue converts a node into map[string]any, []any and scalars. A key is its
// text, whatever its tag (yaml.v3 would give map[any]any for `1: x`).
func yamlValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0])
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("line %d: alias without an anchor", n.Line)
		}
		return yamlValue(n.Alias)
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, kid := range n.Content {
			v, err := yamlValue(kid)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a key that is a mapping or a list", k.Line)
			}
			if k.Tag == "!!merge" {
				return nil, fmt.Errorf("line %d: merge keys (<<) are not supported; write the keys out", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			v, err := yamlValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// checkJSONKeys counts the object keys of a JSON document with the streaming
// tokenizer, building nothing, and refuses a document over l. A syntax error ends
// the count: decoding reports it.
func checkJSONKeys(format string, data []byte, l limits) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	// One frame per open object or array: in an object, tokens alternate between a
	// key and its value.
	type frame struct{ object, wantKey bool }
	var stack []frame
	keys := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			if stack[n-1].wantKey {
				if keys++; keys > l.keys {
					return &limitError{fmt.Sprintf("importer: %s: byte %d: the file has more than %d keys, more than this importer reads; is it the right file?", format, dec.InputOffset(), l.keys)}
				}
				stack[n-1].wantKey = false
				continue
			}
			stack[n-1].wantKey = true // the next token after this value is a key
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{object: d == '{', wantKey: true})
		}
	}
}
