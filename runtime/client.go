package runtime

import (
	"context"
	"crypto"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// defaultTimeout is the timeout of the HTTP client used when neither the context
// (oauth2.HTTPClient) nor WithHTTPClient gives one.
const defaultTimeout = 30 * time.Second

// defaultMaxBodySize is the largest token, userinfo or revocation response body read
// (1 MiB, as golang.org/x/oauth2 reads). A larger body is an error.
const defaultMaxBodySize = 1 << 20

// defaultLeaseTTL is how long a token source holds the lease of a shared store
// (Locker) while it refreshes.
const defaultLeaseTTL = 30 * time.Second

// maxRefreshWindow caps the default refresh window: a token is refreshed when less
// than min(30 minutes, half its lifetime) is left.
const maxRefreshWindow = 30 * time.Minute

var defaultHTTPClient = &http.Client{Timeout: defaultTimeout}

// Credentials are the OAuth2 application's own values, given by the user at run time.
// They are never embedded in generated code. The client secret is a Secret, so
// Credentials print, marshal to JSON and log without it.
//
// Encoded as JSON (a log line, a debug dump), they carry no secret: the secret, key
// and certificate are left out.
type Credentials struct {
	ClientID     string
	ClientSecret Secret `json:"-"`
	RedirectURL  string

	// PrivateKey signs the client assertions of private_key_jwt flows (an
	// *rsa.PrivateKey, an *ecdsa.PrivateKey on P-256, or a key in a KMS or HSM behind
	// crypto.Signer), and KeyID names its public key (the JWS kid; empty: none).
	PrivateKey crypto.Signer `json:"-"`
	KeyID      string        `json:"-"`
	// Certificate is the TLS client certificate of tls_client_auth flows, presented to
	// the token and revocation endpoints. Nil: the HTTP client's transport presents
	// one itself.
	Certificate *tls.Certificate `json:"-"`
}

// Format prints c without the client secret, under every verb (%v, %+v, %#v, %s,
// and the others, which would otherwise print the fields).
func (c Credentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.describe()) }

func (c Credentials) describe() string {
	s := "runtime.Credentials{ClientID: " + quote(c.ClientID) + ", ClientSecret: " + redacted(string(c.ClientSecret)) + ", RedirectURL: " + quote(c.RedirectURL)
	if c.PrivateKey != nil {
		s += ", PrivateKey: [redacted], KeyID: " + quote(c.KeyID)
	}
	if c.Certificate != nil {
		s += ", Certificate: [redacted]"
	}
	return s + "}"
}

// formatRedacted is the Format method of the types that hold secrets: it prints s, a
// description without them, under every verb. One method covers what String and
// GoString would, and also the verbs (%d, %x of a struct) for which fmt would print
// the fields.
func formatRedacted(f fmt.State, verb rune, s string) {
	switch verb {
	case 'v', 's':
		io.WriteString(f, s)
	default:
		fmt.Fprintf(f, fmt.FormatString(f, verb), s)
	}
}

// Option configures a Client.
type Option func(*options)

type options struct {
	httpClient *http.Client
	hook       func(context.Context, *oauth2.Token)
	store      TokenStore
	storeKey   string
	maxBody    int64
	now        func() time.Time
	leaseTTL   time.Duration
	incomplete *http.Client                         // sends nothing: see Incomplete
	after      func(time.Duration) <-chan time.Time // nil: a timer (tests wait less)
}

// WithHTTPClient sets the HTTP client used when the context carries none under
// oauth2.HTTPClient (default: one with a 30 s timeout). Its Transport is also the base
// of API clients.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithTokenHook sets a function called with each new token the Client obtains
// (exchange, refresh, client credentials), after it is complete (metadata and
// userinfo included), so the caller can persist it. It must not modify the token.
func WithTokenHook(h func(ctx context.Context, tok *oauth2.Token)) Option {
	return func(o *options) { o.hook = h }
}

// WithStore binds the Client to one end-user connection whose token lives in store
// under key: Exchange and ExchangeCallback save the new token there; TokenSource,
// HTTPClient and Verify load it from there, save renewed tokens with
// compare-and-swap and, when store is a Locker, renew once across all processes
// sharing it (see Locker). It is the one way to attach a store: use one Client per
// connection (New is cheap), with a key such as "hubspot/" + userID.
func WithStore(store TokenStore, key string) Option {
	return func(o *options) { o.store, o.storeKey = store, key }
}

// Incomplete marks a client built without an end-user value its flow needs (err says
// which): every request it would make fails with err, sending nothing. Generated New
// and package dynamic pass it for a Config that lacks a required value, since such a
// client still serves Connections, whose Begin checks the values of each end user.
func Incomplete(err error) Option {
	return func(o *options) { o.incomplete = &http.Client{Transport: failingTransport{err}} }
}

// WithMaxBodySize sets the largest token, userinfo or revocation response body read
// (default 1 MiB, as golang.org/x/oauth2 reads); a larger body is an error.
func WithMaxBodySize(n int64) Option { return func(o *options) { o.maxBody = n } }

// WithClock sets the clock used for expiry decisions (for tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithLeaseTTL sets how long the lease of a shared store (Locker) is taken for while
// a token is renewed (default 30 s). A holder that dies frees the key after it.
func WithLeaseTTL(d time.Duration) Option { return func(o *options) { o.leaseTTL = d } }

// Client runs one connector's flow for one OAuth2 application (and, with WithStore,
// for one end-user connection). It is safe for concurrent use. Generated and dynamic
// clients wrap one.
type Client struct {
	flow  *Flow
	creds *Credentials // a pointer, so that printing a Client value by reflection shows no secret
	opts  options

	basic string // pre-rendered "Basic ..." header value, when the flow uses it

	values map[string]any // the end user's values, for a client of Connections

	accessPath, refreshPath, expiresPath, expiresAltPath, typePath Path

	accept      string
	method      string
	apiHeader   string // canonical API header key
	apiQueryKey string

	// body is the body type that last worked (BodyType), starting at flow.Body.
	body atomic.Uint32

	// tokenHosts and apiHosts are the flow's host sets (hosts.go).
	tokenHosts, apiHosts hostSet
	mtls                 mtlsClient // the token endpoints' HTTP client with Credentials.Certificate
}

// New returns a Client for flow (which must not be changed afterwards) and the
// application credentials creds. Generated packages and package dynamic call it
// (see the package doc, the Flow contract); applications call theirs.
func New(flow *Flow, creds Credentials, opts ...Option) *Client {
	c := &Client{flow: flow, creds: &creds}
	c.opts.maxBody = defaultMaxBodySize
	c.opts.now = time.Now
	c.opts.leaseTTL = defaultLeaseTTL
	for _, o := range opts {
		o(&c.opts)
	}
	if c.opts.maxBody <= 0 {
		c.opts.maxBody = defaultMaxBodySize
	}
	if c.opts.now == nil {
		c.opts.now = time.Now
	}
	if c.opts.leaseTTL <= 0 {
		c.opts.leaseTTL = defaultLeaseTTL
	}
	if flow.ClientAuth == AuthHeader || flow.ClientAuth == AuthBoth {
		c.basic = basicAuth(creds)
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
	c.initHosts()
	return c
}

// basicAuth is the HTTP Basic Authorization value of creds: RFC 6749 2.3.1, the id
// and secret form-encoded before Basic encoding.
func basicAuth(creds Credentials) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(creds.ClientID)+":"+url.QueryEscape(string(creds.ClientSecret))))
}

// String describes the client without its secret. (Generated clients print theirs
// with it.)
func (c *Client) String() string {
	return "runtime.Client{Connector: " + quote(c.flow.Connector) + ", Credentials: " + c.creds.describe() + "}"
}

// Format prints the client as String does, under every verb.
func (c *Client) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// httpClient returns the client for a network call: the one in ctx under
// oauth2.HTTPClient, else the option's, else a default client with a timeout.
func (c *Client) httpClient(ctx context.Context) *http.Client {
	if c.opts.incomplete != nil {
		return c.opts.incomplete
	}
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
