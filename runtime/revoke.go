package runtime

import (
	"context"
	"io"
	"net/http"

	"golang.org/x/oauth2"
)

// Revoke revokes tok at the flow's RevokeURL. Without a Revocation the request is
// RFC 7009's: a form POST of its refresh token when it has one
// (token_type_hint=refresh_token), else of its access token, with the client
// credentials as ClientAuth says; any 2xx answer is success. With one, the request
// is the provider's own (Revocation), and a 2xx answer whose JSON body holds an
// error ({"ok":false,"error":"invalid_auth"}) is a failure.
func (c *Client) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if c.flow.RevokeURL.IsZero() {
		return c.newTokenError(OpRevoke, 0, "", "", "the connector has no revocation endpoint", nil)
	}
	if tok == nil || (tok.AccessToken == "" && tok.RefreshToken == "") {
		return c.newTokenError(OpRevoke, 0, "", "", "no token to revoke", errNoToken)
	}
	v := c.varsOf(tok)
	u, err := c.renderURL(OpRevoke, c.flow.RevokeURL, v)
	if err != nil {
		return err
	}
	tc := &tokenCall{op: OpRevoke, vars: v, url: u}
	tc.sec.add(tok.RefreshToken)
	tc.sec.add(tok.AccessToken)
	tc.sec.add(string(c.creds.ClientSecret))
	if err := c.checkURL(OpRevoke, tc.url, &c.tokenHosts); err != nil {
		return err
	}
	rv := c.flow.Revocation
	var req *http.Request
	if rv == nil {
		req, err = c.rfc7009Request(ctx, tc, tok)
	} else {
		req, err = c.revocationRequest(ctx, tc, tok, rv)
	}
	if err != nil {
		return err
	}
	req.Header["Accept"] = []string{c.accept}
	for _, h := range c.flow.Headers {
		req.Header.Set(h.Key, h.Value.Render(v))
	}
	if rv != nil {
		for _, h := range rv.Headers {
			req.Header.Set(h.Key, h.Value.Render(v))
		}
	}
	resp, err := c.tokenHTTPClient(ctx).Do(req)
	if err != nil {
		return c.transportError(OpRevoke, err, &tc.sec)
	}
	if isRedirect(resp) {
		return c.redirectError(OpRevoke, resp)
	}
	body, tooBig, _ := readLimited(resp, c.opts.maxBody)
	resp.Body.Close()
	if tooBig {
		body = nil
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if rv == nil {
			return nil // RFC 7009 2.2: whatever the body
		}
		return c.revocationBodyError(tc, resp, body)
	}
	_, _, perr := c.parse(tc, resp, body)
	if perr == nil { // a 2xx-looking token body under an error status cannot happen; be safe
		return c.newTokenError(OpRevoke, resp.StatusCode, "", "", statusText(resp), nil)
	}
	return perr
}

// rfc7009Request is the RFC 7009 request revoking tok.
func (c *Client) rfc7009Request(ctx context.Context, tc *tokenCall, tok *oauth2.Token) (*http.Request, error) {
	if tok.RefreshToken != "" {
		tc.params = params{{"token", tok.RefreshToken}, {"token_type_hint", "refresh_token"}}
	} else {
		tc.params = params{{"token", tok.AccessToken}, {"token_type_hint", "access_token"}}
	}
	c.addClientAuth(tc)
	if tc.err != nil {
		return nil, tc.err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tc.url, bytesReader(tc.params.appendForm(nil)))
	if err != nil {
		return nil, c.newTokenError(OpRevoke, 0, "", "", "invalid revocation URL", nil)
	}
	req.Header["Content-Type"] = ctForm
	if c.basic != "" {
		req.Header["Authorization"] = []string{c.basic}
	}
	return req, nil
}

// revocationRequest is the provider's own request revoking tok, as rv says: the
// token it names rendered into rv.Args (Vars.Token), sent as a form or JSON body or
// in the query string, authenticated as rv.Auth says.
func (c *Client) revocationRequest(ctx context.Context, tc *tokenCall, tok *oauth2.Token, rv *Revocation) (*http.Request, error) {
	token := tok.RefreshToken
	switch rv.Token {
	case "access_token":
		token = tok.AccessToken
	case "refresh_token":
	default:
		if token == "" {
			token = tok.AccessToken
		}
	}
	if token == "" {
		return nil, c.newTokenError(OpRevoke, 0, "", "", "the token has no "+rv.Token+" to revoke", errNoToken)
	}
	av := *tc.vars
	av.Token = token
	renderArgs(&tc.params, rv.Args, &av, tc.url)
	var authz string
	switch rv.Auth {
	case AuthBody:
		c.addClientParams(tc)
	case AuthHeader:
		authz = basicAuth(*c.creds)
	case AuthBoth:
		c.addClientParams(tc)
		authz = basicAuth(*c.creds)
	case AuthBearer:
		if tok.AccessToken == "" {
			return nil, c.newTokenError(OpRevoke, 0, "", "", "the token has no access token to authenticate the revocation with", errNoToken)
		}
		authz = "Bearer " + tok.AccessToken
	case AuthSecretBearer:
		authz = "Bearer " + string(c.creds.ClientSecret)
	}
	var (
		body io.Reader
		ct   []string
	)
	switch {
	case len(tc.params) == 0:
	case rv.Body == Form:
		body, ct = bytesReader(tc.params.appendForm(nil)), ctForm
	case rv.Body == JSON:
		body, ct = bytesReader(tc.params.appendJSON(nil)), ctJSON
	default:
		tc.url = urlWithParams(tc.url, tc.params)
	}
	method := rv.Method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, tc.url, body)
	if err != nil {
		return nil, c.newTokenError(OpRevoke, 0, "", "", "invalid revocation URL", nil)
	}
	if ct != nil {
		req.Header["Content-Type"] = ct
	}
	if authz != "" {
		req.Header["Authorization"] = []string{authz}
	}
	return req, nil
}

// revocationBodyError is the error a provider's 2xx answer to its own revocation
// request holds, as a token response would hold it (Slack's
// {"ok":false,"error":"invalid_auth"}); nil when it holds none.
func (c *Client) revocationBodyError(tc *tokenCall, resp *http.Response, body []byte) error {
	if classify(resp.Header.Get("Content-Type"), body) != kindJSON {
		return nil
	}
	root, err := decodeJSON(body)
	if err != nil {
		return nil
	}
	code, _, _ := rfcError(root)
	if code == "" {
		return nil
	}
	if _, _, perr := c.parse(tc, resp, body); perr != nil {
		return perr
	}
	// The error sits beside an access token (Strava answers with the token): still
	// an error.
	return c.newTokenError(OpRevoke, resp.StatusCode, tc.sec.clean(code), "", statusText(resp)+" with an error body", nil)
}
