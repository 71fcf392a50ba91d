package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// The runtime has no exported parse function; the fuzz target reaches its token
// response parser through the public API: an exchange whose HTTP client answers with
// the fuzzed status, Content-Type and body, without a network.

const (
	fuzzSecret = "fuzz-client-secret-0d9c8b7a"
	fuzzCode   = "fuzz-auth-code-6f5e4d3c"
	fuzzOldAT  = "fuzz-old-access-1b2c3d4e"
	fuzzOldRT  = "fuzz-old-refresh-5f6a7b8c"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fuzzFlows are the response-reading variants the parser has: plain, nested paths
// with metadata, JSON body with a form fallback, permanent tokens, default lifetimes.
var fuzzFlows = []*runtime.Flow{
	{Connector: "Plain"},
	{Connector: "Nested", AccessToken: runtime.Path{"data", "access_token"}, Metadata: []runtime.Field{{Name: "open_id", Path: runtime.Path{"data", "open_id"}}, {Name: "scope", Path: runtime.Path{"data", "scope"}}}},
	{Connector: "Fallback", Body: runtime.JSON, FallbackBody: runtime.Form, ExpiresIn: runtime.Path{"expires"}, TokenType: runtime.Path{"meta", "type"}},
	{Connector: "Permanent", Permanent: true, DefaultExpiresIn: time.Hour},
	{Connector: "Separate", RefreshToken: runtime.Path{"refresh", "token"}, ExpiresIn: runtime.Path{"refresh", "expires_in"}},
}

func FuzzTokenResponse(f *testing.F) {
	f.Add(uint16(200), "application/json", []byte(`{"access_token":"a","token_type":"Bearer","expires_in":3600,"refresh_token":"r"}`), uint8(0))
	f.Add(uint16(200), "application/x-www-form-urlencoded", []byte(`access_token=a&scope=repo&token_type=bearer`), uint8(0))
	f.Add(uint16(400), "application/json", []byte(`{"error":"invalid_grant","error_description":"code `+fuzzCode+` and secret `+fuzzSecret+`"}`), uint8(2))
	f.Add(uint16(400), "application/json", []byte(`{"error":"invalid_grant","error_description":"refresh token `+fuzzOldRT+` revoked"}`), uint8(64))
	f.Add(uint16(200), "application/json", []byte(`{"data":{"access_token":"n","open_id":"o-2"}}`), uint8(65))
	f.Add(uint16(200), "application/json", []byte(`{"access_token":"cc","expires_in":60}`), uint8(128))
	f.Fuzz(func(t *testing.T, status uint16, ctype string, body []byte, flowSel uint8) {
		code := int(status)%500 + 100
		flow := fuzzFlows[int(flowSel)%len(fuzzFlows)]
		calls := 0
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			calls++
			if r.Body != nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
			return &http.Response{StatusCode: code, Status: http.StatusText(code), Header: http.Header{"Content-Type": {ctype}},
				Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
		})}
		fl := *flow
		fl.TokenURL = runtime.String("https://token.invalid/token")
		cl := runtime.New(&fl, runtime.Credentials{ClientID: "fuzz-client", ClientSecret: fuzzSecret, RedirectURL: redirectURL},
			runtime.WithHTTPClient(hc), runtime.WithMaxBodySize(64<<10))
		// The operation: an exchange, a refresh (which merges into the old token), or a
		// client credentials request, chosen by the high bits of flowSel.
		var tok *oauth2.Token
		var err error
		secrets := []string{fuzzSecret} // the values this operation sends
		switch flowSel >> 6 {
		case 1:
			secrets = append(secrets, fuzzOldAT, fuzzOldRT)
			old := (&oauth2.Token{AccessToken: fuzzOldAT, RefreshToken: fuzzOldRT, Expiry: time.Now().Add(-time.Minute)}).
				WithExtra(map[string]any{"open_id": "o-1", "scope": "read"})
			tok, err = cl.RefreshToken(context.Background(), old)
		case 2:
			fl.Grant = runtime.ClientCredentials
			tok, err = runtime.New(&fl, runtime.Credentials{ClientID: "fuzz-client", ClientSecret: fuzzSecret},
				runtime.WithHTTPClient(hc), runtime.WithMaxBodySize(64<<10)).Token(context.Background())
		default:
			secrets = append(secrets, fuzzCode)
			tok, err = cl.Exchange(context.Background(), fuzzCode)
		}
		if calls > 2 {
			t.Fatalf("%d token requests for one exchange (at most one fallback)", calls)
		}
		if err != nil {
			var te *runtime.TokenError
			if !errors.As(err, &te) {
				t.Fatalf("error %T is not a *runtime.TokenError: %v", err, err)
			}
			msg := err.Error()
			var re *oauth2.RetrieveError
			errors.As(err, &re)
			for _, sec := range secrets {
				if strings.Contains(msg, sec) {
					t.Fatalf("error message repeats a secret it sent: %q", msg)
				}
				if re != nil && (strings.Contains(re.ErrorCode, sec) || strings.Contains(re.ErrorDescription, sec)) {
					t.Fatalf("RetrieveError repeats a secret it sent: %q %q", re.ErrorCode, re.ErrorDescription)
				}
			}
			if !utf8.ValidString(msg) {
				t.Fatalf("error message is not UTF-8: %q", msg)
			}
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("no error and no access token: %#v", tok)
		}
		if code < 200 || code > 299 {
			t.Fatalf("HTTP %d gave a token", code)
		}
		if !tok.Expiry.IsZero() && tok.Expiry.Before(time.Now().Add(-time.Second)) {
			t.Fatalf("new token already expired: %v", tok.Expiry)
		}
		// The token survives the store encoding.
		b, err := runtime.MarshalToken(tok)
		if err != nil {
			t.Fatalf("MarshalToken: %v", err)
		}
		back, err := runtime.UnmarshalToken(b)
		if err != nil || back.AccessToken != tok.AccessToken || back.RefreshToken != tok.RefreshToken || !back.Expiry.Equal(tok.Expiry) {
			t.Fatalf("token does not survive MarshalToken/UnmarshalToken: %v", err)
		}
	})
}
