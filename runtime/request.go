package runtime

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
)

var (
	ctForm = []string{"application/x-www-form-urlencoded"}
	ctJSON = []string{"application/json"}
)

// tokenCall is one token request: the URL, the parameters in order, the values
// templates may read, and the secrets its errors must not repeat.
type tokenCall struct {
	op     Op
	url    string
	params params
	vars   *Vars
	sec    secrets
}

// addClientAuth adds the client id and secret as the flow says, unless the URL's
// query already carries them.
func (c *Client) addClientAuth(tc *tokenCall) {
	if c.flow.ClientAuth == AuthHeader {
		return
	}
	c.addClientParams(tc)
}

// addClientParams adds the client id and secret as parameters, unless the URL's
// query already carries them.
func (c *Client) addClientParams(tc *tokenCall) {
	idKey := c.flow.ClientIDKey
	if idKey == "" {
		idKey = "client_id"
	}
	secKey := c.flow.SecretKey
	if secKey == "" {
		secKey = "client_secret"
	}
	hasQuery := strings.IndexByte(tc.url, '?') >= 0
	if c.creds.ClientID != "" && !(hasQuery && queryHas(tc.url, idKey)) {
		tc.params.set(idKey, c.creds.ClientID)
	}
	if c.creds.ClientSecret != "" && !(hasQuery && queryHas(tc.url, secKey)) {
		tc.params.set(secKey, string(c.creds.ClientSecret))
	}
}

// renderArgs appends args rendered with v to p, skipping keys the URL's query has.
func renderArgs(p *params, args []Arg, v *Vars, rawURL string) {
	hasQuery := strings.IndexByte(rawURL, '?') >= 0
	for _, a := range args {
		if hasQuery && queryHas(rawURL, a.Key) {
			continue
		}
		p.set(a.Key, a.Value.Render(v))
	}
}

// send runs a token call, falling back once to the flow's other body type when the
// first is refused, and returns the parsed response.
func (c *Client) send(ctx context.Context, tc *tokenCall) (*parsed, error) {
	tc.sec.add(string(c.creds.ClientSecret))
	if err := c.checkURL(tc.op, tc.url, &c.tokenHosts); err != nil {
		return nil, err
	}
	if c.method == http.MethodGet || c.flow.FallbackBody == 0 {
		res, _, err := c.attempt(ctx, tc, BodyType(c.body.Load()))
		return res, err
	}
	bt := BodyType(c.body.Load())
	res, refused, err := c.attempt(ctx, tc, bt)
	if err == nil || !refused || ctx.Err() != nil {
		return res, err
	}
	other := c.flow.FallbackBody
	if bt == other {
		other = c.primaryBody()
	}
	res2, _, err2 := c.attempt(ctx, tc, other)
	if err2 == nil {
		c.body.Store(uint32(other))
		return res2, nil
	}
	// Report the answer that says more: the first, unless it only refused the type.
	if te, ok := err.(*TokenError); ok && (te.StatusCode == http.StatusUnsupportedMediaType || te.StatusCode == http.StatusNotAcceptable) {
		return nil, err2
	}
	return nil, err
}

// attempt sends one token request with body type bt. refused reports an answer that
// suggests another body type may work.
func (c *Client) attempt(ctx context.Context, tc *tokenCall, bt BodyType) (*parsed, bool, error) {
	var (
		req *http.Request
		err error
	)
	if c.method == http.MethodGet {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, urlWithParams(tc.url, tc.params), nil)
	} else {
		var body []byte
		var ct []string
		if bt == JSON {
			body = tc.params.appendJSON(make([]byte, 0, 256))
			ct = ctJSON
		} else {
			body = tc.params.appendForm(make([]byte, 0, 256))
			ct = ctForm
		}
		req, err = http.NewRequestWithContext(ctx, c.method, tc.url, bytes.NewReader(body))
		if err == nil {
			if c.flow.ContentType != "" && bt == c.primaryBody() {
				req.Header["Content-Type"] = []string{c.flow.ContentType}
			} else {
				req.Header["Content-Type"] = ct
			}
		}
	}
	if err != nil {
		return nil, false, c.newTokenError(tc.op, 0, "", "", "invalid token URL "+quote(tc.sec.clean(stripQuery(tc.url))), nil)
	}
	req.Header["Accept"] = []string{c.accept}
	if c.basic != "" {
		req.Header["Authorization"] = []string{c.basic}
	}
	for _, h := range c.flow.Headers {
		req.Header.Set(h.Key, h.Value.Render(tc.vars))
	}
	resp, err := c.sendClient(ctx).Do(req)
	if err != nil {
		return nil, false, c.transportError(tc.op, err, &tc.sec)
	}
	if isRedirect(resp) { // not refused: the other body type is not tried either
		return nil, false, c.redirectError(tc.op, resp)
	}
	body, tooBig, rerr := readLimited(resp, c.opts.maxBody)
	resp.Body.Close()
	if rerr != nil {
		return nil, false, c.transportError(tc.op, rerr, &tc.sec)
	}
	if tooBig {
		return nil, false, c.newTokenError(tc.op, resp.StatusCode, "", "", "response body larger than "+itoa(c.opts.maxBody)+" bytes ("+statusText(resp)+")", nil)
	}
	return c.parse(tc, resp, body)
}

// readLimited reads a response body of at most limit bytes; tooBig reports a larger
// one, which is not read further. A known Content-Length sizes the buffer at once.
func readLimited(resp *http.Response, limit int64) (b []byte, tooBig bool, err error) {
	if n := resp.ContentLength; n > limit {
		return nil, true, nil
	} else if n > 0 { // 0 is also what hand-made responses of test transports say
		b = make([]byte, n)
		if _, err = io.ReadFull(resp.Body, b); err != nil {
			return nil, false, err
		}
		return b, false, nil
	}
	b, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if int64(len(b)) > limit {
		return nil, true, nil
	}
	return b, false, err
}

// primaryBody is the flow's first body type.
func (c *Client) primaryBody() BodyType {
	if c.flow.Body == 0 {
		return Form
	}
	return c.flow.Body
}
