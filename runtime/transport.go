package runtime

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"golang.org/x/oauth2"
)

// Transport is the http.RoundTripper of API calls. It adds the token as the flow's
// APIAuth says (header or query parameter, value rendered once per token), the extra
// headers and query parameters, and the default Content-Type on requests that have a
// body and none. On a 401 or 403 answer it renews the token once and retries once: a
// request body is replayed through GetBody, and a request with a body but no GetBody
// is not retried; a second failure is returned as is. A refusal of a token that was
// renewed for a refusal less than 10 s ago is returned as is, without renewing. The
// caller's request is never modified.
type Transport struct {
	c    *Client
	src  *TokenSource       // ours: cached values, forced renewal
	ext  oauth2.TokenSource // another source: values rendered per call, no renewal
	base http.RoundTripper
}

// Transport returns a Transport taking tokens from src (a *TokenSource of c gives
// renewal on 401/403) and sending through base (nil: http.DefaultTransport).
func (c *Client) Transport(src oauth2.TokenSource, base http.RoundTripper) *Transport {
	t := &Transport{c: c, base: base}
	if s, ok := src.(*TokenSource); ok && s.c == c {
		t.src = s
	} else {
		t.ext = src
	}
	if t.base == nil {
		t.base = http.DefaultTransport
	}
	return t
}

// HTTPClient returns an *http.Client whose requests carry tok (renewed as needed). Its
// transport and timeout are those of the client Exchange would use (the context's,
// WithHTTPClient's, or a default with DefaultTimeout). Keep the client for as long as
// tok is used: renewed tokens live in it and reach the application only through the
// token hook (WithTokenHook) or the store (WithStore); a new client per request from
// the same old tok would refresh again with a refresh token the provider may already
// have rotated out.
func (c *Client) HTTPClient(ctx context.Context, tok *oauth2.Token) *http.Client {
	return c.ClientFor(ctx, c.TokenSource(ctx, tok))
}

// ClientFor returns an *http.Client whose requests carry the tokens of src.
func (c *Client) ClientFor(ctx context.Context, src oauth2.TokenSource) *http.Client {
	hc := c.httpClient(ctx)
	return &http.Client{
		Transport:     c.Transport(src, hc.Transport),
		Timeout:       hc.Timeout,
		CheckRedirect: hc.CheckRedirect,
		Jar:           hc.Jar,
	}
}

// String describes the transport without its token.
func (t *Transport) String() string {
	return "runtime.Transport{Connector: " + quote(t.c.flow.Connector) + "}"
}

// GoString is like String.
func (t *Transport) GoString() string { return t.String() }

func (t *Transport) current() (*entry, error) {
	if t.src != nil {
		return t.src.entry()
	}
	if t.ext == nil {
		return nil, t.c.newTokenError(OpRefresh, 0, "", "", "transport has no token source", ErrNoToken)
	}
	tok, err := t.ext.Token()
	if err != nil {
		return nil, err
	}
	return t.c.newEntry(tok), nil
}

// RoundTrip sends req with the token.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeBody := req.Body != nil
	defer func() {
		if closeBody {
			req.Body.Close()
		}
	}()
	e, err := t.current()
	if err != nil {
		return nil, err
	}
	closeBody = false // the base transport closes it from here on
	resp, err := t.base.RoundTrip(t.c.authorize(req, e, req.Body))
	if err != nil || t.src == nil || (resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden) {
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
	r := req.Clone(req.Context())
	r.Body = body
	api := &c.flow.API
	if !api.InQuery {
		r.Header[c.apiHeader] = []string{e.value}
	}
	for _, h := range e.headers {
		r.Header[h.k] = []string{h.v}
	}
	if e.query != "" {
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
