package conformance

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v3"
	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/conformance/internal/fositekey"
	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/generator"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/runtime"
)

//go:generate sh -c "cd .. && go run ./cmd/oauthgen generate -q -o conformance/internal conformance/testdata/keyauth"

// keyClientID is the fosite client that authenticates with private_key_jwt.
const keyClientID = "key-client"

// newFositeKeyServer starts a fosite server whose one client, keyClientID,
// authenticates with private_key_jwt: fosite holds pub (as a JWK with kid "key-1")
// and accepts assertions signed with alg whose aud is its token URL, each jti once.
func newFositeKeyServer(t testing.TB, pub crypto.PublicKey, alg string) *fositeServer {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	config := &fosite.Config{
		AccessTokenLifespan:      time.Hour,
		AuthorizeCodeLifespan:    time.Minute,
		RefreshTokenLifespan:     24 * time.Hour,
		GlobalSecret:             []byte("conformance-global-secret-32-bytes!!"),
		RefreshTokenScopes:       []string{},
		ScopeStrategy:            fosite.ExactScopeStrategy,
		AudienceMatchingStrategy: fosite.DefaultAudienceMatchingStrategy,
		TokenURL:                 base + "/oauth2/token", // the assertion's audience
	}
	store := storage.NewMemoryStore()
	store.Clients[keyClientID] = &fosite.DefaultOpenIDConnectClient{
		DefaultClient: &fosite.DefaultClient{
			ID:            keyClientID,
			RedirectURIs:  []string{redirectURL},
			GrantTypes:    []string{"authorization_code", "refresh_token", "client_credentials"},
			ResponseTypes: []string{"code"},
			Scopes:        []string{"read", "offline"},
		},
		JSONWebKeys:                       &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: pub, KeyID: "key-1", Use: "sig", Algorithm: alg}}},
		TokenEndpointAuthMethod:           "private_key_jwt",
		TokenEndpointAuthSigningAlgorithm: alg,
	}
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
	hs.Config.Handler = s.record(mux)
	hs.Start()
	s.Server = hs
	t.Cleanup(s.Close)
	return s
}

var fositeKeyCase = fositeCase{name: "PrivateKeyJWT", file: "keyauth/fosite_key.json", id: keyClientID, auth: runtime.AuthPrivateKeyJWT, pkce: runtime.PKCES256}

// newFositeKeyAPI is the client of fosite_key.json with key in mode; alg, when set,
// overrides the connector's (dynamic mode only: the generated package signs as the
// connector says).
func newFositeKeyAPI(t testing.TB, s *fositeServer, mode string, key crypto.Signer, alg string) *fositeAPI {
	t.Helper()
	if mode == "dynamic" {
		f := fositeFlow(t, s, fositeKeyCase)
		f.AssertionAlg = alg
		rc := runtime.New(f, runtime.Credentials{ClientID: keyClientID, RedirectURL: redirectURL, PrivateKey: key, KeyID: "key-1"})
		return &fositeAPI{self: rc, authCodeURL: rc.AuthCodeURL, codeFromCallback: rc.CodeFromCallback, exchange: rc.Exchange,
			refresh: rc.Refresh, revoke: rc.Revoke, httpClient: rc.HTTPClient,
			verify: func(ctx context.Context, tok *oauth2.Token) error {
				return rc.Verify(ctx, tok, http.MethodGet, s.APIURL())
			}}
	}
	api, err := authCodeAPI(fositekey.New(fositekey.Config{ClientID: keyClientID, RedirectURL: redirectURL, PrivateKey: key, KeyID: "key-1", Params: fositekey.Params{Issuer: s.URL}}))
	if err != nil {
		t.Fatalf("fositekey.New: %v", err)
	}
	return api
}

// TestFositePrivateKeyJWT: fosite accepts the generated and the dynamic client's
// private_key_jwt assertions (RS256 and ES256 by the key type, PS256 when the flow
// asks for it) on the exchange, the refresh and the revocation, and the API accepts
// the tokens; no request carries a secret.
func TestFositePrivateKeyJWT(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		alg   string
		key   crypto.Signer
		modes []string
	}{
		{"RS256", rsaKey, fositeModes},
		{"ES256", ecKey, fositeModes},
		{"PS256", rsaKey, []string{"dynamic"}},
	} {
		s := newFositeKeyServer(t, tc.key.Public(), tc.alg)
		for _, mode := range tc.modes {
			t.Run(mode+"/"+tc.alg, func(t *testing.T) {
				l := newLeakScan(t, rsaKey.D.String(), ecKey.D.String())
				cl := newFositeKeyAPI(t, s, mode, tc.key, tc.alg)
				l.value(cl.self)
				tok := login(t, cl, fositeKeyCase, l)
				ctx := context.Background()
				if err := cl.verify(ctx, tok); err != nil {
					t.Fatalf("API call: %v", err)
				}
				next, err := cl.refresh(ctx, tok.RefreshToken)
				if err != nil {
					l.err(err)
					t.Fatalf("refresh: %v", err)
				}
				l.secret(next.AccessToken, next.RefreshToken)
				if err := cl.revoke(ctx, next); err != nil {
					t.Fatalf("revoke: %v", err)
				}
				if s.active(next.AccessToken) {
					t.Error("the access token is still active after revoking its refresh token")
				}
				for _, r := range s.Requests("/oauth2/token") {
					if r.Header.Get("Authorization") != "" || r.Form.Get("client_secret") != "" {
						t.Errorf("token request with a secret: %v", r.Form)
					}
					if h := jwtHeader(t, r.Form.Get("client_assertion")); h["alg"] != tc.alg || h["kid"] != "key-1" {
						t.Errorf("assertion header %v, want alg %s and kid key-1", h, tc.alg)
					}
				}
				if n := len(s.Requests("/oauth2/revoke")); n == 0 {
					t.Error("no revocation request")
				}
			})
		}
	}
}

// TestFositePrivateKeyJWTRefused: fosite refuses an assertion signed by another key,
// or by the right key with another algorithm than the client's, with invalid_client;
// the error carries neither the assertion nor the code.
func TestFositePrivateKeyJWTRefused(t *testing.T) {
	registered, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := newFositeKeyServer(t, registered.Public(), "ES256")
	for _, mode := range fositeModes {
		t.Run(mode, func(t *testing.T) {
			l := newLeakScan(t)
			cl := newFositeKeyAPI(t, s, mode, other, "")
			code, opts := authorize(t, cl, fositeKeyCase, l)
			_, err := cl.exchange(context.Background(), code, opts...)
			l.err(err)
			var re *oauth2.RetrieveError
			var te *runtime.TokenError
			if !errors.As(err, &te) || te.Code != "invalid_client" || !errors.As(err, &re) {
				t.Fatalf("exchange with another key: %v, want invalid_client", err)
			}
			for _, r := range s.Requests("/oauth2/token") {
				if a := r.Form.Get("client_assertion"); a != "" && strings.Contains(err.Error(), a) {
					t.Error("the error repeats the assertion")
				}
			}
		})
	}
}

// TestFositeKeyGeneratedFresh: the package under internal/ is what the generator
// makes of testdata/keyauth today (go generate ./conformance refreshes it).
func TestFositeKeyGeneratedFresh(t *testing.T) {
	f := filepath.Join("testdata", "keyauth", "fosite_key.json")
	pkg, src, err := generator.File(f, generator.Options{Source: "conformance/" + filepath.ToSlash(f)})
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join("internal", pkg, pkg+".go"))
	if err != nil || string(old) != string(src) {
		t.Errorf("internal/%s is stale (%v): run go generate ./conformance", pkg, err)
	}
	if m := e2e.Load(t, f); m.ClientAuth != runtime.AuthPrivateKeyJWT {
		t.Errorf("%s resolves to client auth %v", f, m.ClientAuth)
	}
}

// jwtHeader decodes the header of a compact JWS.
func jwtHeader(t testing.TB, jwt string) map[string]string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[0])
	if err != nil {
		t.Fatalf("assertion header: %v", err)
	}
	var h map[string]string
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatalf("assertion header: %v", err)
	}
	return h
}

// faultKey is the private key of the fault matrices' clients: the private_key_jwt
// connectors of the catalog sign their assertions with it (the fake servers there do
// not check them); the others ignore it.
var faultKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

// TestKeyConfigNotPrinted: the generated Config, dynamic.Config and the runtime
// Client print no key material under any fmt verb, in JSON, or through slog.
func TestKeyConfigNotPrinted(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	gen := fositekey.Config{ClientID: keyClientID, PrivateKey: key, KeyID: "key-1", Params: fositekey.Params{Issuer: "https://fosite.example"}}
	dyn := dynamic.Config{ClientID: keyClientID, PrivateKey: key, KeyID: "key-1"}
	cl, err := fositekey.New(gen)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range []any{gen, &gen, dyn, &dyn, cl} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		if b, err := json.Marshal(v); err == nil {
			out = append(out, string(b))
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "cfg", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "cfg", v)
		out = append(out, buf.String())
	}
	secrets := []string{key.D.String(), key.Primes[0].String(), key.Primes[1].String(), fmt.Sprintf("%x", key.D.Bytes()),
		base64.RawURLEncoding.EncodeToString(key.D.Bytes()), base64.StdEncoding.EncodeToString(key.D.Bytes()), "PrivateKey\":"}
	for _, s := range out {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Fatalf("printed key material: %.300s", s)
			}
		}
	}
}
