// Package oauthtest is a fake OAuth2 provider on net/http/httptest, for testing code
// that uses OAuth2 clients (oauthgen's generated clients or any other).
//
// To test a connector of yours, start with ForConnector: it reads the connector (as
// model.Load gives it) and starts a fake playing the quirks the file declares, with
// the connector's real URLs routed to it, so the test copies no endpoint:
//
//	conn, err := model.Load("connectors/acme.json")
//	fake, err := oauthtest.ForConnector(conn, oauthtest.ConnectorOptions{})
//	defer fake.Close()
//	c, err := acme.New(acme.Config{...}, runtime.WithHTTPClient(fake.HTTPClient()))
//
// Underneath, and for clients that are not oauthgen's:
//
// A Provider serves an authorize endpoint that redirects back with a code and the
// state, a token endpoint that can play each provider quirk oauthgen connectors
// describe (renamed client id, secret and code keys, JSON-only or form-only bodies,
// GET token requests, HTTP Basic client authentication, nested or form-encoded
// responses, refresh token rotation with reuse detection, expires_in as a string,
// injected errors and latency), PKCE verification, the client_credentials grant,
// RFC 7009 revocation, a userinfo endpoint and a protected API endpoint that checks
// how the token is sent. Every request it receives is logged with its parsed fields,
// for assertions.
//
//	p := oauthtest.New(oauthtest.Config{ClientID: "id", ClientSecret: "secret"})
//	defer p.Close()
//	// point the client under test at p.AuthorizeURL(), p.TokenURL(), p.APIURL("/me")
//	callback, err := p.Authorize(authURL) // what the browser would bring back
//
// A client built with a real provider's URLs (a generated package's client, for one)
// needs no change: give it an http.Client whose Transport is p.Redirect(routes),
// which sends the requests for those URLs to p's endpoints.
//
// Endpoints: /authorize, /token, /revoke, /userinfo, and /api/... (protected).
package oauthtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ClientAuth is how the token endpoint expects the client id and secret.
type ClientAuth uint8

// The client authentication modes of the token endpoint.
const (
	AuthEither ClientAuth = iota // HTTP Basic or body parameters (RFC 6749 2.3.1)
	AuthBody                     // body (or query) parameters only
	AuthBasic                    // HTTP Basic only
	AuthBoth                     // both at once
)

// Rotation is what the token endpoint does with refresh tokens on refresh.
type Rotation uint8

// The refresh token behaviours.
const (
	Rotate   Rotation = iota // a new refresh token each time; reusing an old one is invalid_grant
	KeepSame                 // the same refresh token is returned again
	Omit                     // the response has no refresh_token; the old one stays valid
)

// Config describes the provider's quirks. The zero value of each field is the RFC
// 6749 behaviour.
type Config struct {
	ClientID     string // expected client id (empty: any)
	ClientSecret string // expected client secret (empty: none checked)

	ClientIDKey string // name of the client id parameter (default client_id)
	SecretKey   string // name of the secret parameter (default client_secret)
	CodeKey     string // name of the code in the callback and the exchange (default code)

	ClientAuth ClientAuth
	Method     string // token request method: POST (default) or GET
	AcceptForm bool   // token endpoint accepts form bodies (when neither is set: both)
	AcceptJSON bool   // token endpoint accepts JSON bodies

	// AccessTokenPath nests the token fields: "data.access_token" answers
	// {"code":0,"message":"OK","data":{"access_token":...,...}}.
	AccessTokenPath string
	FormResponse    bool           // answer application/x-www-form-urlencoded
	ExpiresIn       time.Duration  // lifetime of access tokens (0: no expires_in, never expire)
	ExpiresAsString bool           // send expires_in as a JSON string
	NoRefreshToken  bool           // never issue refresh tokens (permanent tokens)
	Rotation        Rotation       // refresh token behaviour
	TokenType       string         // token_type (default Bearer; "-" omits it)
	Extra           map[string]any // more fields in token responses (instance_url, team)

	RequirePKCE  bool              // authorize requests must carry a code_challenge
	WithoutCode  bool              // the callback has no code; exchanges need none
	CallbackArgs map[string]string // more parameters on the callback (Zoho accounts-server)

	// API: how the protected endpoint expects the token. Default: header
	// "Authorization" with "Bearer {token}".
	APIHeader string // header name
	APIFormat string // value format; {token} stands for the token
	APIQuery  string // when set, the token is expected in this query parameter instead
	APIBase64 bool   // the part in place of {token} is base64 of the token

	// Userinfo is the userinfo endpoint's answer, encoded as JSON: an object
	// (map[string]any), an array ([]any{map[string]any{"id": "site-1"}}, as Atlassian's
	// accessible-resources and Xero's /connections answer) or any value encoding/json
	// accepts. Default (nil): {"sub":"user-1"}.
	Userinfo any

	// Revocation makes the revocation endpoint expect a provider's own request
	// instead of RFC 7009's (nil).
	Revocation *Revocation

	Latency time.Duration // added to every token request

	// Device authorization grant (RFC 8628), at DeviceURL: the first DeviceSlowDown
	// polls of a device code are answered slow_down, the next DevicePending
	// authorization_pending, then a token is issued (or access_denied with
	// DeviceDenied). DeviceInterval is the interval the answer names (default 1 s);
	// a device code expires after DeviceExpiresIn (default 10 minutes).
	DeviceSlowDown, DevicePending int
	DeviceDenied                  bool
	DeviceInterval                int
	DeviceExpiresIn               time.Duration

	TokenFaults    []Fault // injected answers of the token endpoint, used in order
	RevokeFaults   []Fault // injected answers of the revocation endpoint
	UserinfoFaults []Fault // injected answers of the userinfo endpoint
	APIFaults      []Fault // injected answers of the API endpoint

	Now func() time.Time // clock for expiry checks (default time.Now)
}

// Request is one request the provider received.
type Request struct {
	Endpoint string      // "authorize", "token", "device", "revoke", "userinfo", "api"
	Method   string      // HTTP method
	URL      string      // path and query, as received
	Header   http.Header // request headers
	Body     []byte      // raw body
	BodyType string      // "form", "json", "" (none) or the Content-Type
	// Form holds the parsed parameters: query parameters, then body fields (form, or
	// the top-level values of a JSON object, as strings).
	Form map[string]string
	// BasicUser and BasicPassword are the decoded HTTP Basic credentials
	// (form-unescaped as RFC 6749 2.3.1 says); HasBasic reports their presence.
	BasicUser, BasicPassword string
	HasBasic                 bool
}

// Stats counts what the provider did.
type Stats struct {
	Authorizations    int // authorize redirects with a code
	Exchanges         int // codes exchanged successfully
	Refreshes         int // refresh requests received (valid or not)
	ClientCredentials int // client_credentials tokens issued
	InvalidGrants     int // invalid_grant answers
	Revocations       int // successful revocations
	APICalls          int // API requests received
	APIRejected       int // API requests answered 401
	Userinfo          int // userinfo requests received
	DeviceCodes       int // device codes issued
	DevicePolls       int // device access token requests received
}

type codeInfo struct {
	clientID, redirectURI, challenge, method string
}

type accessInfo struct {
	expires time.Time // zero: never
	refresh string
}

// Provider is a running fake OAuth2 provider. It is safe for concurrent use.
type Provider struct {
	// URL is the base URL of the server (http://127.0.0.1:port).
	URL    string
	server *httptest.Server

	mu       sync.Mutex
	cfg      Config
	log      []Request
	stats    Stats
	codes    map[string]codeInfo
	access   map[string]accessInfo
	refresh  map[string]bool // valid refresh tokens
	used     map[string]bool // rotated-out refresh tokens
	devices  map[string]*deviceCode
	serial   int
	apiFault int // index of the next API fault
	tokFault int
	revFault int
	uiFault  int
	faultUse map[*Fault]int
}

// New starts a provider with cfg. Close it when done.
func New(cfg Config) *Provider {
	p := &Provider{cfg: cfg, codes: map[string]codeInfo{}, access: map[string]accessInfo{}, refresh: map[string]bool{}, used: map[string]bool{}, devices: map[string]*deviceCode{}, faultUse: map[*Fault]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", p.authorize)
	mux.HandleFunc("/token", p.token)
	mux.HandleFunc("/revoke", p.revoke)
	mux.HandleFunc("/device", p.deviceAuth)
	mux.HandleFunc("/userinfo", p.userinfo)
	mux.HandleFunc("/api/", p.api)
	p.server = httptest.NewServer(mux)
	p.URL = p.server.URL
	return p
}

// Close shuts the server down.
func (p *Provider) Close() { p.server.Close() }

// Client returns an HTTP client for the server.
func (p *Provider) Client() *http.Client { return p.server.Client() }

// AuthorizeURL returns the authorize endpoint's URL.
func (p *Provider) AuthorizeURL() string { return p.URL + "/authorize" }

// TokenURL returns the token endpoint's URL.
func (p *Provider) TokenURL() string { return p.URL + "/token" }

// DeviceURL returns the device authorization endpoint's URL (RFC 8628).
func (p *Provider) DeviceURL() string { return p.URL + "/device" }

// RevokeURL returns the revocation endpoint's URL.
func (p *Provider) RevokeURL() string { return p.URL + "/revoke" }

// UserinfoURL returns the userinfo endpoint's URL.
func (p *Provider) UserinfoURL() string { return p.URL + "/userinfo" }

// APIURL returns the URL of the protected API at path (such as "/me").
func (p *Provider) APIURL(path string) string { return p.URL + "/api/" + strings.TrimPrefix(path, "/") }

// Update changes the configuration while the server runs.
func (p *Provider) Update(f func(*Config)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.cfg)
	p.tokFault, p.apiFault, p.revFault = 0, 0, 0
	p.faultUse = map[*Fault]int{}
}

// Requests returns a copy of every request received, in order.
func (p *Provider) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.log...)
}

// RequestsTo returns the requests received by one endpoint ("token", "api", ...).
func (p *Provider) RequestsTo(endpoint string) []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Request
	for _, r := range p.log {
		if r.Endpoint == endpoint {
			out = append(out, r)
		}
	}
	return out
}

// LastRequest returns the last request of an endpoint and whether there was one.
func (p *Provider) LastRequest(endpoint string) (Request, bool) {
	rs := p.RequestsTo(endpoint)
	if len(rs) == 0 {
		return Request{}, false
	}
	return rs[len(rs)-1], true
}

// ResetLog forgets the requests received so far (counters stay).
func (p *Provider) ResetLog() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = nil
}

// Stats returns the counters.
func (p *Provider) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Issued is a token pair issued directly by IssueToken.
type Issued struct {
	AccessToken  string
	RefreshToken string // empty with NoRefreshToken
}

// IssueToken issues a valid token pair without any request, as if an exchange had
// happened, so tests can start from a stored token.
func (p *Provider) IssueToken() Issued {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, r := p.issueLocked(!p.cfg.NoRefreshToken, "")
	return Issued{AccessToken: a, RefreshToken: r}
}

// InvalidateAccessTokens makes every access token issued so far invalid (the API
// answers 401) while refresh tokens stay valid: the next API call must refresh.
func (p *Provider) InvalidateAccessTokens() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.access = map[string]accessInfo{}
}

func (p *Provider) now() time.Time {
	if p.cfg.Now != nil {
		return p.cfg.Now()
	}
	return time.Now()
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// issueLocked issues an access token (and a refresh token when withRefresh, or
// keepRefresh when not empty).
func (p *Provider) issueLocked(withRefresh bool, keepRefresh string) (access, refresh string) {
	p.serial++
	access = "access-" + strconv.Itoa(p.serial) + "-" + randHex(8)
	refresh = keepRefresh
	if withRefresh && refresh == "" {
		refresh = "refresh-" + strconv.Itoa(p.serial) + "-" + randHex(8)
		p.refresh[refresh] = true
	}
	ai := accessInfo{refresh: refresh}
	if p.cfg.ExpiresIn > 0 {
		ai.expires = p.now().Add(p.cfg.ExpiresIn)
	}
	p.access[access] = ai
	return access, refresh
}

// record parses and logs r, returning the entry.
func (p *Provider) record(endpoint string, r *http.Request) Request {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rec := Request{Endpoint: endpoint, Method: r.Method, URL: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body, Form: map[string]string{}}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			rec.Form[k] = v[0]
		}
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case len(body) == 0:
	case mt == "application/x-www-form-urlencoded":
		rec.BodyType = "form"
		if q, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range q {
				if len(v) > 0 {
					rec.Form[k] = v[0]
				}
			}
		}
	case mt == "application/json":
		rec.BodyType = "json"
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			for k, v := range m {
				switch x := v.(type) {
				case string:
					rec.Form[k] = x
				default:
					b, _ := json.Marshal(x)
					rec.Form[k] = string(b)
				}
			}
		}
	default:
		rec.BodyType = mt
	}
	if u, pw, ok := r.BasicAuth(); ok {
		rec.HasBasic = true
		rec.BasicUser, _ = url.QueryUnescape(u)
		rec.BasicPassword, _ = url.QueryUnescape(pw)
	}
	p.mu.Lock()
	p.log = append(p.log, rec)
	p.mu.Unlock()
	return rec
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// oauthError answers an RFC 6749 5.2 error.
func (p *Provider) oauthError(w http.ResponseWriter, status int, code, desc string) {
	if code == "invalid_grant" {
		p.mu.Lock()
		p.stats.InvalidGrants++
		p.mu.Unlock()
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (p *Provider) config() Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg
}
