// Package oauthtest is a fake OAuth2 provider on net/http/httptest, for testing code
// that uses OAuth2 clients (oauthgen's generated clients or any other).
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
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// Fault is an injected answer of an endpoint.
type Fault struct {
	Status      int           // HTTP status (default 500)
	Body        string        // response body; "{request}" is replaced by what the request carried (see Echo)
	ContentType string        // default: application/json when Body starts with '{', else text/html
	Times       int           // how many requests get it; 0 means every request
	Delay       time.Duration // wait before answering (the request context still cancels it)
}

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

	Latency time.Duration // added to every token request

	TokenFaults  []Fault // injected answers of the token endpoint, used in order
	RevokeFaults []Fault // injected answers of the revocation endpoint
	APIFaults    []Fault // injected answers of the API endpoint

	Now func() time.Time // clock for expiry checks (default time.Now)
}

// Request is one request the provider received.
type Request struct {
	Endpoint string      // "authorize", "token", "revoke", "userinfo", "api"
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
	serial   int
	apiFault int // index of the next API fault
	tokFault int
	revFault int
	faultUse map[*Fault]int
}

// New starts a provider with cfg. Close it when done.
func New(cfg Config) *Provider {
	p := &Provider{cfg: cfg, codes: map[string]codeInfo{}, access: map[string]accessInfo{}, refresh: map[string]bool{}, used: map[string]bool{}, faultUse: map[*Fault]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", p.authorize)
	mux.HandleFunc("/token", p.token)
	mux.HandleFunc("/revoke", p.revoke)
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

// Authorize does what a browser does with an authorize URL: it sends the request to
// the authorize endpoint and returns the query the provider redirects back with (code
// under the configured key, state, callback parameters, or error).
func (p *Provider) Authorize(authURL string) (url.Values, error) {
	hc := *p.server.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(authURL)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("oauthtest: authorize answered %s", resp.Status)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return nil, fmt.Errorf("oauthtest: bad redirect: %w", err)
	}
	return loc.Query(), nil
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

// nextFault returns the fault to answer with, if any. p.mu is held.
func (p *Provider) nextFault(faults []Fault, idx *int) *Fault {
	for *idx < len(faults) {
		f := &faults[*idx]
		if f.Times == 0 {
			return f
		}
		if p.faultUse[f] < f.Times {
			p.faultUse[f]++
			if p.faultUse[f] == f.Times {
				*idx++
			}
			return f
		}
		*idx++
	}
	return nil
}

// Echo returns what a request carried (its query, body and Authorization header)
// escaped for a JSON string, as a Fault's "{request}" is replaced with: providers
// that repeat the request in their error messages are how secrets leak into logs.
func Echo(rec Request) string {
	q := ""
	if i := strings.IndexByte(rec.URL, '?'); i >= 0 {
		q = rec.URL[i+1:]
	}
	b, _ := json.Marshal(q + " " + string(rec.Body) + " " + rec.Header.Get("Authorization"))
	return string(b[1 : len(b)-1])
}

func writeFault(w http.ResponseWriter, r *http.Request, rec Request, f *Fault) {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	ct := f.ContentType
	if ct == "" {
		if strings.HasPrefix(strings.TrimSpace(f.Body), "{") {
			ct = "application/json"
		} else {
			ct = "text/html; charset=utf-8"
		}
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	io.WriteString(w, strings.ReplaceAll(f.Body, "{request}", Echo(rec)))
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

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	rec := p.record("authorize", r)
	cfg := p.config()
	q := rec.Form
	redirect := q["redirect_uri"]
	u, err := url.Parse(redirect)
	if redirect == "" || err != nil || !u.IsAbs() {
		http.Error(w, "missing or invalid redirect_uri", http.StatusBadRequest)
		return
	}
	back := u.Query()
	if s, ok := q["state"]; ok {
		back.Set("state", s)
	}
	fail := func(code, desc string) {
		back.Set("error", code)
		back.Set("error_description", desc)
		u.RawQuery = back.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	if cfg.ClientID != "" && q[or(cfg.ClientIDKey, "client_id")] != cfg.ClientID {
		fail("unauthorized_client", "unknown client")
		return
	}
	if cfg.RequirePKCE && q["code_challenge"] == "" {
		fail("invalid_request", "code_challenge required")
		return
	}
	if m := q["code_challenge_method"]; m != "" && m != "S256" && m != "plain" {
		fail("invalid_request", "unsupported code_challenge_method")
		return
	}
	for k, v := range cfg.CallbackArgs {
		back.Set(k, v)
	}
	if !cfg.WithoutCode {
		code := "code-" + randHex(12)
		p.mu.Lock()
		p.codes[code] = codeInfo{clientID: cfg.ClientID, redirectURI: redirect, challenge: q["code_challenge"], method: or(q["code_challenge_method"], "plain")}
		p.mu.Unlock()
		back.Set(or(cfg.CodeKey, "code"), code)
	}
	p.mu.Lock()
	p.stats.Authorizations++
	p.mu.Unlock()
	u.RawQuery = back.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	rec := p.record("token", r)
	p.mu.Lock()
	cfg := p.cfg
	f := p.nextFault(cfg.TokenFaults, &p.tokFault)
	p.mu.Unlock()
	if cfg.Latency > 0 {
		select {
		case <-time.After(cfg.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if f != nil {
		writeFault(w, r, rec, f)
		return
	}
	method := or(cfg.Method, http.MethodPost)
	if r.Method != method {
		w.Header().Set("Allow", method)
		p.oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "method not allowed")
		return
	}
	acceptForm, acceptJSON := cfg.AcceptForm, cfg.AcceptJSON
	if !acceptForm && !acceptJSON {
		acceptForm, acceptJSON = true, true
	}
	if r.Method != http.MethodGet {
		switch rec.BodyType {
		case "form":
			if !acceptForm {
				p.oauthError(w, http.StatusUnsupportedMediaType, "invalid_request", "form bodies are not accepted")
				return
			}
		case "json":
			if !acceptJSON {
				p.oauthError(w, http.StatusUnsupportedMediaType, "invalid_request", "JSON bodies are not accepted")
				return
			}
		default:
			p.oauthError(w, http.StatusUnsupportedMediaType, "invalid_request", "unsupported body")
			return
		}
	}
	if !p.clientOK(cfg, rec) {
		p.oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	form := rec.Form
	switch form["grant_type"] {
	case "authorization_code":
		p.exchange(w, cfg, form)
	case "refresh_token":
		p.refreshGrant(w, cfg, form)
	case "client_credentials":
		p.mu.Lock()
		a, _ := p.issueLocked(false, "")
		p.stats.ClientCredentials++
		p.mu.Unlock()
		p.answer(w, cfg, a, "")
	default:
		p.oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "unsupported grant_type")
	}
}

// clientOK checks client authentication as configured.
func (p *Provider) clientOK(cfg Config, rec Request) bool {
	idKey, secKey := or(cfg.ClientIDKey, "client_id"), or(cfg.SecretKey, "client_secret")
	bodyID, hasBodyID := rec.Form[idKey]
	bodySecret := rec.Form[secKey]
	basicOK := rec.HasBasic && (cfg.ClientID == "" || rec.BasicUser == cfg.ClientID) && (cfg.ClientSecret == "" || rec.BasicPassword == cfg.ClientSecret)
	bodyOK := hasBodyID && (cfg.ClientID == "" || bodyID == cfg.ClientID) && (cfg.ClientSecret == "" || bodySecret == cfg.ClientSecret)
	switch cfg.ClientAuth {
	case AuthBody:
		return bodyOK && !rec.HasBasic
	case AuthBasic:
		return basicOK && !hasBodyID
	case AuthBoth:
		return basicOK && bodyOK
	}
	if rec.HasBasic && hasBodyID { // RFC 6749 2.3: one method only
		return false
	}
	return basicOK || bodyOK
}

func (p *Provider) exchange(w http.ResponseWriter, cfg Config, form map[string]string) {
	code := form[or(cfg.CodeKey, "code")]
	if cfg.WithoutCode && code == "" {
		p.mu.Lock()
		a, rt := p.issueLocked(!cfg.NoRefreshToken, "")
		p.stats.Exchanges++
		p.mu.Unlock()
		p.answer(w, cfg, a, rt)
		return
	}
	p.mu.Lock()
	ci, ok := p.codes[code]
	delete(p.codes, code) // a code is good once
	p.mu.Unlock()
	switch {
	case !ok:
		p.oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
		return
	case form["redirect_uri"] != ci.redirectURI:
		p.oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match")
		return
	case ci.challenge != "":
		v := form["code_verifier"]
		want := v
		if ci.method == "S256" {
			sum := sha256.Sum256([]byte(v))
			want = base64.RawURLEncoding.EncodeToString(sum[:])
		}
		if v == "" || want != ci.challenge {
			p.oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
			return
		}
	}
	p.mu.Lock()
	a, rt := p.issueLocked(!cfg.NoRefreshToken, "")
	p.stats.Exchanges++
	p.mu.Unlock()
	p.answer(w, cfg, a, rt)
}

func (p *Provider) refreshGrant(w http.ResponseWriter, cfg Config, form map[string]string) {
	rt := form["refresh_token"]
	p.mu.Lock()
	p.stats.Refreshes++
	valid := p.refresh[rt]
	reused := p.used[rt]
	if !valid {
		p.mu.Unlock()
		desc := "unknown refresh token"
		if reused {
			desc = "refresh token reused"
		}
		p.oauthError(w, http.StatusBadRequest, "invalid_grant", desc)
		return
	}
	var a, answerRT string
	switch cfg.Rotation {
	case Rotate:
		delete(p.refresh, rt)
		p.used[rt] = true
		a, answerRT = p.issueLocked(true, "")
	case KeepSame:
		a, _ = p.issueLocked(false, rt)
		answerRT = rt
	case Omit:
		a, _ = p.issueLocked(false, rt)
	}
	p.mu.Unlock()
	p.answer(w, cfg, a, answerRT)
}

// answer writes a token response.
func (p *Provider) answer(w http.ResponseWriter, cfg Config, access, refresh string) {
	fields := map[string]any{"access_token": access}
	if tt := or(cfg.TokenType, "Bearer"); tt != "-" {
		fields["token_type"] = tt
	}
	if refresh != "" {
		fields["refresh_token"] = refresh
	}
	if cfg.ExpiresIn > 0 {
		secs := int64(cfg.ExpiresIn / time.Second)
		if cfg.ExpiresAsString {
			fields["expires_in"] = strconv.FormatInt(secs, 10)
		} else {
			fields["expires_in"] = secs
		}
	}
	if cfg.FormResponse {
		q := url.Values{}
		for k, v := range fields {
			q.Set(k, fmt.Sprint(v))
		}
		for k, v := range cfg.Extra {
			q.Set(k, fmt.Sprint(v))
		}
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		io.WriteString(w, q.Encode())
		return
	}
	var body map[string]any
	if path := strings.Split(cfg.AccessTokenPath, "."); len(path) > 1 {
		inner := fields
		for i := len(path) - 2; i >= 0; i-- {
			inner = map[string]any{path[i]: inner}
		}
		body = inner
		body["code"] = 0
		body["message"] = "OK"
	} else {
		body = fields
	}
	for k, v := range cfg.Extra {
		body[k] = v
	}
	writeJSON(w, http.StatusOK, body)
}

func (p *Provider) revoke(w http.ResponseWriter, r *http.Request) {
	rec := p.record("revoke", r)
	p.mu.Lock()
	cfg := p.cfg
	f := p.nextFault(cfg.RevokeFaults, &p.revFault)
	p.mu.Unlock()
	if f != nil {
		writeFault(w, r, rec, f)
		return
	}
	if r.Method != http.MethodPost {
		p.oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "POST required")
		return
	}
	if !p.clientOK(cfg, rec) {
		p.oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	tok := rec.Form["token"]
	if tok == "" {
		p.oauthError(w, http.StatusBadRequest, "invalid_request", "token missing")
		return
	}
	p.mu.Lock()
	if p.refresh[tok] {
		delete(p.refresh, tok)
		for a, ai := range p.access {
			if ai.refresh == tok {
				delete(p.access, a)
			}
		}
	}
	delete(p.access, tok)
	p.stats.Revocations++
	p.mu.Unlock()
	w.WriteHeader(http.StatusOK) // RFC 7009 2.2: also for unknown tokens
}

// tokenOf extracts the access token as the API config expects it, or "".
func (p *Provider) tokenOf(cfg Config, r *http.Request) string {
	var raw string
	if cfg.APIQuery != "" {
		raw = r.URL.Query().Get(cfg.APIQuery)
	} else {
		raw = r.Header.Get(or(cfg.APIHeader, "Authorization"))
	}
	format := or(cfg.APIFormat, "Bearer {token}")
	if cfg.APIQuery != "" && cfg.APIFormat == "" {
		format = "{token}"
	}
	i := strings.Index(format, "{token}")
	if i < 0 {
		return ""
	}
	prefix, suffix := format[:i], format[i+len("{token}"):]
	if !strings.HasPrefix(raw, prefix) || !strings.HasSuffix(raw, suffix) || len(raw) < len(prefix)+len(suffix) {
		return ""
	}
	tok := raw[len(prefix) : len(raw)-len(suffix)]
	if cfg.APIBase64 {
		b, err := base64.StdEncoding.DecodeString(tok)
		if err != nil {
			return ""
		}
		tok = string(b)
	}
	return tok
}

// validAccess reports whether tok is a live access token. p.mu is held.
func (p *Provider) validAccessLocked(tok string) bool {
	ai, ok := p.access[tok]
	return ok && tok != "" && (ai.expires.IsZero() || p.now().Before(ai.expires))
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	p.record("userinfo", r)
	cfg := p.config()
	tok := p.tokenOf(cfg, r)
	p.mu.Lock()
	p.stats.Userinfo++
	ok := p.validAccessLocked(tok)
	p.mu.Unlock()
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	ui := cfg.Userinfo
	if ui == nil {
		ui = map[string]any{"sub": "user-1"}
	}
	body, err := json.Marshal(ui)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": "oauthtest: Config.Userinfo is not encodable as JSON: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(append(body, '\n'))
}

// api is the protected endpoint. It answers 401 for a missing, malformed, unknown or
// expired token, else 200 with {"ok":true,"method":...,"path":...,"body":...} echoing
// the request body.
func (p *Provider) api(w http.ResponseWriter, r *http.Request) {
	rec := p.record("api", r)
	p.mu.Lock()
	cfg := p.cfg
	p.stats.APICalls++
	f := p.nextFault(cfg.APIFaults, &p.apiFault)
	p.mu.Unlock()
	if f != nil {
		if f.Status == http.StatusUnauthorized {
			p.mu.Lock()
			p.stats.APIRejected++
			p.mu.Unlock()
		}
		writeFault(w, r, rec, f)
		return
	}
	tok := p.tokenOf(cfg, r)
	p.mu.Lock()
	ok := p.validAccessLocked(tok)
	if !ok {
		p.stats.APIRejected++
	}
	p.mu.Unlock()
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "method": r.Method, "path": r.URL.Path, "body": string(bytes.Clone(rec.Body))})
}
