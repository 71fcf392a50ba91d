package oauthtest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// catalogKey signs the assertions of the catalog's private_key_jwt connectors in
// TestForConnectorCatalog.
var catalogKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

const keyConnector = `{"name": "Key", "base_url": "https://api.key.example/",
  "oauth2": {"config": {"flow": "client_credentials", "step3_access_url": "https://login.key.example/token?v=2",
    "revoke_url": "https://login.key.example/revoke", "client_auth": %q}},
  "test_request": {"path": "me"}}`

// ForConnector plays a private_key_jwt connector's provider: assertions signed with
// the key verify, with the token URL (without its query) as audience, each jti once;
// another key, or a secret, is invalid_client.
func TestForConnectorPrivateKeyJWT(t *testing.T) {
	conn, err := model.Parse("key.json", []byte(fmt.Sprintf(keyConnector, "private_key_jwt")))
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	fake, err := oauthtest.ForConnector(conn, oauthtest.ConnectorOptions{ClientID: "app", ClientKeyAuth: oauthtest.ClientKeyAuth{ClientKey: key.Public()}})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	ctx := context.Background()
	c, err := dynamic.New(conn, dynamic.Config{ClientID: "app", PrivateKey: key}, runtime.WithHTTPClient(fake.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	if err := c.Verify(ctx, tok); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := c.Revoke(ctx, tok); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	r, _ := fake.LastRequest("token")
	claims, err := oauthtest.VerifyClientAssertion(r.Form["client_assertion"], key.Public())
	if err != nil || claims.Audience != "https://login.key.example/token" {
		t.Errorf("claims %+v (%v), want the token URL without its query as audience", claims, err)
	}
	// The same assertion again: its jti was seen.
	replay := fake.Client()
	form := "grant_type=client_credentials&client_id=app&client_assertion_type=" + oauthtest.ClientAssertionType + "&client_assertion=" + r.Form["client_assertion"]
	resp, err := replay.Post(fake.TokenURL(), "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("replayed assertion: HTTP %d, want 401", resp.StatusCode)
	}
	wrong, err := dynamic.New(conn, dynamic.Config{ClientID: "app", PrivateKey: other}, runtime.WithHTTPClient(fake.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.Token(ctx); err == nil {
		t.Error("an assertion signed by another key was accepted")
	}
	if _, err := dynamic.New(conn, dynamic.Config{ClientID: "app"}); err == nil || err.Error() != "key: the private key is empty (private_key_jwt signs with it)" {
		t.Errorf("New without a key: %v", err)
	}
}

// ForConnector plays a tls_client_auth connector's provider on TLS: the registered
// certificate is required, and a Fake presents it for the client when asked.
func TestForConnectorTLSClientAuth(t *testing.T) {
	conn, err := model.Parse("cert.json", []byte(fmt.Sprintf(keyConnector, "tls_client_auth")))
	if err != nil {
		t.Fatal(err)
	}
	cert := certificate(t)
	fake, err := oauthtest.ForConnector(conn, oauthtest.ConnectorOptions{ClientID: "app", ClientKeyAuth: oauthtest.ClientKeyAuth{ClientCertificate: cert.Leaf}})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	ctx := context.Background()
	c, err := dynamic.New(conn, dynamic.Config{ClientID: "app"}, runtime.WithHTTPClient(fake.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(ctx); err == nil {
		t.Fatal("a token request without the certificate was accepted")
	}
	if err := fake.PresentCertificate(&cert); err != nil {
		t.Fatal(err)
	}
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatalf("token with the certificate: %v", err)
	}
	if err := c.Revoke(ctx, tok); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if r, _ := fake.LastRequest("revoke"); r.TLSCertificate == nil || !r.TLSCertificate.Equal(cert.Leaf) || r.Form["client_id"] != "app" {
		t.Errorf("revocation request without the certificate or the client id: %v", r.Form)
	}
	plain := oauthtest.New(oauthtest.Config{})
	defer plain.Close()
	if err := plain.PresentCertificate(&cert); err == nil {
		t.Error("PresentCertificate on a provider without TLS succeeded")
	}
}

func certificate(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
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
