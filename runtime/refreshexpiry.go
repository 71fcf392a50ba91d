package runtime

import (
	"time"

	"golang.org/x/oauth2"
)

// refreshExpiryKey is the token Extra value under which the runtime keeps the
// refresh token's expiry (RFC 3339, UTC): a name no provider field or connector
// value takes, so that only the runtime writes it.
const refreshExpiryKey = "oauthgen_refresh_token_expiry"

// RefreshTokenExpiry returns when tok's refresh token expires, and false when that
// is unknown: tok has no refresh token, or its connector models no refresh-token
// lifetime (refresh_token_expires_in_path, refresh_token_lifetime). A platform
// refreshes a connection before this time so that its refresh token does not die
// unused (Xero, QuickBooks).
//
// The runtime records the expiry when a token response arrives: the lifetime the
// response gives at the connector's path, else the connector's fixed lifetime when
// the response issues a new refresh token. It is kept with the token as the Extra
// value "oauthgen_refresh_token_expiry" (an RFC 3339 time), so MarshalToken,
// UnmarshalToken and the stores keep it, and a refresh that issues no new refresh
// token keeps the old one's expiry.
func RefreshTokenExpiry(tok *oauth2.Token) (time.Time, bool) {
	if tok == nil || tok.RefreshToken == "" {
		return time.Time{}, false
	}
	s, ok := tok.Extra(refreshExpiryKey).(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// recordRefreshExpiry puts the refresh token's expiry into extra, the Extra values
// of t, a token built from the response root: from the lifetime at the flow's
// RefreshExpiresIn, else, when the response issued a new refresh token (not the one
// a refresh sent), from the flow's RefreshLifetime.
func (c *Client) recordRefreshExpiry(root any, t *oauth2.Token, extra map[string]any, tc *tokenCall) {
	var d time.Duration
	if p := c.flow.RefreshExpiresIn; len(p) > 0 {
		if v, ok := lookup(root, p); ok {
			if secs, ok := seconds(v); ok {
				d = time.Duration(secs) * time.Second
			}
		}
	}
	if d == 0 && c.flow.RefreshLifetime > 0 && t.RefreshToken != "" {
		if sent, _ := tc.params.get("refresh_token"); tc.op != OpRefresh || sent != t.RefreshToken {
			d = c.flow.RefreshLifetime
		}
	}
	if d > 0 {
		extra[refreshExpiryKey] = c.now().Add(d).UTC().Format(time.RFC3339)
	}
}
