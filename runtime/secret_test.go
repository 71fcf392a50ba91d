package runtime_test

import (
	"context"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/runtime"
)

// Every runtime type that holds a secret or a token prints, marshals to JSON and logs
// without it.
func TestRuntimeTypesRedactSecrets(t *testing.T) {
	const secret, token, state = "client-secret-value-1", "access-token-value-1", "state-value-1"
	creds := runtime.Credentials{ClientID: "id", ClientSecret: secret, RedirectURL: "https://app.example/cb"}
	c := runtime.New(&runtime.Flow{Connector: "T", ClientAuth: runtime.AuthHeader}, creds)
	for what, v := range map[string]any{
		"Secret":      runtime.Secret(secret),
		"Credentials": creds,
		"Vars":        runtime.Vars{State: state, Token: token, Callback: map[string]string{"k": "v"}},
		"Client":      c,
		"HTTPClient":  c.HTTPClient(context.Background(), &oauth2.Token{AccessToken: token}).Transport,
		"in a struct": struct {
			S runtime.Secret
			C runtime.Credentials
		}{secret, creds},
	} {
		e2e.NoSecretShown(t, what, v, secret, token, state)
	}
	// The value is still there for the runtime's own use, and empty stays empty.
	if s := runtime.Secret(secret); string(s) != secret {
		t.Error("string(Secret) changed the value")
	}
	if b, _ := runtime.Secret("").MarshalJSON(); string(b) != `""` {
		t.Errorf("empty Secret marshals as %s", b)
	}
}
