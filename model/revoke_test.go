package model

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/schema"
)

// withConfig is a connector file whose oauth2.config has the keys in extra (JSON
// members, without braces) besides an authorize and a token URL.
func withConfig(extra string) string {
	return `{"name": "X", "oauth2": {"config": {"step1_authorize_url": "https://a.example/auth", "step3_access_url": "https://a.example/token", ` + extra + `}}}`
}

// TestRevocation: the revoke object resolves with its defaults, maps to
// runtime.Revocation (the template-free part in Static, the params a slot), and the
// params read the token revoked.
func TestRevocation(t *testing.T) {
	m, err := Parse("x.json", []byte(withConfig(`"revoke": {"url": "https://api.a.example/apps/{{ client_id }}/grant", "method": "DELETE", "token": "access_token",
		"params": {"access_token": "{{ token }}", "app": "{{ client_id }}"}, "headers": {"X-Version": "2"}, "encoding": "json", "auth": "client_secret_basic"}`)))
	if err != nil {
		t.Fatal(err)
	}
	rv := m.Revocation
	if rv == nil || rv.Method != "DELETE" || rv.Token != "access_token" || rv.Body != runtime.JSON || rv.Auth != runtime.AuthHeader || len(rv.Args) != 2 || len(rv.Headers) != 1 {
		t.Fatalf("revocation %+v", rv)
	}
	if !m.Methods.Revoke || m.Unsupported(CallRevoke) != "" {
		t.Error("a connector with revoke cannot revoke")
	}
	if got := (runtime.Revocation{Method: "DELETE", Token: "access_token", Body: runtime.JSON, Auth: runtime.AuthHeader}); !reflect.DeepEqual(*m.Static.Revocation, got) {
		t.Errorf("Static.Revocation %+v, want %+v", *m.Static.Revocation, got)
	}
	var slots []string
	for _, s := range m.Slots {
		slots = append(slots, s.Field)
	}
	if s := strings.Join(slots, " "); !strings.Contains(s, "RevokeURL Revocation.Args Revocation.Headers") {
		t.Errorf("slots %s", s)
	}
	f := m.Flow(Values{ClientID: "app-1"})
	if u := f.RevokeURL.Render(nil); u != "https://api.a.example/apps/app-1/grant" {
		t.Errorf("revoke URL %q", u)
	}
	got := map[string]string{}
	for _, a := range f.Revocation.Args {
		got[a.Key] = a.Value.Render(&runtime.Vars{Token: "tok-1"})
	}
	if want := map[string]string{"access_token": "tok-1", "app": "app-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("args %v, want %v", got, want)
	}
	if m.Static.Revocation.Args != nil {
		t.Error("the flow of a client changed Static")
	}
	if d := strings.Join(m.Deviations, "; "); !strings.Contains(d, "DELETE, the access token in a JSON body (access_token) with app, HTTP Basic client authentication") {
		t.Errorf("deviations %s", d)
	}

	// Defaults: POST, a form body, the client authentication of token requests.
	m, err = Parse("x.json", []byte(withConfig(`"client_auth": "both", "revoke": {"url": "https://a.example/revoke", "params": {"token": "{{ token }}"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	if rv := m.Revocation; rv.Method != "POST" || rv.Token != "" || rv.Body != runtime.Form || rv.Auth != runtime.AuthBoth {
		t.Errorf("defaults %+v", rv)
	}
	if m.Static.Revocation.Method != "" || m.Static.Revocation.Body != runtime.Form {
		t.Errorf("Static.Revocation %+v: POST is the runtime's zero, Form is not", m.Static.Revocation)
	}
	// revoke_url alone stays RFC 7009.
	m, err = Parse("x.json", []byte(withConfig(`"revoke_url": "https://a.example/revoke"`)))
	if err != nil || m.Revocation != nil || m.Static.Revocation != nil || m.RevokeURL == nil {
		t.Errorf("revoke_url: %v, %+v", err, m)
	}
}

// TestRevocationErrors: each inconsistent revoke object is refused at its key, with
// a message that says what to change.
func TestRevocationErrors(t *testing.T) {
	for _, tc := range []struct{ config, ptr, msg string }{
		{`"revoke_url": "https://a.example/r", "revoke": {"url": "https://a.example/r"}`, "/oauth2/config/revoke", "revoke_url (line 1) is also set"},
		{`"revoke": {"url": "https://a.example/r?t={{ token }}"}`, "/oauth2/config/revoke/url", "token"},
		{`"revoke": {"url": "http://a.example/r"}`, "/oauth2/config/revoke/url", "use https"},
		{`"revoke": {"url": "https://a.example/r", "method": "GET", "params": {"t": "{{ token }}"}}`, "/oauth2/config/revoke/method", `"encoding": "query"`},
		{`"revoke": {"url": "https://a.example/r", "token": "access_token"}`, "/oauth2/config/revoke/token", "no params value reads {{ token }}"},
		{`"no_refresh_token": true, "revoke": {"url": "https://a.example/r", "token": "refresh_token", "params": {"t": "{{ token }}"}}`, "/oauth2/config/revoke/token", "no refresh token"},
		{`"revoke": {"url": "https://a.example/r", "auth": "bearer"}`, "/oauth2/config/revoke/auth", "client_secret_basic"},
		{`"revoke": {"url": "https://a.example/r", "headers": {"X": "{{ token }}"}}`, "/oauth2/config/revoke/headers/X", "token"},
		{`"no_refresh_token": true, "refresh_token_lifetime": 60`, "/oauth2/config/refresh_token_lifetime", "no refresh token"},
		{`"no_refresh_token": true, "refresh_token_expires_in_path": "x"`, "/oauth2/config/refresh_token_expires_in_path", "no refresh token"},
		{`"refresh_token_lifetime": 0`, "/oauth2/config/refresh_token_lifetime", "at least 1"},
	} {
		_, err := Parse("x.json", []byte(withConfig(tc.config)))
		errs, ok := err.(schema.Errors)
		if !ok || len(errs) == 0 {
			t.Errorf("%s: %v, want an error at %s", tc.config, err, tc.ptr)
			continue
		}
		if errs[0].Pointer != tc.ptr || !strings.Contains(errs[0].Error(), tc.msg) {
			t.Errorf("%s:\n got %v\nwant an error at %s saying %q", tc.config, errs[0], tc.ptr, tc.msg)
		}
	}
	// Under client_credentials the lifetime keys do nothing.
	src := `{"name": "X", "oauth2": {"config": {"flow": "client_credentials", "step3_access_url": "https://a.example/token", "refresh_token_lifetime": 60}}}`
	if _, err := Parse("x.json", []byte(src)); err == nil || !strings.Contains(err.Error(), `"refresh_token_lifetime" is not used by the client_credentials flow`) {
		t.Errorf("client_credentials with a refresh lifetime: %v", err)
	}
}

// TestRefreshLifetime: the lifetime keys reach the flow as RefreshExpiresIn and
// RefreshLifetime, and are described.
func TestRefreshLifetime(t *testing.T) {
	m, err := Parse("x.json", []byte(withConfig(`"refresh_token_expires_in_path": "x_refresh_token_expires_in", "refresh_token_lifetime": 5184000`)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Static.RefreshExpiresIn, runtime.Path{"x_refresh_token_expires_in"}) || m.Static.RefreshLifetime != 60*24*time.Hour {
		t.Errorf("flow %v %v", m.Static.RefreshExpiresIn, m.Static.RefreshLifetime)
	}
	d := strings.Join(m.Deviations, "; ")
	if !strings.Contains(d, "the refresh token's lifetime is read from x_refresh_token_expires_in") || !strings.Contains(d, "new refresh tokens live 5184000 seconds") {
		t.Errorf("deviations %s", d)
	}
	m, err = Parse("x.json", []byte(withConfig(`"scopes": ["a"]`)))
	if err != nil || m.Static.RefreshExpiresIn != nil || m.Static.RefreshLifetime != 0 {
		t.Errorf("no lifetime: %v %+v", err, m.Static)
	}
}
