package oauthtest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/oauthtest"
)

// TestUserinfoAnswers checks that the userinfo endpoint answers Config.Userinfo as
// JSON whatever its shape, the default object when it is nil, and 401 without a
// valid token.
func TestUserinfoAnswers(t *testing.T) {
	cases := []struct {
		name     string
		userinfo any
		status   int
		body     string
	}{
		{"default", nil, 200, `{"sub":"user-1"}`},
		{"object", map[string]any{"email": "a@b.example", "id": 7}, 200, `{"email":"a@b.example","id":7}`},
		{"array of sites", []any{map[string]any{"id": "site-1", "url": "https://acme.atlassian.net"}, map[string]any{"id": "site-2"}}, 200,
			`[{"id":"site-1","url":"https://acme.atlassian.net"},{"id":"site-2"}]`},
		{"typed slice", []map[string]string{{"tenantId": "t-1"}}, 200, `[{"tenantId":"t-1"}]`},
		{"empty array", []any{}, 200, `[]`},
		{"not encodable", map[string]any{"f": func() {}}, 500, `{"error":"server_error","error_description":"oauthtest: Config.Userinfo is not encodable as JSON: json: unsupported type: func()"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := oauthtest.New(oauthtest.Config{Userinfo: tc.userinfo})
			defer p.Close()
			is := p.IssueToken()
			get := func(token string) (int, string, string) {
				req, _ := http.NewRequest(http.MethodGet, p.UserinfoURL(), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := p.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, resp.Header.Get("Content-Type"), strings.TrimSpace(string(b))
			}
			status, ct, body := get(is.AccessToken)
			if status != tc.status || body != tc.body || ct != "application/json" {
				t.Errorf("got %d %s %s, want %d application/json %s", status, ct, body, tc.status, tc.body)
			}
			if status, _, _ := get("not-a-token"); status != http.StatusUnauthorized {
				t.Errorf("unknown token: %d, want 401", status)
			}
			if n := p.Stats().Userinfo; n != 2 {
				t.Errorf("Stats().Userinfo = %d, want 2", n)
			}
		})
	}
}

// TestUserinfoFaults checks that UserinfoFaults answer in order, each for its Times,
// before the endpoint answers normally again.
func TestUserinfoFaults(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{UserinfoFaults: []oauthtest.Fault{
		{Status: 503, Body: "<html>down</html>", Times: 1},
		{Status: 200, Body: `{"id":`, Times: 1},
	}})
	defer p.Close()
	is := p.IssueToken()
	want := []struct {
		status int
		ct     string
		body   string
	}{
		{503, "text/html; charset=utf-8", "<html>down</html>"},
		{200, "application/json", `{"id":`},
		{200, "application/json", `{"sub":"user-1"}`},
	}
	for i, w := range want {
		req, _ := http.NewRequest(http.MethodGet, p.UserinfoURL(), nil)
		req.Header.Set("Authorization", "Bearer "+is.AccessToken)
		resp, err := p.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if body := strings.TrimSpace(string(b)); resp.StatusCode != w.status || resp.Header.Get("Content-Type") != w.ct || body != w.body {
			t.Errorf("request %d: %d %s %s, want %d %s %s", i+1, resp.StatusCode, resp.Header.Get("Content-Type"), body, w.status, w.ct, w.body)
		}
	}
	if n := p.Stats().Userinfo; n != 3 {
		t.Errorf("Stats().Userinfo = %d, want 3", n)
	}
}
