package conformance

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// flakyStore is a TokenStore (not a Locker) whose Save fails while failSaves is
// positive: a store that is briefly unreachable.
type flakyStore struct {
	mem       runtime.MemoryStore
	failSaves atomic.Int32
	saves     atomic.Int32 // failed ones included
}

func (f *flakyStore) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	return f.mem.Load(ctx, key)
}

var errStoreDown = errors.New("store unreachable")

// flakyLocker is a shared store (TokenStore and Locker, as the Redis and PostgreSQL
// stores are) whose lease Save fails while failSaves is positive.
type flakyLocker struct {
	flakyStore
}

func (f *flakyLocker) Acquire(ctx context.Context, key string, ttl time.Duration) (runtime.Lease, error) {
	l, err := f.mem.Acquire(ctx, key, ttl)
	if err != nil {
		return nil, err
	}
	return &flakyLease{Lease: l, f: &f.flakyStore}, nil
}

type flakyLease struct {
	runtime.Lease
	f *flakyStore
}

func (l *flakyLease) Save(ctx context.Context, prev, next *oauth2.Token) error {
	l.f.saves.Add(1)
	if l.f.failSaves.Add(-1) >= 0 {
		return errStoreDown
	}
	return l.Lease.Save(ctx, prev, next)
}

func (f *flakyStore) Save(ctx context.Context, key string, prev, next *oauth2.Token) error {
	f.saves.Add(1)
	if f.failSaves.Add(-1) >= 0 {
		return errStoreDown
	}
	return f.mem.Save(ctx, key, prev, next)
}

// TestFositeStoreFailsDuringRotation: fosite rotates refresh tokens and revokes the
// whole grant when a rotated-out one is used again. If the store cannot save the
// rotated token, the old one in the store is dead: the rotated token must not be
// thrown away, or the end user has to authorize again. After the store recovers, the
// connection must still work.
func TestFositeStoreFailsDuringRotation(t *testing.T) {
	for _, shared := range []bool{false, true} {
		name := "store"
		if shared {
			name = "locker"
		}
		t.Run(name, func(t *testing.T) { storeFailsDuringRotation(t, shared) })
	}
}

func storeFailsDuringRotation(t *testing.T, shared bool) {
	eachFosite(t, fositeCases[:1], func(t *testing.T, s *fositeServer, c fositeCase, mode string, l *leakScan) {
		ctx := context.Background()
		var fl *flakyStore
		var store runtime.TokenStore
		if shared {
			lk := &flakyLocker{}
			fl, store = &lk.flakyStore, lk
		} else {
			fl = &flakyStore{}
			store = fl
		}
		var hooked atomic.Int32
		cl := newFositeAPI(t, s, c, mode, c.secret, runtime.WithStore(store, "alice"),
			runtime.WithTokenHook(func(context.Context, *oauth2.Token) { hooked.Add(1) }))
		first := login(t, cl, c, l)
		expired := *first
		expired.Expiry = time.Now().Add(-time.Minute)
		if err := fl.mem.Save(ctx, "alice", first, &expired); err != nil {
			t.Fatalf("store: %v", err)
		}
		hooked.Store(0)
		ts := cl.tokenSource(ctx, nil)
		fl.failSaves.Store(1)
		tok, err := ts.Token()
		l.err(err)
		if tok != nil {
			l.secret(tok.AccessToken, tok.RefreshToken)
		}
		if fl.saves.Load() == 0 {
			t.Fatal("the refresh did not try to save the rotated token")
		}
		t.Logf("refresh while the store is down: token %v, hook calls %d, err: %v", tok != nil, hooked.Load(), err)
		// The store is back. The connection must still work.
		tok, err = ts.Token()
		l.err(err)
		if err != nil {
			t.Fatalf("after the store recovered: %v (the rotated token was lost; fosite revoked the grant when the old refresh token came back)", err)
		}
		l.secret(tok.AccessToken, tok.RefreshToken)
		if !s.active(tok.AccessToken) {
			t.Fatal("the token after the store recovered is not active")
		}
	})
}
