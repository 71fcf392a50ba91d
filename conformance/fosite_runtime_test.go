package conformance

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
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
	path   string // token endpoint path the client must use
}

var fositeCases = []fositeCase{
	{name: "BasicPKCE", file: "fosite.json", id: basicClientID, secret: fositeSecret, auth: runtime.AuthHeader, pkce: runtime.PKCES256},
	{name: "Basic", file: "fosite_basic.json", id: basicClientID, secret: fositeSecret, auth: runtime.AuthHeader},
	{name: "Post", file: "fosite_post.json", id: postClientID, secret: fositeSecret, auth: runtime.AuthBody},
	{name: "PublicPKCE", file: "fosite_public.json", id: publicID, auth: runtime.AuthBody, pkce: runtime.PKCES256},
}

var fositeCC = fositeCase{name: "ClientCredentials", file: "fosite_cc.json", id: serviceID, secret: fositeSecret, auth: runtime.AuthHeader, grant: runtime.ClientCredentials}

// fositeClient returns a runtime client for c against s.
func fositeClient(t testing.TB, s *fositeServer, c fositeCase, opts ...runtime.Option) *runtime.Client {
	t.Helper()
	flow := fositeFlow(t, s, c)
	return runtime.New(flow, runtime.Credentials{ClientID: c.id, ClientSecret: c.secret, RedirectURL: redirectURL}, opts...)
}

// authorize runs the authorize step of c and returns the code and the PKCE exchange
// options.
func authorize(t testing.TB, cl *runtime.Client, c fositeCase, l *leakScan) (string, []oauth2.AuthCodeOption) {
	t.Helper()
	state := runtime.NewState()
	var authOpts, exOpts []oauth2.AuthCodeOption
	if c.pkce != runtime.NoPKCE {
		verifier := oauth2.GenerateVerifier()
		l.secret(verifier)
		authOpts = append(authOpts, oauth2.VerifierOption(verifier))
		exOpts = append(exOpts, oauth2.VerifierOption(verifier))
	}
	u := cl.AuthCodeURL(state, authOpts...)
	q := authorizeRedirect(t, u)
	if !runtime.EqualState(q.Get("state"), state) {
		t.Fatalf("callback state = %q, want %q", q.Get("state"), state)
	}
	code, err := cl.CodeFromCallback(q)
	if err != nil {
		t.Fatalf("CodeFromCallback: %v", err)
	}
	l.secret(code)
	return code, exOpts
}

func TestFositeAuthorizationCode(t *testing.T) {
	s := newFositeServer(t)
	for _, c := range fositeCases {
		t.Run(c.name, func(t *testing.T) {
			l := newLeakScan(t, fositeSecret)
			ctx := context.Background()
			cl := fositeClient(t, s, c)
			l.value(cl)
			before := len(s.Requests("/oauth2/token"))
			code, exOpts := authorize(t, cl, c, l)
			tok, err := cl.Exchange(ctx, code, exOpts...)
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

			// invalid_grant on a reused code.
			_, err = cl.Exchange(ctx, code, exOpts...)
			l.err(err)
			wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
			if !runtime.IsInvalidGrant(err) {
				t.Error("IsInvalidGrant(reused code) = false")
			}
		})
	}
}

func TestFositeRefreshRotation(t *testing.T) {
	s := newFositeServer(t)
	for _, c := range fositeCases {
		t.Run(c.name, func(t *testing.T) {
			l := newLeakScan(t, fositeSecret)
			ctx := context.Background()
			cl := fositeClient(t, s, c)
			code, exOpts := authorize(t, cl, c, l)
			first, err := cl.Exchange(ctx, code, exOpts...)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			l.secret(first.AccessToken, first.RefreshToken)
			second, err := cl.RefreshToken(ctx, first)
			if err != nil {
				l.err(err)
				t.Fatalf("RefreshToken: %v", err)
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
			// The rotated-out refresh token is refused; fosite then revokes the whole
			// chain, so the second token dies too (refresh token reuse detection).
			_, err = cl.Refresh(ctx, first.RefreshToken)
			l.err(err)
			wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
			// Refresh with the new one: fosite revoked it on reuse (RFC 6819 5.2.2.3),
			// so this must be invalid_grant as well, never a token.
			_, err = cl.Refresh(ctx, second.RefreshToken)
			l.err(err)
			wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
		})
	}
}

func TestFositeClientCredentials(t *testing.T) {
	s := newFositeServer(t)
	l := newLeakScan(t, fositeSecret)
	ctx := context.Background()
	cl := fositeClient(t, s, fositeCC)
	tok, err := cl.Token(ctx)
	if err != nil {
		l.err(err)
		t.Fatalf("Token: %v", err)
	}
	l.secret(tok.AccessToken)
	if !s.active(tok.AccessToken) || tok.RefreshToken != "" {
		t.Fatalf("client credentials token: active %v, refresh token set %v", s.active(tok.AccessToken), tok.RefreshToken != "")
	}
	r := s.Requests("/oauth2/token")
	if got := r[len(r)-1].Form; got.Get("grant_type") != "client_credentials" || got.Get("scope") != "read" || got.Has("client_secret") {
		t.Errorf("request form = %v", got)
	}
	// A wrong secret is invalid_client (RFC 6749 5.2, HTTP 401).
	bad := runtime.New(fositeFlow(t, s, fositeCC), runtime.Credentials{ClientID: serviceID, ClientSecret: "wrong-secret-0123456789"})
	l.secret("wrong-secret-0123456789")
	_, err = bad.Token(ctx)
	l.err(err)
	wantRetrieveError(t, err, "invalid_client", http.StatusUnauthorized)
}

func TestFositeInvalidClient(t *testing.T) {
	s := newFositeServer(t)
	for _, c := range fositeCases[:3] { // the confidential clients
		t.Run(c.name, func(t *testing.T) {
			l := newLeakScan(t, fositeSecret, "not-the-secret-4242")
			good := fositeClient(t, s, c)
			code, exOpts := authorize(t, good, c, l)
			wrong := c
			wrong.secret = "not-the-secret-4242"
			bad := fositeClient(t, s, wrong)
			_, err := bad.Exchange(context.Background(), code, exOpts...)
			l.err(err)
			wantRetrieveError(t, err, "invalid_client", http.StatusUnauthorized)
		})
	}
}

func TestFositePKCEMismatch(t *testing.T) {
	s := newFositeServer(t)
	for _, c := range []fositeCase{fositeCases[0], fositeCases[3]} {
		t.Run(c.name, func(t *testing.T) {
			l := newLeakScan(t, fositeSecret)
			cl := fositeClient(t, s, c)
			code, _ := authorize(t, cl, c, l)
			other := oauth2.GenerateVerifier()
			l.secret(other)
			_, err := cl.Exchange(context.Background(), code, oauth2.VerifierOption(other))
			l.err(err)
			wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
			// Without any verifier: fosite wants one (invalid_grant as well).
			code, _ = authorize(t, cl, c, l)
			_, err = cl.Exchange(context.Background(), code)
			l.err(err)
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || re.ErrorCode == "" {
				t.Fatalf("missing verifier: err = %v, want a RetrieveError with a code", err)
			}
		})
	}
}

func TestFositeRevocation(t *testing.T) {
	s := newFositeServer(t)
	for _, c := range append(fositeCases[:len(fositeCases):len(fositeCases)], fositeCC) {
		t.Run(c.name, func(t *testing.T) {
			l := newLeakScan(t, fositeSecret)
			ctx := context.Background()
			cl := fositeClient(t, s, c)
			var tok *oauth2.Token
			var err error
			if c.grant == runtime.ClientCredentials {
				tok, err = cl.Token(ctx)
			} else {
				code, exOpts := authorize(t, cl, c, l)
				tok, err = cl.Exchange(ctx, code, exOpts...)
			}
			if err != nil {
				t.Fatal(err)
			}
			l.secret(tok.AccessToken, tok.RefreshToken)
			if !s.active(tok.AccessToken) {
				t.Fatal("token not active before revocation")
			}
			if err := cl.Revoke(ctx, tok); err != nil {
				l.err(err)
				t.Fatalf("Revoke: %v", err)
			}
			// Revoking the refresh token revokes the grant's access token too
			// (RFC 7009 2.1, as fosite does).
			if s.active(tok.AccessToken) {
				t.Error("access token still active after revocation")
			}
			if tok.RefreshToken != "" {
				_, err = cl.RefreshToken(ctx, tok)
				l.err(err)
				wantRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
			}
			// Revoking again is not an error (RFC 7009 2.2: invalid tokens are fine).
			if err := cl.Revoke(ctx, tok); err != nil {
				t.Errorf("second Revoke: %v", err)
			}
			reqs := s.Requests("/oauth2/revoke")
			last := reqs[len(reqs)-1]
			if last.Form.Get("token") == "" || last.Form.Get("token_type_hint") == "" {
				t.Errorf("revocation form: token sent %v, hint %q", last.Form.Has("token"), last.Form.Get("token_type_hint"))
			}
		})
	}
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
