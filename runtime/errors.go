package runtime

import (
	"bytes"
	"errors"
	"net/url"
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
// from a server's answer can repeat them.
type secrets [5]string

func (s *secrets) add(v string) {
	if len(v) < 4 { // too short to redact without mangling messages
		return
	}
	for i := range s {
		if s[i] == "" || s[i] == v {
			s[i] = v
			return
		}
	}
}

func (s *secrets) clean(text string) string {
	for _, v := range s {
		if v != "" && strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, "[redacted]")
		}
	}
	return text
}

func (s *secrets) cleanBytes(b []byte) []byte {
	for _, v := range s {
		if v != "" && bytes.Contains(b, []byte(v)) {
			b = bytes.ReplaceAll(b, []byte(v), []byte("[redacted]"))
		}
	}
	return b
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
