package conformance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"
)

// Client ids and secrets registered with the fosite server. The secrets are long and
// distinctive so the secrets scan can find them in any output.
const (
	basicClientID = "basic-client"  // confidential, client_secret_basic only
	postClientID  = "post-client"   // confidential, client_secret_post only
	publicID      = "public-client" // public, PKCE required, no secret
	serviceID     = "service-client"
	fositeSecret  = "fosite-secret-7f3a9c2e41b84d6a"
	redirectURL   = "http://localhost/callback"
)

// recordedRequest is one request the fosite server received.
type recordedRequest struct {
	Method string
	Path   string
	Header http.Header
	Query  url.Values
	Form   url.Values // parsed body (form-encoded)
	Body   []byte
}

// fositeServer is an in-process fosite authorization server on loopback. Its
// authorize endpoint approves every request at once for the subject "alice", so tests
// run headless: the redirect it answers carries the code and state.
type fositeServer struct {
	*httptest.Server
	provider fosite.OAuth2Provider
	store    *storage.MemoryStore

	mu       sync.Mutex
	requests []recordedRequest
}

// newFositeServer starts a fosite server with the clients above and the
// authorization code, refresh token (rotating), client credentials, PKCE, revocation
// and introspection handlers. It is closed when the test ends.
func newFositeServer(t testing.TB) *fositeServer {
	t.Helper()
	config := &fosite.Config{
		AccessTokenLifespan:      time.Hour,
		AuthorizeCodeLifespan:    time.Minute,
		RefreshTokenLifespan:     24 * time.Hour,
		GlobalSecret:             []byte("conformance-global-secret-32-bytes!!"),
		HashCost:                 4,          // bcrypt minimum: keeps the suite fast
		RefreshTokenScopes:       []string{}, // issue refresh tokens without an "offline" scope
		ScopeStrategy:            fosite.ExactScopeStrategy,
		AudienceMatchingStrategy: fosite.DefaultAudienceMatchingStrategy,
	}
	hasher := &fosite.BCrypt{Config: config}
	hashed, err := hasher.Hash(context.Background(), []byte(fositeSecret))
	if err != nil {
		t.Fatalf("hash client secret: %v", err)
	}
	store := storage.NewMemoryStore()
	confidential := func(id, method string, grants ...string) fosite.Client {
		return &fosite.DefaultOpenIDConnectClient{
			DefaultClient: &fosite.DefaultClient{
				ID:            id,
				Secret:        hashed,
				RedirectURIs:  []string{redirectURL},
				GrantTypes:    grants,
				ResponseTypes: []string{"code"},
				Scopes:        []string{"read", "write", "offline"},
			},
			TokenEndpointAuthMethod: method,
		}
	}
	store.Clients[basicClientID] = confidential(basicClientID, "client_secret_basic", "authorization_code", "refresh_token", "client_credentials")
	store.Clients[postClientID] = confidential(postClientID, "client_secret_post", "authorization_code", "refresh_token", "client_credentials")
	store.Clients[serviceID] = confidential(serviceID, "client_secret_basic", "client_credentials")
	store.Clients[publicID] = &fosite.DefaultOpenIDConnectClient{
		DefaultClient: &fosite.DefaultClient{
			ID:            publicID,
			Public:        true,
			RedirectURIs:  []string{redirectURL},
			GrantTypes:    []string{"authorization_code", "refresh_token"},
			ResponseTypes: []string{"code"},
			Scopes:        []string{"read", "write", "offline"},
		},
		TokenEndpointAuthMethod: "none",
	}
	config.EnforcePKCEForPublicClients = true

	provider := compose.Compose(config, store, compose.NewOAuth2HMACStrategy(config),
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2ClientCredentialsGrantFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2PKCEFactory,
	)
	s := &fositeServer{provider: provider, store: store}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/auth", s.authorize)
	mux.HandleFunc("/oauth2/token", s.token)
	mux.HandleFunc("/oauth2/revoke", s.revoke)
	mux.HandleFunc("/api/me", s.api)
	s.Server = httptest.NewServer(s.record(mux))
	t.Cleanup(s.Close)
	return s
}

// record keeps a copy of every request before the handler sees it.
func (s *fositeServer) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		s.mu.Lock()
		s.requests = append(s.requests, recordedRequest{
			Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(),
			Query: r.URL.Query(), Form: form, Body: body,
		})
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// Requests returns the requests received so far whose path is path.
func (s *fositeServer) Requests(path string) []recordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []recordedRequest
	for _, r := range s.requests {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func (s *fositeServer) AuthURL() string   { return s.URL + "/oauth2/auth" }
func (s *fositeServer) TokenURL() string  { return s.URL + "/oauth2/token" }
func (s *fositeServer) RevokeURL() string { return s.URL + "/oauth2/revoke" }
func (s *fositeServer) APIURL() string    { return s.URL + "/api/me" }

func (s *fositeServer) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	for _, scope := range ar.GetRequestedScopes() {
		ar.GrantScope(scope)
	}
	resp, err := s.provider.NewAuthorizeResponse(ctx, ar, &fosite.DefaultSession{Subject: "alice"})
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

func (s *fositeServer) token(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAccessRequest(ctx, r, &fosite.DefaultSession{})
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	if ar.GetGrantTypes().ExactOne("client_credentials") {
		for _, scope := range ar.GetRequestedScopes() {
			ar.GrantScope(scope)
		}
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

func (s *fositeServer) revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := s.provider.NewRevocationRequest(ctx, r)
	s.provider.WriteRevocationResponse(ctx, w, err)
}

// api is a protected resource: it answers 200 with the subject for an active bearer
// access token and 401 otherwise.
func (s *fositeServer) api(w http.ResponseWriter, r *http.Request) {
	tok := fosite.AccessTokenFromRequest(r)
	if tok == "" {
		http.Error(w, `{"error":"missing token"}`, http.StatusUnauthorized)
		return
	}
	_, ar, err := s.provider.IntrospectToken(r.Context(), tok, fosite.AccessToken, &fosite.DefaultSession{})
	if err != nil {
		http.Error(w, `{"error":"invalid token"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"sub":"`+ar.GetSession().GetSubject()+`","client":"`+ar.GetClient().GetID()+`"}`)
}

// active reports whether fosite still accepts tok as an access token.
func (s *fositeServer) active(tok string) bool {
	_, _, err := s.provider.IntrospectToken(context.Background(), tok, fosite.AccessToken, &fosite.DefaultSession{})
	return err == nil
}

// authorizeRedirect follows the authorize URL without following the redirect and
// returns the callback query (code and state, or error).
func authorizeRedirect(t testing.TB, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("authorize: status %d, want a redirect: %s", resp.StatusCode, b)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("authorize: bad Location: %v", err)
	}
	if !strings.HasPrefix(loc.String(), redirectURL) {
		t.Fatalf("authorize: redirected to %q, want %q", loc.Redacted(), redirectURL)
	}
	return loc.Query()
}

// s256 is the PKCE S256 challenge of verifier, computed here independently of x/oauth2.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
