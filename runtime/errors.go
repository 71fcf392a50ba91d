package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
)

// Op names the operation that failed in a TokenError.
type Op string

// The operations of a Client.
const (
	OpExchange          Op = "token exchange"
	OpRefresh           Op = "token refresh"
	OpClientCredentials Op = "client credentials token request"
	OpDeviceAuth        Op = "device authorization request"
	OpRevoke            Op = "token revocation"
	OpUserinfo          Op = "userinfo request"
	OpVerify            Op = "test request"
	OpStore             Op = "token store"
)

// errNoRefreshToken is wrapped by the TokenError returned when a token is expired
// and cannot be refreshed because it has no refresh token.
var errNoRefreshToken = errors.New("token expired and has no refresh token")

// errNoVerifier is wrapped by the TokenError of an exchange of a flow with PKCE
// given no verifier.
var errNoVerifier = errors.New("the flow uses PKCE and the exchange has no code verifier (pass oauth2.VerifierOption)")

// errNoToken is wrapped when a token source has no token at all to start from.
var errNoToken = errors.New("no token")

// TokenError is the error of a token request (and of the userinfo, revocation and
// test requests). Its message names the connector, the operation and the problem and
// never contains a client secret, code, verifier or token. When the server answered,
// Err is an *oauth2.RetrieveError (use errors.As) whose ErrorCode and
// ErrorDescription are those of RFC 6749 5.2 or of the provider's own error shape;
// for a network failure Err is that error, with any query string removed from URLs.
type TokenError struct {
	Connector   string // the flow's display name
	Op          Op     // what failed
	StatusCode  int    // HTTP status of the response, 0 when there was none
	Code        string // error code: RFC 6749 "error", or the provider's own code
	Description string // error description, with known secrets removed
	Err         error  // *oauth2.RetrieveError, a network error, or a sentinel

	msg string
}

// Error returns the message, which names the connector, the operation and the problem.
func (e *TokenError) Error() string { return e.msg }

// Unwrap returns the underlying error.
func (e *TokenError) Unwrap() error { return e.Err }

// IsInvalidGrant reports whether err says the grant (code or refresh token) is invalid,
// expired or revoked: the end user must authorize again.
func IsInvalidGrant(err error) bool {
	var te *TokenError
	if errors.As(err, &te) {
		return te.Code == "invalid_grant"
	}
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == "invalid_grant"
}

// CallbackError is returned by CodeFromCallback when the provider redirected back
// with an error (RFC 6749 4.1.2.1) or without a code.
type CallbackError struct {
	Connector   string
	Code        string // "error" parameter, such as access_denied; empty when the code is missing
	Description string // "error_description" parameter
	URI         string // "error_uri" parameter
	msg         string
}

// Error returns the message.
func (e *CallbackError) Error() string { return e.msg }

// secrets collects the secret values involved in one operation so that no error built
// from a server's answer can repeat them: each in the forms a server may echo it in,
// as sent (raw) and escaped for a query, a path or a JSON string.
type secrets struct {
	forms []string // longest first, so that a form holding a shorter one goes whole
}

func (s *secrets) add(v string) {
	if len(v) < 4 { // too short to redact without mangling messages
		return
	}
	j := jsonString(v)
	for _, f := range [...]string{v, url.QueryEscape(v), url.PathEscape(v), j, strings.ReplaceAll(j, "/", `\/`)} {
		if !slices.Contains(s.forms, f) {
			s.forms = append(s.forms, f)
		}
	}
	slices.SortStableFunc(s.forms, func(a, b string) int { return len(b) - len(a) })
}

// jsonString returns v escaped as in a JSON string, without the quotes.
func jsonString(v string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return v
	}
	q := strings.TrimSuffix(b.String(), "\n")
	return q[1 : len(q)-1]
}

// has reports whether text holds a secret in any of its forms.
func (s *secrets) has(text string) bool {
	for _, f := range s.forms {
		if strings.Contains(text, f) {
			return true
		}
	}
	return false
}

func (s *secrets) clean(text string) string {
	for _, f := range s.forms {
		if strings.Contains(text, f) {
			text = strings.ReplaceAll(text, f, "[redacted]")
		}
	}
	return text
}

func (s *secrets) cleanBytes(b []byte) []byte {
	for _, f := range s.forms {
		if bytes.Contains(b, []byte(f)) {
			b = bytes.ReplaceAll(b, []byte(f), []byte("[redacted]"))
		}
	}
	return b
}

// cleanBody returns a response body for RetrieveError.Body: cleaned, and cut to
// maxErrorBody. A JSON or form body may spell a secret in escapes no list of forms
// covers (JSON's \u0031, a form's %2b): when its decoded values still hold one, the
// body is re-encoded from the cleaned values, and a body that does not decode but
// has escapes is dropped.
func (s *secrets) cleanBody(kind bodyKind, body []byte) []byte {
	b := s.cleanBytes(bytes.Clone(body))
	switch kind {
	case kindJSON:
		v, err := decodeJSON(b)
		switch {
		case err != nil && bytes.IndexByte(b, '\\') >= 0:
			return nil
		case err == nil && s.inValue(v):
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if enc.Encode(s.cleanValue(v)) != nil {
				return nil
			}
			b = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		}
	case kindForm:
		q, err := url.ParseQuery(string(bytes.TrimSpace(b)))
		switch {
		case err != nil && bytes.IndexByte(b, '%') >= 0:
			return nil
		case err == nil && s.inValue(formValue(q)):
			clean := make(url.Values, len(q))
			for k, vs := range q {
				for _, v := range vs {
					clean.Add(s.clean(k), s.clean(v))
				}
			}
			b = []byte(clean.Encode())
		}
	}
	if len(b) > maxErrorBody {
		b = b[:maxErrorBody]
	}
	return b
}

// formValue returns q as a decoded JSON value, for inValue.
func formValue(q url.Values) any {
	m := make(map[string]any, len(q))
	for k, vs := range q {
		l := make([]any, len(vs))
		for i, v := range vs {
			l[i] = v
		}
		m[k] = l
	}
	return m
}

// inValue reports whether a string or a key in a decoded JSON value holds a secret.
func (s *secrets) inValue(v any) bool {
	switch x := v.(type) {
	case string:
		return s.has(x)
	case map[string]any:
		for k, e := range x {
			if s.has(k) || s.inValue(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if s.inValue(e) {
				return true
			}
		}
	}
	return false
}

// cleanValue returns a decoded JSON value with its strings and keys cleaned.
func (s *secrets) cleanValue(v any) any {
	switch x := v.(type) {
	case string:
		return s.clean(x)
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[s.clean(k)] = s.cleanValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = s.cleanValue(e)
		}
		return l
	}
	return v
}

// newTokenError builds a TokenError. problem is our own text (no secrets).
func (c *Client) newTokenError(op Op, status int, code, desc, problem string, err error) *TokenError {
	var b strings.Builder
	b.WriteString("oauthgen: ")
	b.WriteString(c.connector())
	b.WriteString(": ")
	b.WriteString(string(op))
	b.WriteString(" failed: ")
	if code != "" {
		b.WriteString(strconv.Quote(code))
		if desc != "" {
			b.WriteString(" ")
			b.WriteString(strconv.Quote(desc))
		}
		if problem != "" {
			b.WriteString(" (")
			b.WriteString(problem)
			b.WriteString(")")
		}
	} else {
		b.WriteString(problem)
	}
	// Server text may be anything; messages are always valid UTF-8.
	return &TokenError{Connector: c.connector(), Op: op, StatusCode: status, Code: strings.ToValidUTF8(code, "\uFFFD"),
		Description: strings.ToValidUTF8(desc, "\uFFFD"), Err: err, msg: strings.ToValidUTF8(b.String(), "\uFFFD")}
}

// transportError wraps a network error, removing query strings (which may carry a
// client secret or code in GET token requests) and known secrets.
func (c *Client) transportError(op Op, err error, sec *secrets) *TokenError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: stripQuery(ue.URL), Err: ue.Err}
	}
	msg := sec.clean(err.Error())
	return c.newTokenError(op, 0, "", "", msg, &cleanError{msg: msg, err: err})
}

// cleanError carries a cleaned message and keeps the chain for errors.Is (a deadline,
// a canceled context).
type cleanError struct {
	msg string
	err error
}

// Error returns the cleaned message.
func (e *cleanError) Error() string { return e.msg }

// Unwrap returns the original error.
func (e *cleanError) Unwrap() error { return e.err }

func stripQuery(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i]
	}
	return raw
}
