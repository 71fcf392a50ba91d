package dynamic_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// euhRecorder answers every request with a token and keeps each as its URL and body.
type euhRecorder struct{ reqs []string }

func (r *euhRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var b []byte
	if req.Body != nil {
		b, _ = io.ReadAll(req.Body)
	}
	r.reqs = append(r.reqs, req.URL.String()+" "+string(b))
	body := `{"access_token":"AT","token_type":"bearer","expires_in":3600}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader([]byte(body))), Request: req}, nil
}

// An end_user_hosted connector's client credentials are only the end user's: a
// Config client id or secret is refused (never a fallback for an empty param), and
// a missing client_id param is the required value's error, sending nothing.
func TestEndUserHostedCredentialsAreTheEndUsers(t *testing.T) {
	m := catalog(t, "okta.json")
	r := &euhRecorder{}
	hc := runtime.WithHTTPClient(&http.Client{Transport: r})
	want := "okta: " + model.EndUserCredentialsMessage
	for _, cfg := range []dynamic.Config{
		{ClientID: "PLATFORM_ID", ClientSecret: "PLATFORM_SECRET", Params: map[string]any{"domain": "evil.example"}},
		{ClientID: "PLATFORM_ID", Params: map[string]any{"domain": "evil.example", "client_id": "", "client_secret": "user-secret"}},
		{ClientSecret: "PLATFORM_SECRET", Params: map[string]any{"domain": "evil.example", "client_id": "user-id", "client_secret": ""}},
	} {
		if _, err := dynamic.New(m, cfg, hc); err == nil || err.Error() != want {
			t.Errorf("New(%v): %v, want %q", cfg, err, want)
		}
	}
	c, err := dynamic.New(m, dynamic.Config{Params: map[string]any{"domain": "evil.example", "client_secret": runtime.Secret("user-secret")}}, hc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exchange(context.Background(), "CODE", oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil || !strings.HasSuffix(err.Error(), ": okta: client_id is required") {
		t.Errorf("Exchange without the end user's client id: %v", err)
	}
	if len(r.reqs) != 0 {
		t.Fatalf("sent %q without a client id", r.reqs)
	}
	c, err = dynamic.New(m, dynamic.Config{RedirectURL: "https://platform/cb",
		Params: map[string]any{"domain": "evil.example", "client_id": "user-id", "client_secret": runtime.Secret("user-secret")}}, hc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exchange(context.Background(), "CODE", oauth2.VerifierOption(oauth2.GenerateVerifier())); err != nil {
		t.Fatal(err)
	}
	if len(r.reqs) == 0 || !strings.HasPrefix(r.reqs[0], "https://evil.example/oauth2/default/v1/token ") ||
		!strings.Contains(r.reqs[0], "client_id=user-id&client_secret=user-secret&") {
		t.Errorf("requests %q: want the token request with the end user's credentials", r.reqs)
	}
}

// A connection's client of an end_user_hosted connector is built from its values
// alone (Config's credentials being refused): Begin keeps the client's own client_id
// and client_secret among them, so the token request carries the end user's.
func TestEndUserHostedConnectionKeepsTheClientsCredentials(t *testing.T) {
	m := catalog(t, "okta.json")
	r := &euhRecorder{}
	c, err := dynamic.New(m, dynamic.Config{RedirectURL: "https://platform/cb",
		Params: map[string]any{"client_id": "user-id", "client_secret": runtime.Secret("user-secret")}},
		runtime.WithHTTPClient(&http.Client{Transport: r}))
	if err != nil {
		t.Fatal(err)
	}
	cs := c.Connections(&memstore.Store{})
	u, err := cs.Begin(context.Background(), "k", map[string]any{"domain": "acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cs.Complete(context.Background(), url.Values{"code": {"CODE"}, "state": {pu.Query().Get("state")}}); err != nil {
		t.Fatal(err)
	}
	if len(r.reqs) == 0 || !strings.HasPrefix(r.reqs[0], "https://acme.example/oauth2/default/v1/token ") ||
		!strings.Contains(r.reqs[0], "client_id=user-id&client_secret=user-secret&") {
		t.Errorf("requests %q: want the token request with the end user's credentials", r.reqs)
	}
}
