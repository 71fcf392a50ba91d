package oauthtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

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
	rec := p.record("userinfo", r)
	p.mu.Lock()
	cfg := p.cfg
	p.stats.Userinfo++
	f := p.nextFault(cfg.UserinfoFaults, &p.uiFault)
	p.mu.Unlock()
	if f != nil {
		writeFault(w, r, rec, f)
		return
	}
	tok := p.tokenOf(cfg, r)
	p.mu.Lock()
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
