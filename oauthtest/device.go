package oauthtest

import (
	"net/http"
	"strconv"
	"time"
)

// deviceGrant is the grant_type of RFC 8628's device access token request.
const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// deviceCode is an issued device code and how often it was polled.
type deviceCode struct {
	expires time.Time
	polls   int
}

// deviceAuth answers a device authorization request (RFC 8628 3.1-3.2), after client
// authentication as the token endpoint checks it.
func (p *Provider) deviceAuth(w http.ResponseWriter, r *http.Request) {
	rec := p.record("device", r)
	p.mu.Lock()
	cfg := p.cfg
	p.mu.Unlock()
	if r.Method != http.MethodPost || rec.BodyType != "form" {
		p.oauthError(w, http.StatusBadRequest, "invalid_request", "a form POST is required")
		return
	}
	if !p.clientOK(cfg, rec) {
		p.oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	expiresIn := cfg.DeviceExpiresIn
	if expiresIn <= 0 {
		expiresIn = 10 * time.Minute
	}
	interval := cfg.DeviceInterval
	if interval <= 0 {
		interval = 1
	}
	p.mu.Lock()
	p.serial++
	code := "device-" + strconv.Itoa(p.serial)
	p.devices[code] = &deviceCode{expires: p.now().Add(expiresIn)}
	p.stats.DeviceCodes++
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code":               code,
		"user_code":                 "WDJB-MJHT",
		"verification_uri":          p.URL + "/activate",
		"verification_uri_complete": p.URL + "/activate?user_code=WDJB-MJHT",
		"expires_in":                int(expiresIn / time.Second),
		"interval":                  interval,
	})
}

// deviceToken answers a device access token request (RFC 8628 3.4-3.5).
func (p *Provider) deviceToken(w http.ResponseWriter, cfg Config, form map[string]string) {
	p.mu.Lock()
	p.stats.DevicePolls++
	d := p.devices[form["device_code"]]
	var answer string
	switch {
	case d == nil:
		answer = "invalid_grant"
	case !p.now().Before(d.expires):
		answer = "expired_token"
	case cfg.DeviceDenied:
		answer = "access_denied"
	case d.polls < cfg.DeviceSlowDown:
		answer = "slow_down"
	case d.polls < cfg.DeviceSlowDown+cfg.DevicePending:
		answer = "authorization_pending"
	}
	if d != nil {
		d.polls++
		if answer == "" || answer == "access_denied" || answer == "expired_token" {
			delete(p.devices, form["device_code"]) // a device code is good once
		}
	}
	var access, refresh string
	if answer == "" {
		access, refresh = p.issueLocked(!cfg.NoRefreshToken, "")
		p.stats.Exchanges++
	}
	p.mu.Unlock()
	if answer != "" {
		p.oauthError(w, http.StatusBadRequest, answer, "device code: "+answer)
		return
	}
	p.answer(w, cfg, access, refresh)
}
