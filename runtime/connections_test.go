package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// connSetup is a connector whose end-user value "host" names the provider an end user
// connects to (as a shop names a Shopify store), with its providers, a store and a
// clock the test moves.
type connSetup struct {
	t         *testing.T
	providers map[string]*oauthtest.Provider
	store     *memstore.Store
	cs        *runtime.Connections
	now       atomic.Pointer[time.Time]
	reauth    atomic.Int32
	tokens    atomic.Int32
	logs      bytes.Buffer
	logMu     sync.Mutex
}

func (s *connSetup) clock() time.Time { return *s.now.Load() }

func (s *connSetup) advance(d time.Duration) {
	n := s.clock().Add(d)
	s.now.Store(&n)
}

func (s *connSetup) Write(p []byte) (int, error) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.logs.Write(p)
}

func newConnSetup(t *testing.T, cfg oauthtest.Config, hosts ...string) *connSetup {
	t.Helper()
	s := &connSetup{t: t, providers: map[string]*oauthtest.Provider{}, store: &memstore.Store{}}
	now := time.Now()
	s.now.Store(&now)
	if len(hosts) == 0 {
		hosts = []string{"a"}
	}
	for _, h := range hosts {
		c := cfg
		c.Now = s.clock
		if c.ExpiresIn == 0 {
			c.ExpiresIn = time.Hour
		}
		s.providers[h] = provider(t, c)
	}
	build := func(values map[string]any) (*runtime.Client, error) {
		h, _ := values["host"].(string)
		p := s.providers[h]
		if p == nil {
			return nil, errors.New("test: host is required")
		}
		f := stdFlow(p)
		f.Issuer = p.URL // RFC 9207: a callback's iss, when present, must be this
		if cfg.RequirePKCE {
			f.PKCE = runtime.PKCES256
		}
		if _, ok := cfg.Extra["refresh_token_expires_in"]; ok {
			f.RefreshExpiresIn = runtime.Path{"refresh_token_expires_in"}
		}
		return newClient(p, f, runtime.WithClock(s.clock)), nil
	}
	s.cs = runtime.NewConnections("Test", build, s.store,
		runtime.OnReauthNeeded(func(ctx context.Context, key string, err error) {
			if !runtime.IsInvalidGrant(err) {
				t.Errorf("OnReauthNeeded(%s): IsInvalidGrant is false for %v", key, err)
			}
			s.reauth.Add(1)
		}),
		runtime.OnToken(func(ctx context.Context, key string, tok *oauth2.Token) { s.tokens.Add(1) }),
		runtime.WithLogger(slog.New(slog.NewJSONHandler(s, nil))),
	)
	return s
}

// connect runs Begin, the provider's authorize step and Complete for key.
func (s *connSetup) connect(key, host string) *oauth2.Token {
	s.t.Helper()
	q := s.callback(key, host)
	got, tok, err := s.cs.Complete(context.Background(), q)
	if err != nil || got != key {
		s.t.Fatalf("Complete: key %q, %v", got, err)
	}
	return tok
}

func (s *connSetup) callback(key, host string) url.Values {
	s.t.Helper()
	u, err := s.cs.Begin(context.Background(), key, map[string]any{"host": host})
	if err != nil {
		s.t.Fatalf("Begin: %v", err)
	}
	q, err := s.providers[host].Authorize(u)
	if err != nil {
		s.t.Fatalf("Authorize: %v", err)
	}
	return q
}

// apiCall makes an API call of key's connection and returns its status.
func (s *connSetup) apiCall(key, host string) int {
	s.t.Helper()
	resp, err := s.cs.HTTPClient(context.Background(), key).Get(s.providers[host].APIURL("me"))
	if err != nil {
		s.t.Fatalf("API call: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestConnectionsLifecycle(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{RequirePKCE: true})
	ctx := context.Background()
	p := s.providers["a"]
	tok := s.connect("user-1", "a")

	// The connection is stored under its key, with the end user's values.
	stored, err := s.store.Load(ctx, "user-1")
	if err != nil || stored.AccessToken != tok.AccessToken {
		t.Fatalf("store.Load: %v", err)
	}
	if v, _ := stored.Extra("oauthgen_values").(map[string]any); v["host"] != "a" {
		t.Errorf("stored values: %v", stored.Extra("oauthgen_values"))
	}
	if got, err := s.cs.Token(ctx, "user-1"); err != nil || got.AccessToken != tok.AccessToken {
		t.Fatalf("Token: %v", err)
	}
	if st := s.apiCall("user-1", "a"); st != http.StatusOK {
		t.Fatalf("API call: %d", st)
	}

	// Refresh goes through the store: the next call uses the rotated token, and the
	// provider sees no reuse.
	r, err := s.cs.Refresh(ctx, "user-1")
	if err != nil || r.AccessToken == tok.AccessToken {
		t.Fatalf("Refresh: %v", err)
	}
	if stored, _ := s.store.Load(ctx, "user-1"); stored.AccessToken != r.AccessToken {
		t.Errorf("the store does not hold the refreshed token")
	}
	s.advance(2 * time.Hour) // expired: the next call refreshes again, with the rotated refresh token
	if st := s.apiCall("user-1", "a"); st != http.StatusOK {
		t.Fatalf("API call after expiry: %d", st)
	}
	if st := p.Stats(); st.Refreshes != 2 || st.InvalidGrants != 0 {
		t.Errorf("provider saw %d refreshes, %d invalid_grant; want 2, 0", st.Refreshes, st.InvalidGrants)
	}
	if n := s.tokens.Load(); n != 3 {
		t.Errorf("OnToken called %d times, want 3 (exchange, 2 refreshes)", n)
	}

	// Disconnect revokes and deletes.
	if err := s.cs.Disconnect(ctx, "user-1"); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if p.Stats().Revocations != 1 {
		t.Errorf("Disconnect did not revoke")
	}
	if _, err := s.store.Load(ctx, "user-1"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("store.Load after Disconnect: %v, want ErrNotFound", err)
	}
	if _, err := s.cs.Token(ctx, "user-1"); !errors.Is(err, runtime.ErrNotConnected) || err.Error() != `oauthgen: Test: no connection under key "user-1"` {
		t.Errorf("Token after Disconnect: %v, want ErrNotConnected naming the key", err)
	}
	if err := s.cs.Disconnect(ctx, "user-1"); !errors.Is(err, runtime.ErrNotConnected) {
		t.Errorf("second Disconnect: %v, want ErrNotConnected", err)
	}

	// An unknown key's HTTP client sends nothing.
	p.ResetLog()
	_, err = s.cs.HTTPClient(ctx, "nobody").Get(p.APIURL("me"))
	if !errors.Is(err, runtime.ErrNotConnected) {
		t.Errorf("API call of an unknown key: %v, want ErrNotConnected", err)
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("an unknown key's client sent %d requests", n)
	}
	s.checkLogs(t, tok, r)
}

// checkLogs checks that the log has lines and holds no token, secret or code.
func (s *connSetup) checkLogs(t *testing.T, toks ...*oauth2.Token) {
	t.Helper()
	s.logMu.Lock()
	logs := s.logs.String()
	s.logMu.Unlock()
	for _, op := range []string{`"op":"exchange"`, `"op":"refresh"`, `"op":"disconnect"`} {
		if !strings.Contains(logs, op) {
			t.Errorf("no %s line in the log", op)
		}
	}
	secrets := []string{testSecret}
	for _, tok := range toks {
		secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
	}
	for _, p := range s.providers {
		for _, r := range p.Requests() {
			for _, k := range []string{"code", "code_verifier", "refresh_token", "token"} {
				if v := r.Form[k]; len(v) >= 4 {
					secrets = append(secrets, v)
				}
			}
		}
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(logs, sec) {
			t.Errorf("the log holds a secret: %q", logs)
			return
		}
	}
}

func TestConnectionsState(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{})
	ctx := context.Background()

	// Replayed: the second use of a callback fails.
	q := s.callback("k", "a")
	if _, _, err := s.cs.Complete(ctx, q); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.cs.Complete(ctx, q); !errors.Is(err, runtime.ErrUnknownState) {
		t.Errorf("replayed callback: %v, want ErrUnknownState", err)
	}

	// Forged: a state with a known id but another secret, or none at all.
	q = s.callback("k2", "a")
	forged := url.Values{"code": q["code"], "state": {q.Get("state")[:26] + strings.Repeat("A", 26)}}
	for _, f := range []url.Values{forged, {"code": q["code"]}, {"code": q["code"], "state": {"x"}}} {
		if _, _, err := s.cs.Complete(ctx, f); !errors.Is(err, runtime.ErrUnknownState) {
			t.Errorf("forged state %q: %v, want ErrUnknownState", f.Get("state"), err)
		}
	}
	if _, err := s.store.Load(ctx, "k2"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("a forged callback connected k2")
	}

	// Expired.
	q = s.callback("k3", "a")
	s.advance(11 * time.Minute)
	if _, _, err := s.cs.Complete(ctx, q); !errors.Is(err, runtime.ErrUnknownState) {
		t.Errorf("expired state: %v, want ErrUnknownState", err)
	}

	// The provider's error is a *CallbackError, with the key.
	u, _ := s.cs.Begin(ctx, "k4", map[string]any{"host": "a"})
	state := mustQuery(t, u).Get("state")
	key, _, err := s.cs.Complete(ctx, url.Values{"error": {"access_denied"}, "state": {state}})
	var ce *runtime.CallbackError
	if !errors.As(err, &ce) || ce.Code != "access_denied" || key != "k4" {
		t.Errorf("provider error: key %q, %v", key, err)
	}

	// The callback's iss applies (RFC 9207): a mix-up attack's callback is refused,
	// and its pending authorization spent.
	q = s.callback("k6", "a")
	q.Set("iss", "https://attacker.example")
	if _, _, err := s.cs.Complete(ctx, q); !errors.As(err, &ce) || !strings.Contains(err.Error(), "issuer") {
		t.Errorf("callback with another issuer: %v", err)
	}
	if _, err := s.store.Load(ctx, "k6"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("a callback with another issuer connected k6")
	}

	// Values are checked by Begin.
	if _, err := s.cs.Begin(ctx, "k5", nil); err == nil || !strings.Contains(err.Error(), "host is required") {
		t.Errorf("Begin without the required value: %v", err)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// Reconnecting replaces the connection, without ErrConflict, and clears a refusal.
func TestConnectionsReconnect(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{TokenFaults: nil}, "a", "b")
	ctx := context.Background()
	first := s.connect("k", "a")
	second := s.connect("k", "b")
	if first.AccessToken == second.AccessToken {
		t.Fatal("same token twice")
	}
	stored, _ := s.store.Load(ctx, "k")
	if stored.AccessToken != second.AccessToken {
		t.Errorf("the store keeps the first connection")
	}
	// The values of the new connection apply: API calls go to b.
	if st := s.apiCall("k", "b"); st != http.StatusOK {
		t.Errorf("API call at b: %d", st)
	}
}

// A refused grant calls OnReauthNeeded once, marks the connection, and later calls fail
// fast without a request, until the next Complete.
func TestConnectionsRefusedGrant(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{})
	ctx := context.Background()
	p := s.providers["a"]
	s.connect("k", "a")
	p.Update(func(c *oauthtest.Config) {
		c.TokenFaults = []oauthtest.Fault{{Status: 400, Body: `{"error":"invalid_grant","error_description":"grant revoked"}`}}
	})
	s.advance(2 * time.Hour)
	p.ResetLog()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := s.cs.Token(ctx, "k")
			if !runtime.IsInvalidGrant(err) {
				t.Errorf("Token: %v, want an invalid grant", err)
			}
		})
	}
	wg.Wait()
	_, err := s.cs.Token(ctx, "k")
	if !errors.Is(err, runtime.ErrReauthNeeded) || !strings.Contains(err.Error(), "connect again") {
		t.Errorf("Token of a refused connection: %v", err)
	}
	if n := s.reauth.Load(); n != 1 {
		t.Errorf("OnReauthNeeded called %d times, want 1", n)
	}
	if n := len(p.RequestsTo("token")); n != 1 {
		t.Errorf("%d refresh requests, want 1 (then fail fast)", n)
	}
	if n, err := s.cs.RefreshDue(ctx, time.Hour); n != 0 || err != nil {
		t.Errorf("RefreshDue of a refused connection: %d, %v", n, err)
	}
	p.Update(func(c *oauthtest.Config) { c.TokenFaults = nil })
	s.connect("k", "a")
	if _, err := s.cs.Token(ctx, "k"); err != nil {
		t.Errorf("Token after reconnecting: %v", err)
	}
}

// Many callers of an expired connection cause one refresh.
func TestConnectionsOneRefresh(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{Latency: 20 * time.Millisecond})
	ctx := context.Background()
	s.connect("k", "a")
	s.advance(2 * time.Hour)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := s.cs.Token(ctx, "k"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if st := s.providers["a"].Stats(); st.Refreshes != 1 || st.InvalidGrants != 0 {
		t.Errorf("%d refreshes, %d invalid_grant; want 1, 0", st.Refreshes, st.InvalidGrants)
	}
}

// Two keys with different values reach their own hosts.
func TestConnectionsValuesPerKey(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{}, "a", "b")
	s.connect("ka", "a")
	s.connect("kb", "b")
	s.advance(2 * time.Hour)
	for _, c := range []struct{ key, host string }{{"ka", "a"}, {"kb", "b"}} {
		if st := s.apiCall(c.key, c.host); st != http.StatusOK {
			t.Errorf("%s at %s: %d", c.key, c.host, st)
		}
	}
	for h, p := range s.providers {
		if st := p.Stats(); st.Refreshes != 1 || st.APICalls != 1 {
			t.Errorf("provider %s: %d refreshes, %d API calls; want 1, 1", h, st.Refreshes, st.APICalls)
		}
	}
}

// RefreshDue refreshes the connections due within the window, once each.
func TestConnectionsRefreshDue(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{ExpiresIn: 10 * time.Minute})
	ctx := context.Background()
	for _, k := range []string{"k1", "k2", "k3"} {
		s.connect(k, "a")
	}
	n, err := s.cs.RefreshDue(ctx, time.Minute)
	if n != 0 || err != nil {
		t.Errorf("RefreshDue before any is due: %d, %v", n, err)
	}
	s.advance(9*time.Minute + 30*time.Second)
	n, err = s.cs.RefreshDue(ctx, time.Minute)
	if n != 3 || err != nil {
		t.Errorf("RefreshDue: %d, %v; want 3", n, err)
	}
	n, _ = s.cs.RefreshDue(ctx, time.Minute)
	if n != 0 {
		t.Errorf("second RefreshDue refreshed %d", n)
	}
	if st := s.providers["a"].Stats(); st.Refreshes != 3 || st.InvalidGrants != 0 {
		t.Errorf("%d refreshes, %d invalid_grant", st.Refreshes, st.InvalidGrants)
	}
	for _, k := range []string{"k1", "k2", "k3"} {
		if st := s.apiCall(k, "a"); st != http.StatusOK {
			t.Errorf("%s: %d", k, st)
		}
	}
}

// Disconnect succeeds with the provider down; the revocation failure is logged.
func TestConnectionsDisconnectProviderDown(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{RevokeFaults: []oauthtest.Fault{{Status: 503, Body: "down"}}})
	ctx := context.Background()
	tok := s.connect("k", "a")
	if err := s.cs.Disconnect(ctx, "k"); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if _, err := s.store.Load(ctx, "k"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("still stored: %v", err)
	}
	s.logMu.Lock()
	logs := s.logs.String()
	s.logMu.Unlock()
	if !strings.Contains(logs, `"op":"revoke"`) || !strings.Contains(logs, `"outcome":"error"`) {
		t.Errorf("the failed revocation is not logged: %s", logs)
	}
	if strings.Contains(logs, tok.RefreshToken) {
		t.Error("the log holds the refresh token")
	}
}

// Replicas running RefreshDue at the same time refresh each connection once.
func TestConnectionsRefreshDueReplicas(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{ExpiresIn: 10 * time.Minute, Latency: 5 * time.Millisecond})
	ctx := context.Background()
	for i := range 20 {
		s.connect("k"+strconv.Itoa(i), "a")
	}
	s.advance(9*time.Minute + 30*time.Second)
	p := s.providers["a"]
	build := func(values map[string]any) (*runtime.Client, error) {
		return newClient(p, stdFlow(p), runtime.WithClock(s.clock)), nil
	}
	replicas := []*runtime.Connections{s.cs, runtime.NewConnections("Test", build, s.store), runtime.NewConnections("Test", build, s.store)}
	var total atomic.Int32
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Go(func() {
			r.Begin(ctx, "other", nil) // builds a client: RefreshDue reads its clock
			n, err := r.RefreshDue(ctx, time.Minute)
			if err != nil {
				t.Error(err)
			}
			total.Add(int32(n))
		})
	}
	wg.Wait()
	if st := p.Stats(); total.Load() != 20 || st.Refreshes != 20 || st.InvalidGrants != 0 {
		t.Errorf("replicas refreshed %d, provider saw %d refreshes and %d invalid_grant; want 20, 20, 0", total.Load(), st.Refreshes, st.InvalidGrants)
	}
}

// A refresh token that expires before the access token makes the connection due a
// day before it does: RefreshDue refreshes it, so an idle connection does not die.
func TestConnectionsRefreshTokenLifetime(t *testing.T) {
	s := newConnSetup(t, oauthtest.Config{ExpiresIn: 30 * 24 * time.Hour, Extra: map[string]any{"refresh_token_expires_in": 3 * 86400}})
	ctx := context.Background()
	tok := s.connect("k", "a")
	rb := runtime.RenewBy(tok)
	if want := s.clock().Add(2 * 24 * time.Hour); rb.Sub(want).Abs() > 2*time.Second {
		t.Fatalf("RenewBy %v, want about %v (a day before the refresh token expires)", rb, want)
	}
	if n, _ := s.cs.RefreshDue(ctx, time.Hour); n != 0 {
		t.Errorf("RefreshDue an hour ahead refreshed %d", n)
	}
	s.advance(2*24*time.Hour - 30*time.Minute)
	if n, err := s.cs.RefreshDue(ctx, time.Hour); n != 1 || err != nil {
		t.Errorf("RefreshDue once the refresh token is due: %d, %v; want 1", n, err)
	}
	stored, _ := s.store.Load(ctx, "k")
	if !runtime.RenewBy(stored).After(rb) {
		t.Errorf("the refreshed connection is still due at %v", runtime.RenewBy(stored))
	}
}
