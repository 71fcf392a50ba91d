package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

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

// seconds reads a lifetime given as a number or a numeric string. A lifetime that is
// not a finite decimal number of at least one second (negative, zero, NaN, infinite,
// hexadecimal, a string of anything else, a boolean, an object) is malformed: ok is
// false and the token's lifetime is what default_expires_in says, else unknown (no
// expiry, renewed only when the API refuses it), never "expired long ago", which
// would renew it on every use. A lifetime past 2^31-1 s is capped there.
func seconds(v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, false
	}
	if !decimal(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, -1) || f < 1 {
		return 0, false
	}
	if f > math.MaxInt32 { // also +Inf of a range error: a decimal number too large to hold
		f = math.MaxInt32
	}
	return int64(f), true
}

// decimal reports whether s is a plain decimal number (digits, an optional fraction
// and exponent, a sign), not a hexadecimal, an "Inf", a "NaN" or one with
// underscores, which strconv.ParseFloat would also read.
func decimal(s string) bool {
	digits := false
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= '0' && b <= '9':
			digits = true
		case b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-':
		default:
			return false
		}
	}
	return digits
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

func statusText(resp *http.Response) string {
	return "HTTP " + strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// parse turns a token endpoint answer into a token or a TokenError.
func (c *Client) parse(tc *tokenCall, resp *http.Response, body []byte) (*parsed, bool, error) {
	status := resp.StatusCode
	ok2xx := status >= 200 && status <= 299
	refusal := status == http.StatusBadRequest || status == http.StatusNotAcceptable || status == http.StatusUnsupportedMediaType
	ct := resp.Header.Get("Content-Type")
	kind := classify(ct, body)

	var root any
	fail := func(code, desc, uri, problem string, keepBody, refused bool) (*parsed, bool, error) {
		// A failed response may still issue tokens (beside an error, with a 5xx): its
		// error must not show them either.
		for _, p := range [...]Path{c.accessPath, c.refreshPath} {
			if v, ok := lookup(root, p); ok {
				s, _ := v.(string)
				tc.sec.add(s)
			}
		}
		code = tc.sec.clean(code)
		desc = tc.sec.clean(desc)
		re := &oauth2.RetrieveError{Response: detached(resp), ErrorCode: code, ErrorDescription: desc, ErrorURI: tc.sec.clean(uri)}
		if keepBody {
			re.Body = tc.sec.cleanBody(kind, body)
		}
		te := c.newTokenError(tc.op, status, code, desc, problem, re)
		// Quoting may spell a secret the raw text did not: "\x7f" then "uzz-code"
		// reads "fuzz-code". So the message is cleaned once more, as written.
		te.msg = tc.sec.clean(te.msg)
		return nil, refused, te
	}

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
	refresh, _ := lookup(root, c.refreshPath)
	refreshStr, _ := refresh.(string)

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
	bad := !utf8.ValidString(accessStr) || !utf8.ValidString(refreshStr)
	if !bad && kind == kindJSON && !utf8.Valid(body) {
		bad = strings.ContainsRune(accessStr, utf8.RuneError) || strings.ContainsRune(refreshStr, utf8.RuneError)
	}
	if bad {
		return fail("", "", "", "the token in the response is not valid UTF-8 ("+statusText(resp)+")", false, true)
	}
	// A control character (CR, LF, NUL, ...) cannot go into a header and is no part of
	// any token format; refused now rather than when an API call fails later.
	if hasControl(accessStr) || hasControl(refreshStr) {
		return fail("", "", "", "the token in the response holds control characters ("+statusText(resp)+")", false, false)
	}
	return &parsed{tok: c.tokenFrom(root, accessStr, tc)}, false, nil
}

// hasControl reports whether s holds an ASCII control character or DEL.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
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

	// Extra: the object holding the access token, less the names the runtime keeps
	// there itself, plus metadata and callback values.
	var meta map[string]any
	for _, f := range c.flow.Metadata {
		if v, ok := lookup(root, f.Path); ok && !c.ownExtra(f.Name) {
			if meta == nil {
				meta = make(map[string]any, len(c.flow.Metadata))
			}
			meta[f.Name] = scalarString(v)
		}
	}
	extra := parent(root, c.accessPath)
	if extra == nil {
		extra = map[string]any{}
	}
	for k := range extra {
		if c.ownExtra(k) {
			delete(extra, k)
		}
	}
	for k, v := range meta {
		extra[k] = v
	}
	toFloats(extra)
	if tc.vars != nil {
		for k, v := range tc.vars.Callback {
			extra[k] = v
		}
	}
	c.recordRefreshExpiry(root, &t, extra, tc)
	return t.WithExtra(extra)
}
