package runtime

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// DefaultTimeout is the timeout of the HTTP client used when neither the context
// (oauth2.HTTPClient) nor WithHTTPClient gives one.
const DefaultTimeout = 30 * time.Second

// DefaultMaxBodySize is the largest token, userinfo or revocation response body read
// (1 MiB, as golang.org/x/oauth2 reads). A larger body is an error.
const DefaultMaxBodySize = 1 << 20

// DefaultLeaseTTL is how long a TokenSource holds the lease of a shared store (Locker)
// while it refreshes.
const DefaultLeaseTTL = 30 * time.Second

// maxRefreshWindow caps the default refresh window: a token is refreshed when less
// than min(30 minutes, half its lifetime) is left.
const maxRefreshWindow = 30 * time.Minute

var defaultHTTPClient = &http.Client{Timeout: DefaultTimeout}

// Credentials are the OAuth2 application's own values, given by the user at run time.
// They are never embedded in generated code.
type Credentials struct {
	ClientID     string
	ClientSecret string
	RedirectURL  string
}

// String describes c without the client secret.
func (c Credentials) String() string {
	return "runtime.Credentials{ClientID: " + quote(c.ClientID) + ", ClientSecret: " + redacted(c.ClientSecret) + ", RedirectURL: " + quote(c.RedirectURL) + "}"
}

// GoString is like String: %#v never prints the client secret.
func (c Credentials) GoString() string { return c.String() }

// TokenHook is called with each new token a Client obtains (exchange, refresh, client
// credentials), after it is complete (metadata and userinfo included), so the caller
// can persist it. It must not modify the token.
type TokenHook func(ctx context.Context, tok *oauth2.Token)

// Option configures a Client.
type Option func(*options)

type options struct {
	httpClient    *http.Client
	refreshBefore time.Duration
	hook          TokenHook
	store         TokenStore
	storeKey      string
	maxBody       int64
	now           func() time.Time
	leaseTTL      time.Duration
}

// WithHTTPClient sets the HTTP client used when the context carries none under
// oauth2.HTTPClient. Its Transport is also the base of API clients.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithRefreshBefore sets how long before expiry tokens are refreshed, overriding the
// flow's RefreshBefore and the default min(30 min, half the token's lifetime). The
// window is capped at half the token's lifetime when the lifetime is known, so a
// short-lived token is not refreshed on every call.
func WithRefreshBefore(d time.Duration) Option { return func(o *options) { o.refreshBefore = d } }

// WithTokenHook sets a function called with each new token.
func WithTokenHook(h TokenHook) Option { return func(o *options) { o.hook = h } }

// WithStore makes TokenSource and HTTPClient keep the token in store under key (one key
// per end-user connection): tokens are loaded from it, refreshed tokens saved to it
// with compare-and-swap, and, when store is a Locker, refreshed by one process at a
// time. Exchange saves its new token there as well.
func WithStore(store TokenStore, key string) Option {
	return func(o *options) { o.store, o.storeKey = store, key }
}

// WithMaxBodySize sets the largest response body read (default DefaultMaxBodySize).
func WithMaxBodySize(n int64) Option { return func(o *options) { o.maxBody = n } }

// WithClock sets the clock used for expiry decisions (for tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithLeaseTTL sets how long the lease of a shared store is taken for (default
// DefaultLeaseTTL).
func WithLeaseTTL(d time.Duration) Option { return func(o *options) { o.leaseTTL = d } }

// Client runs one connector's flow for one OAuth2 application. It is safe for
// concurrent use. Generated and dynamic clients wrap one.
type Client struct {
	flow  *Flow
	creds Credentials
	opts  options

	basic string // pre-rendered "Basic ..." header value, when the flow uses it

	accessPath, refreshPath, expiresPath, expiresAltPath, typePath Path

	accept      string
	method      string
	apiHeader   string // canonical API header key
	apiQueryKey string

	// body is the body type that last worked (BodyType), starting at flow.Body.
	body atomic.Uint32
}

// New returns a Client for flow (which must not be changed afterwards) and the
// application credentials creds.
func New(flow *Flow, creds Credentials, opts ...Option) *Client {
	c := &Client{flow: flow, creds: creds}
	c.opts.maxBody = DefaultMaxBodySize
	c.opts.now = time.Now
	c.opts.leaseTTL = DefaultLeaseTTL
	for _, o := range opts {
		o(&c.opts)
	}
	if c.opts.maxBody <= 0 {
		c.opts.maxBody = DefaultMaxBodySize
	}
	if c.opts.now == nil {
		c.opts.now = time.Now
	}
	if c.opts.leaseTTL <= 0 {
		c.opts.leaseTTL = DefaultLeaseTTL
	}
	if flow.ClientAuth == AuthHeader || flow.ClientAuth == AuthBoth {
		// RFC 6749 2.3.1: id and secret are form-encoded before Basic encoding.
		c.basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(creds.ClientID)+":"+url.QueryEscape(creds.ClientSecret)))
	}
	c.accessPath = flow.AccessToken
	if len(c.accessPath) == 0 {
		c.accessPath = Path{"access_token"}
	}
	c.refreshPath = orSibling(flow.RefreshToken, c.accessPath, "refresh_token")
	c.expiresPath = orSibling(flow.ExpiresIn, c.accessPath, "expires_in")
	c.expiresAltPath = sibling(c.expiresPath, "expires")
	c.typePath = orSibling(flow.TokenType, c.accessPath, "token_type")
	c.accept = flow.Accept
	if c.accept == "" {
		c.accept = "application/json"
	}
	c.method = strings.ToUpper(flow.Method)
	if c.method == "" {
		c.method = http.MethodPost
	}
	c.apiHeader = http.CanonicalHeaderKey(flow.API.HeaderKey)
	if c.apiHeader == "" {
		c.apiHeader = "Authorization"
	}
	c.apiQueryKey = flow.API.QueryKey
	if c.apiQueryKey == "" {
		c.apiQueryKey = "access_token"
	}
	b := flow.Body
	if b == 0 {
		b = Form
	}
	c.body.Store(uint32(b))
	return c
}

// Flow returns the client's flow.
func (c *Client) Flow() *Flow { return c.flow }

// ClientID returns the application's client id.
func (c *Client) ClientID() string { return c.creds.ClientID }

// RedirectURL returns the application's redirect URL.
func (c *Client) RedirectURL() string { return c.creds.RedirectURL }

// String describes the client without its secret.
func (c *Client) String() string {
	return "runtime.Client{Connector: " + quote(c.flow.Connector) + ", Credentials: " + c.creds.String() + "}"
}

// GoString is like String.
func (c *Client) GoString() string { return c.String() }

// httpClient returns the client for a network call: the one in ctx under
// oauth2.HTTPClient, else the option's, else a default client with a timeout.
func (c *Client) httpClient(ctx context.Context) *http.Client {
	if ctx != nil {
		if hc, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && hc != nil {
			return hc
		}
	}
	if c.opts.httpClient != nil {
		return c.opts.httpClient
	}
	return defaultHTTPClient
}

func (c *Client) now() time.Time { return c.opts.now() }

func (c *Client) connector() string {
	if c.flow.Connector == "" {
		return "oauth2"
	}
	return c.flow.Connector
}

func quote(s string) string { return strconv.Quote(s) }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}
