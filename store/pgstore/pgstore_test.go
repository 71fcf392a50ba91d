package pgstore

import (
	"bytes"
	"context"
	"errors"
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

func open(t testing.TB, opts ...Option) *Store {
	s := New(pool(t), opts...)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Store { return open(t) })
}

func TestContractPollingOnlyWithCacheAndCipher(t *testing.T) {
	c, err := store.NewAESGCM(bytes.Repeat([]byte{7}, 16))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t testing.TB) storetest.Store {
		return open(t, WithoutListen(), WithCache(time.Minute), WithCipher(c), WithMaxPoll(10*time.Millisecond))
	})
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

func TestCipherKeepsTokensOutOfTheDatabase(t *testing.T) {
	ctx := t.Context()
	c, err := store.NewAESGCM([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, WithCipher(c))
	key := storetest.Key(t)
	tok := storetest.Token("access-SECRET-4f1a")
	if err := s.Save(ctx, key, nil, tok); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	var fp string
	if err := s.pool.QueryRow(ctx, `SELECT token, fingerprint FROM oauthgen_tokens WHERE key = $1`, key).Scan(&raw, &fp); err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 {
		t.Fatal("nothing stored")
	}
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken, "eu.example.test"} {
		if bytes.Contains(raw, []byte(secret)) || bytes.Contains([]byte(fp), []byte(secret)) {
			t.Fatal("the row holds a token value in clear")
		}
	}
	got, err := s.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if d := storetest.SameToken(got, tok); d != "" {
		t.Fatalf("Load through the cipher: %s", d)
	}
	other, _ := store.NewAESGCM(bytes.Repeat([]byte{1}, 32))
	for name, s2 := range map[string]*Store{"no cipher": open(t), "other key": open(t, WithCipher(other))} {
		_, err := s2.Load(ctx, key)
		if err == nil {
			t.Fatalf("%s: Load succeeded", name)
		}
		if bytes.Contains([]byte(err.Error()), []byte(tok.AccessToken)) {
			t.Fatalf("%s: error quotes the token", name)
		}
	}
	// A sealed token copied to another key does not open there.
	moved := storetest.Key(t)
	if _, err := s.pool.Exec(ctx, `INSERT INTO oauthgen_tokens (key, token, fingerprint) VALUES ($1, $2, $3)`, moved, raw, fp); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, moved); err == nil {
		t.Fatal("a sealed token moved to another key opened")
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
	dead := New(p, WithoutListen())
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
