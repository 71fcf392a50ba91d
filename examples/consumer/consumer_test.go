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

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// toFake sends the requests for HubSpot's authorize and token endpoints and API to
// the fake provider.
func toFake(t *testing.T, p *oauthtest.Provider) *oauthtest.Redirect {
	t.Helper()
	rt, err := p.Redirect(map[string]string{
		"https://app.hubspot.com/oauth/authorize": p.AuthorizeURL(),
		"https://api.hubapi.com/oauth/v1/token":   p.TokenURL(),
		"https://api.hubapi.com/*":                p.APIURL(""),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// The generated package of this module's own connector file runs HubSpot's flow
// against oauthtest playing HubSpot: JSON token requests, 30-minute tokens, the same
// refresh token on refresh.
func TestHubSpotFlow(t *testing.T) {
	now := time.Now()
	p := oauthtest.New(oauthtest.Config{ClientID: "app-1", ClientSecret: "secret-1", AcceptJSON: true,
		ExpiresIn: 30 * time.Minute, Rotation: oauthtest.KeepSame, Now: func() time.Time { return now }})
	defer p.Close()
	rt := toFake(t, p)
	c, err := consumer.NewHubSpot("app-1", "secret-1", "https://app.example.com/cb", "content",
		runtime.WithHTTPClient(&http.Client{Transport: rt}), runtime.WithClock(func() time.Time { return now }))
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
	fakeURL, err := rt.URL(authURL) // what the browser would open, at the fake provider
	if err != nil {
		t.Fatal(err)
	}
	callback, err := p.Authorize(fakeURL)
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
