package conformance

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/conformance/internal/fosite"
	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// connRig is the Connections of the fosite connector (fosite.json: HTTP Basic, PKCE,
// the issuer an end-user value) in one mode, with a clock the test moves, the
// OnReauthNeeded calls counted and every log line scanned for secrets.
type connRig struct {
	t      *testing.T
	cs     *runtime.Connections
	begin  func(ctx context.Context, key, issuer string) (string, error)
	store  runtime.TokenStore
	offset atomic.Int64
	reauth atomic.Int32
	l      *leakScan
}

func (r *connRig) clock() time.Time { return time.Now().Add(time.Duration(r.offset.Load())) }

// Write takes the log's lines into the leak scan.
func (r *connRig) Write(p []byte) (int, error) {
	r.l.text(string(p))
	return len(p), nil
}

func newConnRig(t *testing.T, mode string, l *leakScan) *connRig {
	return newConnRigOn(t, mode, l, &memstore.Store{})
}

// newConnRigOn is newConnRig on store: rigs on one store are replicas.
func newConnRigOn(t *testing.T, mode string, l *leakScan, store runtime.TokenStore) *connRig {
	r := &connRig{t: t, store: store, l: l}
	opts := []runtime.Option{runtime.WithClock(r.clock)}
	copts := []runtime.ConnectionOption{
		runtime.WithLogger(slog.New(slog.NewJSONHandler(r, nil))),
		runtime.OnReauthNeeded(func(ctx context.Context, key string, err error) {
			if !runtime.IsInvalidGrant(err) {
				t.Errorf("OnReauthNeeded: IsInvalidGrant is false for %v", err)
			}
			l.err(err)
			r.reauth.Add(1)
		}),
		runtime.OnToken(func(ctx context.Context, key string, tok *oauth2.Token) { l.secret(tok.AccessToken, tok.RefreshToken) }),
	}
	if mode == "dynamic" {
		m := e2e.Load(t, filepath.Join("testdata", "fosite.json"))
		c, err := dynamic.New(m, dynamic.Config{ClientID: basicClientID, ClientSecret: fositeSecret, RedirectURL: redirectURL}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		cs := c.Connections(r.store, copts...)
		r.cs = cs.Connections
		r.begin = func(ctx context.Context, key, issuer string) (string, error) {
			return cs.Begin(ctx, key, map[string]any{"issuer": issuer})
		}
		return r
	}
	// No issuer in the Config: each end user's comes with Begin.
	c, err := fosite.New(fosite.Config{ClientID: basicClientID, ClientSecret: fositeSecret, RedirectURL: redirectURL}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	cs := c.Connections(r.store, copts...)
	r.cs = cs.Connections
	r.begin = func(ctx context.Context, key, issuer string) (string, error) {
		return cs.Begin(ctx, key, fosite.Params{Issuer: issuer})
	}
	return r
}

// callback runs Begin and fosite's authorize step, and returns the callback query.
func (r *connRig) callback(key string, s *fositeServer) url.Values {
	r.t.Helper()
	u, err := r.begin(context.Background(), key, s.URL)
	if err != nil {
		r.t.Fatalf("Begin: %v", err)
	}
	q := authorizeRedirect(r.t, u)
	r.l.secret(q.Get("code"), q.Get("state"))
	return q
}

func (r *connRig) connect(key string, s *fositeServer) *oauth2.Token {
	r.t.Helper()
	got, tok, err := r.cs.Complete(context.Background(), r.callback(key, s))
	r.l.err(err)
	if err != nil || got != key {
		r.t.Fatalf("Complete: key %q, %v", got, err)
	}
	r.l.secret(tok.AccessToken, tok.RefreshToken)
	return tok
}

// api calls fosite's protected endpoint with key's connection.
func (r *connRig) api(key string, s *fositeServer) int {
	r.t.Helper()
	resp, err := r.cs.HTTPClient(context.Background(), key).Get(s.APIURL())
	r.l.err(err)
	if err != nil {
		r.t.Fatalf("API call: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// refreshCount counts the refresh requests fosite received.
func refreshCount(s *fositeServer) int {
	n := 0
	for _, rq := range s.Requests("/oauth2/token") {
		if rq.Form.Get("grant_type") == "refresh_token" {
			n++
		}
	}
	return n
}

func eachConnMode(t *testing.T, f func(t *testing.T, mode string, l *leakScan)) {
	for _, mode := range fositeModes {
		t.Run(mode, func(t *testing.T) { f(t, mode, newLeakScan(t, fositeSecret)) })
	}
}

// Refresh, then API calls and a refresh driven by expiry, with fosite's rotation and
// reuse detection (a reused refresh token revokes the grant): no invalid_grant ever.
func TestFositeConnectionsRotation(t *testing.T) {
	eachConnMode(t, func(t *testing.T, mode string, l *leakScan) {
		s := newFositeServer(t)
		r := newConnRig(t, mode, l)
		ctx := context.Background()
		first := r.connect("alice", s)
		if st := r.api("alice", s); st != http.StatusOK {
			t.Fatalf("API call: %d", st)
		}
		tok, err := r.cs.Refresh(ctx, "alice")
		l.err(err)
		if err != nil || tok.RefreshToken == first.RefreshToken {
			t.Fatalf("Refresh: %v", err)
		}
		if st := r.api("alice", s); st != http.StatusOK {
			t.Fatalf("API call after Refresh: %d", st)
		}
		r.offset.Store(int64(2 * time.Hour)) // expired: the next call refreshes through the store
		if st := r.api("alice", s); st != http.StatusOK {
			t.Fatalf("API call after expiry: %d", st)
		}
		if _, err := r.cs.Refresh(ctx, "alice"); err != nil {
			t.Fatalf("second Refresh: %v", err)
		}
		if st := r.api("alice", s); st != http.StatusOK {
			t.Fatalf("API call after the second Refresh: %d", st)
		}
		if n := r.reauth.Load(); n != 0 {
			t.Errorf("OnReauthNeeded called %d times: a refresh token was reused", n)
		}
		if n := refreshCount(s); n != 3 {
			t.Errorf("%d refresh requests, want 3", n)
		}
		stored, err := r.store.Load(ctx, "alice")
		if err != nil || !s.active(stored.AccessToken) {
			t.Errorf("the stored token is not fosite's active one: %v", err)
		}
	})
}

// A reconnect replaces the connection without ErrConflict; the new one works.
func TestFositeConnectionsReconnect(t *testing.T) {
	eachConnMode(t, func(t *testing.T, mode string, l *leakScan) {
		s := newFositeServer(t)
		r := newConnRig(t, mode, l)
		first := r.connect("alice", s)
		second := r.connect("alice", s)
		if first.AccessToken == second.AccessToken {
			t.Fatal("the reconnect gave the same token")
		}
		stored, _ := r.store.Load(context.Background(), "alice")
		if stored.AccessToken != second.AccessToken {
			t.Error("the store keeps the first connection")
		}
		if st := r.api("alice", s); st != http.StatusOK {
			t.Errorf("API call after reconnecting: %d", st)
		}
	})
}

// Replayed, forged and expired states are refused, and connect no one.
func TestFositeConnectionsState(t *testing.T) {
	eachConnMode(t, func(t *testing.T, mode string, l *leakScan) {
		s := newFositeServer(t)
		r := newConnRig(t, mode, l)
		ctx := context.Background()
		q := r.callback("alice", s)
		if _, _, err := r.cs.Complete(ctx, q); err != nil {
			t.Fatal(err)
		}
		_, _, err := r.cs.Complete(ctx, q)
		l.err(err)
		if !errors.Is(err, runtime.ErrUnknownState) {
			t.Errorf("replayed callback: %v", err)
		}
		q = r.callback("bob", s)
		state := q.Get("state")
		last := "A"
		if strings.HasSuffix(state, "A") {
			last = "B"
		}
		forged := url.Values{"code": q["code"], "state": {state[:len(state)-1] + last}} // the secret half changed
		if _, _, err := r.cs.Complete(ctx, forged); !errors.Is(err, runtime.ErrUnknownState) {
			t.Errorf("forged state: %v", err)
		}
		q = r.callback("carol", s)
		r.offset.Store(int64(11 * time.Minute))
		if _, _, err := r.cs.Complete(ctx, q); !errors.Is(err, runtime.ErrUnknownState) {
			t.Errorf("expired state: %v", err)
		}
		for _, k := range []string{"bob", "carol"} {
			if _, err := r.store.Load(ctx, k); !errors.Is(err, runtime.ErrNotFound) {
				t.Errorf("%s is connected: %v", k, err)
			}
		}
	})
}

// A grant revoked at fosite: the refresh is answered invalid_grant, OnReauthNeeded is
// called exactly once for 20 concurrent callers, and later calls fail fast.
func TestFositeConnectionsRevokedGrant(t *testing.T) {
	eachConnMode(t, func(t *testing.T, mode string, l *leakScan) {
		s := newFositeServer(t)
		r := newConnRig(t, mode, l)
		ctx := context.Background()
		tok := r.connect("alice", s)
		rc := runtime.New(fositeFlow(t, s, fositeCases[0]), runtime.Credentials{ClientID: basicClientID, ClientSecret: fositeSecret, RedirectURL: redirectURL})
		if err := rc.Revoke(ctx, tok); err != nil {
			t.Fatalf("revoke at fosite: %v", err)
		}
		r.offset.Store(int64(2 * time.Hour))
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				_, err := r.cs.Token(ctx, "alice")
				l.err(err)
				if !runtime.IsInvalidGrant(err) {
					t.Errorf("Token: %v, want an invalid grant", err)
				}
			})
		}
		wg.Wait()
		before := refreshCount(s)
		_, err := r.cs.Token(ctx, "alice")
		if !errors.Is(err, runtime.ErrReauthNeeded) {
			t.Errorf("Token of a dead connection: %v", err)
		}
		if refreshCount(s) != before || before != 1 {
			t.Errorf("%d refresh requests in all, %d after the connection was marked; want 1, 0", refreshCount(s), refreshCount(s)-before)
		}
		if n := r.reauth.Load(); n != 1 {
			t.Errorf("OnReauthNeeded called %d times, want exactly 1", n)
		}
	})
}

// Disconnect with the provider down: the connection is deleted all the same.
func TestFositeConnectionsDisconnectProviderDown(t *testing.T) {
	eachConnMode(t, func(t *testing.T, mode string, l *leakScan) {
		s := newFositeServer(t)
		r := newConnRig(t, mode, l)
		ctx := context.Background()
		r.connect("alice", s)
		s.Close()
		if err := r.cs.Disconnect(ctx, "alice"); err != nil {
			t.Fatalf("Disconnect with fosite down: %v", err)
		}
		if _, err := r.store.Load(ctx, "alice"); !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("still stored: %v", err)
		}
		if _, err := r.cs.Token(ctx, "alice"); !errors.Is(err, runtime.ErrNotConnected) {
			t.Errorf("Token after Disconnect: %v", err)
		}
	})
}

// Two end users whose issuer differs: each key's calls and refreshes reach its own
// server.
func TestFositeConnectionsOwnHosts(t *testing.T) {
	eachConnMode(t, func(t *testing.T, mode string, l *leakScan) {
		s1, s2 := newFositeServer(t), newFositeServer(t)
		r := newConnRig(t, mode, l)
		r.connect("one", s1)
		r.connect("two", s2)
		r.offset.Store(int64(2 * time.Hour))
		if r.api("one", s1) != http.StatusOK || r.api("two", s2) != http.StatusOK {
			t.Fatal("an API call failed")
		}
		for i, s := range []*fositeServer{s1, s2} {
			if n, m := len(s.Requests("/api/me")), refreshCount(s); n != 1 || m != 1 {
				t.Errorf("server %d: %d API calls, %d refreshes; want 1, 1", i+1, n, m)
			}
		}
	})
}

// While a renewed token cannot be saved (the store is down), the replica holding it
// serves it and keeps the key's lease: another replica waits instead of refreshing
// with the refresh token fosite has rotated out (which would revoke the grant). Once
// the store is back, the token is saved and both replicas use it.
func TestFositeConnectionsStoreDown(t *testing.T) {
	eachConnMode(t, func(t *testing.T, mode string, l *leakScan) {
		s := newFositeServer(t)
		st := &flakyLocker{}
		a := newConnRigOn(t, mode, l, st)
		b := newConnRigOn(t, mode, l, st)
		ctx := context.Background()
		a.connect("alice", s)
		a.offset.Store(int64(2 * time.Hour))
		b.offset.Store(int64(2 * time.Hour))
		st.failSaves.Store(1)
		tok, err := a.cs.Token(ctx, "alice")
		l.err(err)
		if err != nil || !s.active(tok.AccessToken) {
			t.Fatalf("Token while the store is down: %v", err)
		}
		wait, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		_, err = b.cs.Token(wait, "alice")
		cancel()
		l.err(err)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the other replica did not wait for the lease: %v", err)
		}
		if n := refreshCount(s); n != 1 {
			t.Fatalf("%d refreshes while the renewed token was unsaved, want 1", n)
		}
		a.offset.Add(int64(2 * time.Second)) // a's next call saves it
		if _, err := a.cs.Token(ctx, "alice"); err != nil {
			t.Fatalf("Token once the store is back: %v", err)
		}
		got, err := b.cs.Token(ctx, "alice")
		l.err(err)
		if err != nil || got.AccessToken != tok.AccessToken {
			t.Fatalf("the other replica after the save: %v", err)
		}
		if refreshCount(s) != 1 || a.reauth.Load()+b.reauth.Load() != 0 {
			t.Errorf("%d refreshes, %d reauthorizations; want 1, 0", refreshCount(s), a.reauth.Load()+b.reauth.Load())
		}
		if b.api("alice", s) != http.StatusOK {
			t.Error("API call of the other replica failed")
		}
	})
}

// The Params of a Config are the defaults of its connections: Begin without the
// issuer takes the Config's, generated and dynamic alike.
func TestFositeConnectionsConfigDefaults(t *testing.T) {
	s := newFositeServer(t)
	ctx := context.Background()
	g, err := fosite.New(fosite.Config{ClientID: basicClientID, ClientSecret: fositeSecret, RedirectURL: redirectURL, Params: fosite.Params{Issuer: s.URL}})
	if err != nil {
		t.Fatal(err)
	}
	gcs := g.Connections(&memstore.Store{})
	m := e2e.Load(t, filepath.Join("testdata", "fosite.json"))
	d, err := dynamic.New(m, dynamic.Config{ClientID: basicClientID, ClientSecret: fositeSecret, RedirectURL: redirectURL, Params: map[string]any{"issuer": s.URL}})
	if err != nil {
		t.Fatal(err)
	}
	dcs := d.Connections(&memstore.Store{})
	for name, c := range map[string]struct {
		cs    *runtime.Connections
		begin func() (string, error)
	}{
		"generated": {gcs.Connections, func() (string, error) { return gcs.Begin(ctx, "alice", fosite.Params{}) }},
		"dynamic":   {dcs.Connections, func() (string, error) { return dcs.Begin(ctx, "alice", nil) }},
	} {
		u, err := c.begin()
		if err != nil {
			t.Fatalf("%s Begin: %v", name, err)
		}
		if !strings.HasPrefix(u, s.AuthURL()) {
			t.Fatalf("%s: the authorize URL is not the Config's issuer's", name)
		}
		if _, _, err := c.cs.Complete(ctx, authorizeRedirect(t, u)); err != nil {
			t.Fatalf("%s Complete: %v", name, err)
		}
		resp, err := c.cs.HTTPClient(ctx, "alice").Get(s.APIURL())
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s API call: %v %v", name, resp, err)
		}
		resp.Body.Close()
	}
}
