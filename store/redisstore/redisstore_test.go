package redisstore

import (
	"bytes"
	"context"
	"errors"
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

func open(t testing.TB, opts ...Option) *Store {
	s := New(client(t), opts...)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Store { return open(t) })
}

func TestContractWithCacheAndCipher(t *testing.T) {
	c, err := store.NewAESGCM(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t testing.TB) storetest.Store {
		return open(t, WithCache(time.Minute), WithCipher(c), WithMaxPoll(20*time.Millisecond))
	})
}

func TestCipherKeepsTokensOutOfRedis(t *testing.T) {
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
	raw, err := s.rdb.HGetAll(ctx, s.tokenKey(key)).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(raw["t"]) == 0 {
		t.Fatalf("nothing stored under %q", s.tokenKey(key))
	}
	for field, v := range raw {
		for _, secret := range []string{tok.AccessToken, tok.RefreshToken, "eu.example.test"} {
			if bytes.Contains([]byte(v), []byte(secret)) {
				t.Fatalf("field %q holds a token value in clear", field)
			}
		}
	}
	got, err := s.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if d := storetest.SameToken(got, tok); d != "" {
		t.Fatalf("Load through the cipher: %s", d)
	}

	// Without the key, or with another one, the token does not load, and the
	// error says why without quoting anything stored.
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
	if err := s.rdb.HSet(ctx, s.tokenKey(moved), "t", raw["t"], "h", raw["h"]).Err(); err != nil {
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
	// A dead server gives an error naming the key, not a hang or a panic.
	dead := New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond}))
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
