package runtime_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
	"golang.org/x/oauth2"
)

// expired returns an issued token pair that the client considers expired.
func expiredToken(p *oauthtest.Provider) *oauth2.Token {
	is := p.IssueToken()
	return &oauth2.Token{AccessToken: is.AccessToken, RefreshToken: is.RefreshToken, Expiry: time.Now().Add(-time.Minute), ExpiresIn: 3600}
}

func TestConcurrentCallersRefreshOnce(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Latency: 20 * time.Millisecond})
	var hooks atomic.Int32
	c := newClient(p, stdFlow(p), runtime.WithTokenHook(func(context.Context, *oauth2.Token) { hooks.Add(1) }))
	old := expiredToken(p)
	src := c.TokenSource(context.Background(), old)
	var wg sync.WaitGroup
	toks := make([]*oauth2.Token, 100)
	errs := make([]error, 100)
	start := make(chan struct{})
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			toks[i], errs[i] = src.Token()
		}()
	}
	close(start)
	wg.Wait()
	for i := range 100 {
		if errs[i] != nil || toks[i] == nil || toks[i].AccessToken != toks[0].AccessToken || toks[i].AccessToken == old.AccessToken {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
	}
	if n := p.Stats().Refreshes; n != 1 {
		t.Errorf("%d refresh requests, want 1", n)
	}
	if hooks.Load() != 1 {
		t.Errorf("hook called %d times, want 1", hooks.Load())
	}
}

func TestRotation(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Rotation: oauthtest.Rotate})
	c := newClient(p, stdFlow(p))
	tok := login(t, p, c)
	t2, err := c.RefreshToken(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if t2.RefreshToken == tok.RefreshToken || t2.RefreshToken == "" {
		t.Error("refresh token not rotated")
	}
	// Reusing the rotated-out refresh token is invalid_grant.
	_, err = c.RefreshToken(context.Background(), tok)
	if !runtime.IsInvalidGrant(err) {
		t.Fatalf("reuse: %v", err)
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.ErrorDescription != "refresh token reused" {
		t.Errorf("RetrieveError %+v", re)
	}
	if p.Stats().InvalidGrants != 1 {
		t.Errorf("invalid grants %d", p.Stats().InvalidGrants)
	}
	if _, err := c.RefreshToken(context.Background(), t2); err != nil {
		t.Errorf("new refresh token: %v", err)
	}
}

func TestNonRotationKeepsRefreshToken(t *testing.T) {
	for _, rot := range []oauthtest.Rotation{oauthtest.Omit, oauthtest.KeepSame} {
		p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Rotation: rot})
		clk := newClock()
		c := newClient(p, stdFlow(p), runtime.WithClock(clk.Now))
		old := expiredToken(p)
		old.Expiry = clk.Now().Add(-time.Minute)
		src := c.TokenSource(context.Background(), old)
		first, _ := src.Token()
		p.InvalidateAccessTokens()
		for range 3 {
			resp, err := runtime.ClientFor(context.Background(), c, src).Get(p.APIURL("/a"))
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("rotation %d: %v", rot, err)
			}
			resp.Body.Close()
			p.InvalidateAccessTokens()
			// A token renewed because the API refused its predecessor is not renewed
			// again for the same reason right away (see TestRepeatedRejectionRenewsOnce).
			clk.Add(11 * time.Second)
		}
		last, _ := src.Token()
		if last.RefreshToken != first.RefreshToken || last.AccessToken == first.AccessToken {
			t.Errorf("rotation %d: refresh token changed or access token not renewed", rot)
		}
	}
}

func TestPermanentTokens(t *testing.T) {
	p := provider(t, oauthtest.Config{NoRefreshToken: true})
	t.Run("flow permanent", func(t *testing.T) {
		f := stdFlow(p)
		f.Permanent = true
		c := newClient(p, f)
		tok := &oauth2.Token{AccessToken: p.IssueToken().AccessToken, RefreshToken: "r", Expiry: time.Now().Add(-time.Hour)}
		got, err := c.TokenSource(context.Background(), tok).Token()
		if err != nil || got != tok {
			t.Errorf("permanent token changed: %v", err)
		}
	})
	t.Run("no refresh token and no expiry", func(t *testing.T) {
		c := newClient(p, stdFlow(p))
		tok := login(t, p, c)
		if tok.RefreshToken != "" || !tok.Expiry.IsZero() {
			t.Fatal("provider issued a refresh token or expiry")
		}
		src := c.TokenSource(context.Background(), tok)
		for range 3 {
			got, err := src.Token()
			if err != nil || got != tok {
				t.Fatal("permanent token replaced")
			}
		}
		// A 401 does not cause a refresh attempt either.
		p.InvalidateAccessTokens()
		resp, err := runtime.ClientFor(context.Background(), c, src).Get(p.APIURL("/x"))
		if err != nil || resp.StatusCode != 401 {
			t.Fatalf("want the 401 back: %v", err)
		}
		resp.Body.Close()
	})
	if n := p.Stats().Refreshes; n != 0 {
		t.Errorf("%d refreshes of permanent tokens", n)
	}
	t.Run("expired without refresh token", func(t *testing.T) {
		c := newClient(p, stdFlow(p))
		_, err := c.TokenSource(context.Background(), &oauth2.Token{AccessToken: "a", Expiry: time.Now().Add(-time.Second)}).Token()
		if !errors.Is(err, runtime.ErrNoRefreshToken) {
			t.Errorf("got %v", err)
		}
	})
}

func TestShortLivedTokens(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: 2 * time.Minute})
	clk := newClock()
	c := newClient(p, stdFlow(p), runtime.WithClock(clk.Now))
	tok := login(t, p, c)
	src := c.TokenSource(context.Background(), tok)
	// Window is half the lifetime: one minute.
	clk.Add(50 * time.Second)
	if got, _ := src.Token(); got.AccessToken != tok.AccessToken {
		t.Error("refreshed with 70s of 120s left")
	}
	clk.Add(15 * time.Second)
	got, err := src.Token()
	if err != nil || got.AccessToken == tok.AccessToken {
		t.Fatalf("not refreshed with 55s left: %v", err)
	}
	if n := p.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes", n)
	}
	// The new token has its own two-minute lifetime and is not refreshed again at once.
	for range 5 {
		src.Token()
	}
	if n := p.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes after new token", n)
	}
	// The flow's window is capped at half the lifetime.
	f2 := stdFlow(p)
	f2.RefreshBefore = time.Hour
	c2 := newClient(p, f2, runtime.WithClock(clk.Now))
	t2 := &oauth2.Token{AccessToken: "x", RefreshToken: "y", Expiry: clk.Now().Add(100 * time.Second), ExpiresIn: 120}
	if got, _ := c2.TokenSource(context.Background(), t2).Token(); got != t2 {
		t.Error("window not capped at half the lifetime")
	}
}

func TestRefreshFailure(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour})
	clk := newClock()
	c := newClient(p, stdFlow(p), runtime.WithClock(clk.Now))
	tok := login(t, p, c)
	p.Update(func(cfg *oauthtest.Config) {
		cfg.TokenFaults = []oauthtest.Fault{{Status: 503, Body: "<html>down</html>"}}
	})
	src := c.TokenSource(context.Background(), tok)
	// Due but still valid: the old token is served and the refresh retried later.
	clk.Add(40 * time.Minute)
	got, err := src.Token()
	if err != nil || got.AccessToken != tok.AccessToken {
		t.Fatalf("valid token not served while refresh fails: %v", err)
	}
	n := len(p.RequestsTo("token"))
	src.Token()
	if len(p.RequestsTo("token")) != n {
		t.Error("failed refresh retried at once")
	}
	// Expired: a typed error.
	clk.Add(time.Hour)
	_, err = src.Token()
	var te *runtime.TokenError
	if !errors.As(err, &te) || te.Op != runtime.OpRefresh || te.StatusCode != 503 {
		t.Fatalf("expired and failing: %v", err)
	}
}

func TestAPIRetry(t *testing.T) {
	ctx := context.Background()
	t.Run("401 then success replays the body", func(t *testing.T) {
		p := provider(t, oauthtest.Config{ExpiresIn: time.Hour})
		c := newClient(p, stdFlow(p))
		tok := login(t, p, c)
		p.InvalidateAccessTokens()
		hc := c.HTTPClient(ctx, tok)
		req, _ := http.NewRequest("POST", p.APIURL("/items"), strings.NewReader(`{"name":"x"}`))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `{\"name\":\"x\"}`) {
			t.Fatalf("status %d body %s", resp.StatusCode, body)
		}
		api := p.RequestsTo("api")
		if len(api) != 2 || string(api[1].Body) != `{"name":"x"}` {
			t.Fatalf("%d API requests", len(api))
		}
		if api[0].Header.Get("Authorization") == api[1].Header.Get("Authorization") {
			t.Error("retry used the same token")
		}
		if s := p.Stats(); s.Refreshes != 1 || s.APIRejected != 1 {
			t.Errorf("stats %+v", s)
		}
		if req.Header.Get("Authorization") != "" {
			t.Error("caller's request modified")
		}
	})
	t.Run("401 twice returns the second 401", func(t *testing.T) {
		p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, APIFaults: []oauthtest.Fault{{Status: 401, Body: `{"error":"invalid_token"}`}}})
		c := newClient(p, stdFlow(p))
		tok := login(t, p, c)
		resp, err := c.HTTPClient(ctx, tok).Get(p.APIURL("/x"))
		if err != nil || resp.StatusCode != 401 {
			t.Fatalf("%v", err)
		}
		resp.Body.Close()
		if s := p.Stats(); s.APICalls != 2 || s.Refreshes != 1 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("403 refreshes too; body without GetBody is not retried", func(t *testing.T) {
		p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, APIFaults: []oauthtest.Fault{{Status: 403, Body: `{}`, Times: 1}}})
		c := newClient(p, stdFlow(p))
		tok := login(t, p, c)
		hc := c.HTTPClient(ctx, tok)
		req, _ := http.NewRequest("PUT", p.APIURL("/x"), io.NopCloser(strings.NewReader("data")))
		resp, err := hc.Do(req)
		if err != nil || resp.StatusCode != 403 {
			t.Fatalf("%v", err)
		}
		resp.Body.Close()
		if s := p.Stats(); s.APICalls != 1 || s.Refreshes != 0 {
			t.Errorf("stats %+v", s)
		}
		p.Update(func(cfg *oauthtest.Config) { cfg.APIFaults = []oauthtest.Fault{{Status: 403, Body: `{}`, Times: 1}} })
		resp, err = hc.Get(p.APIURL("/x"))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("403 then success: %v %d", err, resp.StatusCode)
		}
		resp.Body.Close()
		if s := p.Stats(); s.Refreshes != 1 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("concurrent 401s refresh once", func(t *testing.T) {
		p := provider(t, oauthtest.Config{ExpiresIn: time.Hour})
		c := newClient(p, stdFlow(p))
		hc := c.HTTPClient(ctx, login(t, p, c))
		p.InvalidateAccessTokens()
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := hc.Get(p.APIURL("/x"))
				if err != nil || resp.StatusCode != 200 {
					t.Errorf("%v", err)
					return
				}
				resp.Body.Close()
			}()
		}
		wg.Wait()
		if n := p.Stats().Refreshes; n != 1 {
			t.Errorf("%d refreshes", n)
		}
	})
}

func TestAPIAuthFormats(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		cfg  oauthtest.Config
		api  func(p *oauthtest.Provider) runtime.APIAuth
		want func(r oauthtest.Request, tok string) bool
	}{
		{"custom header and prefix", oauthtest.Config{APIHeader: "X-Api-Key", APIFormat: "Token token={token}"},
			func(*oauthtest.Provider) runtime.APIAuth {
				return runtime.APIAuth{HeaderKey: "x-api-key", Value: runtime.Func(func(v *runtime.Vars) string { return "Token token=" + v.Token })}
			},
			func(r oauthtest.Request, tok string) bool { return r.Header.Get("X-Api-Key") == "Token token="+tok }},
		{"base64 encoded", oauthtest.Config{APIFormat: "Basic {token}", APIBase64: true},
			func(*oauthtest.Provider) runtime.APIAuth {
				return runtime.APIAuth{Value: runtime.Func(func(v *runtime.Vars) string { return "Basic " + b64(v.Token) })}
			},
			func(r oauthtest.Request, tok string) bool { return r.Header.Get("Authorization") == "Basic "+b64(tok) }},
		{"query parameter with extra headers and query", oauthtest.Config{APIQuery: "auth"},
			func(*oauthtest.Provider) runtime.APIAuth {
				return runtime.APIAuth{InQuery: true, QueryKey: "auth", ContentType: "application/json",
					Headers: []runtime.Arg{{Key: "x-version", Value: runtime.String("2")}},
					Query:   []runtime.Arg{{Key: "format", Value: runtime.String("json")}}}
			},
			func(r oauthtest.Request, tok string) bool {
				return r.URL == "/api/x?a=1&format=json&auth="+tok && r.Header.Get("Authorization") == "" &&
					r.Header.Get("X-Version") == "2" && r.Header.Get("Content-Type") == "application/json"
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := provider(t, tc.cfg)
			f := stdFlow(p)
			f.API = tc.api(p)
			c := newClient(p, f)
			tok := login(t, p, c)
			resp, err := c.HTTPClient(ctx, tok).Post(p.APIURL("/x?a=1"), "", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			r, _ := p.LastRequest("api")
			if resp.StatusCode != 200 || !tc.want(r, tok.AccessToken) {
				t.Errorf("status %d, request %s %v", resp.StatusCode, r.URL, r.Header)
			}
		})
	}
}

func TestStoreSharedByReplicas(t *testing.T) {
	for _, locker := range []bool{true, false} {
		p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Rotation: oauthtest.Rotate, Latency: 10 * time.Millisecond})
		var store runtime.TokenStore = &memstore.Store{}
		if !locker {
			store = casOnly{store}
		}
		old := expiredToken(p)
		if err := store.Save(context.Background(), "conn-1", nil, old); err != nil {
			t.Fatal(err)
		}
		// Five replicas, each its own Client and TokenSource, twenty callers each.
		var wg sync.WaitGroup
		var failures atomic.Int32
		for range 5 {
			c := newClient(p, stdFlow(p), runtime.WithStore(store, "conn-1"))
			src := c.TokenSource(context.Background(), nil)
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := src.Token(); err != nil {
						failures.Add(1)
					}
				}()
			}
		}
		wg.Wait()
		stored, _ := store.Load(context.Background(), "conn-1")
		if locker {
			if n := p.Stats().Refreshes; n != 1 || failures.Load() != 0 {
				t.Errorf("with a Locker: %d refreshes, %d failures; want 1, 0", n, failures.Load())
			}
		} else if p.Stats().Refreshes < 1 || stored.AccessToken == old.AccessToken {
			t.Errorf("without a Locker: stored token not renewed")
		}
		if stored.AccessToken == old.AccessToken {
			t.Error("store not updated")
		}
	}
}

// casOnly hides the Locker of a store.
type casOnly struct{ runtime.TokenStore }

func TestStoreKeepsTokenWhenRefreshFails(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour})
	store := &memstore.Store{}
	old := expiredToken(p)
	p.Update(func(cfg *oauthtest.Config) {
		cfg.TokenFaults = []oauthtest.Fault{{Status: 400, Body: `{"error":"invalid_grant"}`}}
	})
	c := newClient(p, stdFlow(p), runtime.WithStore(store, "k"))
	_, err := c.TokenSource(context.Background(), old).Token()
	if !runtime.IsInvalidGrant(err) {
		t.Fatalf("got %v", err)
	}
	stored, err := store.Load(context.Background(), "k")
	if err != nil || stored != old {
		t.Errorf("store lost the old token: %v", err)
	}
}

// downStore is a TokenStore (not a Locker) whose saves fail while down is set.
type downStore struct {
	mem  memstore.Store
	down atomic.Bool
}

func (d *downStore) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	return d.mem.Load(ctx, key)
}

// The rest of TokenStore, as the in-memory store does it.

func (d *downStore) Delete(ctx context.Context, key string) error { return d.mem.Delete(ctx, key) }
func (d *downStore) DueKeys(ctx context.Context, t time.Time, limit int) ([]string, error) {
	return d.mem.DueKeys(ctx, t, limit)
}
func (d *downStore) SavePending(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	return d.mem.SavePending(ctx, id, data, ttl)
}
func (d *downStore) TakePending(ctx context.Context, id string) ([]byte, error) {
	return d.mem.TakePending(ctx, id)
}

func (d *downStore) Save(ctx context.Context, key string, prev, next *oauth2.Token) error {
	if d.down.Load() {
		return errors.New("store unreachable")
	}
	return d.mem.Save(ctx, key, prev, next)
}

// A renewed token that the store cannot save is served, handed to the hook, and saved
// once the store is back: with rotating refresh tokens, the token still in the store
// is already spent.
func TestStoreDownKeepsRenewedToken(t *testing.T) {
	ctx := context.Background()
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Rotation: oauthtest.Rotate})
	clk := newClock()
	store := &downStore{}
	old := expiredToken(p)
	old.Expiry = clk.Now().Add(-time.Minute)
	if err := store.mem.Save(ctx, "k", nil, old); err != nil {
		t.Fatal(err)
	}
	var hooked atomic.Int32
	c := newClient(p, stdFlow(p), runtime.WithStore(store, "k"), runtime.WithClock(clk.Now),
		runtime.WithTokenHook(func(context.Context, *oauth2.Token) { hooked.Add(1) }))
	ts := c.TokenSource(ctx, nil)

	store.down.Store(true)
	tok, err := ts.Token()
	if err != nil {
		t.Fatalf("refresh while the store is down: %v", err)
	}
	if tok.AccessToken == old.AccessToken || hooked.Load() != 1 {
		t.Fatalf("got the old token or no hook call (hook calls %d)", hooked.Load())
	}
	if again, err := ts.Token(); err != nil || again.AccessToken != tok.AccessToken {
		t.Fatalf("second call while down: %v, same token %v", err, err == nil && again.AccessToken == tok.AccessToken)
	}
	if stored, _ := store.Load(ctx, "k"); stored.AccessToken != old.AccessToken {
		t.Fatal("the store changed while it was down")
	}

	store.down.Store(false)
	clk.Add(2 * time.Second)
	if again, err := ts.Token(); err != nil || again.AccessToken != tok.AccessToken {
		t.Fatalf("after the store came back: %v", err)
	}
	if stored, _ := store.Load(ctx, "k"); stored.AccessToken != tok.AccessToken {
		t.Fatal("the renewed token was not saved once the store came back")
	}
	if n := p.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes reached the provider, want 1", n)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestRejectedTokenWithFailingRefreshBacksOff(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour})
	c := newClient(p, stdFlow(p))
	hc := c.HTTPClient(context.Background(), login(t, p, c))
	p.InvalidateAccessTokens()
	p.Update(func(cfg *oauthtest.Config) {
		cfg.TokenFaults = []oauthtest.Fault{{Status: 400, Body: `{"error":"invalid_grant"}`}}
	})
	for range 5 {
		resp, err := hc.Get(p.APIURL("/x"))
		if err != nil || resp.StatusCode != 401 {
			t.Fatalf("%v", err)
		}
		resp.Body.Close()
	}
	if n := len(p.RequestsTo("token")); n != 2 { // the exchange and one refresh attempt
		t.Errorf("%d token requests, want 2", n)
	}
}

// A token hook that panics during a renewal (and is recovered further up, as
// net/http recovers handler panics) must not leave the source waiting forever for a
// renewal that will never end.
func TestPanickingHookDoesNotHangTheSource(t *testing.T) {
	// The renewed token is lost with the panic, so the next call renews again: a
	// provider that keeps the refresh token lets it succeed.
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Rotation: oauthtest.KeepSame})
	var panics atomic.Int32
	c := newClient(p, stdFlow(p), runtime.WithTokenHook(func(context.Context, *oauth2.Token) {
		if panics.Add(1) == 1 {
			panic("hook failed")
		}
	}))
	ts := c.TokenSource(context.Background(), expiredToken(p))
	func() {
		defer func() { _ = recover() }()
		ts.Token()
	}()
	if panics.Load() != 1 {
		t.Fatal("the hook was not called")
	}
	done := make(chan error, 1)
	go func() {
		_, err := ts.Token()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Token after a panicking hook: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Token hangs after a renewal panicked")
	}
}

// An API that keeps refusing (a 403 for a scope the user did not grant, say) is not
// fixed by new tokens: a burst of refused calls causes one renewal, not one per call.
func TestRepeatedRejectionRenewsOnce(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Rotation: oauthtest.Rotate})
	clk := newClock()
	c := newClient(p, stdFlow(p), runtime.WithClock(clk.Now))
	tok := login(t, p, c)
	p.Update(func(cfg *oauthtest.Config) {
		cfg.APIFaults = []oauthtest.Fault{{Status: 403, Body: `{"error":"insufficient_scope"}`, Times: 100}}
	})
	hc := c.HTTPClient(context.Background(), tok)
	for range 10 {
		resp, err := hc.Get(p.APIURL("/a"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("status %d, want the API's 403", resp.StatusCode)
		}
	}
	if n := p.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes for 10 refused calls, want 1", n)
	}
	// Later, a refusal may again be cured by a new token.
	clk.Add(11 * time.Second)
	resp, err := hc.Get(p.APIURL("/a"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := p.Stats().Refreshes; n != 2 {
		t.Errorf("%d refreshes after the pause, want 2", n)
	}
}
