package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// explainAssertion is what explain prints in place of each client assertion: the JWT
// itself is random (jti) and signed with a throwaway key, so it says nothing.
const explainAssertion = "CLIENT_ASSERTION"

// explainClientAuth is the client authentication section of explain: how a
// private_key_jwt or tls_client_auth connector proves the client, and for
// private_key_jwt the header and claims of the assertion it signs.
type explainClientAuth struct {
	Method string         `json:"method"`
	Header map[string]any `json:"assertion_header,omitempty"`
	Claims map[string]any `json:"assertion_claims,omitempty"`
	Notes  []string       `json:"notes,omitempty"`
}

// explainKey gives cfg a throwaway private key for a private_key_jwt connector, since
// explain never has the application's (nothing it signs is sent anywhere).
func explainKey(m *model.Connector, cfg *dynamic.Config) error {
	if m.ClientAuth != runtime.AuthPrivateKeyJWT || cfg.PrivateKey != nil {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	cfg.PrivateKey = key
	return nil
}

var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// clientAuthSection fills ex.ClientAuth for key and certificate connectors, and
// replaces the assertions in the token, refresh and revoke requests by a placeholder.
func clientAuthSection(m *model.Connector, ex *explanation) {
	switch m.ClientAuth {
	case runtime.AuthTLS:
		ex.ClientAuth = &explainClientAuth{Method: "tls_client_auth (RFC 8705)", Notes: []string{
			"the TLS client certificate (Config.Certificate) is presented to the token and revocation endpoints; the body carries client_id and no secret",
		}}
		return
	case runtime.AuthPrivateKeyJWT:
	default:
		return
	}
	ca := &explainClientAuth{Method: "private_key_jwt (RFC 7523 2.2)", Notes: []string{
		"client_assertion is a JWT signed with Config.PrivateKey (RS256 for RSA, ES256 for P-256 unless the connector names the algorithm; explain signs with a throwaway key)",
		"a new assertion is signed for every token, refresh and revocation request, and goes to no other endpoint",
	}}
	for _, r := range []*explainRequest{ex.TokenRequest, ex.TokenFallback, ex.RefreshRequest, ex.RevokeRequest} {
		if r == nil {
			continue
		}
		r.Body = jwtPattern.ReplaceAllStringFunc(r.Body, func(jwt string) string {
			if ca.Claims == nil {
				ca.Header, ca.Claims = decodeJWT(jwt)
			}
			return explainAssertion
		})
	}
	if ca.Claims != nil {
		// Fresh in every request: shown as what they are, not as one run's values.
		ca.Claims["jti"] = "(random, new in every request)"
		ca.Claims["iat"] = "(the time of the request)"
		ca.Claims["exp"] = "(iat + 120 s)"
		if kid, ok := ca.Header["kid"]; !ok || kid == "" {
			ca.Header["kid"] = "(Config.KeyID, when set)"
		}
		ca.Header["alg"] = "(by the key)"
		if m.AssertionAlg != "" {
			ca.Header["alg"] = m.AssertionAlg
		}
	}
	ex.ClientAuth = ca
}

// decodeJWT returns the header and claims of a compact JWS (nil when it is none).
func decodeJWT(jwt string) (header, claims map[string]any) {
	parts := strings.Split(jwt, ".")
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, dst) != nil {
			return nil, nil
		}
	}
	return header, claims
}

// printClientAuth prints the client authentication section.
func printClientAuth(w io.Writer, ca *explainClientAuth) {
	if ca == nil {
		return
	}
	fmt.Fprintf(w, "\nClient authentication: %s\n", ca.Method)
	for _, part := range []struct {
		title string
		m     map[string]any
	}{{"assertion header", ca.Header}, {"assertion claims", ca.Claims}} {
		if part.m == nil {
			continue
		}
		fmt.Fprintf(w, "  %s:\n", part.title)
		for _, k := range slices.Sorted(maps.Keys(part.m)) {
			fmt.Fprintf(w, "    %s = %v\n", k, part.m[k])
		}
	}
	for _, n := range ca.Notes {
		fmt.Fprintf(w, "  - %s\n", n)
	}
}
