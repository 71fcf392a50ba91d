package oauthtest

import (
	"net/http"
)

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
