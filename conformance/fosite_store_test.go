package conformance

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// flakyStore is a TokenStore (not a Locker) whose Save fails while failSaves is
// positive: a store that is briefly unreachable.
type flakyStore struct {
	mem       memstore.Store
	failSaves atomic.Int32
	saves     atomic.Int32 // failed ones included
}

func (f *flakyStore) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	return f.mem.Load(ctx, key)
}

// The rest of TokenStore, as the in-memory store does it.

func (f *flakyStore) Delete(ctx context.Context, key string) error { return f.mem.Delete(ctx, key) }
func (f *flakyStore) DueKeys(ctx context.Context, t time.Time, limit int) ([]string, error) {
	return f.mem.DueKeys(ctx, t, limit)
}
func (f *flakyStore) SavePending(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	return f.mem.SavePending(ctx, id, data, ttl)
}
func (f *flakyStore) TakePending(ctx context.Context, id string) ([]byte, error) {
	return f.mem.TakePending(ctx, id)
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
		var offset atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		cl := newFositeAPI(t, s, c, mode, c.secret, runtime.WithStore(store, "alice"), runtime.WithClock(clock),
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
		// The store is back (a few seconds later). The connection must still work.
		offset.Store(int64(5 * time.Second))
		tok, err = ts.Token()
		l.err(err)
		if err != nil {
			t.Fatalf("after the store recovered: %v (the rotated token was lost; fosite revoked the grant when the old refresh token came back)", err)
		}
		l.secret(tok.AccessToken, tok.RefreshToken)
		if !s.active(tok.AccessToken) {
			t.Fatal("the token after the store recovered is not active")
		}
		if hooked.Load() == 0 {
			t.Error("the hook never saw the rotated token")
		}
		// And the store holds a token the connection can go on from: a new client on
		// the same store (another replica, a restart) refreshes from it.
		if stored, err := fl.mem.Load(ctx, "alice"); err != nil || stored.RefreshToken == first.RefreshToken {
			t.Fatalf("the store still holds the rotated-out refresh token (err %v)", err)
		}
		other := newFositeAPI(t, s, c, mode, c.secret, runtime.WithStore(store, "alice"))
		if _, err := other.refresh(ctx, mustLoad(t, &fl.mem).RefreshToken); err != nil {
			l.err(err)
			t.Fatalf("a new client cannot refresh from the stored token: %v", err)
		}
	})
}

func mustLoad(t *testing.T, m *memstore.Store) *oauth2.Token {
	t.Helper()
	tok, err := m.Load(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
