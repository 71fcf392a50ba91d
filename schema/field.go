package schema

import (
	"encoding/json"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
)

// fieldKeys are the auth_form keys that map to Field's own fields.
var fieldKeys = map[string]bool{
	"name": true, "title": true, "type": true, "required": true, "default": true,
	"enum": true, "placeholder": true, "info": true, "hideInEmbed": true, "pattern": true,
}

// CompilePattern compiles the pattern of an auth_form field, anchored: a value
// matches when the whole of it does (^(?:pattern)$). The pattern must parse alone:
// "[a-z]+)|(.*" parses only once wrapped, as ^(?:[a-z]+)|(.*)$, which matches
// any value.
func CompilePattern(pattern string) (*regexp.Regexp, error) {
	if _, err := syntax.Parse(pattern, syntax.Perl); err != nil {
		return nil, err
	}
	return regexp.Compile(`^(?:` + pattern + `)$`)
}

// fieldAlias has Field's fields and encoding without its methods.
type fieldAlias Field

// UnmarshalJSON decodes an auth_form entry; keys other than Field's own are kept in
// Extra.
func (f *Field) UnmarshalJSON(data []byte) error {
	var a fieldAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	a.Extra = nil
	for k, raw := range all {
		if fieldKeys[k] {
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("auth_form key %q: %w", k, err)
		}
		if a.Extra == nil {
			a.Extra = map[string]any{}
		}
		a.Extra[k] = v
	}
	*f = Field(a)
	return nil
}

// MarshalJSON encodes an auth_form entry with Field's own keys and the keys of Extra
// (Extra never overrides an own key).
func (f Field) MarshalJSON() ([]byte, error) {
	own, err := json.Marshal(fieldAlias(f))
	if err != nil || len(f.Extra) == 0 {
		return own, err
	}
	keys := make([]string, 0, len(f.Extra))
	for k := range f.Extra {
		if !fieldKeys[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := own[:len(own)-1] // drop the closing brace
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(f.Extra[k])
		if err != nil {
			return nil, fmt.Errorf("auth_form key %q: %w", k, err)
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, vb...)
	}
	return append(out, '}'), nil
}
