package runtime_test

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

const (
	testID       = "client-id-1"
	testSecret   = "s3cr3t-VALUE-xyz"
	testRedirect = "https://app.example/callback"
)

// stdFlow is an RFC 6749 flow against p.
func stdFlow(p *oauthtest.Provider) *runtime.Flow {
	return &runtime.Flow{
		Connector:     "Test",
		AuthorizeURL:  runtime.String(p.AuthorizeURL()),
		AuthorizeArgs: []runtime.Arg{{Key: "response_type", Value: runtime.String("code")}, {Key: "scope", Value: runtime.String("read write")}},
		TokenURL:      runtime.String(p.TokenURL()),
		RevokeURL:     runtime.String(p.RevokeURL()),
		ExchangeArgs:  []runtime.Arg{{Key: "grant_type", Value: runtime.String("authorization_code")}},
		RefreshArgs:   []runtime.Arg{{Key: "grant_type", Value: runtime.String("refresh_token")}},
	}
}

func provider(t testing.TB, cfg oauthtest.Config) *oauthtest.Provider {
	t.Helper()
	if cfg.ClientID == "" {
		cfg.ClientID = testID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = testSecret
	}
	p := oauthtest.New(cfg)
	t.Cleanup(p.Close)
	return p
}

func newClient(p *oauthtest.Provider, f *runtime.Flow, opts ...runtime.Option) *runtime.Client {
	opts = append([]runtime.Option{runtime.WithHTTPClient(p.Client())}, opts...)
	return runtime.New(f, runtime.Credentials{ClientID: testID, ClientSecret: testSecret, RedirectURL: testRedirect}, opts...)
}

// authorize runs the browser part and returns the callback query.
func authorize(t testing.TB, p *oauthtest.Provider, c *runtime.Client, opts ...oauth2.AuthCodeOption) url.Values {
	t.Helper()
	state := runtime.NewState()
	q, err := p.Authorize(c.AuthCodeURL(state, opts...))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if !runtime.EqualState(q.Get("state"), state) {
		t.Fatalf("state %q, want %q", q.Get("state"), state)
	}
	return q
}

// login runs authorize and exchange and returns the token.
func login(t testing.TB, p *oauthtest.Provider, c *runtime.Client) *oauth2.Token {
	t.Helper()
	tok, err := c.ExchangeCallback(context.Background(), authorize(t, p, c))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
