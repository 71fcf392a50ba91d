package runtime

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

func parseBody(c *Client, status int, ct, body string) (*parsed, bool, error) {
	resp := &http.Response{StatusCode: status, Header: http.Header{}}
	if ct != "" {
		resp.Header.Set("Content-Type", ct)
	}
	return c.parse(&tokenCall{op: OpExchange}, resp, []byte(body))
}

func TestParseResponses(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := WithClock(func() time.Time { return now })
	std := New(&Flow{Connector: "T"}, Credentials{}, clock)
	nested := New(&Flow{Connector: "T", AccessToken: Path{"data", "access_token"}, Metadata: []Field{{Name: "open_id", Path: Path{"data", "open_id"}}, {Name: "big", Path: Path{"big"}}}}, Credentials{}, clock)
	cases := []struct {
		name             string
		c                *Client
		status           int
		ct, body         string
		access, refresh  string
		expiresIn        int64
		tokenType        string
		extra            map[string]any
		wantErr, refused bool
	}{
		{name: "json", c: std, status: 200, ct: "application/json", body: `{"access_token":"a","refresh_token":"r","expires_in":60,"token_type":"bearer","id_token":"x"}`,
			access: "a", refresh: "r", expiresIn: 60, tokenType: "bearer", extra: map[string]any{"id_token": "x", "expires_in": 60.0}},
		{name: "json as text/plain", c: std, status: 200, ct: "text/plain", body: ` {"access_token":"a"}`, access: "a"},
		{name: "form", c: std, status: 200, ct: "application/x-www-form-urlencoded", body: "access_token=a&expires_in=30&scope=x+y", access: "a", expiresIn: 30, extra: map[string]any{"scope": "x y"}},
		{name: "form as text/plain", c: std, status: 200, ct: "text/plain; charset=utf-8", body: "access_token=a&token_type=bearer", access: "a", tokenType: "bearer"},
		{name: "expires_in string", c: std, status: 200, body: `{"access_token":"a","expires_in":"3600"}`, access: "a", expiresIn: 3600},
		{name: "expires instead of expires_in", c: std, status: 200, body: `{"access_token":"a","expires":120}`, access: "a", expiresIn: 120},
		{name: "expires_in zero or bad", c: std, status: 200, body: `{"access_token":"a","expires_in":"soon"}`, access: "a"},
		{name: "nested with metadata", c: nested, status: 200, body: `{"code":0,"message":"OK","big":12345678901234567890,"data":{"access_token":"a","refresh_token":"r","expires_in":86400,"open_id":"o1"}}`,
			access: "a", refresh: "r", expiresIn: 86400, extra: map[string]any{"open_id": "o1", "big": "12345678901234567890", "access_token": "a"}},
		{name: "nested error", c: nested, status: 200, body: `{"code":40001,"message":"bad"}`, wantErr: true, refused: true},
		{name: "415", c: std, status: 415, body: `{"error":"invalid_request"}`, wantErr: true, refused: true},
		{name: "400 invalid_grant is not a refusal", c: std, status: 400, body: `{"error":"invalid_grant"}`, wantErr: true},
		{name: "400 html", c: std, status: 400, ct: "text/html", body: `<html></html>`, wantErr: true, refused: true},
		{name: "200 html", c: std, status: 200, ct: "text/html", body: `<!doctype html>`, wantErr: true, refused: true},
		{name: "200 empty", c: std, status: 200, body: ``, wantErr: true, refused: true},
		{name: "json array", c: std, status: 200, body: `[1,2]`, wantErr: true, refused: true},
		{name: "access token not a string", c: std, status: 200, body: `{"access_token":5}`, wantErr: true, refused: true},
		{name: "500 json", c: std, status: 500, body: `{"access_token":"a"}`, wantErr: true},
		{name: "token not UTF-8 in JSON", c: std, status: 200, body: "{\"access_token\":\"a\xff\"}", wantErr: true, refused: true},
		{name: "refresh token not UTF-8 in a form", c: std, status: 200, body: "access_token=a&refresh_token=%FF", wantErr: true, refused: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, refused, err := parseBody(tc.c, tc.status, tc.ct, tc.body)
			if (err != nil) != tc.wantErr || refused != tc.refused {
				t.Fatalf("err %v refused %t", err, refused)
			}
			if err != nil {
				var te *TokenError
				if !errors.As(err, &te) || !strings.HasPrefix(te.Error(), "oauthgen: T: token exchange failed: ") {
					t.Errorf("error %v", err)
				}
				return
			}
			tok := p.tok
			if tok.AccessToken != tc.access || tok.RefreshToken != tc.refresh || tok.ExpiresIn != tc.expiresIn || tok.TokenType != tc.tokenType {
				t.Errorf("token %q %q %d %q", tok.AccessToken, tok.RefreshToken, tok.ExpiresIn, tok.TokenType)
			}
			if tc.expiresIn > 0 && !tok.Expiry.Equal(now.Add(time.Duration(tc.expiresIn)*time.Second)) {
				t.Errorf("expiry %v", tok.Expiry)
			}
			if tc.expiresIn == 0 && !tok.Expiry.IsZero() {
				t.Errorf("expiry set: %v", tok.Expiry)
			}
			for k, v := range tc.extra {
				if tok.Extra(k) != v {
					t.Errorf("Extra(%s) = %#v, want %#v", k, tok.Extra(k), v)
				}
			}
		})
	}
}

// A 200 text body that is a bare token parses as a form whose only key is the token;
// the error names the missing field but never prints such a key.
func TestMissingTokenErrorHidesOddKeys(t *testing.T) {
	c := New(&Flow{Connector: "T"}, Credentials{})
	const bare = "eyJhbGciOiJIUzI1NiJ9.SECRETTOKENVALUE=="
	_, _, err := parseBody(c, 200, "text/plain", bare+"&scope=read")
	if err == nil {
		t.Fatal("a bare token body gave a token")
	}
	if strings.Contains(err.Error(), "SECRETTOKEN") {
		t.Fatalf("error shows the token: %v", err)
	}
	if !strings.Contains(err.Error(), "fields scope, 1 not shown") {
		t.Errorf("error does not describe the fields: %v", err)
	}
}

func TestMergeToken(t *testing.T) {
	old := (&oauth2.Token{AccessToken: "a1", RefreshToken: "r1"}).WithExtra(map[string]any{"shop": "s", "n": 1.0})
	next := (&oauth2.Token{AccessToken: "a2"}).WithExtra(map[string]any{"n": 2.0})
	m := (&Client{flow: &Flow{}}).mergeToken(old, next)
	if m.RefreshToken != "r1" || m.Extra("shop") != "s" || m.Extra("n") != 2.0 || m.AccessToken != "a2" {
		t.Errorf("merged %q %v %v", m.RefreshToken, m.Extra("shop"), m.Extra("n"))
	}
	if old.Extra("n") != 1.0 {
		t.Error("old token modified")
	}

	// The runtime's own values stay old's, but for the expiry of a new refresh token.
	c := &Client{flow: &Flow{CallbackParams: []Field{{Name: "server"}}}}
	own := map[string]any{"oauthgen_values": map[string]any{"shop": "victim"}, "server": "https://victim.example", refreshExpiryKey: "2030-01-01T00:00:00Z"}
	old = (&oauth2.Token{AccessToken: "a1", RefreshToken: "r1"}).WithExtra(own)
	next = (&oauth2.Token{AccessToken: "a2", RefreshToken: "r2"}).WithExtra(map[string]any{
		"oauthgen_values": map[string]any{"shop": "attacker"}, "oauthgen_reauth": "invalid_grant", "server": "https://attacker.example", refreshExpiryKey: "2031-01-01T00:00:00Z"})
	m = c.mergeToken(old, next)
	if v, _ := m.Extra("oauthgen_values").(map[string]any); v["shop"] != "victim" || m.Extra("server") != "https://victim.example" || m.Extra("oauthgen_reauth") != nil {
		t.Errorf("merged own values %v %v %v", m.Extra("oauthgen_values"), m.Extra("server"), m.Extra("oauthgen_reauth"))
	}
	if m.Extra(refreshExpiryKey) != "2031-01-01T00:00:00Z" {
		t.Errorf("merged refresh token expiry %v, want the new token's", m.Extra(refreshExpiryKey))
	}
}

func TestParamsEncoding(t *testing.T) {
	p := params{{"a b", "x&y=z"}, {"u", "ü\"\\\n\x01\u2028"}}
	if got := string(p.appendForm(nil)); got != "a+b=x%26y%3Dz&u=%C3%BC%22%5C%0A%01%E2%80%A8" {
		t.Errorf("form %s", got)
	}
	if got := string(p.appendJSON(nil)); got != `{"a b":"x&y=z","u":"ü\"\\\n\u0001\u2028"}` {
		t.Errorf("json %s", got)
	}
	if got := string(params{{"k", "\xff"}}.appendJSON(nil)); got != `{"k":"\ufffd"}` {
		t.Errorf("invalid utf-8: %s", got)
	}
}

// FuzzParseTokenResponse feeds arbitrary answers to the token response parser: it
// must never panic, a success always has an access token without control characters,
// and its expiry is never in the past (a malformed lifetime is no lifetime).
func FuzzParseTokenResponse(f *testing.F) {
	f.Add(200, "application/json", `{"access_token":"a","expires_in":"60"}`)
	f.Add(200, "application/x-www-form-urlencoded", "access_token=a&expires_in=9999999999999")
	f.Add(400, "application/json", `{"error":{"code":1,"message":"m"}}`)
	f.Add(200, "", `{"code":40001,"message":"x","data":{}}`)
	f.Add(502, "text/html", "<html>")
	// Malformed lifetimes and tokens with control characters (issue 14).
	for _, v := range []string{`-1`, `"NaN"`, `"+Inf"`, `"-Infinity"`, `"0x10p0"`, `"1_000"`, `0.4`, `"1e400"`, `true`} {
		f.Add(200, "application/json", `{"access_token":"a","expires_in":`+v+`}`)
	}
	f.Add(200, "application/x-www-form-urlencoded", "access_token=a&expires_in=-Inf")
	f.Add(200, "application/json", `{"access_token":"a\r\nX: y","refresh_token":"r"}`)
	f.Add(200, "application/json", `{"access_token":"a","refresh_token":"r\u0000"}`)
	f.Add(200, "application/x-www-form-urlencoded", "access_token=a%0Ab")
	c := New(&Flow{AccessToken: Path{"data", "access_token"}, Metadata: []Field{{Name: "m", Path: Path{"data", "x", "y"}}}}, Credentials{})
	std := New(&Flow{}, Credentials{})
	// Paths through arrays: the token in an element, metadata in nested arrays.
	arr := New(&Flow{AccessToken: Path{"data", "0", "access_token"}, Metadata: []Field{{Name: "m", Path: Path{"data", "1", "x", "0"}}, {Name: "n", Path: Path{"0", "0"}}}}, Credentials{})
	rootArr := New(&Flow{AccessToken: Path{"0", "access_token"}, ExpiresIn: Path{"1", "expires_in"}}, Credentials{})
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		before := time.Now()
		for _, cl := range []*Client{c, std, arr, rootArr} {
			p, _, err := parseBody(cl, status, ct, body)
			if err == nil && (p == nil || p.tok.AccessToken == "") {
				t.Fatal("success without an access token")
			}
			if err == nil && (hasControl(p.tok.AccessToken) || hasControl(p.tok.RefreshToken)) {
				t.Fatalf("token with a control character accepted: %q", p.tok.AccessToken)
			}
			if err == nil && (p.tok.ExpiresIn < 0 || !p.tok.Expiry.IsZero() && !p.tok.Expiry.After(before)) {
				t.Fatalf("lifetime %d s, expiry %v: in the past", p.tok.ExpiresIn, p.tok.Expiry)
			}
			if err != nil && !utf8.ValidString(err.Error()) {
				t.Fatalf("message not UTF-8: %q", err)
			}
			if err == nil {
				if _, merr := MarshalToken(p.tok); merr != nil {
					t.Fatalf("token cannot be stored: %v", merr)
				}
			}
		}
	})
}
