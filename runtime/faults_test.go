package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

// TestTokenEndpointFaults checks the documented outcome of each broken answer.
func TestTokenEndpointFaults(t *testing.T) {
	huge := `{"access_token":"` + strings.Repeat("x", 10<<20) + `"}`
	cases := []struct {
		name    string
		fault   oauthtest.Fault
		status  int
		code    string
		desc    string
		message string // the whole error message
	}{
		{"TikTok-style 200 error", oauthtest.Fault{Status: 200, Body: `{"code":40001,"message":"Invalid auth_code","request_id":"r1"}`},
			200, "40001", "Invalid auth_code", `oauthgen: Test: token exchange failed: "40001" "Invalid auth_code" (HTTP 200 OK with an error body)`},
		{"HTML 502 page", oauthtest.Fault{Status: 502, Body: "<html><body>Bad gateway</body></html>"},
			502, "", "", `oauthgen: Test: token exchange failed: HTTP 502 Bad Gateway with a text/html body, not a token response`},
		{"10 MB body", oauthtest.Fault{Status: 200, Body: huge},
			200, "", "", `oauthgen: Test: token exchange failed: response body larger than 1048576 bytes (HTTP 200 OK)`},
		{"malformed JSON", oauthtest.Fault{Status: 200, Body: `{"access_token": "abc",,}`},
			200, "", "", `oauthgen: Test: token exchange failed: malformed JSON response (HTTP 200 OK, at byte 24)`},
		{"truncated JSON", oauthtest.Fault{Status: 200, Body: `{"access_token": "ab`},
			200, "", "", `oauthgen: Test: token exchange failed: malformed JSON response (HTTP 200 OK)`},
		{"no access token", oauthtest.Fault{Status: 200, Body: `{"token":"abc","ok":true}`},
			200, "", "", `oauthgen: Test: token exchange failed: no access token at "access_token" in the response (it has fields ok, token)`},
		{"RFC 6749 error", oauthtest.Fault{Status: 400, Body: `{"error":"invalid_grant","error_description":"Code expired"}`},
			400, "invalid_grant", "Code expired", `oauthgen: Test: token exchange failed: "invalid_grant" "Code expired" (HTTP 400 Bad Request)`},
		{"Slack-style 200 error", oauthtest.Fault{Status: 200, Body: `{"ok":false,"error":"invalid_code"}`},
			200, "invalid_code", "", `oauthgen: Test: token exchange failed: "invalid_code" (HTTP 200 OK with an error body)`},
		{"nested error object", oauthtest.Fault{Status: 400, Body: `{"error":{"message":"Invalid verification code format.","type":"OAuthException","code":100}}`},
			400, "100", "Invalid verification code format.", `oauthgen: Test: token exchange failed: "100" "Invalid verification code format." (HTTP 400 Bad Request)`},
		{"empty 500", oauthtest.Fault{Status: 500, Body: ""},
			500, "", "", `oauthgen: Test: token exchange failed: HTTP 500 Internal Server Error with an empty body`},
		{"plain text 503", oauthtest.Fault{Status: 503, Body: "try later", ContentType: "text/plain"},
			503, "", "", `oauthgen: Test: token exchange failed: HTTP 503 Service Unavailable with a text/plain body, not a token response`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := provider(t, oauthtest.Config{TokenFaults: []oauthtest.Fault{tc.fault}})
			c := newClient(p, stdFlow(p))
			tok, err := c.Exchange(context.Background(), "some-code")
			if err == nil || tok != nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.message {
				t.Errorf("message\n got %s\nwant %s", err, tc.message)
			}
			var te *runtime.TokenError
			if !errors.As(err, &te) || te.StatusCode != tc.status || te.Code != tc.code || te.Description != tc.desc || te.Op != runtime.OpExchange || te.Connector != "Test" {
				t.Errorf("TokenError %+v", te)
			}
			var re *oauth2.RetrieveError
			if errors.As(err, &re) {
				if re.ErrorCode != tc.code || re.ErrorDescription != tc.desc || re.Response.StatusCode != tc.status {
					t.Errorf("RetrieveError code %q desc %q", re.ErrorCode, re.ErrorDescription)
				}
				if len(re.Body) > 4096 {
					t.Errorf("RetrieveError body of %d bytes", len(re.Body))
				}
			} else if tc.name != "10 MB body" {
				t.Error("no *oauth2.RetrieveError")
			}
		})
	}
}

func TestTimeoutAndLatency(t *testing.T) {
	p := provider(t, oauthtest.Config{Latency: 200 * time.Millisecond})
	c := newClient(p, stdFlow(p))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Exchange(ctx, "code-x")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "oauthgen: Test: token exchange failed: ") {
		t.Errorf("got %v", err)
	}
	// The HTTP client from the context is used.
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) { return nil, errors.New("ctx client used") })}
	_, err = c.Exchange(context.WithValue(context.Background(), oauth2.HTTPClient, hc), "code-x")
	if err == nil || !strings.Contains(err.Error(), "ctx client used") {
		t.Errorf("context client not used: %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNoSecretsInErrors collects the errors of every failing operation, while the
// provider echoes secrets back, and scans them for the client secret, the code, the
// verifier and the tokens.
func TestNoSecretsInErrors(t *testing.T) {
	ctx := context.Background()
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Userinfo: map[string]any{"id": 1}})
	f := stdFlow(p)
	c := newClient(p, f)
	tok := login(t, p, c)
	verifier := oauth2.GenerateVerifier()
	q := authorize(t, p, c)
	code := q.Get("code")
	secretsToFind := map[string]string{"client secret": testSecret, "code": code, "verifier": verifier, "access token": tok.AccessToken, "refresh token": tok.RefreshToken}

	var errs []error
	collect := func(what string, err error) {
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		errs = append(errs, err)
	}
	bodies := []struct {
		status   int
		body, ct string
	}{
		{400, `{"error":"invalid_request","error_description":"got {request}","error_uri":"https://x/?{request}"}`, ""},
		{502, `<html>{request}</html>`, "text/html"},
		{200, `{"code":40001,"message":"{request}"}`, ""},
		{401, `{"error":{"message":"{request}","code":"E1"}}`, ""},
		{500, `not json {request}`, "text/plain"},
		{400, `{"error":"{request}"}`, ""},
	}
	for _, b := range bodies {
		fault := []oauthtest.Fault{{Status: b.status, Body: b.body, ContentType: b.ct}}
		p.Update(func(cfg *oauthtest.Config) { cfg.TokenFaults, cfg.RevokeFaults = fault, fault })
		_, err := c.ExchangeCallback(ctx, q, oauth2.VerifierOption(verifier))
		collect("exchange", err)
		_, err = c.RefreshToken(ctx, tok)
		collect("refresh", err)
		if b.status != 200 {
			collect("revoke", c.Revoke(ctx, tok))
		}
		_, err = c.TokenSource(ctx, &oauth2.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Hour)}).Token()
		collect("token source", err)
		// The API answers with the fault as well, twice (retry after refresh fails).
		p.Update(func(cfg *oauthtest.Config) { cfg.APIFaults = fault })
		if b.status != 200 {
			collect("verify", c.Verify(ctx, tok, "GET", p.APIURL("/me")))
		}
		p.Update(func(cfg *oauthtest.Config) { cfg.APIFaults = nil })
	}
	p.Update(func(cfg *oauthtest.Config) { cfg.TokenFaults, cfg.RevokeFaults, cfg.APIFaults = nil, nil, nil })

	// Userinfo failing with an echo.
	f2 := stdFlow(p)
	f2.Userinfo = &runtime.Userinfo{URL: runtime.String(p.APIURL("/userinfo")), Fields: []runtime.Field{{Name: "id", Path: runtime.Path{"id"}}}}
	c2 := newClient(p, f2)
	q2 := authorize(t, p, c2)
	p.Update(func(cfg *oauthtest.Config) {
		cfg.APIFaults = []oauthtest.Fault{{Status: 401, Body: `{"error":"invalid_token","error_description":"token {request}"}`}}
	})
	_, err := c2.ExchangeCallback(ctx, q2)
	collect("userinfo", err)

	// GET token requests carry the secret and code in the URL: network errors must not.
	f3 := stdFlow(p)
	f3.Method = "GET"
	f3.TokenURL = runtime.String("http://127.0.0.1:1/token?tenant=x")
	c3 := runtime.New(f3, runtime.Credentials{ClientID: testID, ClientSecret: testSecret, RedirectURL: testRedirect})
	_, err = c3.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	collect("GET exchange", err)
	_, err = c3.RefreshToken(ctx, tok)
	collect("GET refresh", err)
	// API in query: a network error must not show the token.
	f4 := stdFlow(p)
	f4.API = runtime.APIAuth{InQuery: true}
	c4 := newClient(p, f4)
	_, err = c4.HTTPClient(ctx, tok).Get("http://127.0.0.1:1/api")
	collect("API network error", err)
	_, err = c.CodeFromCallback(map[string][]string{"error": {"access_denied"}})
	collect("callback", err)

	// The provider did echo every secret back, so the scan below can fail.
	var echoed strings.Builder
	for _, r := range p.Requests() {
		echoed.WriteString(oauthtest.Echo(r))
	}
	for what, v := range secretsToFind {
		if what != "access token" && !strings.Contains(echoed.String(), v) {
			t.Errorf("the provider never echoed the %s", what)
		}
	}
	if !strings.Contains(echoed.String(), "Bearer "+tok.AccessToken) {
		t.Error("the API never echoed the access token")
	}

	n := 0
	for i, err := range errs {
		texts := []string{err.Error(), fmt.Sprintf("%v|%+v|%#v|%s", err, err, err, err)}
		for e := err; e != nil; e = errors.Unwrap(e) {
			texts = append(texts, e.Error())
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			texts = append(texts, re.Error(), string(re.Body), re.ErrorDescription, re.ErrorURI)
			// The response an error carries must not lead back to the request that
			// sent the secret and the code (headers, URL, replayable body).
			if r := re.Response; r != nil {
				if r.Request != nil {
					t.Errorf("error %d carries the request that sent the secrets", i)
				}
				if r.Body != nil {
					if b, _ := io.ReadAll(r.Body); len(b) > 0 {
						texts = append(texts, string(b))
					}
				}
			}
		}
		for _, text := range texts {
			for what, v := range secretsToFind {
				if strings.Contains(text, v) {
					t.Errorf("error %d shows the %s: %s", i, what, text)
				}
			}
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d errors scanned", n)
	}

	// Our types print no secret.
	src := c.TokenSource(ctx, tok)
	printed := fmt.Sprintf("%v %+v %#v %v %#v %v %#v %v %#v %v %#v", c, c, c,
		runtime.Credentials{ClientID: testID, ClientSecret: testSecret}, runtime.Credentials{ClientSecret: testSecret},
		src, src, c.HTTPClient(ctx, tok).Transport, c.HTTPClient(ctx, tok).Transport,
		runtime.Vars{Token: tok.AccessToken}, runtime.Vars{Token: tok.AccessToken, State: "st"})
	// Verbs for which fmt would print the fields of a type with only String and
	// GoString.
	creds := runtime.Credentials{ClientID: testID, ClientSecret: testSecret}
	vars := runtime.Vars{Token: tok.AccessToken}
	printed += fmt.Sprintf("%d %x %q %s %d %x %d %x %d", c, c, c, creds, creds, creds, vars, src, c.HTTPClient(ctx, tok).Transport)
	if !strings.Contains(printed, "%!d(string=runtime.Credentials{") {
		t.Errorf("%%d of Credentials does not print its redacted description: %s", printed)
	}
	for what, v := range secretsToFind {
		if strings.Contains(printed, v) {
			t.Errorf("printing our types shows the %s: %s", what, printed)
		}
	}
}
