package generated_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/generated/okta"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// recorder answers every request with a token and keeps each as text (URL, headers,
// the basic credentials decoded, and body).
type recorder struct{ reqs []string }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var b []byte
	if req.Body != nil {
		b, _ = io.ReadAll(req.Body)
	}
	var h strings.Builder
	_ = req.Header.Write(&h)
	if id, secret, ok := req.BasicAuth(); ok {
		h.WriteString("basic " + id + ":" + secret + "\n")
	}
	r.reqs = append(r.reqs, req.URL.String()+"\n"+h.String()+"\n"+string(b))
	body := `{"access_token":"AT","token_type":"bearer","expires_in":3600}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader([]byte(body))), Request: req}, nil
}

const euhVerifier = "VERIFIERVERIFIERVERIFIERVERIFIERVERIFIERVERIF"

// An end_user_hosted package never sends the platform's application credentials
// to the host the end user typed: New refuses a Config with a client id or secret,
// and the token request carries the end user's own, from Params.
func TestEndUserHostedNeverSendsConfigCredentials(t *testing.T) {
	r := &recorder{}
	hc := runtime.WithHTTPClient(&http.Client{Transport: r})
	for _, cfg := range []okta.Config{
		{ClientID: "PLATFORM_ID", Params: okta.Params{Domain: "evil.example", ClientID: "user-id", ClientSecret: "user-secret"}},
		{ClientSecret: "PLATFORM_SECRET", Params: okta.Params{Domain: "evil.example", ClientID: "user-id", ClientSecret: "user-secret"}},
	} {
		_, err := okta.New(cfg, hc)
		if want := "okta: " + model.EndUserCredentialsMessage; err == nil || err.Error() != want {
			t.Errorf("New with Config credentials: %v, want %q", err, want)
		}
	}
	// No client id of the end user's: the required value's error, sending nothing.
	c, err := okta.New(okta.Config{RedirectURL: "https://platform/cb", Params: okta.Params{Domain: "evil.example"}}, hc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exchange(context.Background(), "CODE", oauth2.VerifierOption(euhVerifier)); err == nil || !strings.HasSuffix(err.Error(), ": okta: client_id is required") {
		t.Errorf("Exchange without the end user's client id: %v, want okta: client_id is required", err)
	}
	if len(r.reqs) != 0 {
		t.Fatalf("sent %d requests without a client id", len(r.reqs))
	}
	c, err = okta.New(okta.Config{RedirectURL: "https://platform/cb",
		Params: okta.Params{Domain: "evil.example", ClientID: "user-id", ClientSecret: "user-secret"}}, hc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exchange(context.Background(), "CODE", oauth2.VerifierOption(euhVerifier)); err != nil {
		t.Fatal(err)
	}
	if len(r.reqs) == 0 || !strings.HasPrefix(r.reqs[0], "https://evil.example/oauth2/default/v1/token\n") ||
		!strings.Contains(r.reqs[0], "client_id=user-id&client_secret=user-secret&") {
		t.Errorf("requests %q: want the token request to evil.example with the end user's credentials", r.reqs)
	}
	for _, s := range r.reqs {
		if strings.Contains(s, "PLATFORM") {
			t.Errorf("the platform's credentials were sent: %q", s)
		}
	}
}

// A connection of an end_user_hosted package sends the end user's own client secret,
// not the "[redacted]" its JSON form would keep: Begin keeps a password's value.
func TestEndUserHostedConnectionSendsTheEndUsersSecret(t *testing.T) {
	r := &recorder{}
	c, err := okta.New(okta.Config{RedirectURL: "https://platform/cb", Params: okta.Params{ClientID: "user-id", ClientSecret: "user-secret"}},
		runtime.WithHTTPClient(&http.Client{Transport: r}))
	if err != nil {
		t.Fatal(err)
	}
	cs := c.Connections(&memstore.Store{})
	u, err := cs.Begin(context.Background(), "k", okta.Params{Domain: "acme.example"})
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
	if len(r.reqs) == 0 || !strings.HasPrefix(r.reqs[0], "https://acme.example/oauth2/default/v1/token\n") ||
		!strings.Contains(r.reqs[0], "client_id=user-id&client_secret=user-secret&") {
		t.Errorf("requests %q: want the token request with the end user's credentials", r.reqs)
	}
}
