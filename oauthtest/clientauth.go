package oauthtest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// ClientAssertionType is the client_assertion_type of a JWT client assertion (RFC
// 7523 2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// ClientKeyAuth configures client authentication with a key or a certificate
// instead of a secret, at the token and revocation endpoints. With either set, the
// client secret is refused in the body and in HTTP Basic, and a client_id in the body
// must be Config.ClientID.
type ClientKeyAuth struct {
	// ClientKey, when set, is the public key (*rsa.PublicKey or *ecdsa.PublicKey on
	// P-256) of private_key_jwt (RFC 7523 2.2, OpenID Connect Core 9): requests must
	// carry client_assertion_type and a client_assertion JWT signed with its private
	// key (RS256 or PS256 for RSA, ES256 for ECDSA) whose iss and sub are ClientID, aud
	// is AssertionAudience (default: TokenURL()), exp is in the future and at most an
	// hour after iat, and jti was not seen before.
	ClientKey crypto.PublicKey
	// AssertionAudience is the aud client assertions must carry; default TokenURL().
	AssertionAudience string
	// ClientCertificate, when set at New, makes the provider a TLS server that asks
	// for client certificates, and the token and revocation endpoints require this
	// certificate (tls_client_auth, RFC 8705 2; compared whole, as
	// self_signed_tls_client_auth does) with client_id in the body. The server's own
	// certificate is httptest's: Client trusts it.
	ClientCertificate *x509.Certificate
}

// keyClientOK checks client authentication with a key or certificate when cfg
// asks for one (done).
func (p *Provider) keyClientOK(cfg Config, rec Request) (ok, done bool) {
	if cfg.ClientKey == nil && cfg.ClientCertificate == nil {
		return false, false
	}
	idKey, secKey := or(cfg.ClientIDKey, "client_id"), or(cfg.SecretKey, "client_secret")
	if rec.HasBasic || rec.Form[secKey] != "" {
		return false, true
	}
	if id, has := rec.Form[idKey]; has && cfg.ClientID != "" && id != cfg.ClientID {
		return false, true
	}
	if cfg.ClientCertificate != nil {
		if _, has := rec.Form[idKey]; !has { // RFC 8705 2: client_id is required
			return false, true
		}
		if rec.TLSCertificate == nil || !bytes.Equal(rec.TLSCertificate.Raw, cfg.ClientCertificate.Raw) {
			return false, true
		}
	}
	if cfg.ClientKey != nil {
		if rec.Form["client_assertion_type"] != ClientAssertionType {
			return false, true
		}
		aud := cfg.AssertionAudience
		if aud == "" {
			aud = p.TokenURL()
		}
		now := time.Now
		if cfg.Now != nil {
			now = cfg.Now
		}
		c, err := VerifyClientAssertion(rec.Form["client_assertion"], cfg.ClientKey)
		if err != nil || c.Issuer != c.Subject || (cfg.ClientID != "" && c.Issuer != cfg.ClientID) ||
			c.Audience != aud || c.ID == "" || !now().Before(time.Unix(c.Expiry, 0)) || c.Expiry-c.IssuedAt > 3600 {
			return false, true
		}
		p.mu.Lock()
		seen := p.jtis[c.ID]
		if p.jtis == nil {
			p.jtis = map[string]bool{}
		}
		p.jtis[c.ID] = true
		p.mu.Unlock()
		if seen {
			return false, true
		}
	}
	return true, true
}

// connectorKeyAuth configures cfg for a private_key_jwt or tls_client_auth
// connector: the key or certificate of auth that the connector uses, and no secret
// (the client sends none; without a key or certificate only the client id is
// checked).
func connectorKeyAuth(cfg *Config, conn *model.Connector, vals model.Values, vars *runtime.Vars, auth ClientKeyAuth) {
	switch conn.ClientAuth {
	case runtime.AuthPrivateKeyJWT:
		cfg.ClientKey, cfg.AssertionAudience = auth.ClientKey, auth.AssertionAudience
		if cfg.ClientKey != nil && cfg.AssertionAudience == "" {
			cfg.AssertionAudience = assertionAudience(conn, vals, vars)
		}
	case runtime.AuthTLS:
		cfg.ClientCertificate = auth.ClientCertificate
	default:
		return
	}
	cfg.ClientSecret = ""
}

// assertionAudience is the aud of conn's client assertions, as the runtime makes it:
// client_assertion_audience, else the token URL without its query.
func assertionAudience(conn *model.Connector, vals model.Values, vars *runtime.Vars) string {
	t := conn.AssertionAudience
	if t == nil {
		t = conn.TokenURL
	}
	s := conn.Render(t, vals, vars)
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// AssertionClaims are the claims of a client assertion that the provider checks.
type AssertionClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	ID       string `json:"jti"`
	IssuedAt int64  `json:"iat"`
	Expiry   int64  `json:"exp"`
}

// VerifyClientAssertion checks the signature of the compact JWS jwt with pub and
// returns its claims (not checked: that is the caller's part). The header's alg must
// be one pub verifies: RS256 or PS256 for an RSA key, ES256 for an ECDSA key.
func VerifyClientAssertion(jwt string, pub crypto.PublicKey) (*AssertionClaims, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a compact JWS")
	}
	enc := base64.RawURLEncoding
	hb, err1 := enc.DecodeString(parts[0])
	pb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	var h struct{ Alg, Typ string }
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	var err error
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch h.Alg {
		case "RS256":
			err = rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig)
		case "PS256":
			err = rsa.VerifyPSS(k, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		default:
			err = errors.New("alg " + h.Alg + " with an RSA key")
		}
	case *ecdsa.PublicKey:
		if h.Alg != "ES256" || len(sig) != 64 {
			err = errors.New("alg " + h.Alg + " with an ECDSA key, or a signature that is not R||S")
		} else if !ecdsa.Verify(k, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			err = errors.New("bad ES256 signature")
		}
	default:
		err = errors.New("unsupported key type")
	}
	if err != nil {
		return nil, err
	}
	var c AssertionClaims
	if err := json.Unmarshal(pb, &c); err != nil {
		return nil, err
	}
	return &c, nil
}
