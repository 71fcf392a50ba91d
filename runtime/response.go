package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// maxErrorBody is how much of an error response RetrieveError.Body keeps.
const maxErrorBody = 4 << 10

// parsed is a successful token response.
type parsed struct {
	tok *oauth2.Token
}

type bodyKind uint8

const (
	kindEmpty bodyKind = iota
	kindJSON
	kindForm
	kindHTML
	kindOther
)

func classify(ct string, body []byte) bodyKind {
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return kindEmpty
	}
	switch t[0] {
	case '{', '[':
		return kindJSON
	case '<':
		return kindHTML
	}
	mt, _, _ := mime.ParseMediaType(ct)
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return kindJSON
	case mt == "text/html":
		return kindHTML
	case mt == "application/x-www-form-urlencoded" || mt == "text/plain" || mt == "":
		if bytes.IndexByte(t, '=') > 0 {
			return kindForm
		}
	}
	return kindOther
}

// decodeJSON decodes body keeping numbers exact (json.Number).
func decodeJSON(body []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func formRoot(body []byte) (any, error) {
	q, err := url.ParseQuery(string(bytes.TrimSpace(body)))
	if err != nil {
		return nil, err
	}
	m := make(map[string]any, len(q))
	for k, v := range q {
		if len(v) > 0 {
			m[k] = v[0]
		}
	}
	return m, nil
}

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

// seconds reads a lifetime given as a number or a numeric string.
func seconds(v any) (int64, bool) {
	var f float64
	switch x := v.(type) {
	case json.Number:
		g, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return 0, false
		}
		f = g
	case float64:
		f = x
	case string:
		g, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, false
		}
		f = g
	default:
		return 0, false
	}
	if math.IsNaN(f) || f <= 0 {
		return 0, false
	}
	if f > math.MaxInt32 {
		f = math.MaxInt32
	}
	return int64(f), true
}

// toFloats replaces json.Number by float64 in v, as encoding/json decodes by default
// and as golang.org/x/oauth2 users expect from Token.Extra.
func toFloats(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return string(x)
		}
		return f
	case map[string]any:
		for k, e := range x {
			switch e.(type) {
			case json.Number, map[string]any, []any:
				x[k] = toFloats(e)
			}
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = toFloats(e)
		}
		return x
	}
	return v
}

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

func statusText(resp *http.Response) string {
	return "HTTP " + strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

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

// parse turns a token endpoint answer into a token or a TokenError.
func (c *Client) parse(tc *tokenCall, resp *http.Response, body []byte) (*parsed, bool, error) {
	status := resp.StatusCode
	ok2xx := status >= 200 && status <= 299
	refusal := status == http.StatusBadRequest || status == http.StatusNotAcceptable || status == http.StatusUnsupportedMediaType
	ct := resp.Header.Get("Content-Type")
	kind := classify(ct, body)

	fail := func(code, desc, uri, problem string, keepBody, refused bool) (*parsed, bool, error) {
		code = tc.sec.clean(code)
		desc = tc.sec.clean(desc)
		re := &oauth2.RetrieveError{Response: detached(resp), ErrorCode: code, ErrorDescription: desc, ErrorURI: tc.sec.clean(uri)}
		if keepBody {
			b := body
			if len(b) > maxErrorBody {
				b = b[:maxErrorBody]
			}
			re.Body = tc.sec.cleanBytes(bytes.Clone(b))
		}
		return nil, refused, c.newTokenError(tc.op, status, code, desc, problem, re)
	}

	var root any
	switch kind {
	case kindEmpty:
		if ok2xx {
			return fail("", "", "", "empty response ("+statusText(resp)+")", false, true)
		}
		return fail("", "", "", statusText(resp)+" with an empty body", false, refusal)
	case kindHTML, kindOther:
		mt, _, _ := mime.ParseMediaType(ct)
		if mt == "" {
			mt = "unknown"
		}
		if ok2xx {
			return fail("", "", "", "response is "+mt+", not a token response ("+statusText(resp)+")", false, true)
		}
		return fail("", "", "", statusText(resp)+" with a "+mt+" body, not a token response", true, refusal)
	case kindJSON:
		v, err := decodeJSON(body)
		if err != nil {
			problem := "malformed JSON response (" + statusText(resp)
			var se *json.SyntaxError
			if errors.As(err, &se) {
				problem += ", at byte " + itoa(se.Offset)
			}
			problem += ")"
			return fail("", "", "", problem, !ok2xx, ok2xx || refusal)
		}
		root = v
	case kindForm:
		v, err := formRoot(body)
		if err != nil {
			return fail("", "", "", "malformed form-encoded response ("+statusText(resp)+")", !ok2xx, ok2xx || refusal)
		}
		root = v
	}

	code, desc, uri := rfcError(root)
	access, _ := lookup(root, c.accessPath)
	accessStr, _ := access.(string)

	if !ok2xx {
		problem := statusText(resp)
		if code == "" {
			problem += ", not a token response"
		}
		return fail(code, desc, uri, problem, true, refusal && !semantic(code))
	}
	if accessStr == "" || (code != "" && isRFCError(root)) {
		if code != "" {
			return fail(code, desc, uri, statusText(resp)+" with an error body", true, !semantic(code))
		}
		return fail("", "", "", "no access token at "+quote(strings.Join(c.accessPath, "."))+" in the response (it has "+keysOf(root)+")", false, true)
	}
	// encoding/json turns bytes that are not UTF-8 into U+FFFD: a token changed that
	// way would fail later, far from the cause, so it is refused here.
	refresh, _ := lookup(root, c.refreshPath)
	refreshStr, _ := refresh.(string)
	bad := !utf8.ValidString(accessStr) || !utf8.ValidString(refreshStr)
	if !bad && kind == kindJSON && !utf8.Valid(body) {
		bad = strings.ContainsRune(accessStr, utf8.RuneError) || strings.ContainsRune(refreshStr, utf8.RuneError)
	}
	if bad {
		return fail("", "", "", "the token in the response is not valid UTF-8 ("+statusText(resp)+")", false, true)
	}
	return &parsed{tok: c.tokenFrom(root, accessStr, tc)}, false, nil
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

// tokenFrom builds the token of a successful response.
func (c *Client) tokenFrom(root any, access string, tc *tokenCall) *oauth2.Token {
	t := oauth2.Token{AccessToken: access}
	if v, ok := lookup(root, c.refreshPath); ok {
		t.RefreshToken, _ = v.(string)
	}
	if v, ok := lookup(root, c.typePath); ok {
		// The token type only describes the token; bytes that are not UTF-8 in it are
		// replaced rather than refusing a usable token (or storing one MarshalToken
		// cannot encode).
		tt, _ := v.(string)
		t.TokenType = strings.ToValidUTF8(tt, "\uFFFD")
	}
	var secs int64
	var found bool
	if v, ok := lookup(root, c.expiresPath); ok {
		secs, found = seconds(v)
	} else if v, ok := lookup(root, c.expiresAltPath); ok {
		secs, found = seconds(v)
	}
	if !found && c.flow.DefaultExpiresIn > 0 {
		secs, found = int64(c.flow.DefaultExpiresIn/time.Second), true
	}
	if found && secs > 0 {
		t.ExpiresIn = secs
		t.Expiry = c.now().Add(time.Duration(secs) * time.Second)
	}

	// Extra: the object holding the access token, plus metadata and callback values.
	extra := parent(root, c.accessPath)
	if extra == nil {
		extra = map[string]any{}
	}
	for _, f := range c.flow.Metadata {
		if v, ok := lookup(root, f.Path); ok {
			extra[f.Name] = scalarString(v)
		}
	}
	toFloats(extra)
	if tc.vars != nil {
		for k, v := range tc.vars.Callback {
			extra[k] = v
		}
	}
	return t.WithExtra(extra)
}
