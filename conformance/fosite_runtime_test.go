package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// fositeCase is one of the fosite connectors: which client it registers as and how it
// authenticates.
type fositeCase struct {
	name   string
	file   string // connector file under testdata
	id     string
	secret string
	auth   runtime.ClientAuth
	pkce   runtime.PKCE
	grant  runtime.Grant
}

var fositeCases = []fositeCase{
	{name: "BasicPKCE", file: "fosite.json", id: basicClientID, secret: fositeSecret, auth: runtime.AuthHeader, pkce: runtime.PKCES256},
	{name: "Basic", file: "fosite_basic.json", id: basicClientID, secret: fositeSecret, auth: runtime.AuthHeader},
	{name: "Post", file: "fosite_post.json", id: postClientID, secret: fositeSecret, auth: runtime.AuthBody},
	{name: "PublicPKCE", file: "fosite_public.json", id: publicID, auth: runtime.AuthBody, pkce: runtime.PKCES256},
}

var fositeCC = fositeCase{name: "ClientCredentials", file: "fosite_cc.json", id: serviceID, secret: fositeSecret, auth: runtime.AuthHeader, grant: runtime.ClientCredentials}

// eachFosite runs f for every case in cases, in both modes (generated and dynamic).
func eachFosite(t *testing.T, cases []fositeCase, f func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan)) {
	s := newFositeServer(t)
	for _, mode := range fositeModes {
		for _, c := range cases {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				l := newLeakScan(t, fositeSecret)
				f(t, s, c, mode, l)
			})
		}
	}
}

// authorize runs the authorize step of c and returns the code and the PKCE exchange
// options.
func authorize(t testing.TB, cl *fositeAPI, c fositeCase, l *leakScan) (string, []oauth2.AuthCodeOption) {
	t.Helper()
	state := runtime.NewState()
	var authOpts, exOpts []oauth2.AuthCodeOption
	if c.pkce != runtime.NoPKCE {
		verifier := oauth2.GenerateVerifier()
		l.secret(verifier)
		authOpts = append(authOpts, oauth2.VerifierOption(verifier))
		exOpts = append(exOpts, oauth2.VerifierOption(verifier))
	}
	u := cl.authCodeURL(state, authOpts...)
	q := authorizeRedirect(t, u)
	if !runtime.EqualState(q.Get("state"), state) {
		t.Fatalf("callback state = %q, want %q", q.Get("state"), state)
	}
	code, err := cl.codeFromCallback(q)
	if err != nil {
		t.Fatalf("CodeFromCallback: %v", err)
	}
	l.secret(code)
	return code, exOpts
}

// login runs authorize and exchange and returns the token.
func login(t testing.TB, cl *fositeAPI, c fositeCase, l *leakScan) *oauth2.Token {
	t.Helper()
	if c.grant == runtime.ClientCredentials {
		tok, err := cl.token(context.Background())
		if err != nil {
			l.err(err)
			t.Fatalf("Token: %v", err)
		}
		l.secret(tok.AccessToken)
		return tok
	}
	code, exOpts := authorize(t, cl, c, l)
	tok, err := cl.exchange(context.Background(), code, exOpts...)
	if err != nil {
		l.err(err)
		t.Fatalf("Exchange: %v", err)
	}
	l.secret(tok.AccessToken, tok.RefreshToken)
	return tok
}

func TestFositeAuthorizationCode(t *testing.T) {
	eachFosite(t, fositeCases, func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ctx := context.Background()
		cl := newFositeAPI(t, s, c, mode, c.secret)
		l.value(cl.self)
		before := len(s.Requests("/oauth2/token"))
		code, exOpts := authorize(t, cl, c, l)
		tok, err := cl.exchange(ctx, code, exOpts...)
		if err != nil {
			l.err(err)
			t.Fatalf("Exchange: %v", err)
		}
		l.secret(tok.AccessToken, tok.RefreshToken)
		if !s.active(tok.AccessToken) {
			t.Fatal("fosite does not accept the access token")
		}
		if tok.RefreshToken == "" || tok.TokenType != "bearer" || time.Until(tok.Expiry) < 50*time.Minute {
			t.Fatalf("token: refresh set %v, type %q, expires in %v", tok.RefreshToken != "", tok.TokenType, time.Until(tok.Expiry))
		}
		// The request fosite saw: client authentication where the connector says.
		reqs := s.Requests("/oauth2/token")[before:]
		if len(reqs) != 1 {
			t.Fatalf("token requests = %d, want 1", len(reqs))
		}
		r := reqs[0]
		_, _, basic := (&http.Request{Header: r.Header}).BasicAuth()
		switch c.auth {
		case runtime.AuthHeader:
			if !basic || r.Form.Has("client_secret") || r.Form.Has("client_id") {
				t.Errorf("Basic auth: header %v, body has id %v secret %v", basic, r.Form.Has("client_id"), r.Form.Has("client_secret"))
			}
		case runtime.AuthBody:
			if basic || r.Form.Get("client_id") != c.id || r.Form.Has("client_secret") != (c.secret != "") {
				t.Errorf("body auth: header %v, body id %q, secret sent %v", basic, r.Form.Get("client_id"), r.Form.Has("client_secret"))
			}
		}
		if (c.pkce != runtime.NoPKCE) != r.Form.Has("code_verifier") {
			t.Errorf("code_verifier sent = %v, want %v", r.Form.Has("code_verifier"), c.pkce != runtime.NoPKCE)
		}
		if r.Form.Get("grant_type") != "authorization_code" || r.Form.Get("redirect_uri") != redirectURL {
			t.Errorf("grant_type %q redirect_uri %q", r.Form.Get("grant_type"), r.Form.Get("redirect_uri"))
		}

		// The token works on fosite's protected API, through the client's HTTPClient
		// and through Verify (the connector's test_request).
		resp, err := cl.httpClient(ctx, tok).Get(s.APIURL())
		if err != nil {
			l.err(err)
			t.Fatalf("API call: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"client":"`+c.id+`"`) {
			t.Errorf("API call: %d %s", resp.StatusCode, body)
		}
		if err := cl.verify(ctx, tok); err != nil {
			l.err(err)
			t.Errorf("Verify: %v", err)
		}

		// invalid_grant on a reused code.
		_, err = cl.exchange(ctx, code, exOpts...)
		l.err(err)
		wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
		if !runtime.IsInvalidGrant(err) {
			t.Error("IsInvalidGrant(reused code) = false")
		}
	})
}

func TestFositeRefreshRotation(t *testing.T) {
	eachFosite(t, fositeCases, func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ctx := context.Background()
		cl := newFositeAPI(t, s, c, mode, c.secret)
		first := login(t, cl, c, l)
		second, err := cl.refresh(ctx, first.RefreshToken)
		if err != nil {
			l.err(err)
			t.Fatalf("Refresh: %v", err)
		}
		l.secret(second.AccessToken, second.RefreshToken)
		if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
			t.Fatal("the refresh token was not rotated")
		}
		if second.AccessToken == first.AccessToken || !s.active(second.AccessToken) {
			t.Fatal("the refreshed access token is not new and active")
		}
		if s.active(first.AccessToken) {
			t.Error("fosite still accepts the first access token after rotation")
		}
		// The rotated-out refresh token is refused, and fosite then revokes the whole
		// chain (refresh token reuse detection, RFC 6819 5.2.2.3): the second refresh
		// token is refused as well.
		_, err = cl.refresh(ctx, first.RefreshToken)
		l.err(err)
		wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
		_, err = cl.refresh(ctx, second.RefreshToken)
		l.err(err)
		wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
	})
}

// TestFositeTokenSourceRotation: an expired token given to TokenSource is refreshed
// once, the rotated token is kept in the store and passed to the hook, and the API
// call made with it succeeds.
func TestFositeTokenSourceRotation(t *testing.T) {
	eachFosite(t, fositeCases, func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ctx := context.Background()
		store := &memstore.Store{}
		var hooked []*oauth2.Token
		cl := newFositeAPI(t, s, c, mode, c.secret, runtime.WithStore(store, "alice"),
			runtime.WithTokenHook(func(_ context.Context, tok *oauth2.Token) { hooked = append(hooked, tok) }))
		first := login(t, cl, c, l)
		expired := *first
		expired.Expiry = time.Now().Add(-time.Minute)
		if err := store.Save(ctx, "alice", first, &expired); err != nil {
			t.Fatalf("store: %v", err)
		}
		before := len(s.Requests("/oauth2/token"))
		resp, err := cl.httpClient(ctx, &expired).Get(s.APIURL())
		if err != nil {
			l.err(err)
			t.Fatalf("API call: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("API call with a refreshed token: %d", resp.StatusCode)
		}
		if n := len(s.Requests("/oauth2/token")) - before; n != 1 {
			t.Fatalf("%d token requests, want 1 refresh", n)
		}
		stored, err := store.Load(ctx, "alice")
		if err != nil || stored.RefreshToken == first.RefreshToken || stored.AccessToken == first.AccessToken || !s.active(stored.AccessToken) {
			t.Fatalf("store does not hold the rotated token (err %v)", err)
		}
		l.secret(stored.AccessToken, stored.RefreshToken)
		if len(hooked) == 0 || hooked[len(hooked)-1].AccessToken != stored.AccessToken {
			t.Error("the hook did not see the rotated token")
		}
	})
}

func TestFositeClientCredentials(t *testing.T) {
	eachFosite(t, []fositeCase{fositeCC}, func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ctx := context.Background()
		cl := newFositeAPI(t, s, c, mode, c.secret)
		l.value(cl.self)
		before := len(s.Requests("/oauth2/token"))
		tok := login(t, cl, c, l)
		if !s.active(tok.AccessToken) || tok.RefreshToken != "" {
			t.Fatalf("client credentials token: active %v, refresh token set %v", s.active(tok.AccessToken), tok.RefreshToken != "")
		}
		r := s.Requests("/oauth2/token")[before]
		_, _, basic := (&http.Request{Header: r.Header}).BasicAuth()
		if r.Form.Get("grant_type") != "client_credentials" || r.Form.Get("scope") != "read" || r.Form.Has("client_secret") || !basic {
			t.Errorf("request: grant_type %q scope %q secret in body %v Basic %v", r.Form.Get("grant_type"), r.Form.Get("scope"), r.Form.Has("client_secret"), basic)
		}
		// The HTTP client gets its own token and calls the API.
		resp, err := cl.httpClient(ctx, nil).Get(s.APIURL())
		if err != nil {
			l.err(err)
			t.Fatalf("API call: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("API call: %d", resp.StatusCode)
		}
		// A wrong secret is invalid_client (RFC 6749 5.2, HTTP 401).
		l.secret("wrong-secret-0123456789")
		bad := newFositeAPI(t, s, c, mode, "wrong-secret-0123456789")
		_, err = bad.token(ctx)
		l.err(err)
		wantRetrieveError(t, err, "invalid_client", http.StatusUnauthorized)
	})
}

func TestFositeInvalidClient(t *testing.T) {
	eachFosite(t, fositeCases[:3], func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		l.secret("not-the-secret-4242")
		good := newFositeAPI(t, s, c, mode, c.secret)
		code, exOpts := authorize(t, good, c, l)
		bad := newFositeAPI(t, s, c, mode, "not-the-secret-4242")
		_, err := bad.exchange(context.Background(), code, exOpts...)
		l.err(err)
		wantRetrieveError(t, err, "invalid_client", http.StatusUnauthorized)
	})
}

func TestFositePKCEMismatch(t *testing.T) {
	eachFosite(t, []fositeCase{fositeCases[0], fositeCases[3]}, func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		cl := newFositeAPI(t, s, c, mode, c.secret)
		code, _ := authorize(t, cl, c, l)
		other := oauth2.GenerateVerifier()
		l.secret(other)
		_, err := cl.exchange(context.Background(), code, oauth2.VerifierOption(other))
		l.err(err)
		wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
		// Without any verifier, the client refuses the exchange before sending it
		// (issue 13: fosite would refuse it too, but the code is not sent for nothing).
		code, _ = authorize(t, cl, c, l)
		before := len(s.Requests("/oauth2/token"))
		_, err = cl.exchange(context.Background(), code)
		l.err(err)
		var te *runtime.TokenError
		if !errors.As(err, &te) || te.Op != runtime.OpExchange || !strings.Contains(err.Error(), "code verifier") {
			t.Fatalf("missing verifier: err = %v, want a TokenError about the verifier", err)
		}
		if n := len(s.Requests("/oauth2/token")) - before; n != 0 {
			t.Errorf("missing verifier: %d token requests sent, want none", n)
		}
	})
}

func TestFositeRevocation(t *testing.T) {
	eachFosite(t, append(fositeCases[:len(fositeCases):len(fositeCases)], fositeCC), func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ctx := context.Background()
		cl := newFositeAPI(t, s, c, mode, c.secret)
		tok := login(t, cl, c, l)
		if !s.active(tok.AccessToken) {
			t.Fatal("token not active before revocation")
		}
		if err := cl.revoke(ctx, tok); err != nil {
			l.err(err)
			t.Fatalf("Revoke: %v", err)
		}
		// Revoking the refresh token revokes the grant's access token too
		// (RFC 7009 2.1, as fosite does).
		if s.active(tok.AccessToken) {
			t.Error("access token still active after revocation")
		}
		before := len(s.Requests("/oauth2/token"))
		err := cl.verify(ctx, tok)
		l.err(err)
		if c.grant == runtime.ClientCredentials {
			// A 401 makes a client credentials client get a new token and retry.
			if err != nil || len(s.Requests("/oauth2/token")) != before+1 {
				t.Errorf("Verify with a revoked client credentials token: %v, %d token requests (want a renewal)", err, len(s.Requests("/oauth2/token"))-before)
			}
		} else if err == nil {
			t.Error("Verify accepts a revoked token whose grant is gone")
		}
		if tok.RefreshToken != "" {
			_, err := cl.refresh(ctx, tok.RefreshToken)
			l.err(err)
			wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
		}
		// Revoking again is not an error (RFC 7009 2.2: invalid tokens are fine).
		if err := cl.revoke(ctx, tok); err != nil {
			t.Errorf("second Revoke: %v", err)
		}
		reqs := s.Requests("/oauth2/revoke")
		last := reqs[len(reqs)-1]
		if last.Form.Get("token") == "" || last.Form.Get("token_type_hint") == "" {
			t.Errorf("revocation form: token sent %v, hint %q", last.Form.Has("token"), last.Form.Get("token_type_hint"))
		}
	})
}

// wantRetrieveError fails unless err wraps an *oauth2.RetrieveError with code and HTTP
// status.
func wantRetrieveError(t testing.TB, err error, code string, status int) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want an *oauth2.RetrieveError %s", err, err, code)
	}
	if re.ErrorCode != code {
		t.Errorf("ErrorCode = %q, want %q (err: %v)", re.ErrorCode, code, err)
	}
	if re.Response == nil || re.Response.StatusCode != status {
		got := 0
		if re.Response != nil {
			got = re.Response.StatusCode
		}
		t.Errorf("HTTP status = %d, want %d", got, status)
	}
	var te *runtime.TokenError
	if !errors.As(err, &te) || te.Code != code {
		t.Errorf("err is not a *runtime.TokenError with Code %q: %T", code, err)
	}
}

// TestFositeAuthorizeError: when fosite refuses the authorization request (a scope the
// client may not ask for), it redirects back with ?error=invalid_scope, and
// CodeFromCallback reports it as a *runtime.CallbackError with that code.
func TestFositeAuthorizeError(t *testing.T) {
	eachFosite(t, fositeCases, func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		cl := newFositeAPI(t, s, c, mode, c.secret)
		var opts []oauth2.AuthCodeOption
		if c.pkce != runtime.NoPKCE {
			opts = append(opts, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
		}
		opts = append(opts, oauth2.SetAuthURLParam("scope", "admin"))
		q := authorizeRedirect(t, cl.authCodeURL(runtime.NewState(), opts...))
		code, err := cl.codeFromCallback(q)
		l.err(err)
		var ce *runtime.CallbackError
		if !errors.As(err, &ce) || code != "" {
			t.Fatalf("CodeFromCallback(%v) = %q, %v; want a *runtime.CallbackError", q, code, err)
		}
		if ce.Code != "invalid_scope" || ce.Description == "" {
			t.Errorf("CallbackError code %q description %q, want invalid_scope with a description", ce.Code, ce.Description)
		}
	})
}

// countingTransport counts the requests it carries, by path.
type countingTransport struct {
	mu    sync.Mutex
	paths map[string]int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.paths[r.URL.Path]++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestFositeContextHTTPClient: every network call (exchange, refresh, API, Verify,
// revocation) goes through the *http.Client the context carries under
// oauth2.HTTPClient, the x/oauth2 convention.
func TestFositeContextHTTPClient(t *testing.T) {
	eachFosite(t, fositeCases[:1], func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ct := &countingTransport{paths: map[string]int{}}
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: ct, Timeout: 10 * time.Second})
		cl := newFositeAPI(t, s, c, mode, c.secret)
		code, exOpts := authorize(t, cl, c, l)
		tok, err := cl.exchange(ctx, code, exOpts...)
		if err != nil {
			t.Fatal(err)
		}
		l.secret(tok.AccessToken, tok.RefreshToken)
		next, err := cl.refresh(ctx, tok.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		l.secret(next.AccessToken, next.RefreshToken)
		resp, err := cl.httpClient(ctx, next).Get(s.APIURL())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := cl.verify(ctx, next); err != nil {
			t.Fatal(err)
		}
		if err := cl.revoke(ctx, next); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"/oauth2/token": 2, "/api/me": 2, "/oauth2/revoke": 1}
		if fmt.Sprint(ct.paths) != fmt.Sprint(want) {
			t.Errorf("requests through the context's client = %v, want %v", ct.paths, want)
		}
	})
}
