package runtime

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"sync"
)

// mtlsClient is the HTTP client of the token and revocation endpoints of a
// tls_client_auth flow: the caller's client with a transport that presents
// Credentials.Certificate. It is derived once per base client (the last one seen).
type mtlsClient struct {
	mu      sync.Mutex
	base    *http.Client
	derived *http.Client
}

// tokenHTTPClient is the HTTP client of token, device and revocation requests:
// httpClient's, never following a redirect,
// presenting Credentials.Certificate when there is one. Userinfo and API requests
// never present it.
func (c *Client) tokenHTTPClient(ctx context.Context) *http.Client {
	hc := c.httpClient(ctx)
	if c.creds.Certificate != nil {
		m := &c.mtls
		m.mu.Lock()
		if m.base != hc || m.derived == nil {
			m.base, m.derived = hc, withCertificate(hc, c.creds.Certificate)
		}
		hc = m.derived
		m.mu.Unlock()
	}
	out := *hc // requests that carry credentials never follow a redirect (redirect.go)
	out.CheckRedirect = refuseRedirect
	return &out
}

// withCertificate returns a copy of hc whose transport, a clone of hc's, always
// presents cert, whatever CAs the server names (the server decides whether it
// accepts it). A transport that is not an *http.Transport cannot be cloned: requests
// then fail with errCertTransport.
func withCertificate(hc *http.Client, cert *tls.Certificate) *http.Client {
	out := *hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	t, ok := base.(*http.Transport)
	if !ok {
		out.Transport = failingTransport{errCertTransport}
		return &out
	}
	t = t.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.Certificates = nil
	t.TLSClientConfig.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	out.Transport = t
	return &out
}

var errCertTransport = errors.New("tls_client_auth: Credentials.Certificate needs an HTTP client whose Transport is nil or an *http.Transport; with another transport, leave Certificate nil and present the certificate in that transport")
