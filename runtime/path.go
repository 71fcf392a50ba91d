package runtime

import (
	"encoding/json"
	"strconv"
	"strings"
)

// lookup follows p into v (see Path for the rules). In a form-encoded response (a
// flat map) a path is also tried as one dotted key.
func lookup(v any, p Path) (any, bool) {
	cur := v
	for i, k := range p {
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[k]
			if !ok {
				if i == 0 && len(p) > 1 {
					if y, ok := x[strings.Join(p, ".")]; ok {
						return y, true
					}
				}
				return nil, false
			}
			cur = next
		case []any:
			n, ok := arrayIndex(k)
			if !ok || n >= len(x) {
				return nil, false
			}
			cur = x[n]
		default:
			return nil, false
		}
	}
	return cur, true
}

// arrayIndex reads a path segment as an index into a JSON array: a non-negative
// decimal integer without sign or leading zeros ("0", "12"), as in a JSON Pointer
// (RFC 6901).
func arrayIndex(k string) (int, bool) {
	if k == "" || len(k) > 9 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parent returns the object that holds the value at p.
func parent(v any, p Path) map[string]any {
	if len(p) <= 1 {
		m, _ := v.(map[string]any)
		return m
	}
	x, _ := lookup(v, p[:len(p)-1])
	m, _ := x.(map[string]any)
	return m
}

// scalarString renders a response value as a string: strings as is, numbers exactly
// as sent, booleans as true/false, objects and arrays as compact JSON.
func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return ""
		}
		return string(b)
	}
}

func orSibling(p, access Path, name string) Path {
	if len(p) > 0 {
		return p
	}
	return sibling(access, name)
}

func sibling(p Path, name string) Path {
	s := make(Path, len(p))
	copy(s, p)
	if len(s) == 0 {
		return Path{name}
	}
	s[len(s)-1] = name
	return s
}
