package runtime

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// maxErrorBody is how much of an error response RetrieveError.Body keeps.
const maxErrorBody = 4 << 10

// rfcError reads RFC 6749 5.2 error fields, and the provider shapes
// {"error":{"code":..,"message":..}} and {"code":40001,"message":..}.
func rfcError(root any) (code, desc, uri string) {
	m, ok := root.(map[string]any)
	if !ok {
		return "", "", ""
	}
	switch e := m["error"].(type) {
	case string:
		code = e
		desc, _ = m["error_description"].(string)
		uri, _ = m["error_uri"].(string)
		return code, desc, uri
	case map[string]any:
		for _, k := range []string{"code", "type", "status"} {
			if s := scalarString(e[k]); s != "" {
				code = s
				break
			}
		}
		desc = scalarString(e["message"])
		if code == "" && desc != "" {
			code = "error"
		}
		return code, desc, ""
	case bool:
		if e {
			code = "error"
		}
	}
	if code == "" {
		code, desc = providerError(m)
	}
	return code, desc, uri
}

// providerError reads {"code":40001,"message":...} (a zero code means success).
func providerError(m map[string]any) (code, desc string) {
	c, ok := m["code"]
	if !ok {
		if s, ok := m["errcode"]; ok {
			c = s
		} else {
			return "", ""
		}
	}
	code = scalarString(c)
	if code == "" || code == "0" || code == "200" {
		return "", ""
	}
	for _, k := range []string{"message", "msg", "errmsg", "description"} {
		if s := scalarString(m[k]); s != "" {
			desc = s
			break
		}
	}
	return code, desc
}

// semantic reports RFC 6749 error codes that show the request was understood, so a
// different body encoding would not help.
func semantic(code string) bool {
	switch code {
	case "invalid_grant", "invalid_client", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "access_denied":
		return true
	}
	return false
}

// detached returns a copy of resp for an error value: without the request that
// carried the client secret and the code (in its headers, URL or GetBody), and
// without the body, which has been read (RetrieveError.Body holds it, cleaned).
func detached(resp *http.Response) *http.Response {
	r := *resp
	r.Request = nil
	r.Body = http.NoBody
	r.TLS = nil
	return &r
}

func isRFCError(root any) bool {
	m, _ := root.(map[string]any)
	_, ok := m["error"].(string)
	return ok
}

// keysOf lists the top-level keys of a response (names only, never values).
func keysOf(root any) string {
	if a, ok := root.([]any); ok {
		return "no fields: it is an array of length " + strconv.Itoa(len(a))
	}
	m, ok := root.(map[string]any)
	if !ok || len(m) == 0 {
		return "no fields"
	}
	keys := make([]string, 0, len(m))
	hidden := 0
	for k := range m {
		if fieldName(k) {
			keys = append(keys, k)
		} else {
			hidden++
		}
	}
	sort.Strings(keys)
	if len(keys) > 20 {
		keys = append(keys[:20], "...")
	}
	if hidden > 0 {
		// A body that is a bare token ("eyJ...==" sent as text) parses as a form whose
		// only key is the token: keys that do not look like field names are counted,
		// never printed.
		keys = append(keys, strconv.Itoa(hidden)+" not shown")
	}
	return "fields " + strings.Join(keys, ", ")
}

// fieldName reports whether k looks like a field name that is safe to print in an
// error: short, letters, digits, '_', '-' and '.'.
func fieldName(k string) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
