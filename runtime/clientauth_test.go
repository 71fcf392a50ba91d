package runtime_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

// Keys are generated once: RSA generation is slow under -race.
var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	keysErr  error
)

func testKeys(t testing.TB) (*rsa.PrivateKey, *ecdsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		var err1, err2 error
		rsaKey, err1 = rsa.GenerateKey(rand.Reader, 2048)
		ecKey, err2 = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		keysErr = errors.Join(err1, err2)
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return rsaKey, ecKey
}

// keyFlow is a client_credentials flow against p with private_key_jwt.
func keyFlow(p *oauthtest.Provider) *runtime.Flow {
	return &runtime.Flow{
		Connector:    "Test",
		Grant:        runtime.ClientCredentials,
		TokenURL:     runtime.String(p.TokenURL()),
		RevokeURL:    runtime.String(p.RevokeURL()),
		ClientAuth:   runtime.AuthPrivateKeyJWT,
		ExchangeArgs: []runtime.Arg{{Key: "grant_type", Value: runtime.String("client_credentials")}},
	}
}

func keyClient(p *oauthtest.Provider, f *runtime.Flow, key crypto.Signer) *runtime.Client {
	return runtime.New(f, runtime.Credentials{ClientID: testID, ClientSecret: testSecret, PrivateKey: key, KeyID: "key-1"}, runtime.WithHTTPClient(p.Client()))
}

// jwsHeader decodes the header of a compact JWS.
func jwsHeader(t *testing.T, jwt string) map[string]string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]string
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPrivateKeyJWT(t *testing.T) {
	rk, ek := testKeys(t)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		pub  crypto.PublicKey
		alg  string // the flow's AssertionAlg
		want string // the header's alg
	}{
		{"RSA", rk, &rk.PublicKey, "", "RS256"},
		{"RSA-PSS", rk, &rk.PublicKey, "PS256", "PS256"},
		{"ECDSA", ek, &ek.PublicKey, "", "ES256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := provider(t, oauthtest.Config{ClientKeyAuth: oauthtest.ClientKeyAuth{ClientKey: tc.pub}, Rotation: oauthtest.Rotate})
			f := keyFlow(p)
			f.AssertionAlg = tc.alg
			c := keyClient(p, f, tc.key)
			ctx := context.Background()
			tok, err := c.Token(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// A second request needs a new jti: the provider accepts each once.
			if _, err := c.Token(ctx); err != nil {
				t.Fatalf("second token request: %v", err)
			}
			// Confinement: the API call carries the token only.
			if err := c.Verify(ctx, tok, http.MethodGet, p.APIURL("/me")); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if r, ok := p.LastRequest("api"); !ok || strings.Contains(r.URL+string(r.Body), "client_assertion") || r.Header.Get("Authorization") != "Bearer "+tok.AccessToken {
				t.Errorf("API request %v %q %q, want the bearer token and no assertion", ok, r.URL, r.Header.Get("Authorization"))
			}
			if err := c.Revoke(ctx, tok); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			for _, r := range append(p.RequestsTo("token"), p.RequestsTo("revoke")...) {
				if r.HasBasic || r.Form["client_secret"] != "" || r.Form["client_id"] != testID {
					t.Errorf("%s: Basic %v, secret %q, client_id %q; want the client id and no secret", r.Endpoint, r.HasBasic, r.Form["client_secret"], r.Form["client_id"])
				}
				if r.Form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
					t.Errorf("%s: client_assertion_type %q", r.Endpoint, r.Form["client_assertion_type"])
				}
				a := r.Form["client_assertion"]
				if h := jwsHeader(t, a); h["alg"] != tc.want || h["typ"] != "JWT" || h["kid"] != "key-1" {
					t.Errorf("%s: header %v, want alg %s, typ JWT, kid key-1", r.Endpoint, h, tc.want)
				}
				claims, err := oauthtest.VerifyClientAssertion(a, tc.pub)
				if err != nil {
					t.Fatalf("%s: %v", r.Endpoint, err)
				}
				// The revocation request's audience is the token endpoint too.
				if claims.Issuer != testID || claims.Subject != testID || claims.Audience != p.TokenURL() || claims.Expiry-claims.IssuedAt != 120 {
					t.Errorf("%s: claims %+v", r.Endpoint, claims)
				}
			}
			if st := p.Stats(); st.ClientCredentials != 2 || st.Revocations != 1 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestPrivateKeyJWTAudience(t *testing.T) {
	rk, _ := testKeys(t)
	p := provider(t, oauthtest.Config{ClientKeyAuth: oauthtest.ClientKeyAuth{ClientKey: &rk.PublicKey, AssertionAudience: "https://login.example.com"}})
	f := keyFlow(p)
	f.TokenURL = runtime.String(p.TokenURL() + "?tenant=acme")
	if _, err := keyClient(p, f, rk).Token(context.Background()); err == nil {
		t.Fatal("the token URL as audience was accepted where the provider wants its own")
	}
	r, _ := p.LastRequest("token")
	claims, err := oauthtest.VerifyClientAssertion(r.Form["client_assertion"], &rk.PublicKey)
	if err != nil || claims.Audience != p.TokenURL() {
		t.Errorf("default audience %+v (%v), want the token URL without its query", claims, err)
	}
	f.AssertionAudience = runtime.String("https://login.example.com")
	if _, err := keyClient(p, f, rk).Token(context.Background()); err != nil {
		t.Fatalf("declared audience: %v", err)
	}
}

func TestPrivateKeyJWTRefused(t *testing.T) {
	rk, ek := testKeys(t)
	p := provider(t, oauthtest.Config{ClientKeyAuth: oauthtest.ClientKeyAuth{ClientKey: &rk.PublicKey}})
	// Signed by another key: the provider says invalid_client.
	_, err := keyClient(p, keyFlow(p), ek).Token(context.Background())
	var te *runtime.TokenError
	if !errors.As(err, &te) || te.Code != "invalid_client" {
		t.Errorf("wrong key: %v, want invalid_client", err)
	}
}

func TestPrivateKeyJWTErrors(t *testing.T) {
	rk, _ := testKeys(t)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := provider(t, oauthtest.Config{ClientKeyAuth: oauthtest.ClientKeyAuth{ClientKey: &rk.PublicKey}})
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		alg  string
		want string
	}{
		{"no key", nil, "", "no private key"},
		{"Ed25519", edKey, "", "must be RSA or ECDSA on P-256"},
		{"P-384", p384, "", "must be RSA or ECDSA on P-256"},
		{"alg mismatch", rk, "ES256", "signs with ES256, which the private key cannot make"},
		{"failing signer", failingSigner{rk}, "", "signing failed: hsm offline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := keyFlow(p)
			f.AssertionAlg = tc.alg
			c := keyClient(p, f, tc.key)
			_, err := c.Token(context.Background())
			if err == nil || !strings.Contains(err.Error(), "failed: private_key_jwt: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("token: %v, want %q", err, tc.want)
			}
			err = c.Revoke(context.Background(), &oauth2.Token{AccessToken: "at-1234"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("revoke: %v, want %q", err, tc.want)
			}
		})
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("%d requests sent without a client assertion", n)
	}
}

type failingSigner struct{ k *rsa.PrivateKey }

func (f failingSigner) Public() crypto.PublicKey { return f.k.Public() }
func (f failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("hsm offline")
}

// TestKeyCredentialsNotPrinted: neither fmt, JSON nor slog prints the private key or
// the certificate's key.
func TestKeyCredentialsNotPrinted(t *testing.T) {
	rk, _ := testKeys(t)
	cert := selfSigned(t, "printed")
	creds := runtime.Credentials{ClientID: testID, ClientSecret: testSecret, PrivateKey: rk, KeyID: "key-1", Certificate: &cert}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x"} {
		out = append(out, fmt.Sprintf(verb, creds), fmt.Sprintf(verb, &creds))
	}
	b, err := json.Marshal(creds)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, string(b))
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("creds", "creds", creds)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("creds", "creds", creds)
	out = append(out, buf.String())
	ecCert := cert.PrivateKey.(*ecdsa.PrivateKey)
	for _, s := range out {
		for _, secret := range []string{rk.D.String(), fmt.Sprintf("%x", rk.D.Bytes()), rk.Primes[0].String(), ecCert.D.String(), "PrivateKey\":", testSecret} {
			if strings.Contains(s, secret) {
				t.Fatalf("printed key material: %.200s", s)
			}
		}
	}
	if s := fmt.Sprint(creds); !strings.Contains(s, "PrivateKey: [redacted]") || !strings.Contains(s, `KeyID: "key-1"`) || !strings.Contains(s, "Certificate: [redacted]") {
		t.Errorf("description %q does not say the key and certificate are set", s)
	}
}

// selfSigned makes a self-signed client certificate (ECDSA P-256).
func selfSigned(t testing.TB, cn string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

func TestTLSClientAuth(t *testing.T) {
	cert := selfSigned(t, "client-1")
	p := provider(t, oauthtest.Config{ClientKeyAuth: oauthtest.ClientKeyAuth{ClientCertificate: cert.Leaf}})
	f := keyFlow(p)
	f.ClientAuth = runtime.AuthTLS
	ctx := context.Background()
	creds := runtime.Credentials{ClientID: testID, ClientSecret: testSecret, Certificate: &cert}
	c := runtime.New(f, creds, runtime.WithHTTPClient(p.Client()))
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(ctx, tok); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	for _, r := range p.Requests() {
		if r.TLSCertificate == nil || !bytes.Equal(r.TLSCertificate.Raw, cert.Leaf.Raw) {
			t.Errorf("%s: the client certificate was not presented", r.Endpoint)
		}
		if r.HasBasic || r.Form["client_secret"] != "" || r.Form["client_id"] != testID || r.Form["client_assertion"] != "" {
			t.Errorf("%s: %v; want the client id only", r.Endpoint, r.Form)
		}
	}
	// The caller's transport is cloned, not changed.
	if tr := p.Client().Transport.(*http.Transport); tr.TLSClientConfig.GetClientCertificate != nil || len(tr.TLSClientConfig.Certificates) != 0 {
		t.Error("the caller's transport was changed")
	}

	// Another certificate, or none: invalid_client.
	other := selfSigned(t, "client-2")
	for name, cr := range map[string]*tls.Certificate{"other": &other, "none": nil} {
		creds.Certificate = cr
		_, err := runtime.New(f, creds, runtime.WithHTTPClient(p.Client())).Token(ctx)
		var te *runtime.TokenError
		if !errors.As(err, &te) || te.Code != "invalid_client" {
			t.Errorf("%s certificate: %v, want invalid_client", name, err)
		}
	}

	// A transport that cannot be cloned is an error, before anything is sent.
	p.ResetLog()
	creds.Certificate = &cert
	wrapped := &http.Client{Transport: roundTripperFunc(p.Client().Transport.RoundTrip)}
	_, err = runtime.New(f, creds, runtime.WithHTTPClient(wrapped)).Token(ctx)
	if err == nil || !strings.Contains(err.Error(), "tls_client_auth: Credentials.Certificate needs an HTTP client whose Transport is nil or an *http.Transport") {
		t.Errorf("wrapped transport: %v", err)
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("%d requests sent through the transport that cannot present the certificate", n)
	}
	// Such a transport presents the certificate itself, with Certificate nil.
	if err := p.PresentCertificate(&cert); err != nil {
		t.Fatal(err)
	}
	creds.Certificate = nil
	if _, err := runtime.New(f, creds, runtime.WithHTTPClient(wrapped)).Token(ctx); err != nil {
		t.Errorf("certificate presented by the transport: %v", err)
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
