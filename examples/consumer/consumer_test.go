package consumer_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"example.com/consumer"
	"example.com/consumer/generated/hubspot"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// The generated package of this module's own connector file runs HubSpot's flow
// against oauthtest playing the provider the same file describes (JSON token
// requests, its endpoints), with what the file cannot say set by hand: 30-minute
// tokens and the same refresh token on refresh.
func TestHubSpotFlow(t *testing.T) {
	conn, err := model.Load("connectors/hubspot.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	p, err := oauthtest.ForConnector(conn, oauthtest.ConnectorOptions{ClientID: "app-1", ClientSecret: "secret-1",
		RedirectURL: "https://app.example.com/cb", Params: map[string]any{"scope": "content"}, ExpiresIn: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Update(func(c *oauthtest.Config) { c.Rotation, c.Now = oauthtest.KeepSame, func() time.Time { return now } })
	p.Redirect.Unrouted = func(r *http.Request) { t.Errorf("request to %s, which the connector does not declare", r.URL) }
	c, err := consumer.NewHubSpot("app-1", "secret-1", "https://app.example.com/cb", "content",
		runtime.WithHTTPClient(p.HTTPClient()), runtime.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	state := runtime.NewState()
	authURL := c.AuthCodeURL(state)
	real, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	if real.Host != "app.hubspot.com" {
		t.Errorf("authorize URL host %q", real.Host)
	}
	if scope := real.Query().Get("scope"); !strings.HasSuffix(scope, " tickets content") {
		t.Errorf("scope %q does not end in the extra scope", scope)
	}
	callback, err := p.Authorize(authURL) // what the browser brings back from the fake provider
	if err != nil {
		t.Fatal(err)
	}
	if !runtime.EqualState(callback.Get("state"), state) {
		t.Fatal("state changed")
	}
	code, err := c.CodeFromCallback(callback)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Exchange(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := p.LastRequest("token"); r.BodyType != "json" {
		t.Errorf("token request body %q, want json", r.BodyType)
	}
	api := c.HTTPClient(ctx, tok)
	get := func(when string) {
		t.Helper()
		resp, err := api.Get(c.BaseURL() + "crm/v3/objects/contacts")
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", when, resp.Status)
		}
	}
	get("after the exchange")
	now = now.Add(time.Hour) // expired: the client refreshes before the call
	get("after expiry")
	if n := p.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	if _, err := c.Refresh(ctx, tok.RefreshToken); err != nil {
		t.Errorf("refresh with the kept refresh token: %v", err)
	}

	if _, err := hubspot.New(hubspot.Config{}); err == nil || err.Error() != "hubspot: the client id is empty" {
		t.Errorf("New without a client id: %v", err)
	}
}
