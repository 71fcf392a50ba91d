package runtime_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// answering is a client whose token endpoint answers every request with status,
// content type and body.
func answering(f *runtime.Flow, secret string, status int, ctype, body string) *runtime.Client {
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ctype}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	return runtime.New(f, runtime.Credentials{ClientID: testID, ClientSecret: runtime.Secret(secret), RedirectURL: testRedirect},
		runtime.WithHTTPClient(&http.Client{Transport: rt}))
}

func fakeFlow() *runtime.Flow {
	return &runtime.Flow{
		Connector:    "Test",
		AuthorizeURL: runtime.String("https://idp.example/authorize"),
		TokenURL:     runtime.String("https://idp.example/token"),
	}
}

// errorText is everything an application may show of err: its message, and the
// RetrieveError's fields and message.
func errorText(err error) string {
	s := err.Error()
	var te *runtime.TokenError
	if errors.As(err, &te) {
		s += "\n" + te.Code + "\n" + te.Description
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		s += "\n" + re.Error() + "\n" + re.ErrorCode + "\n" + re.ErrorDescription + "\n" + re.ErrorURI + "\n" + string(re.Body)
	}
	return s
}

// TestEscapedSecretsRedacted: a server that echoes the client secret or the code
// escaped (for a query, a path, a JSON string, a form) does not get it into the
// error, its Body included.
func TestEscapedSecretsRedacted(t *testing.T) {
	const secret, code = "s3cr+t/Sec=ret", "CODE12345"
	cases := []struct {
		name, ctype, body string
		keepsBody         bool // the body is kept, cleaned, rather than dropped
	}{
		{"query-escaped", "application/json", `{"error":"invalid_client","error_description":"bad client_secret=s3cr%2Bt%2FSec%3Dret"}`, true},
		{"path-escaped", "application/json", `{"error":"invalid_client","error_description":"bad /s3cr+t%2FSec=ret/"}`, true},
		{"JSON-escaped slash", "application/json", `{"error":"invalid_client","error_description":"bad secret s3cr+t\/Sec=ret"}`, true},
		{"JSON unicode escape", "application/json", `{"error":"invalid_grant","error_description":"bad code CODE\u00312345"}`, true},
		{"escaped key", "application/json", `{"error":"invalid_grant","CODE\u00312345":1}`, true},
		{"lower-case form escape", "text/plain", `error=invalid_client&error_description=s3cr%2bt%2fSec%3dret`, true},
		{"HTML page", "text/html", `<html>client_secret=s3cr%2Bt%2FSec%3Dret code=CODE12345</html>`, true},
		{"truncated JSON with escapes", "application/json", `{"error":"invalid_grant","error_description":"CODE\u00312345`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := answering(fakeFlow(), secret, http.StatusBadRequest, tc.ctype, tc.body)
			_, err := c.Exchange(context.Background(), code)
			if err == nil {
				t.Fatal("no error")
			}
			text := errorText(err)
			for _, s := range []string{"Sec", "2345", "%2F", "%2f"} {
				if strings.Contains(text, s) {
					t.Errorf("the error holds %q:\n%s", s, text)
				}
			}
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) {
				t.Fatalf("no RetrieveError in %v", err)
			}
			if tc.keepsBody != strings.Contains(string(re.Body), "redacted") {
				t.Errorf("body %q, kept cleaned: %v", re.Body, tc.keepsBody)
			}
		})
	}
}

// TestIssuedTokensRedactedInFailure: tokens that a failed token response issues
// anyway (beside an error, with a 5xx, in a refused form body) do not get into its
// error.
func TestIssuedTokensRedactedInFailure(t *testing.T) {
	cases := []struct {
		name, ctype, body string
		status            int
	}{
		{"200 with an error", "application/json", `{"access_token":"NEW_ACCESS_TOKEN","refresh_token":"NEW_REFRESH_TOKEN","error":"warning"}`, 200},
		{"500 with tokens", "application/json", `{"access_token":"NEW_ACCESS_TOKEN","refresh_token":"NEW_REFRESH_TOKEN","error":"NEW_ACCESS_TOKEN"}`, 500},
		{"400 form body", "text/plain", `access_token=NEW_ACCESS_TOKEN&refresh_token=NEW_REFRESH_TOKEN&error=x`, 400},
		{"nested, escaped", "application/json", `{"error":"bad NEW_ACC\u0045SS_TOKEN","data":{"access_token":"NEW_ACCESS_TOKEN"}}`, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeFlow()
			f.AccessToken = runtime.Path{"data", "access_token"}
			if !strings.Contains(tc.body, "data") {
				f.AccessToken = nil
			}
			c := answering(f, testSecret, tc.status, tc.ctype, tc.body)
			_, err := c.Exchange(context.Background(), "CODE12345")
			if err == nil {
				t.Fatal("no error")
			}
			if text := errorText(err); strings.Contains(text, "NEW_") {
				t.Errorf("the error holds an issued token:\n%s", text)
			}
		})
	}
}

// TestUserinfoErrorCleaned: a userinfo endpoint that refuses the new token and echoes
// it, in its error code as well, does not get it into the error.
func TestUserinfoErrorCleaned(t *testing.T) {
	f := fakeFlow()
	f.Userinfo = &runtime.Userinfo{URL: runtime.String("https://api.example/me"), Fields: []runtime.Field{{Name: "email", Path: runtime.Path{"email"}}}}
	f.APIHosts = []string{"api.example"}
	f.TokenHosts = []string{"idp.example"}
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		status, body := 200, `{"access_token":"FRESH_ACCESS_TOKEN","refresh_token":"FRESH_REFRESH_TOKEN"}`
		if r.URL.Host == "api.example" {
			status, body = 401, `{"error":"invalid token FRESH_ACCESS_TOKEN","error_description":"FRESH_REFRESH_TOKEN"}`
		}
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	c := runtime.New(f, runtime.Credentials{ClientID: testID, ClientSecret: testSecret}, runtime.WithHTTPClient(&http.Client{Transport: rt}))
	tok, err := c.Exchange(context.Background(), "CODE12345")
	if err == nil || tok == nil {
		t.Fatalf("Exchange: token %v, error %v; want both", tok, err)
	}
	var te *runtime.TokenError
	if !errors.As(err, &te) || te.Op != runtime.OpUserinfo || te.Code != "invalid token [redacted]" {
		t.Errorf("error %#v, want a userinfo error with code %q", err, "invalid token [redacted]")
	}
	if text := errorText(err); strings.Contains(text, "FRESH_") {
		t.Errorf("the error holds the token:\n%s", text)
	}
}
