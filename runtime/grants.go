package runtime

import (
	"context"
	"errors"
	"net/url"

	"golang.org/x/oauth2"
)

// ExchangeCallback reads the code (CodeFromCallback) and the flow's CallbackParams
// from a callback query and exchanges the code. The callback values are available to
// the token request's templates (Vars.Callback) and kept in the token (Extra(name)).
// It does not check the state: compare it with EqualState first.
func (c *Client) ExchangeCallback(ctx context.Context, q url.Values, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	code, err := c.CodeFromCallback(q)
	if err != nil {
		return nil, err
	}
	return c.exchange(ctx, code, &Vars{State: q.Get("state"), Callback: c.callbackValues(q)}, opts)
}

// Exchange exchanges an authorization code for a token (authorization_code grant),
// then runs the flow's userinfo request, if any. The request carries the flow's
// ExchangeArgs, the code under CodeKey (not when WithoutCode and code is ""),
// redirect_uri, the client credentials as ClientAuth says, and the options (such as
// oauth2.VerifierOption for PKCE: a flow with PKCE refuses an exchange without it,
// before sending anything). If the token is obtained but the userinfo request
// fails, Exchange returns the token and a *TokenError (Op OpUserinfo); with WithStore
// the token is saved under the store key, and a failed save likewise returns the
// token and a *TokenError (Op OpStore). The token hook is called in both cases.
func (c *Client) Exchange(ctx context.Context, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	return c.exchange(ctx, code, &Vars{}, opts)
}

func (c *Client) exchange(ctx context.Context, code string, v *Vars, opts []oauth2.AuthCodeOption) (*oauth2.Token, error) {
	tc := &tokenCall{op: OpExchange, vars: v}
	var err error
	if tc.url, err = c.renderURL(OpExchange, c.flow.TokenURL, v); err != nil {
		return nil, err
	}
	tc.params = make(params, 0, len(c.flow.ExchangeArgs)+6)
	renderArgs(&tc.params, c.flow.ExchangeArgs, v, tc.url)
	if _, ok := tc.params.get("grant_type"); !ok && !queryHas(tc.url, "grant_type") {
		tc.params.set("grant_type", "authorization_code")
	}
	if code != "" || !c.flow.WithoutCode {
		tc.params.set(c.codeKey(), code)
	}
	tc.sec.add(code)
	if c.creds.RedirectURL != "" && !queryHas(tc.url, "redirect_uri") {
		tc.params.set("redirect_uri", c.creds.RedirectURL)
	}
	c.addClientAuth(tc)
	verifier := false
	for _, o := range optionValues(opts) {
		tc.params.set(o.k, o.v)
		if o.k == "code_verifier" {
			tc.sec.add(o.v)
			verifier = o.v != ""
		}
	}
	if c.flow.PKCE != NoPKCE && !verifier {
		// The provider would refuse it; and a code that works without its verifier is
		// one PKCE does not protect. Nothing is sent.
		return nil, c.newTokenError(OpExchange, 0, "", "", errNoVerifier.Error(), errNoVerifier)
	}
	res, err := c.send(ctx, tc)
	if err != nil {
		return nil, err
	}
	return c.complete(ctx, res.tok)
}

// complete finishes a token a grant has just obtained (an exchange, a device code):
// the userinfo request, the host values' check (as refresh and clientCredentials
// do: a token with a host value off the API hosts reaches neither the hook nor the
// store), the token hook, the store. A failed userinfo request or save
// returns the token with the error.
func (c *Client) complete(ctx context.Context, tok *oauth2.Token) (*oauth2.Token, error) {
	var uerr error
	if c.flow.Userinfo != nil {
		tok, uerr = c.userinfo(ctx, tok)
	}
	if err := c.checkHostValues(OpExchange, tok); err != nil {
		return nil, err
	}
	c.newToken(ctx, tok)
	if c.opts.store != nil {
		if err := c.saveNew(ctx, tok); err != nil && uerr == nil {
			uerr = err
		}
	}
	return tok, uerr
}

// Refresh gets a new token with a refresh token (refresh_token grant). A response
// without a refresh token keeps refreshToken. Use RefreshToken to keep the token's
// metadata and callback values as well. It does not read or write a store (not even
// with WithStore): for a stored connection use Connections.Refresh, or the store keeps
// a refresh token that a rotating provider has spent.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	return c.RefreshToken(ctx, &oauth2.Token{RefreshToken: refreshToken})
}

// RefreshToken refreshes old: the request carries the flow's RefreshArgs, the refresh
// token and the client credentials; templates see old's metadata (Vars.Credentials)
// and callback values. The new token keeps old's refresh token when the response has
// none, and old's Extra values that the response does not replace; a response
// never replaces the callback values nor the runtime's own oauthgen_* values. Like Refresh, it
// does not go through a store: use Connections.Refresh for stored connections.
func (c *Client) RefreshToken(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
	tok, err := c.refresh(ctx, old)
	if err != nil {
		return nil, err
	}
	c.newToken(ctx, tok)
	return tok, nil
}

func (c *Client) refresh(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
	if old == nil || old.RefreshToken == "" {
		return nil, c.newTokenError(OpRefresh, 0, "", "", errNoRefreshToken.Error(), errNoRefreshToken)
	}
	v := c.varsOf(old)
	tc := &tokenCall{op: OpRefresh, vars: v}
	u := c.flow.RefreshURL
	if u.IsZero() {
		u = c.flow.TokenURL
	}
	var err error
	if tc.url, err = c.renderURL(OpRefresh, u, v); err != nil {
		return nil, err
	}
	tc.params = make(params, 0, len(c.flow.RefreshArgs)+4)
	renderArgs(&tc.params, c.flow.RefreshArgs, v, tc.url)
	if _, ok := tc.params.get("grant_type"); !ok && !queryHas(tc.url, "grant_type") {
		tc.params.set("grant_type", "refresh_token")
	}
	tc.params.set("refresh_token", old.RefreshToken)
	tc.sec.add(old.RefreshToken)
	tc.sec.add(old.AccessToken)
	c.addClientAuth(tc)
	res, err := c.send(ctx, tc)
	if err != nil {
		return nil, err
	}
	tok := c.mergeToken(old, res.tok)
	if err := c.checkIssued(OpRefresh, tok); err != nil {
		return nil, err
	}
	return tok, nil
}

// Token gets a token with the client_credentials grant: the request carries the
// flow's ExchangeArgs (grant_type and scope) and the client credentials.
func (c *Client) Token(ctx context.Context) (*oauth2.Token, error) {
	tok, err := c.clientCredentials(ctx)
	if err != nil {
		return nil, err
	}
	c.newToken(ctx, tok)
	return tok, nil
}

func (c *Client) clientCredentials(ctx context.Context) (*oauth2.Token, error) {
	v := &Vars{}
	tc := &tokenCall{op: OpClientCredentials, vars: v}
	var err error
	if tc.url, err = c.renderURL(OpClientCredentials, c.flow.TokenURL, v); err != nil {
		return nil, err
	}
	tc.params = make(params, 0, len(c.flow.ExchangeArgs)+3)
	renderArgs(&tc.params, c.flow.ExchangeArgs, v, tc.url)
	if _, ok := tc.params.get("grant_type"); !ok && !queryHas(tc.url, "grant_type") {
		tc.params.set("grant_type", "client_credentials")
	}
	c.addClientAuth(tc)
	res, err := c.send(ctx, tc)
	if err != nil {
		return nil, err
	}
	if err := c.checkIssued(OpClientCredentials, res.tok); err != nil {
		return nil, err
	}
	return res.tok, nil
}

// checkIssued runs checkHostValues on the token a refresh or a client-credentials
// request obtained. Those fail as token requests do, with a *TokenError, whose Err
// is the *HostError.
func (c *Client) checkIssued(op Op, tok *oauth2.Token) error {
	err := c.checkHostValues(op, tok)
	var he *HostError
	if !errors.As(err, &he) {
		return err
	}
	host := he.Host
	if he.scheme != "" {
		host = he.scheme + "://" + host
	}
	return c.newTokenError(op, 0, "", "", "the response names "+quote(host)+", not an https URL on one of the connector's API hosts", err)
}

// newToken hands a new token to the token hook, if any. (Saving it in the store is
// saveNew's and the TokenSource's job.)
func (c *Client) newToken(ctx context.Context, tok *oauth2.Token) {
	if c.opts.hook != nil {
		c.opts.hook(ctx, tok)
	}
}
