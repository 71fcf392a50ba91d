package runtime

import (
	"context"
	"net/http"

	"golang.org/x/oauth2"
)

// userinfo runs the flow's userinfo GET with tok and returns tok with the named fields
// added to its Extra values. On failure it returns tok unchanged and the error.
func (c *Client) userinfo(ctx context.Context, tok *oauth2.Token) (*oauth2.Token, error) {
	ui := c.flow.Userinfo
	v := c.varsOf(tok)
	v.Token = tok.AccessToken
	u, err := c.renderURL(OpUserinfo, ui.URL, v)
	if err != nil {
		return tok, err
	}
	tc := &tokenCall{op: OpUserinfo, vars: v, url: u}
	tc.sec.add(tok.AccessToken)
	tc.sec.add(tok.RefreshToken)
	tc.sec.add(c.creds.ClientSecret)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tc.url, nil)
	if err != nil {
		return tok, c.newTokenError(OpUserinfo, 0, "", "", "invalid userinfo URL", nil)
	}
	req.Header["Accept"] = []string{"application/json"}
	resp, err := c.httpClient(ctx).Do(c.authorize(req, c.newEntry(tok), nil))
	if err != nil {
		return tok, c.transportError(OpUserinfo, err, &tc.sec)
	}
	body, tooBig, rerr := readLimited(resp, c.opts.maxBody)
	resp.Body.Close()
	if rerr != nil {
		return tok, c.transportError(OpUserinfo, rerr, &tc.sec)
	}
	if tooBig {
		return tok, c.newTokenError(OpUserinfo, resp.StatusCode, "", "", "response body larger than "+itoa(c.opts.maxBody)+" bytes ("+statusText(resp)+")", nil)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || classify(resp.Header.Get("Content-Type"), body) != kindJSON {
		code, desc := "", ""
		if root, err := decodeJSON(body); err == nil {
			code, desc, _ = rfcError(root)
		}
		return tok, c.newTokenError(OpUserinfo, resp.StatusCode, code, tc.sec.clean(desc), statusText(resp)+", not a userinfo response", nil)
	}
	root, err := decodeJSON(body)
	if err != nil {
		return tok, c.newTokenError(OpUserinfo, resp.StatusCode, "", "", "malformed JSON userinfo response", nil)
	}
	extra, _ := extraMap(tok)
	if extra == nil {
		extra = map[string]any{}
	}
	for _, f := range ui.Fields {
		if x, ok := lookup(root, f.Path); ok {
			extra[f.Name] = scalarString(x)
		}
	}
	return tok.WithExtra(extra), nil
}

// Verify runs a cheap API request (the connector's test_request) with tok and
// reports whether the credentials work: nil for a 2xx answer, else a *TokenError
// (Op OpVerify) with the status. A 401/403 renews the token once, as API calls do; a
// token renewed here reaches the application only through the token hook
// (WithTokenHook) or the store (WithStore), so use one of them with rotating refresh
// tokens.
func (c *Client) Verify(ctx context.Context, tok *oauth2.Token, method, url string) error {
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return c.newTokenError(OpVerify, 0, "", "", "invalid test request URL", nil)
	}
	resp, err := c.HTTPClient(ctx, tok).Do(req)
	if err != nil {
		var sec secrets
		if tok != nil {
			sec.add(tok.AccessToken)
			sec.add(tok.RefreshToken)
		}
		sec.add(c.creds.ClientSecret)
		return c.transportError(OpVerify, err, &sec)
	}
	drain(resp.Body)
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	return c.newTokenError(OpVerify, resp.StatusCode, "", "", statusText(resp), nil)
}
