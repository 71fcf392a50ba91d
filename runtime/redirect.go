package runtime

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// RedirectError is the Err of the *TokenError returned when a token, refresh,
// revocation, userinfo or test request is answered with a redirect (any 3xx). Those
// requests carry the client secret, a code, a verifier or a token, and a redirect
// would send them again to wherever the answer points (a 307 or 308 re-sends the
// body), so they never follow one: nothing is sent again. Host is the host of the
// Location header only ("" when there is none), never its path or query.
type RedirectError struct {
	Connector  string
	Op         Op
	StatusCode int
	Host       string
}

// Error returns the message, which names the connector, the operation, the status and
// the host the answer pointed to.
func (e *RedirectError) Error() string {
	return "oauthgen: " + e.Connector + ": " + string(e.Op) + ": " + e.problem()
}

// problem says what happened, for Error and for the TokenError around e.
func (e *RedirectError) problem() string {
	msg := "HTTP " + itoa(int64(e.StatusCode)) + " redirect"
	if e.Host != "" {
		msg += " to host " + quote(e.Host)
	}
	return strings.ToValidUTF8(msg, "\uFFFD") + " not followed (requests that carry credentials never follow redirects)"
}

// refuseRedirect is the CheckRedirect of the clients that send credentials: the 3xx
// answer itself is returned, and no request is sent again.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// sendClient returns the HTTP client of a request that carries credentials: a copy of
// the client httpClient returns (its Transport, Timeout and Jar) that never follows
// a redirect.
func (c *Client) sendClient(ctx context.Context) *http.Client {
	hc := *c.httpClient(ctx)
	hc.CheckRedirect = refuseRedirect
	return &hc
}

// isRedirect reports whether resp is a 3xx answer, which requests that carry
// credentials turn into a RedirectError.
func isRedirect(resp *http.Response) bool { return resp.StatusCode >= 300 && resp.StatusCode <= 399 }

// redirectError drains resp and returns the *TokenError (Err a *RedirectError) of op
// answered with a redirect.
func (c *Client) redirectError(op Op, resp *http.Response) *TokenError {
	drain(resp.Body)
	re := &RedirectError{Connector: c.connector(), Op: op, StatusCode: resp.StatusCode}
	if loc, err := url.Parse(resp.Header.Get("Location")); err == nil {
		re.Host = loc.Host
	}
	return c.newTokenError(op, resp.StatusCode, "", "", re.problem(), re)
}

// redirectKeepsToken reports whether next, a redirect that an API call's HTTP client
// follows, may carry the token, the API headers and the API query parameters: only
// when it goes to the host and scheme of the first request of the chain (or from
// http to https on that host). Anything else goes on as net/http built it, without
// them: net/http strips only Authorization and cookies on a redirect to another host,
// and the transport must not add back what it strips, nor send a custom header
// (X-Shopify-Access-Token) or a query token anywhere else.
//
// The first request is found through each redirect's Response.Request, which
// net/http's Transport sets; a base transport that builds its own responses (a
// logging or retry wrapper, a test double) may leave it nil, and then the chain's
// start is unknown and the redirect gets nothing (fail closed). The transport checks
// the API host set besides.
func (c *Client) redirectKeepsToken(next *http.Request) bool {
	first := next
	for first.Response != nil {
		if first.Response.Request == nil {
			return false
		}
		first = first.Response.Request
	}
	a, b := first.URL, next.URL
	if !strings.EqualFold(a.Host, b.Host) {
		return false
	}
	return a.Scheme == b.Scheme || b.Scheme == "https"
}
