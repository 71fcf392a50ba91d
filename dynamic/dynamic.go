// Package dynamic builds an OAuth2 client from a connector file at run time, for
// platforms that keep their connectors in a database rather than in generated code.
//
// The client has the methods of a generated package (AuthCodeURL, CodeFromCallback,
// Exchange, ExchangeCallback, Refresh, RefreshToken, Token, DeviceAuth,
// DeviceAccessToken, TokenSource, HTTPClient, BaseURL (BaseURLFor where it reads a
// token), Revoke, Verify, Metadata, Connections) and sends the same requests, byte for byte: both
// are built from the same flow model (package model), the generated package with its
// templates compiled to Go, this one with them interpreted. New checks the end user's
// values as generated New does, with the same messages.
//
// Since one Go type serves every connector, a method the connector cannot serve
// (Token for an authorization-code connector, Revoke without a revoke_url, Verify
// without a test_request) returns the error the model gives
// (model.Connector.Unsupported), and the client-credentials variants take a nil token
// where the generated ones take none. The model decides the method set
// (model.Connector.Methods); this package decides nothing of its own.
package dynamic

import (
	"context"
	"crypto"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// Load reads the connector file at path and loads it completely with model.Load:
// schema, templates and resolution, every problem at its line and column. The result
// is immutable and may serve any number of clients (New).
func Load(path string) (*model.Connector, error) { return model.Load(path) }

// Parse loads connector data completely with model.Parse; name is the file name used
// in error messages.
func Parse(name string, data []byte) (*model.Connector, error) { return model.Parse(name, data) }

// Config holds the application's credentials and the end user's values, as the Config
// of a generated package does. It prints (fmt, any verb), marshals to JSON and logs
// (log/slog) without the client secret and without the values of Params.
type Config struct {
	ClientID     string
	ClientSecret runtime.Secret
	RedirectURL  string
	// PrivateKey and KeyID are the signing key and its key id of private_key_jwt
	// connectors (required there), Certificate the TLS client certificate of
	// tls_client_auth ones: runtime.Credentials describes them. Other connectors
	// ignore them. JSON leaves them out, and String does not print them.
	PrivateKey  crypto.Signer    `json:"-"`
	KeyID       string           `json:"-"`
	Certificate *tls.Certificate `json:"-"`
	// Params are the end user's auth_form values by field name. Values may be typed
	// (string, runtime.Secret for a password, int, float64, bool) or strings to
	// convert ("42", "true"). A name the
	// connector does not define is an error. Where the connector's auth_form declares
	// "client_id" or "client_secret" (the deprecated names for the end user's own
	// application credentials, model.Connector.UserClientID and UserClientSecret), a
	// non-empty value of it overrides ClientID or ClientSecret, for platforms that keep
	// credentials per user; elsewhere the name is unknown, an error, so an end user's
	// form values can never swap the platform's application. For an end_user_hosted
	// connector (model.Connector.EndUserCredentials) they are the only source:
	// ClientID and ClientSecret must be empty there, or New fails, since the
	// platform's would go to a host the end user chose.
	Params map[string]any
}

// String describes cfg without the client secret and the end user's values (which
// may be passwords: the connector, which says which are, is not part of cfg).
func (cfg Config) String() string {
	secret := "unset"
	if cfg.ClientSecret != "" {
		secret = "set"
	}
	return fmt.Sprintf("dynamic.Config{ClientID: %q, ClientSecret: %s, RedirectURL: %q, Params: %d values}", cfg.ClientID, secret, cfg.RedirectURL, len(cfg.Params))
}

// Format prints cfg as String does, under every verb (%#v, %d or %x would otherwise
// print the fields).
func (cfg Config) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), cfg.String())
}

// MarshalJSON encodes cfg without the client secret and with the number of Params
// only, as String describes it: a dynamic.Config does not go to JSON whole.
func (cfg Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ClientID     string
		ClientSecret runtime.Secret
		RedirectURL  string
		Params       int
	}{cfg.ClientID, cfg.ClientSecret, cfg.RedirectURL, len(cfg.Params)})
}

// LogValue logs cfg as MarshalJSON encodes it.
func (cfg Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("ClientID", cfg.ClientID), slog.Any("ClientSecret", cfg.ClientSecret),
		slog.String("RedirectURL", cfg.RedirectURL), slog.Int("Params", len(cfg.Params)))
}

// Client is an OAuth2 client for one connector, built at run time. It is safe for
// concurrent use.
type Client struct {
	m    *model.Connector
	vals model.Values
	rc   *runtime.Client
	cfg  Config           // what a connection's client is built from (Connections)
	opts []runtime.Option // New's options, without Incomplete
}

// New checks cfg against connector m and returns a client: the client id must be set
// (and the client secret when the connector requires it), given in cfg or, where the
// connector declares them, overridden by the params client_id and client_secret (see
// Config.Params), defaults are applied to the
// params, and a missing required value, a value outside a select's choices or an
// unknown name is an error. The messages are those of the generated package's New
// ("tiktok: environment \"Staging\" is not one of Production, Sandbox"). As there,
// an authorization-code connector's required value may be left out for a client
// used through Connections, whose Begin checks it; used directly, such a client fails
// every request with the error that names the value, sending nothing.
func New(m *model.Connector, cfg Config, opts ...runtime.Option) (*Client, error) {
	return newClient(m, cfg, false, opts)
}

// newClient is New; strict makes a missing required value an error.
func newClient(m *model.Connector, cfg Config, strict bool, opts []runtime.Option) (*Client, error) {
	if m == nil {
		return nil, errors.New("dynamic: nil connector")
	}
	clientID, secret, missing, err := credentials(m, cfg, strict)
	if err != nil {
		return nil, err
	}
	if m.ClientAuth == runtime.AuthPrivateKeyJWT && cfg.PrivateKey == nil {
		return nil, errors.New(m.Package + ": " + model.PrivateKeyMessage)
	}
	var params map[string]any
	if !strict && m.Methods.Connections {
		var paramMissing error
		params, paramMissing, err = m.CheckParamsAllowMissing(cfg.Params)
		if missing == nil {
			missing = paramMissing
		}
	} else {
		params, err = m.CheckParams(cfg.Params)
	}
	if err != nil {
		return nil, err
	}
	rtOpts := opts
	if missing != nil {
		rtOpts = append(opts[:len(opts):len(opts)], runtime.Incomplete(missing))
	}
	vals := model.Values{Params: params, ClientID: clientID, RedirectURL: cfg.RedirectURL}
	creds := runtime.Credentials{ClientID: clientID, ClientSecret: runtime.Secret(secret), RedirectURL: cfg.RedirectURL}
	switch m.ClientAuth { // as generated New passes only the connector's own credential
	case runtime.AuthPrivateKeyJWT:
		creds.PrivateKey, creds.KeyID = cfg.PrivateKey, cfg.KeyID
	case runtime.AuthTLS:
		creds.Certificate = cfg.Certificate
	}
	rc := runtime.New(m.Flow(vals), creds, rtOpts...)
	if !m.EndUserCredentials() {
		// The params' override, kept for the connections' clients (an end user's own
		// credentials stay in Params, where each connection's values replace them).
		cfg.ClientID, cfg.ClientSecret = clientID, runtime.Secret(secret)
	}
	return &Client{m: m, vals: vals, rc: rc, cfg: cfg, opts: opts}, nil
}

// credentials returns the client id and secret of a client of m: cfg's, overridden by
// the params client_id and client_secret where the auth_form declares them; for an
// end_user_hosted connector only the params', cfg's being an error
// (model.EndUserCredentialsMessage). missing is the end user's missing client id or
// required secret when a client without it may serve Connections (not strict).
func credentials(m *model.Connector, cfg Config, strict bool) (id, secret string, missing, err error) {
	euh := m.EndUserCredentials()
	if euh && (cfg.ClientID != "" || cfg.ClientSecret != "") {
		return "", "", nil, errors.New(m.Package + ": " + model.EndUserCredentialsMessage)
	}
	id, secret = cfg.ClientID, string(cfg.ClientSecret)
	for _, o := range []struct {
		name     string
		declared bool
		dst      *string
	}{{"client_id", m.UserClientID, &id}, {"client_secret", m.UserClientSecret, &secret}} {
		if !o.declared {
			continue // not the end user's to give: CheckParams refuses the name
		}
		switch v := cfg.Params[o.name].(type) {
		case nil:
		case string:
			if v != "" {
				*o.dst = v
			}
		case runtime.Secret:
			if v != "" {
				*o.dst = string(v)
			}
		default:
			return "", "", nil, fmt.Errorf("%s: %s: want a string, got %T", m.Package, o.name, v)
		}
	}
	if !euh {
		if id == "" {
			return "", "", nil, errors.New(m.Package + ": " + model.ClientIDMessage)
		}
		if m.ClientSecretRequired && secret == "" {
			return "", "", nil, errors.New(m.Package + ": " + model.ClientSecretMessage)
		}
		return id, secret, nil, nil
	}
	// The end user's values: missing ones are required values, as New's generated
	// counterpart checks them (the first missing is reported).
	switch {
	case id == "":
		missing = errors.New(m.Package + ": " + model.UserClientIDMessage)
	case m.ClientSecretRequired && secret == "":
		missing = errors.New(m.Package + ": " + model.UserClientSecretMessage)
	}
	if missing != nil && (strict || !m.Methods.Connections) {
		return "", "", nil, missing
	}
	return id, secret, missing, nil
}

// absent reports whether v counts as not given (CheckParams: zero values).
func absent(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case int:
		return x == 0
	case float64:
		return x == 0
	case bool:
		return !x
	}
	return false
}

// Connections are the connections of end users kept in a store, as the generated
// package's Connections are (see runtime.Connections, whose methods it has), with a
// Begin that takes the end user's values by name.
type Connections struct {
	*runtime.Connections
	c *Client
}

// Connections returns the connections of end users kept in store, with the client's
// credentials and options; its params are the defaults of each end user's values.
func (c *Client) Connections(store runtime.TokenStore, opts ...runtime.ConnectionOption) *Connections {
	return &Connections{runtime.NewConnections(c.m.Name, c.connection, store, opts...), c}
}

// Begin starts the connection of an end user under key, with the end user's values by
// field name (a value not given takes the client's), checked as New checks them, and
// returns the URL to send the end user to. Complete finishes it.
func (cs *Connections) Begin(ctx context.Context, key string, params map[string]any) (string, error) {
	values := cs.c.Params()
	if cs.c.m.EndUserCredentials() {
		// The client's own credentials are among its values there (Params leaves
		// them out): a connection's client is built from its values alone.
		for _, k := range []string{"client_id", "client_secret"} {
			v := cs.c.cfg.Params[k]
			if s, ok := v.(runtime.Secret); ok {
				v = string(s)
			}
			if !absent(v) {
				values[k] = v
			}
		}
	}
	for k, v := range params {
		if s, ok := v.(runtime.Secret); ok {
			v = string(s) // kept in the store (sealed), not printed: its own value
		}
		if !absent(v) {
			values[k] = v
		}
	}
	if len(values) == 0 {
		values = nil
	}
	return cs.Connections.Begin(ctx, key, values)
}

// connection returns the runtime client of a connection's values (nil: the client's).
func (c *Client) connection(values map[string]any) (*runtime.Client, error) {
	cfg := c.cfg
	if values != nil {
		cfg.Params = values
	}
	nc, err := newClient(c.m, cfg, true, c.opts)
	if err != nil {
		return nil, err
	}
	return nc.rc, nil
}

// Connector returns the resolved connector the client was built from.
func (c *Client) Connector() *model.Connector { return c.m }

// Params returns the end user's values after defaults, by field name (empty optional
// values left out). The map is a copy.
func (c *Client) Params() map[string]any {
	out := make(map[string]any, len(c.vals.Params))
	for k, v := range c.vals.Params {
		out[k] = v
	}
	return out
}

// Runtime returns the runtime client that does the HTTP.
func (c *Client) Runtime() *runtime.Client { return c.rc }

// String describes the client without its secret.
func (c Client) String() string { return "dynamic.Client{" + c.m.Name + ": " + c.rc.String() + "}" }

// Format prints the client as String does, under every verb (%#v, %d or %x would
// otherwise print its fields). Its receiver is a value so that a Client value prints
// so too, not only a pointer.
func (c Client) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), c.String())
}

// unsupported is the error of call when the connector cannot make it (the model
// decides: model.Connector.Unsupported), nil when it can.
func (c *Client) unsupported(call string) error {
	if why := c.m.Unsupported(call); why != "" {
		return fmt.Errorf("%s: %s", c.m.Package, why)
	}
	return nil
}

// AuthCodeURL returns the URL to send the end user to, with state. When the connector
// uses PKCE, pass oauth2.VerifierOption(verifier) here and to Exchange (or
// ExchangeCallback). A
// client-credentials connector has no authorize URL: the result is "".
func (c *Client) AuthCodeURL(state string, opts ...oauth2.AuthCodeOption) string {
	if c.m.Grant != runtime.AuthorizationCode {
		return ""
	}
	return c.rc.AuthCodeURL(state, opts...)
}

// CodeFromCallback returns the authorization code of the callback query q (under the
// connector's code key), or a *runtime.CallbackError when the provider reported an
// error.
func (c *Client) CodeFromCallback(q url.Values) (string, error) {
	return c.rc.CodeFromCallback(q)
}

// Exchange exchanges an authorization code for a token. When the connector's token
// request reads callback values (model.Connector.ExchangeNeedsCallback) a code alone
// is not enough: Exchange returns an error, use ExchangeCallback.
func (c *Client) Exchange(ctx context.Context, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	if err := c.unsupported(model.CallExchange); err != nil {
		return nil, err
	}
	return c.rc.Exchange(ctx, code, opts...)
}

// ExchangeCallback reads the code and the values the connector keeps from the callback
// query q (callback_params), and exchanges the code. Compare the state with
// runtime.EqualState first. It works for every authorization-code connector; the
// generated package has it when the connector reads callback values or has no code.
func (c *Client) ExchangeCallback(ctx context.Context, q url.Values, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	if err := c.unsupported(model.CallExchangeCallback); err != nil {
		return nil, err
	}
	return c.rc.ExchangeCallback(ctx, q, opts...)
}

// Refresh gets a new token with a refresh token. When the connector's refresh request
// reads callback values (model.Connector.RefreshNeedsCallback) a refresh token alone
// is not enough: Refresh returns an error, use RefreshToken.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	if err := c.unsupported(model.CallRefresh); err != nil {
		return nil, err
	}
	return c.rc.Refresh(ctx, refreshToken)
}

// RefreshToken refreshes tok, keeping its metadata and callback values (which some
// connectors' refresh requests read).
func (c *Client) RefreshToken(ctx context.Context, tok *oauth2.Token) (*oauth2.Token, error) {
	if err := c.unsupported(model.CallRefreshToken); err != nil {
		return nil, err
	}
	return c.rc.RefreshToken(ctx, tok)
}

// Token gets a token with the client_credentials grant.
func (c *Client) Token(ctx context.Context) (*oauth2.Token, error) {
	if err := c.unsupported(model.CallToken); err != nil {
		return nil, err
	}
	return c.rc.Token(ctx)
}

// TokenSource returns a source of fresh tokens starting from tok, renewed before they
// expire. For a client-credentials connector tok may be nil: the source gets its own.
func (c *Client) TokenSource(ctx context.Context, tok *oauth2.Token) oauth2.TokenSource {
	return c.rc.TokenSource(ctx, tok)
}

// HTTPClient returns an *http.Client whose requests carry tok (renewed as needed), as
// the connector's header block says. For a client-credentials connector tok may be
// nil.
func (c *Client) HTTPClient(ctx context.Context, tok *oauth2.Token) *http.Client {
	return c.rc.HTTPClient(ctx, tok)
}

// Revoke revokes tok (its refresh token when it has one) at the provider (RFC 7009).
func (c *Client) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if err := c.unsupported(model.CallRevoke); err != nil {
		return err
	}
	return c.rc.Revoke(ctx, tok)
}

// DeviceAuth starts the device authorization grant (RFC 8628): show the user the
// returned UserCode and VerificationURI, then call DeviceAccessToken. It is an error
// for a connector without a device_authorization_url.
func (c *Client) DeviceAuth(ctx context.Context) (*oauth2.DeviceAuthResponse, error) {
	if err := c.unsupported(model.CallDevice); err != nil {
		return nil, err
	}
	return c.rc.DeviceAuth(ctx)
}

// DeviceAccessToken polls the token endpoint with da's device code until the user
// authorized or denied the request, da expired, or ctx is done.
func (c *Client) DeviceAccessToken(ctx context.Context, da *oauth2.DeviceAuthResponse) (*oauth2.Token, error) {
	if err := c.unsupported(model.CallDevice); err != nil {
		return nil, err
	}
	return c.rc.DeviceAccessToken(ctx, da)
}

// HasBaseURL reports whether the connector declares a base URL.
func (c *Client) HasBaseURL() bool { return c.m.Methods.BaseURL }

// BaseURLNeedsToken reports whether the base URL reads values kept with a token
// (token metadata or callback values): then use BaseURLFor. The generated package's
// BaseURL takes the token in that case.
func (c *Client) BaseURLNeedsToken() bool {
	return c.m.Methods.BaseURLTakesToken
}

// BaseURL returns the base URL of the API ("" when the connector has none). For a base
// URL that reads a token's values, use BaseURLFor.
func (c *Client) BaseURL() string { return c.BaseURLFor(nil) }

// BaseURLFor returns the base URL of the API for tok, whose metadata and callback
// values it may read (tok may be nil).
func (c *Client) BaseURLFor(tok *oauth2.Token) string {
	if c.m.BaseURL == nil {
		return ""
	}
	return c.m.Render(c.m.BaseURL, c.vals, c.tokenVars(tok))
}

func (c *Client) tokenVars(tok *oauth2.Token) *runtime.Vars {
	if tok == nil {
		return &runtime.Vars{}
	}
	return c.rc.TokenVars(tok)
}

// TestRequest returns the method and URL of the connector's test request for tok, and
// false when the connector has none.
func (c *Client) TestRequest(tok *oauth2.Token) (method, url string, ok bool) {
	tr := c.m.TestRequest
	if tr == nil {
		return "", "", false
	}
	return tr.Method, c.m.Render(tr.URL, c.vals, c.tokenVars(tok)), true
}

// Verify makes the connector's test request with tok and returns nil when the provider
// accepts the credentials.
func (c *Client) Verify(ctx context.Context, tok *oauth2.Token) error {
	if err := c.unsupported(model.CallVerify); err != nil {
		return err
	}
	method, u, _ := c.TestRequest(tok)
	return c.rc.Verify(ctx, tok, method, u)
}

// Metadata returns the values kept with tok, by name: token_metadata and userinfo
// fields, and callback values (the fields of the generated TokenMetadata). It is nil
// when the connector keeps none.
func (c *Client) Metadata(tok *oauth2.Token) map[string]string {
	if !c.m.Methods.Metadata {
		return nil
	}
	out := map[string]string{}
	v := c.tokenVars(tok)
	for _, kv := range c.m.KeptValues() {
		if _, dup := out[kv.Name]; dup {
			continue // a callback value named like a credential: the credential is listed first
		}
		if kv.Callback {
			out[kv.Name] = v.Callback[kv.Name]
		} else {
			out[kv.Name] = v.Credentials[kv.Name]
		}
	}
	return out
}
