package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store"
	"github.com/oauthgen/oauthgen/store/storetest"
)

// client connects to the test server named by OAUTHGEN_REDIS_URL.
func client(t testing.TB) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(storetest.URL(t, "OAUTHGEN_REDIS_URL"))
	if err != nil {
		t.Fatalf("OAUTHGEN_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// openWith opens a store sealing under keys, or keeping tokens in clear when keys
// is nil.
func openWith(t testing.TB, keys *store.Keyring, opts ...Option) *Store {
	t.Helper()
	seal := WithPlaintextTokens()
	if keys != nil {
		seal = WithKeys(keys)
	}
	s, err := New(client(t), append([]Option{seal}, opts...)...)
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

func TestContractWithCache(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Store {
		return open(t, WithCache(time.Minute), WithMaxPoll(20*time.Millisecond))
	})
}

func TestContractPlaintext(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Store { return openWith(t, nil) })
}

// raw reads and writes the token hashes as Redis keeps them.
type raw struct{ s *Store }

func (r raw) Get(ctx context.Context, key string) ([]byte, string, error) {
	m, err := r.s.rdb.HGetAll(ctx, r.s.tokenKey(key)).Result()
	if err != nil {
		return nil, "", err
	}
	if m["t"] == "" {
		return nil, "", fmt.Errorf("nothing stored under %q", r.s.tokenKey(key))
	}
	return []byte(m["t"]), m["h"], nil
}

func (r raw) Put(ctx context.Context, key string, rec []byte, fp string) error {
	return r.s.rdb.HSet(ctx, r.s.tokenKey(key), "t", rec, "h", fp).Err()
}

func TestSealing(t *testing.T) {
	storetest.Sealing(t, func(t testing.TB, keys *store.Keyring) storetest.Store { return openWith(t, keys) }, raw{open(t)})
}

func TestNoLeaks(t *testing.T) {
	s := open(t, WithCache(time.Minute))
	storetest.NoLeaks(t, s, raw{s})
}

func TestNewNeedsKeysOrPlaintext(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	_, err := New(rdb, WithCache(time.Second))
	if err == nil || !strings.Contains(err.Error(), "redisstore: New: no keys") ||
		!strings.Contains(err.Error(), "WithKeys(") || !strings.Contains(err.Error(), "WithPlaintextTokens()") {
		t.Fatalf("New without keys: err = %v, want one naming WithKeys and WithPlaintextTokens", err)
	}
	if _, err := New(rdb, WithKeys(storetest.Keyring(t, 1)), WithPlaintextTokens()); err == nil {
		t.Fatal("New with both keys and WithPlaintextTokens succeeded")
	}
	for _, opt := range []Option{WithKeys(storetest.Keyring(t, 1)), WithPlaintextTokens()} {
		s, err := New(rdb, opt)
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
	// A dead server gives an error naming the key, not a hang or a panic.
	dead, err := New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond}), WithKeys(storetest.Keyring(t, 1)))
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
}

// TestReplicas is the multi-process test (see storetest.Replicas): 4 processes x
// 50 goroutines on one expired token, then a lease holder killed.
func TestReplicas(t *testing.T) {
	storetest.Replicas(t, func(t testing.TB) storetest.Store { return open(t) })
}

// TestReleaseWakesWaiters checks the pub/sub path itself: a release in one
// process signals the waiters registered in another, without polling.
func TestReleaseWakesWaiters(t *testing.T) {
	ctx := t.Context()
	holder, waiter := open(t), open(t)
	key := storetest.Key(t)
	l, err := holder.Acquire(ctx, key, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	wake := waiter.watch(ctx, key)
	defer waiter.unwatch(key, wake)
	// The subscription is confirmed once a message on the channel arrives; a save
	// publishes one.
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		if err := l.Save(ctx, nil, storetest.Token("t"+string(rune('a'+i%26))+key)); err != nil && i == 0 {
			t.Fatal(err)
		}
		select {
		case <-wake:
		case <-time.After(50 * time.Millisecond):
			continue
		case <-deadline:
			t.Fatal("no save notification within 10s")
		}
		break
	}
	if err := l.Release(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("the release did not wake the other process's waiter")
	}
}
