package runtime

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"golang.org/x/oauth2"
)

// transport is the http.RoundTripper of API calls. It adds the token as the flow's
// APIAuth says (header or query parameter, value rendered once per token), the extra
// headers and query parameters, and the default Content-Type on requests that have a
// body and none; a redirect to another host goes on without any of them
// (redirectKeepsToken). On a 401 or 403 answer it renews the token once and retries once: a
// request body is replayed through GetBody, and a request with a body but no GetBody
// is not retried; a second failure is returned as is. A refusal of a token that was
// renewed for a refusal less than 10 s ago is returned as is, without renewing. The
// caller's request is never modified.
type transport struct {
	c    *Client
	src  *tokenSource // a source of c: cached values, forced renewal
	base http.RoundTripper
}

// HTTPClient returns an *http.Client for API calls whose requests carry tok, renewed
// as needed (with WithStore, the stored token; tok may then be nil). Requests get the
// token as the flow's API says, with its extra headers, query parameters and default
// Content-Type, and are never modified themselves; a redirect the client follows to
// another host (or from https to http) goes on without any of them; a 401 or 403 answer renews the
// token once and retries once (a request with a body needs GetBody for that). Its
// transport and timeout are those of the client Exchange would use (the context's,
// WithHTTPClient's, or one with a 30 s timeout). Keep the client for as long as
// tok is used: renewed tokens live in it and reach the application only through the
// token hook (WithTokenHook) or the store (WithStore); a new client per request from
// the same old tok would refresh again with a refresh token the provider may already
// have rotated out.
func (c *Client) HTTPClient(ctx context.Context, tok *oauth2.Token) *http.Client {
	return c.clientFor(ctx, c.tokenSource(ctx, tok))
}

// clientFor returns an *http.Client whose requests carry the tokens of src.
func (c *Client) clientFor(ctx context.Context, src *tokenSource) *http.Client {
	hc := c.httpClient(ctx)
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{
		Transport:     &transport{c: c, src: src, base: base},
		Timeout:       hc.Timeout,
		CheckRedirect: hc.CheckRedirect,
		Jar:           hc.Jar,
	}
}

// Format prints the transport without its token, under every verb.
func (t *transport) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, "runtime.Transport{Connector: "+quote(t.c.flow.Connector)+"}")
}

// RoundTrip sends req with the token, unless req is a redirect that may not carry
// it (redirectKeepsToken): then req goes on as net/http built it.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Response != nil && !t.c.redirectKeepsToken(req) {
		return t.base.RoundTrip(req)
	}
	closeBody := req.Body != nil
	defer func() {
		if closeBody {
			req.Body.Close()
		}
	}()
	if err := t.c.checkHost(OpAPI, req.URL, &t.c.apiHosts); err != nil {
		if req.Response == nil {
			return nil, err
		}
		// A redirect off the API hosts goes on as net/http made it, without the
		// token or anything else this transport adds.
		closeBody = false
		return t.base.RoundTrip(req)
	}
	e, err := t.src.entry()
	if err != nil {
		return nil, err
	}
	closeBody = false // the base transport closes it from here on
	resp, err := t.base.RoundTrip(t.c.authorize(req, e, req.Body))
	if err != nil || (resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden) {
		return resp, err
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	if hasBody && req.GetBody == nil {
		return resp, nil
	}
	e2, rerr := t.src.renewOnce(e)
	if rerr != nil || e2 == nil || e2.tok.AccessToken == e.tok.AccessToken {
		return resp, nil
	}
	body := req.Body
	if hasBody {
		if body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	drain(resp.Body)
	return t.base.RoundTrip(t.c.authorize(req, e2, body))
}

// drain reads a little of a discarded body so the connection can be reused, and
// closes it.
func drain(b io.ReadCloser) {
	io.CopyN(io.Discard, b, 4<<10)
	b.Close()
}

// authorize returns a copy of req carrying e's token, with body as its body.
func (c *Client) authorize(req *http.Request, e *entry, body io.ReadCloser) *http.Request {
	// A shallow copy with its own header map, as golang.org/x/oauth2's transport
	// makes: the URL is copied only when the query changes.
	r := new(http.Request)
	*r = *req
	r.Header = make(http.Header, len(req.Header)+2)
	for k, v := range req.Header {
		r.Header[k] = append([]string(nil), v...)
	}
	r.Body = body
	api := &c.flow.API
	if !api.InQuery {
		r.Header[c.apiHeader] = []string{e.value}
	}
	for _, h := range e.headers {
		r.Header[h.k] = []string{h.v}
	}
	if e.query != "" {
		u := *req.URL
		r.URL = &u
		if r.URL.RawQuery == "" {
			r.URL.RawQuery = e.query
		} else {
			r.URL.RawQuery += "&" + e.query
		}
	}
	if api.ContentType != "" && body != nil && body != http.NoBody {
		if ct := r.Header["Content-Type"]; len(ct) == 0 || ct[0] == "" {
			r.Header["Content-Type"] = []string{api.ContentType}
		}
	}
	return r
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// failingTransport fails every request with err, sending nothing: the client of a
// connection that does not exist, or one a certificate cannot be presented through.
type failingTransport struct{ err error }

func (t failingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return nil, t.err
}
