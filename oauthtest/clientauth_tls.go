package oauthtest

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
)

// startServer starts the provider's server: TLS, asking for client certificates,
// when cfg wants one (ClientCertificate), else plain HTTP.
func startServer(h http.Handler, cfg Config) *httptest.Server {
	if cfg.ClientCertificate == nil {
		return httptest.NewServer(h)
	}
	s := httptest.NewUnstartedServer(h)
	// Requested, not verified against a CA: the endpoints compare it with
	// ClientCertificate, and a missing one is an invalid_client answer, not a failed
	// handshake.
	s.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	s.StartTLS()
	return s
}

// PresentCertificate makes Client, and so the Redirect transports made afterwards,
// present cert to the TLS server, for clients that do not present one themselves.
// It fails when the provider is not a TLS server (ClientCertificate unset at New).
func (p *Provider) PresentCertificate(cert *tls.Certificate) error {
	t, ok := p.server.Client().Transport.(*http.Transport)
	if !ok || t.TLSClientConfig == nil || p.server.TLS == nil {
		return errors.New("oauthtest: PresentCertificate: the provider is not a TLS server (set ClientCertificate)")
	}
	t.TLSClientConfig.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	t.CloseIdleConnections() // connections made before present no certificate
	return nil
}
