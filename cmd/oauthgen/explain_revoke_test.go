package main

import (
	"strings"
	"testing"
	"time"
)

// explain shows a provider's own revocation as sent: GitHub's DELETE with Basic and
// a JSON body, Zoho's refresh token in the query string, Stripe's secret key as the
// bearer token (masked); an RFC 7009 connector says so.
func TestExplainRevocation(t *testing.T) {
	for _, tc := range []struct {
		file, method, url, body, auth, says string
		args                                []string
	}{
		{"github", "DELETE", "https://api.github.com/applications/my-app/grant", `{"access_token":"ACCESS_TOKEN"}`, "Basic base64(my-app:********)",
			"the provider's own: DELETE, the access token in a JSON body (access_token), HTTP Basic client authentication", nil},
		{"zoho", "POST", "https://accounts.zoho.eu/oauth/v2/token/revoke?token=REFRESH_TOKEN", "", "",
			"the provider's own: POST, the refresh token in the query string (token), no authentication", []string{"--callback", "accounts-server=https://accounts.zoho.eu"}},
		{"stripeconnect", "POST", "https://connect.stripe.com/oauth/deauthorize", "client_id=my-app&stripe_user_id=METADATA_STRIPE_USER_ID", "Bearer ********",
			"the client secret as bearer token", nil},
		{"xero", "POST", "https://identity.xero.com/connect/revocation", "token=REFRESH_TOKEN&token_type_hint=refresh_token", "Basic base64(my-app:********)", "RFC 7009", []string{"--param", "scope=openid"}},
	} {
		ex := explainJSON(t, append([]string{"../../connectors/" + tc.file + ".json", "--client-id", "my-app"}, tc.args...)...)
		r, ok := ex["revoke_request"].(map[string]any)
		if !ok {
			t.Errorf("%s: no revoke_request", tc.file)
			continue
		}
		if r["method"] != tc.method || r["url"] != tc.url || r["body"] != tc.body {
			t.Errorf("%s: %v %v %q, want %s %s %q", tc.file, r["method"], r["url"], r["body"], tc.method, tc.url, tc.body)
		}
		if got, _ := r["headers"].(map[string]any)["Authorization"].(string); got != tc.auth {
			t.Errorf("%s: Authorization %q, want %q", tc.file, got, tc.auth)
		}
		if got, _ := ex["revocation"].(string); !strings.Contains(got, tc.says) {
			t.Errorf("%s: revocation %q, want it to say %q", tc.file, got, tc.says)
		}
	}
}

// explain shows how a connector knows its refresh tokens' lifetime and the expiry
// the runtime kept with the explained token; a connector that models none shows none.
func TestExplainRefreshLifetime(t *testing.T) {
	for _, tc := range []struct {
		file, says string
		lifetime   time.Duration
		args       []string
	}{
		{"quickbooks", "read from x_refresh_token_expires_in in the token response (here 8726400 s)", explainRefreshLifetime * time.Second, nil},
		{"xero", "5184000 s (60 days) from each new refresh token", 60 * 24 * time.Hour, []string{"--param", "scope=openid"}},
	} {
		ex := explainJSON(t, append([]string{"../../connectors/" + tc.file + ".json"}, tc.args...)...)
		if got, _ := ex["refresh_token_lifetime"].(string); got != tc.says {
			t.Errorf("%s: refresh_token_lifetime %q, want %q", tc.file, got, tc.says)
		}
		s, _ := ex["refresh_token_expiry"].(string)
		exp, err := time.Parse(time.RFC3339, s)
		if d := time.Until(exp) - tc.lifetime; err != nil || d < -time.Minute || d > time.Minute {
			t.Errorf("%s: refresh_token_expiry %q, want about %v from now", tc.file, s, tc.lifetime)
		}
	}
	if ex := explainJSON(t, "../../connectors/spotify.json"); ex["refresh_token_lifetime"] != nil || ex["refresh_token_expiry"] != nil {
		t.Errorf("spotify: lifetime %v, expiry %v; want none", ex["refresh_token_lifetime"], ex["refresh_token_expiry"])
	}
	code, out, _ := runOauthgen("explain", "../../connectors/quickbooks.json")
	if code != exitOK || !strings.Contains(out, "\nRefresh token lifetime: read from x_refresh_token_expires_in") || !strings.Contains(out, "(runtime.RefreshTokenExpiry)") {
		t.Errorf("text output (exit %d) lacks the lifetime lines:\n%s", code, out)
	}
}
