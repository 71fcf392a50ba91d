package e2e

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// The client key and certificate of the catalog's tests, made once per test binary.
var (
	keyOnce    sync.Once
	clientKey  *ecdsa.PrivateKey
	clientCert *tls.Certificate
	keyErr     error
)

// ClientKey returns the test private key (ECDSA P-256, so ES256) and a self-signed
// client certificate.
func ClientKey(t testing.TB) (crypto.Signer, *tls.Certificate) {
	t.Helper()
	keyOnce.Do(func() {
		clientKey, keyErr = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if keyErr != nil {
			return
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: ClientID},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &clientKey.PublicKey, clientKey)
		if err != nil {
			keyErr = err
			return
		}
		leaf, err := x509.ParseCertificate(der)
		if err != nil {
			keyErr = err
			return
		}
		clientCert = &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: clientKey, Leaf: leaf}
	})
	if keyErr != nil {
		t.Fatal(keyErr)
	}
	return clientKey, clientCert
}

// KeyAuth sets up a connector that authenticates with a key or a certificate
// (private_key_jwt, tls_client_auth): cfg, the fake provider's configuration, gets
// the public key and the audience the connector's assertions carry, or the client
// certificate; the credential is returned for the client (nil for the others).
// A certificate must be presented by the fake provider's client
// (Provider.PresentCertificate), since the routing transport is no *http.Transport.
func KeyAuth(t testing.TB, m *model.Connector, vals model.Values, cfg *oauthtest.Config) (crypto.Signer, *tls.Certificate) {
	t.Helper()
	key, cert := ClientKey(t)
	switch m.ClientAuth {
	case runtime.AuthPrivateKeyJWT:
		aud := m.AssertionAudience
		if aud == nil {
			aud = m.TokenURL
		}
		u, err := url.Parse(m.Render(aud, vals, &runtime.Vars{}))
		if err != nil {
			t.Fatalf("assertion audience: %v", err)
		}
		u.RawQuery, u.ForceQuery = "", false
		cfg.ClientKey, cfg.AssertionAudience = key.Public(), u.String()
		return key, nil
	case runtime.AuthTLS:
		cfg.ClientCertificate = cert.Leaf
		return nil, cert
	}
	return nil, nil
}
