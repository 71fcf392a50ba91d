package oauthtest

import (
	"net/http"
	"net/url"
	"strings"
)

// Revocation makes the revocation endpoint play a provider's own revocation request
// instead of RFC 7009's (Config.Revocation): GitHub's DELETE with HTTP Basic and a
// JSON body, Slack's and Dropbox's bearer-authenticated call, Zoho's token in the
// query string. The endpoint answers 405 to another method, 401 to another
// authentication, 400 to parameters sent another way or missing, and revokes the
// token the request carries (the access token and its refresh token go together,
// as these providers revoke the whole grant); a request that carries no token
// (Stripe's deauthorization by account) revokes every token.
type Revocation struct {
	Method string // expected method; default POST
	// Auth is the expected authentication: AuthBasic (the client id and secret),
	// AuthBody (the client id and secret as parameters under the configured key
	// names), AuthBoth (both), RevokeBearer (a valid access token), RevokeSecretBearer (the client
	// secret as bearer token) or RevokeNoAuth. AuthEither is AuthBasic.
	Auth ClientAuth
	// Encoding is how the parameters come: "form", "json" or "query" (in the URL's
	// query string, without a body); default form.
	Encoding string
	// TokenKey is the parameter carrying the token revoked; "" when the request
	// carries none besides its bearer token.
	TokenKey string
	// Params are other parameters the request must carry, with their values
	// (Stripe's client_id and stripe_user_id).
	Params map[string]string
	// Status and Answer are the success answer: the status (default 200) and a
	// value sent as JSON (nil: no body).
	Status int
	Answer any
}

// The revocation authentications besides those of ClientAuth.
const (
	RevokeBearer       ClientAuth = iota + 16 // Authorization: Bearer <access token>
	RevokeSecretBearer                        // Authorization: Bearer <client secret>
	RevokeNoAuth                              // no client credentials and no Authorization header
)

// Bearer returns the token of the request's "Authorization: Bearer" header, or "".
func (r Request) Bearer() string {
	v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return v
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
	if cfg.Revocation != nil {
		p.ownRevocation(w, cfg, rec)
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

// ownRevocation answers a revocation request as cfg.Revocation says.
func (p *Provider) ownRevocation(w http.ResponseWriter, cfg Config, rec Request) {
	rv := cfg.Revocation
	if rec.Method != or(rv.Method, http.MethodPost) {
		p.oauthError(w, http.StatusMethodNotAllowed, "invalid_request", or(rv.Method, http.MethodPost)+" required")
		return
	}
	// The parameters where the provider reads them, and nowhere else.
	u, _ := url.Parse(rec.URL)
	query := map[string]string{}
	for k, v := range u.Query() {
		query[k] = v[0]
	}
	params := map[string]string{}
	switch enc := or(rv.Encoding, "form"); {
	case enc == "query" && len(rec.Body) == 0:
		params = query
	case enc == "query":
		p.oauthError(w, http.StatusBadRequest, "invalid_request", "no body expected")
		return
	case rec.BodyType != enc && len(rec.Body) > 0:
		p.oauthError(w, http.StatusBadRequest, "invalid_request", enc+" body expected")
		return
	default:
		for k, v := range rec.Form {
			if _, inQuery := query[k]; !inQuery {
				params[k] = v
			}
		}
	}
	idKey, secKey := or(cfg.ClientIDKey, "client_id"), or(cfg.SecretKey, "client_secret")
	_, bodyID := params[idKey]
	_, bodySecret := params[secKey]
	var authOK bool
	switch rv.Auth {
	case AuthEither, AuthBasic:
		authOK = rec.HasBasic && rec.BasicUser == cfg.ClientID && rec.BasicPassword == cfg.ClientSecret && !bodySecret
	case AuthBody:
		authOK = params[idKey] == cfg.ClientID && params[secKey] == cfg.ClientSecret && rec.Header.Get("Authorization") == ""
	case AuthBoth:
		authOK = rec.HasBasic && rec.BasicUser == cfg.ClientID && rec.BasicPassword == cfg.ClientSecret && params[idKey] == cfg.ClientID && params[secKey] == cfg.ClientSecret
	case RevokeBearer:
		p.mu.Lock()
		authOK = p.validAccessLocked(rec.Bearer()) && !bodySecret
		p.mu.Unlock()
	case RevokeSecretBearer:
		authOK = rec.Bearer() == cfg.ClientSecret && !bodySecret
	case RevokeNoAuth:
		authOK = rec.Header.Get("Authorization") == "" && !bodySecret && (!bodyID || rv.Params[idKey] != "")
	}
	if !authOK {
		p.oauthError(w, http.StatusUnauthorized, "invalid_client", "authentication failed")
		return
	}
	for k, want := range rv.Params {
		if params[k] != want {
			p.oauthError(w, http.StatusBadRequest, "invalid_request", k+" missing or wrong")
			return
		}
	}
	tok := ""
	switch {
	case rv.TokenKey != "":
		if tok = params[rv.TokenKey]; tok == "" {
			p.oauthError(w, http.StatusBadRequest, "invalid_request", rv.TokenKey+" missing")
			return
		}
	case rv.Auth == RevokeBearer:
		tok = rec.Bearer()
	}
	p.mu.Lock()
	p.revokeGrantLocked(tok)
	p.stats.Revocations++
	p.mu.Unlock()
	status := rv.Status
	if status == 0 {
		status = http.StatusOK
	}
	if rv.Answer == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, rv.Answer)
}

// revokeGrantLocked revokes the grant of tok, an access or a refresh token: the
// access token, its refresh token and the other access tokens of that refresh
// token. An empty tok revokes every token.
func (p *Provider) revokeGrantLocked(tok string) {
	if tok == "" {
		p.access = map[string]accessInfo{}
		p.refresh = map[string]bool{}
		return
	}
	refresh := tok
	if ai, ok := p.access[tok]; ok {
		refresh = ai.refresh
		delete(p.access, tok)
	}
	if refresh == "" {
		return
	}
	delete(p.refresh, refresh)
	for a, ai := range p.access {
		if ai.refresh == refresh {
			delete(p.access, a)
		}
	}
}
