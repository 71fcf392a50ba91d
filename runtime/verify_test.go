package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// Verify sends the flow's test request body and headers, rendered with the token's
// values, and sends them again when a 401 makes it renew the token and retry.
func TestVerifyBodyAndHeaders(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Extra: map[string]any{"org": "acme"}})
	f := stdFlow(p)
	f.Metadata = []runtime.Field{{Name: "org", Path: runtime.Path{"org"}}}
	f.API.ContentType = "application/json"
	f.TestBody = runtime.String(`{"query": "{ viewer { id } }"}`)
	f.TestHeaders = []runtime.Arg{{Key: "X-Org", Value: runtime.Func(func(v *runtime.Vars) string { return v.Credentials["org"] })}}
	c := newClient(p, f)
	ctx := context.Background()
	tok, err := c.ExchangeCallback(ctx, authorize(t, p, c))
	if err != nil {
		t.Fatal(err)
	}
	p.InvalidateAccessTokens() // the first attempt is refused: refresh, then retry
	if err := c.Verify(ctx, tok, "POST", p.APIURL("/graphql")); err != nil {
		t.Fatal(err)
	}
	reqs := p.RequestsTo("api")
	if len(reqs) != 2 {
		t.Fatalf("%d API requests, want the refused one and the retry", len(reqs))
	}
	for i, r := range reqs {
		if r.Method != "POST" || string(r.Body) != `{"query": "{ viewer { id } }"}` || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Org") != "acme" {
			t.Errorf("request %d: %s %q Content-Type %q X-Org %q", i, r.Method, r.Body, r.Header.Get("Content-Type"), r.Header.Get("X-Org"))
		}
	}

	// Without a body, Verify sends none.
	p.ResetLog()
	f.TestBody, f.TestHeaders = runtime.Text{}, nil
	c = newClient(p, f)
	if tok, err = c.ExchangeCallback(ctx, authorize(t, p, c)); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, tok, "GET", p.APIURL("/me")); err != nil {
		t.Fatal(err)
	}
	r, ok := p.LastRequest("api")
	if !ok || r.Method != "GET" || len(r.Body) != 0 || r.Header.Get("X-Org") != "" {
		t.Errorf("test request without a body: %v %s body %q, X-Org %q", ok, r.Method, r.Body, r.Header.Get("X-Org"))
	}
}
