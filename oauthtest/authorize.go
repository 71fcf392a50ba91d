package oauthtest

import (
	"fmt"
	"net/http"
	"net/url"
)

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
