package oauthtest

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

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
	case deviceGrant:
		p.deviceToken(w, cfg, form)
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
