package conformance

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// TestFositeConcurrentRefresh: fosite rotates refresh tokens and, when a rotated-out
// one is used again, revokes the whole grant. So if two callers ever refreshed the same
// token, the connection would die. Four "replicas" (clients sharing one store, which is
// a Locker) with twelve goroutines each ask for a token when it has expired: exactly one
// refresh request must reach fosite, and every caller must get the same active token.
func TestFositeConcurrentRefresh(t *testing.T) {
	eachFosite(t, fositeCases[:1], func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ctx := context.Background()
		store := &memstore.Store{}
		const replicas, callers = 4, 12
		clients := make([]*fositeAPI, replicas)
		for i := range clients {
			clients[i] = newFositeAPI(t, s, c, mode, c.secret, runtime.WithStore(store, "alice"))
		}
		first := login(t, clients[0], c, l)
		expired := *first
		expired.Expiry = time.Now().Add(-time.Minute)
		if err := store.Save(ctx, "alice", first, &expired); err != nil {
			t.Fatal(err)
		}
		before := len(s.Requests("/oauth2/token"))
		var wg sync.WaitGroup
		var failures atomic.Int32
		got := make(chan string, replicas*callers)
		for _, cl := range clients {
			ts := cl.tokenSource(ctx, nil)
			for range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tok, err := ts.Token()
					if err != nil {
						l.err(err)
						failures.Add(1)
						return
					}
					got <- tok.AccessToken
				}()
			}
		}
		wg.Wait()
		close(got)
		if n := failures.Load(); n > 0 {
			t.Fatalf("%d callers failed", n)
		}
		seen := map[string]bool{}
		for at := range got {
			seen[at] = true
			l.secret(at)
		}
		if n := len(s.Requests("/oauth2/token")) - before; n != 1 {
			t.Errorf("%d refresh requests reached fosite, want 1", n)
		}
		if len(seen) != 1 {
			t.Fatalf("callers got %d different tokens, want 1", len(seen))
		}
		for at := range seen {
			if !s.active(at) || at == first.AccessToken {
				t.Errorf("the shared token is not the new active one")
			}
		}
	})
}

// TestFositeProactiveRefresh: a token is refreshed before it expires, when less than
// min(30 min, half its lifetime) is left, without waiting for a 401. The clock is
// moved instead of sleeping; fosite's refresh tokens live 24 hours.
func TestFositeProactiveRefresh(t *testing.T) {
	eachFosite(t, fositeCases[1:2], func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ctx := context.Background()
		var offset atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		cl := newFositeAPI(t, s, c, mode, c.secret, runtime.WithClock(clock))
		first := login(t, cl, c, l)
		ts := cl.tokenSource(ctx, first)
		before := len(s.Requests("/oauth2/token"))
		offset.Store(int64(25 * time.Minute)) // 35 minutes left of an hour: keep it
		tok, err := ts.Token()
		if err != nil || tok.AccessToken != first.AccessToken {
			t.Fatalf("25 minutes in: err %v, same token %v (want the first token)", err, tok != nil && tok.AccessToken == first.AccessToken)
		}
		offset.Store(int64(31 * time.Minute)) // 29 minutes left: refresh now
		tok, err = ts.Token()
		if err != nil {
			l.err(err)
			t.Fatalf("31 minutes in: %v", err)
		}
		l.secret(tok.AccessToken, tok.RefreshToken)
		if tok.AccessToken == first.AccessToken || !s.active(tok.AccessToken) {
			t.Fatal("31 minutes in: the token was not refreshed ahead of expiry")
		}
		if n := len(s.Requests("/oauth2/token")) - before; n != 1 {
			t.Errorf("%d token requests, want 1", n)
		}
	})
}
