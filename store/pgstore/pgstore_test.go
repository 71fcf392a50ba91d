package pgstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store"
	"github.com/oauthgen/oauthgen/store/storetest"
)

// pool connects to the test server named by OAUTHGEN_PG_URL and migrates it.
func pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), storetest.URL(t, "OAUTHGEN_PG_URL"))
	if err != nil {
		t.Fatalf("OAUTHGEN_PG_URL: %v", err)
	}
	t.Cleanup(p.Close)
	if err := Migrate(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// openWith opens a store sealing under keys, or keeping tokens in clear when keys
// is nil.
func openWith(t testing.TB, keys *store.Keyring, opts ...Option) *Store {
	t.Helper()
	seal := WithPlaintextTokens()
	if keys != nil {
		seal = WithKeys(keys)
	}
	s, err := New(pool(t), append([]Option{seal}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// open opens a store sealing under test key 1, as every test process does.
func open(t testing.TB, opts ...Option) *Store {
	t.Helper()
	return openWith(t, storetest.Keyring(t, 1), opts...)
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Store { return open(t) })
}

func TestContractPollingOnlyWithCache(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Store {
		return open(t, WithoutListen(), WithCache(time.Minute), WithMaxPoll(10*time.Millisecond))
	})
}

func TestContractPlaintext(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Store { return openWith(t, nil) })
}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	p := pool(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() { errs <- Migrate(t.Context(), p) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Migrate: %v", err)
		}
	}
	var n int
	if err := p.QueryRow(t.Context(), `SELECT count(*) FROM information_schema.tables
WHERE table_name IN ('oauthgen_tokens', 'oauthgen_leases')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d of the 2 tables exist after Migrate", n)
	}
}

// raw reads and writes the rows of oauthgen_tokens as they are.
type raw struct{ s *Store }

func (r raw) Get(ctx context.Context, key string) ([]byte, string, error) {
	var rec []byte
	var fp string
	err := r.s.pool.QueryRow(ctx, `SELECT token, fingerprint FROM oauthgen_tokens WHERE key = $1`, key).Scan(&rec, &fp)
	return rec, fp, err
}

func (r raw) Put(ctx context.Context, key string, rec []byte, fp string) error {
	_, err := r.s.pool.Exec(ctx, `INSERT INTO oauthgen_tokens (key, token, fingerprint) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, fingerprint = EXCLUDED.fingerprint`, key, rec, fp)
	return err
}

func TestSealing(t *testing.T) {
	storetest.Sealing(t, func(t testing.TB, keys *store.Keyring) storetest.Store { return openWith(t, keys) }, raw{open(t)})
}

func TestNoLeaks(t *testing.T) {
	s := open(t, WithCache(time.Minute))
	storetest.NoLeaks(t, s, raw{s})
}

func TestNewNeedsKeysOrPlaintext(t *testing.T) {
	p, err := pgxpool.New(t.Context(), "postgres://nobody@127.0.0.1:1/x?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = New(p, WithoutListen())
	if err == nil || !strings.Contains(err.Error(), "pgstore: New: no keys") ||
		!strings.Contains(err.Error(), "WithKeys(") || !strings.Contains(err.Error(), "WithPlaintextTokens()") {
		t.Fatalf("New without keys: err = %v, want one naming WithKeys and WithPlaintextTokens", err)
	}
	if _, err := New(p, WithKeys(storetest.Keyring(t, 1)), WithPlaintextTokens()); err == nil {
		t.Fatal("New with both keys and WithPlaintextTokens succeeded")
	}
	for _, opt := range []Option{WithKeys(storetest.Keyring(t, 1)), WithPlaintextTokens()} {
		s, err := New(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}

func TestCacheServesValidTokenAndYieldsToLease(t *testing.T) {
	storetest.Cache(t, open(t, WithCache(time.Minute)), open(t))
}

func TestErrors(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	if _, err := s.Acquire(ctx, storetest.Key(t), 0); err == nil {
		t.Fatal("Acquire with ttl 0 succeeded")
	}
	p, err := pgxpool.New(ctx, "postgres://nobody@127.0.0.1:1/x?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	dead, err := New(p, WithoutListen(), WithKeys(storetest.Keyring(t, 1)))
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := dead.Load(short, "k1"); err == nil || errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Load on a dead server: %v", err)
	}
	if err := dead.Save(short, "k1", nil, storetest.Token("x")); err == nil {
		t.Fatal("Save on a dead server succeeded")
	}
	if _, err := dead.Acquire(short, "k1", time.Second); err == nil {
		t.Fatal("Acquire on a dead server succeeded")
	}
	if err := Migrate(short, p); err == nil {
		t.Fatal("Migrate on a dead server succeeded")
	}
}

// TestReplicas is the multi-process test (see storetest.Replicas): 4 processes x
// 50 goroutines on one expired token, then a lease holder killed.
func TestReplicas(t *testing.T) {
	storetest.Replicas(t, func(t testing.TB) storetest.Store { return open(t) })
}

// TestReleaseWakesWaiters checks the LISTEN/NOTIFY path itself: a release in one
// process signals the waiters registered in another, without polling.
func TestReleaseWakesWaiters(t *testing.T) {
	ctx := t.Context()
	holder, waiter := open(t), open(t)
	key := storetest.Key(t)
	wake := waiter.watch(key)
	defer waiter.unwatch(key, wake)
	// LISTEN starts in the background: release leases until one notification
	// arrives, then check that the next release arrives too.
	release := func() {
		l, err := holder.Acquire(ctx, key, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Release(ctx); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.After(10 * time.Second)
listening:
	for {
		release()
		select {
		case <-wake:
			break listening
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no release notification within 10s")
		}
	}
	select {
	case <-wake: // drop a late duplicate, if any
	default:
	}
	release()
	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("a release after LISTEN was active did not wake the waiter")
	}
}
