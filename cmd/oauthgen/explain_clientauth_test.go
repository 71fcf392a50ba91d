package main

import (
	"strings"
	"testing"
)

// explain shows the claims of a private_key_jwt assertion, and puts a placeholder in
// place of the assertion in every request.
func TestExplainPrivateKeyJWT(t *testing.T) {
	ex := explainJSON(t, "../../connectors/oktaservice.json", "--param", "domain=acme.okta.com", "--client-id", "0oa1")
	ca, _ := ex["client_auth"].(map[string]any)
	if ca == nil || !strings.HasPrefix(ca["method"].(string), "private_key_jwt") {
		t.Fatalf("client_auth %v", ex["client_auth"])
	}
	claims, _ := ca["assertion_claims"].(map[string]any)
	for k, want := range map[string]string{"iss": "0oa1", "sub": "0oa1", "aud": "https://acme.okta.com/oauth2/v1/token", "jti": "(random, new in every request)"} {
		if claims[k] != want {
			t.Errorf("claim %s = %v, want %q", k, claims[k], want)
		}
	}
	for _, k := range []string{"token_request", "revoke_request"} {
		body := ex[k].(map[string]any)["body"].(string)
		if !strings.Contains(body, "client_assertion="+explainAssertion) || jwtPattern.MatchString(body) {
			t.Errorf("%s body %q, want the placeholder in place of the assertion", k, body)
		}
	}
	code, out, errOut := runOauthgen("explain", "../../connectors/oktaservice.json", "--param", "domain=acme.okta.com", "--client-id", "0oa1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Client authentication: private_key_jwt (RFC 7523 2.2)", "    aud = https://acme.okta.com/oauth2/v1/token\n", "    iss = 0oa1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if jwtPattern.MatchString(out) {
		t.Errorf("text output carries a JWT:\n%s", out)
	}
}

func TestExplainTLSClientAuth(t *testing.T) {
	ex := explainJSON(t, "../../connectors/keycloakmtls.json", "--param", "host=sso.example.com", "--param", "realm=acme")
	ca, _ := ex["client_auth"].(map[string]any)
	if ca == nil || !strings.HasPrefix(ca["method"].(string), "tls_client_auth") || ca["assertion_claims"] != nil {
		t.Fatalf("client_auth %v", ex["client_auth"])
	}
	body := ex["token_request"].(map[string]any)["body"].(string)
	if !strings.Contains(body, "client_id=") || strings.Contains(body, "client_secret") {
		t.Errorf("token request body %q, want the client id and no secret", body)
	}
	if _, ok := explainJSON(t, "../../connectors/spotify.json")["client_auth"]; ok {
		t.Error("a connector with a secret has a client authentication section")
	}
}
