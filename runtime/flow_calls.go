package runtime

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// NewState returns a random state for an authorize URL (128 bits and more from
// crypto/rand, URL-safe).
func NewState() string { return rand.Text() }

// EqualState reports whether the state received in a callback equals the state sent,
// in constant time. An empty state never matches.
func EqualState(got, want string) bool {
	if got == "" || want == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// AuthCodeURL returns the URL to send the end user to. It carries the client id (under
// the flow's ClientIDKey), redirect_uri (when set), the flow's AuthorizeArgs
// (response_type, scope, extra parameters), state (when not empty) and the options.
// Keys the authorize URL itself already has are not added again.
//
// PKCE: pass oauth2.S256ChallengeOption(verifier) as with oauth2.Config, or
// oauth2.VerifierOption(verifier), from which the challenge of the flow's PKCE method
// (S256 or plain) is derived; the verifier itself is never put in the URL. Pass
// oauth2.VerifierOption(verifier) to Exchange.
func (c *Client) AuthCodeURL(state string, opts ...oauth2.AuthCodeOption) string {
	v := &Vars{State: state}
	base, err := c.renderURL(OpExchange, c.flow.AuthorizeURL, v)
	if err != nil {
		return "" // only values New checked can be in its host or path: unreachable
	}
	p := make(params, 0, len(c.flow.AuthorizeArgs)+4)
	idKey := c.flow.ClientIDKey
	if idKey == "" {
		idKey = "client_id"
	}
	base = withoutQueryKeys(base, idKey, "redirect_uri", "state")
	// The runtime's parameters are always set: a value escaped by its position
	// cannot add a query parameter, and the model refuses a template whose literal
	// query has them.
	p.set(idKey, c.creds.ClientID)
	if c.creds.RedirectURL != "" {
		p.set("redirect_uri", c.creds.RedirectURL)
	}
	renderArgs(&p, c.flow.AuthorizeArgs, v, base)
	if state != "" {
		p.set("state", state)
	}
	for _, o := range optionValues(opts) {
		p.set(o.k, o.v)
	}
	if verifier, ok := p.get("code_verifier"); ok {
		p.del("code_verifier")
		if _, has := p.get("code_challenge"); !has && c.flow.PKCE != NoPKCE {
			if c.flow.PKCE == PKCEPlain {
				p.set("code_challenge", verifier)
				p.set("code_challenge_method", "plain")
			} else {
				sum := sha256.Sum256([]byte(verifier))
				p.set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
				p.set("code_challenge_method", "S256")
			}
		}
	}
	return urlWithParams(base, p)
}

// CodeFromCallback returns the authorization code of a callback query: the parameter
// named by the flow's CodeKey. A callback carrying ?error= (RFC 6749 4.1.2.1) gives a
// *CallbackError with its code and description; so does a callback without a code,
// unless the flow is WithoutCode (then the code is "").
func (c *Client) CodeFromCallback(q url.Values) (string, error) {
	if e := q.Get("error"); e != "" {
		desc := q.Get("error_description")
		msg := "oauthgen: " + c.connector() + ": authorization failed: " + quote(e)
		if desc != "" {
			msg += " " + quote(desc)
		}
		return "", &CallbackError{Connector: c.connector(), Code: e, Description: desc, URI: q.Get("error_uri"), msg: strings.ToValidUTF8(msg, "\uFFFD")}
	}
	code := q.Get(c.codeKey())
	if code == "" && !c.flow.WithoutCode {
		return "", &CallbackError{Connector: c.connector(), msg: "oauthgen: " + c.connector() + ": callback has no " + quote(c.codeKey()) + " parameter"}
	}
	return code, nil
}

func (c *Client) codeKey() string {
	if c.flow.CodeKey == "" {
		return "code"
	}
	return c.flow.CodeKey
}

// CallbackValues returns the flow's CallbackParams read from a callback query, by
// template name (nil when the flow has none).
func (c *Client) CallbackValues(q url.Values) map[string]string {
	if len(c.flow.CallbackParams) == 0 {
		return nil
	}
	m := make(map[string]string, len(c.flow.CallbackParams))
	for _, f := range c.flow.CallbackParams {
		key := f.Name
		if len(f.Path) > 0 {
			key = f.Path[0]
		}
		if v, ok := q[key]; ok && len(v) > 0 {
			m[f.Name] = v[0]
		}
	}
	return m
}

// ExchangeCallback reads the code (CodeFromCallback) and the flow's CallbackParams
// from a callback query and exchanges the code. The callback values are available to
// the token request's templates (Vars.Callback) and kept in the token (Extra(name)).
// It does not check the state: compare it with EqualState first.
func (c *Client) ExchangeCallback(ctx context.Context, q url.Values, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	code, err := c.CodeFromCallback(q)
	if err != nil {
		return nil, err
	}
	return c.exchange(ctx, code, &Vars{State: q.Get("state"), Callback: c.CallbackValues(q)}, opts)
}

// Exchange exchanges an authorization code for a token (authorization_code grant),
// then runs the flow's userinfo request, if any. The request carries the flow's
// ExchangeArgs, the code under CodeKey (not when WithoutCode and code is ""),
// redirect_uri, the client credentials as ClientAuth says, and the options (such as
// oauth2.VerifierOption for PKCE). If the token is obtained but the userinfo request
// fails, Exchange returns the token and a *TokenError (Op OpUserinfo); with WithStore
// the token is saved under the store key, and a failed save likewise returns the
// token and a *TokenError (Op OpStore). The token hook is called in both cases.
func (c *Client) Exchange(ctx context.Context, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	return c.exchange(ctx, code, &Vars{}, opts)
}

// ExchangeWithCallback is Exchange with callback values (by template name) for the
// flow's templates; they are kept in the token.
func (c *Client) ExchangeWithCallback(ctx context.Context, code string, callback map[string]string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	return c.exchange(ctx, code, &Vars{Callback: callback}, opts)
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
	for _, o := range optionValues(opts) {
		tc.params.set(o.k, o.v)
		if o.k == "code_verifier" {
			tc.sec.add(o.v)
		}
	}
	res, err := c.send(ctx, tc)
	if err != nil {
		return nil, err
	}
	tok := res.tok
	var uerr error
	if c.flow.Userinfo != nil {
		tok, uerr = c.userinfo(ctx, tok)
	}
	c.newToken(ctx, tok)
	if c.opts.store != nil {
		if err := c.saveNew(ctx, tok); err != nil && uerr == nil {
			uerr = err
		}
	}
	return tok, uerr
}

// saveNew stores a newly exchanged token in the configured store, replacing whatever
// is stored (compare-and-swap, retried while other writers interfere).
func (c *Client) saveNew(ctx context.Context, tok *oauth2.Token) error {
	var err error
	for range 5 {
		var prev *oauth2.Token
		prev, err = c.opts.store.Load(ctx, c.opts.storeKey)
		if errors.Is(err, ErrNotFound) {
			prev, err = nil, nil
		}
		if err != nil {
			break
		}
		if err = c.opts.store.Save(ctx, c.opts.storeKey, prev, tok); !errors.Is(err, ErrConflict) {
			break
		}
	}
	if err != nil {
		return c.storeError(err)
	}
	return nil
}

// Refresh gets a new token with a refresh token (refresh_token grant). A response
// without a refresh token keeps refreshToken. Use RefreshToken to keep the token's
// metadata and callback values as well.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	return c.RefreshToken(ctx, &oauth2.Token{RefreshToken: refreshToken})
}

// RefreshToken refreshes old: the request carries the flow's RefreshArgs, the refresh
// token and the client credentials; templates see old's metadata (Vars.Credentials)
// and callback values. The new token keeps old's refresh token when the response has
// none, and old's Extra values that the response does not replace.
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
		return nil, c.newTokenError(OpRefresh, 0, "", "", ErrNoRefreshToken.Error(), ErrNoRefreshToken)
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
	return mergeToken(old, res.tok), nil
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
	return res.tok, nil
}

// newToken hands a new token to the token hook, if any. (Saving it in the store is
// saveNew's and the TokenSource's job.)
func (c *Client) newToken(ctx context.Context, tok *oauth2.Token) {
	if c.opts.hook != nil {
		c.opts.hook(ctx, tok)
	}
}

// mergeToken keeps old's refresh token when next has none, and old's Extra values
// that next does not replace.
func mergeToken(old, next *oauth2.Token) *oauth2.Token {
	if old == nil {
		return next
	}
	oldExtra, _ := extraMap(old)
	newExtra, _ := extraMap(next)
	if next.RefreshToken != "" && len(oldExtra) == 0 {
		return next
	}
	t := *next
	if t.RefreshToken == "" {
		t.RefreshToken = old.RefreshToken
	}
	merged := make(map[string]any, len(oldExtra)+len(newExtra))
	for k, v := range oldExtra {
		merged[k] = v
	}
	for k, v := range newExtra {
		merged[k] = v
	}
	if old.RefreshToken != "" && next.RefreshToken == "" {
		// The response's own "refresh_token" field was absent; keep the map consistent.
		if _, ok := merged["refresh_token"]; ok {
			merged["refresh_token"] = t.RefreshToken
		}
	}
	return t.WithExtra(merged)
}

// extraMap returns a token's Extra values as a map.
func extraMap(t *oauth2.Token) (map[string]any, bool) {
	if t == nil {
		return nil, false
	}
	raw := tokenRaw(t)
	switch r := raw.(type) {
	case map[string]any:
		return r, true
	case url.Values:
		m := make(map[string]any, len(r))
		for k, v := range r {
			if len(v) > 0 {
				m[k] = v[0]
			}
		}
		return m, true
	}
	return nil, false
}

// varsOf returns the template values a token carries: its metadata and callback
// values.
func (c *Client) varsOf(t *oauth2.Token) *Vars {
	v := &Vars{}
	if t == nil {
		return v
	}
	n := len(c.flow.Metadata) + len(c.flow.CallbackParams)
	if c.flow.Userinfo != nil {
		n += len(c.flow.Userinfo.Fields)
	}
	if n == 0 {
		return v
	}
	get := func(name string) (string, bool) {
		x := t.Extra(name)
		if x == nil {
			return "", false
		}
		return scalarString(x), true
	}
	for _, f := range c.flow.Metadata {
		if s, ok := get(f.Name); ok {
			if v.Credentials == nil {
				v.Credentials = map[string]string{}
			}
			v.Credentials[f.Name] = s
		}
	}
	if c.flow.Userinfo != nil {
		for _, f := range c.flow.Userinfo.Fields {
			if s, ok := get(f.Name); ok {
				if v.Credentials == nil {
					v.Credentials = map[string]string{}
				}
				v.Credentials[f.Name] = s
			}
		}
	}
	for _, f := range c.flow.CallbackParams {
		if s, ok := get(f.Name); ok {
			if v.Callback == nil {
				v.Callback = map[string]string{}
			}
			v.Callback[f.Name] = s
		}
	}
	return v
}

// Revoke revokes tok at the flow's RevokeURL (RFC 7009): its refresh token when it has
// one (token_type_hint=refresh_token), else its access token. The request is a form
// POST with the client credentials as ClientAuth says.
func (c *Client) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if c.flow.RevokeURL.IsZero() {
		return c.newTokenError(OpRevoke, 0, "", "", "the connector has no revocation endpoint", nil)
	}
	if tok == nil || (tok.AccessToken == "" && tok.RefreshToken == "") {
		return c.newTokenError(OpRevoke, 0, "", "", "no token to revoke", ErrNoToken)
	}
	v := c.varsOf(tok)
	u, err := c.renderURL(OpRevoke, c.flow.RevokeURL, v)
	if err != nil {
		return err
	}
	tc := &tokenCall{op: OpRevoke, vars: v, url: u}
	if tok.RefreshToken != "" {
		tc.params = params{{"token", tok.RefreshToken}, {"token_type_hint", "refresh_token"}}
	} else {
		tc.params = params{{"token", tok.AccessToken}, {"token_type_hint", "access_token"}}
	}
	tc.sec.add(tok.RefreshToken)
	tc.sec.add(tok.AccessToken)
	tc.sec.add(c.creds.ClientSecret)
	c.addClientAuth(tc)
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
	resp, err := c.httpClient(ctx).Do(req)
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
