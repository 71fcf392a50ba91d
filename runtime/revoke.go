package runtime

import (
	"context"
	"net/http"

	"golang.org/x/oauth2"
)

// Revoke revokes tok at the flow's RevokeURL (RFC 7009): its refresh token when it has
// one (token_type_hint=refresh_token), else its access token. The request is a form
// POST with the client credentials as ClientAuth says.
func (c *Client) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if c.flow.RevokeURL.IsZero() {
		return c.newTokenError(OpRevoke, 0, "", "", "the connector has no revocation endpoint", nil)
	}
	if tok == nil || (tok.AccessToken == "" && tok.RefreshToken == "") {
		return c.newTokenError(OpRevoke, 0, "", "", "no token to revoke", errNoToken)
	}
	v := c.varsOf(tok)
	tc := &tokenCall{op: OpRevoke, vars: v, url: c.flow.RevokeURL.Render(v)}
	if tok.RefreshToken != "" {
		tc.params = params{{"token", tok.RefreshToken}, {"token_type_hint", "refresh_token"}}
	} else {
		tc.params = params{{"token", tok.AccessToken}, {"token_type_hint", "access_token"}}
	}
	tc.sec.add(tok.RefreshToken)
	tc.sec.add(tok.AccessToken)
	tc.sec.add(c.creds.ClientSecret)
	c.addClientAuth(tc)
	if tc.err != nil {
		return tc.err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tc.url, bytesReader(tc.params.appendForm(nil)))
	if err != nil {
		return c.newTokenError(OpRevoke, 0, "", "", "invalid revocation URL", nil)
	}
	req.Header["Content-Type"] = ctForm
	req.Header["Accept"] = []string{c.accept}
	if c.basic != "" {
		req.Header["Authorization"] = []string{c.basic}
	}
	for _, h := range c.flow.Headers {
		req.Header.Set(h.Key, h.Value.Render(v))
	}
	resp, err := c.tokenHTTPClient(ctx).Do(req)
	if err != nil {
		return c.transportError(OpRevoke, err, &tc.sec)
	}
	body, tooBig, _ := readLimited(resp, c.opts.maxBody)
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	if tooBig {
		body = nil
	}
	_, _, perr := c.parse(tc, resp, body)
	if perr == nil { // a 2xx-looking token body under an error status cannot happen; be safe
		return c.newTokenError(OpRevoke, resp.StatusCode, "", "", statusText(resp), nil)
	}
	return perr
}
