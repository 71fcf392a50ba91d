package schema

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/oauthgen/oauthgen/internal/suggest"
)

// schemaURL names the embedded schema inside the validator.
const schemaURL = "oauthgen:connector.schema.json"

// compiled is the embedded schema compiled once.
var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	if err := c.AddResource(schemaURL, bytes.NewReader(schemaJSON)); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
})

// validateSchema validates the document against the embedded JSON Schema and turns
// the validator's error tree into one actionable message per problem.
func (d *document) validateSchema() {
	sch, err := compiled()
	if err != nil {
		d.errs = append(d.errs, d.errorAt(0, "", "internal error: the embedded JSON Schema does not compile: "+err.Error()))
		return
	}
	err = sch.Validate(d.root.toAny())
	if err == nil {
		return
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		d.errs = append(d.errs, d.errorAt(0, "", "schema validation failed: "+err.Error()))
		return
	}
	d.translate(ve)
}

// translate walks the validator's error tree and reports its leaves.
func (d *document) translate(ve *jsonschema.ValidationError) {
	kw := lastToken(ve.KeywordLocation)
	if kw == "anyOf" || kw == "oneOf" {
		// The alternatives of a union each fail; one message about the union is
		// clearer than one per alternative.
		d.reportUnion(ve)
		return
	}
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			d.translate(c)
		}
		return
	}
	d.reportLeaf(ve, kw)
}

// lastToken returns the last reference token of a JSON pointer or URL fragment.
func lastToken(loc string) string {
	if i := strings.LastIndexByte(loc, '/'); i >= 0 {
		return loc[i+1:]
	}
	return loc
}

// schemaAt resolves an absolute keyword location of the embedded schema
// ("oauthgen:connector.schema.json#/$defs/Config/additionalProperties").
func schemaAt(abs string) any {
	_, frag, _ := strings.Cut(abs, "#")
	var cur any = rawSchema()
	if frag == "" {
		return cur
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// parentSchema returns the schema object holding the keyword at abs.
func parentSchema(abs string) map[string]any {
	i := strings.LastIndexByte(abs, '/')
	if i < 0 {
		return nil
	}
	m, _ := schemaAt(abs[:i]).(map[string]any)
	return m
}

// quoteList formats values as a comma-separated list of JSON literals.
func quoteList(vals []any) string {
	return strings.Join(quoteEach(vals), ", ")
}

// quoteEach formats each value as a literal: strings quoted, others as they are.
func quoteEach(vals []any) []string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			parts[i] = strconv.Quote(s)
		} else {
			parts[i] = fmt.Sprint(v)
		}
	}
	return parts
}

// alternatives formats enum values as the alternatives of a sentence: "x";
// "x" or "y"; one of "x", "y", "z".
func alternatives(vals []any) string {
	parts := quoteEach(vals)
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " or " + parts[1]
	}
	return "one of " + strings.Join(parts, ", ")
}

// preview shows a value briefly in a message.
func preview(n *node) string {
	switch n.kind {
	case kindString:
		s := n.str
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return strconv.Quote(s)
	case kindNumber, kindBool:
		return n.str
	case kindNull:
		return "null"
	case kindArray:
		return "an array"
	}
	return "an object"
}

// typeNames formats the "type" keyword's value ("string" or ["string", "null"]).
func typeNames(t any) string {
	var names []string
	switch t := t.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, x := range t {
			names = append(names, fmt.Sprint(x))
		}
	}
	for i, n := range names {
		switch n {
		case "array", "object", "integer":
			names[i] = "an " + n
		case "null":
		default:
			names[i] = "a " + n
		}
	}
	switch len(names) {
	case 0:
		return "another type"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// reportUnion reports a value that matches none of the alternatives of anyOf/oneOf.
func (d *document) reportUnion(ve *jsonschema.ValidationError) {
	n := d.root.lookup(ve.InstanceLocation)
	if n == nil {
		n = d.root
	}
	alts, _ := schemaAt(ve.AbsoluteKeywordLocation).([]any)
	var types []any
	for _, a := range alts {
		if m, ok := a.(map[string]any); ok && m["type"] != nil {
			types = append(types, m["type"])
		}
	}
	if len(types) == len(alts) && len(types) > 0 {
		var names []string
		for _, t := range types {
			names = append(names, fmt.Sprint(t))
		}
		d.errValue(n, ve.InstanceLocation, "must be %s, not %s", typeNames(toAnySlice(names)), article(n.kind))
		return
	}
	d.errValue(n, ve.InstanceLocation, "%s matches none of the allowed forms", preview(n))
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// reportLeaf reports one failed keyword.
func (d *document) reportLeaf(ve *jsonschema.ValidationError, kw string) {
	ptr := ve.InstanceLocation
	n := d.root.lookup(ptr)
	if n == nil {
		n = d.root
	}
	abs := ve.AbsoluteKeywordLocation
	switch kw {
	case "type":
		// For an enum-typed key the allowed values say more than their type does.
		want := typeNames(schemaAt(abs))
		if allowed, ok := parentSchema(abs)["enum"].([]any); ok && len(allowed) > 0 {
			want = alternatives(allowed)
		}
		got := article(n.kind)
		if n.kind != kindArray && n.kind != kindObject && n.kind != kindNull {
			got += " (" + preview(n) + ")"
		}
		d.errValue(n, ptr, "must be %s, not %s", want, got)
	case "enum":
		allowed, _ := schemaAt(abs).([]any)
		msg := fmt.Sprintf("%s is not allowed here; use one of %s", preview(n), quoteList(allowed))
		if n.kind == kindString {
			var cands []string
			for _, a := range allowed {
				if s, ok := a.(string); ok {
					cands = append(cands, s)
				}
			}
			if s := suggest.Closest(n.str, cands); s != "" {
				msg = fmt.Sprintf("%s is not allowed here; did you mean %q? (allowed: %s)", preview(n), s, quoteList(allowed))
			}
		}
		d.errValue(n, ptr, "%s", msg)
	case "required":
		req, _ := schemaAt(abs).([]any)
		for _, r := range req {
			k, _ := r.(string)
			if n.get(k) == nil {
				d.errValue(n, ptr, "missing required key %q", k)
			}
		}
	case "additionalProperties":
		d.reportUnknownKeys(n, ptr, parentSchema(abs))
	case "minLength":
		if n.kind == kindString && n.str == "" {
			d.errValue(n, ptr, "must not be empty")
		} else {
			d.errValue(n, ptr, "must be at least %v characters long", schemaAt(abs))
		}
	case "pattern":
		d.errValue(n, ptr, "%s does not match the pattern %v", preview(n), schemaAt(abs))
	case "minItems":
		d.errValue(n, ptr, "must have at least %v item(s)", schemaAt(abs))
	case "uniqueItems":
		var i, j int
		if _, err := fmt.Sscanf(ve.Message, "items at index %d and %d are equal", &i, &j); err == nil && n.kind == kindArray && j < len(n.kids) && i < len(n.kids) {
			d.errValue(n.kids[j], pointerJoin(ptr, strconv.Itoa(j)), "duplicate item %s (also at index %d)", preview(n.kids[j]), i)
		} else {
			d.errValue(n, ptr, "items must be unique")
		}
	case "minimum":
		d.errValue(n, ptr, "must be at least %v, not %s", schemaAt(abs), preview(n))
	case "maximum":
		d.errValue(n, ptr, "must be at most %v, not %s", schemaAt(abs), preview(n))
	case "format":
		d.errValue(n, ptr, "%s is not a valid %v", preview(n), schemaAt(abs))
	default:
		d.errValue(n, ptr, "%s", ve.Message)
	}
}

// reportUnknownKeys reports every key of object n that its schema does not define,
// with a "did you mean" for likely misspellings.
func (d *document) reportUnknownKeys(n *node, ptr string, sch map[string]any) {
	if n.kind != kindObject || sch == nil {
		return
	}
	props, _ := sch["properties"].(map[string]any)
	allowed := make([]string, 0, len(props))
	for k := range props {
		allowed = append(allowed, k)
	}
	sort.Strings(allowed)
	present := make(map[string]bool, len(n.keys))
	for _, k := range n.keys {
		present[k] = true
	}
	for i, k := range n.keys {
		if _, ok := props[k]; ok {
			continue
		}
		kid := n.kids[i]
		p := pointerJoin(ptr, k)
		switch s := suggest.Closest(k, allowed); {
		case s != "" && !present[s]:
			d.errKey(kid, p, "unknown key %q; did you mean %q?", k, s)
		case len(allowed) <= 12:
			d.errKey(kid, p, "unknown key %q; allowed keys: %s", k, strings.Join(allowed, ", "))
		default:
			d.errKey(kid, p, "unknown key %q (see schema/connector.schema.json for the keys allowed here)", k)
		}
	}
}
