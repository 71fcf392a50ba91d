package oauthtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/oauthtest"
)

// TestOwnRevocationRefuses: a revocation endpoint playing a provider's own request
// refuses every request that departs from it (method, authentication, where the
// parameters are), revokes nothing then, and accepts the request it describes.
func TestOwnRevocationRefuses(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{ClientID: "app", ClientSecret: "s3cret",
		Revocation: &oauthtest.Revocation{Method: "DELETE", Auth: oauthtest.AuthBasic, Encoding: "json", TokenKey: "access_token", Status: http.StatusNoContent}})
	defer p.Close()
	tok := p.IssueToken()
	send := func(method, ct, body string, basic bool) int {
		t.Helper()
		req, err := http.NewRequest(method, p.RevokeURL(), strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if basic {
			req.SetBasicAuth("app", "s3cret")
		}
		resp, err := p.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	jsonBody := `{"access_token":"` + tok.AccessToken + `"}`
	for _, tc := range []struct {
		name             string
		method, ct, body string
		basic            bool
		want             int
	}{
		{"POST instead of DELETE", "POST", "application/json", jsonBody, true, http.StatusMethodNotAllowed},
		{"a form body", "DELETE", "application/x-www-form-urlencoded", "access_token=" + tok.AccessToken, true, http.StatusBadRequest},
		{"no Basic", "DELETE", "application/json", jsonBody, false, http.StatusUnauthorized},
		{"no token", "DELETE", "application/json", `{}`, true, http.StatusBadRequest},
	} {
		if got := send(tc.method, tc.ct, tc.body, tc.basic); got != tc.want {
			t.Errorf("%s: HTTP %d, want %d", tc.name, got, tc.want)
		}
	}
	if st := p.Stats(); st.Revocations != 0 {
		t.Fatalf("%d revocations after refused requests", st.Revocations)
	}
	if got := send("DELETE", "application/json", jsonBody, true); got != http.StatusNoContent {
		t.Fatalf("the described request: HTTP %d", got)
	}
	r, _ := p.LastRequest("revoke")
	if st := p.Stats(); st.Revocations != 1 || r.Method != "DELETE" || !r.HasBasic || r.BodyType != "json" || r.Form["access_token"] != tok.AccessToken {
		t.Errorf("revocations %d, recorded %s Basic %v %s %v", st.Revocations, r.Method, r.HasBasic, r.BodyType, r.Form)
	}
}
