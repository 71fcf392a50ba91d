// Package storetest checks that a shared token store keeps the contract of
// runtime.TokenStore and runtime.Locker: compare-and-swap saves, a lease that one
// holder at a time gets, that expires when its holder dies, and whose expired
// holder cannot overwrite a newer token (fencing); Sealing checks the records it
// keeps (sealed, versioned, rotating keys) and NoLeaks its errors and printouts.
// store/redisstore and store/pgstore run them against real servers.
package storetest

import (
	"context"
	"crypto/rand"
	"errors"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// Store is what a shared store implements.
type Store interface {
	runtime.TokenStore
	runtime.Locker
	// Delete removes the token stored under key; a missing key is no error.
	Delete(ctx context.Context, key string) error
}

// Open returns a new handle on the store under test. Handles opened by one Open
// share the same data but nothing in memory, as two processes would.
type Open func(tb testing.TB) Store

// Key returns a key no other test uses.
func Key(t testing.TB) string {
	return "storetest/" + strings.ReplaceAll(t.Name(), "/", "_") + "/" + rand.Text()[:10]
}

// Token returns a token with the given access token, an hour of life, a refresh
// token and metadata in Extra.
func Token(access string) *oauth2.Token {
	t := &oauth2.Token{
		AccessToken:  access,
		TokenType:    "Bearer",
		RefreshToken: "rt-" + access,
		Expiry:       time.Now().Add(time.Hour).Round(time.Second),
		ExpiresIn:    3600,
	}
	return t.WithExtra(map[string]any{"instance_url": "https://eu.example.test", "scope": "a b"})
}

// Run runs the contract tests.
func Run(t *testing.T, open Open) {
	t.Run("LoadMissing", func(t *testing.T) { testLoadMissing(t, open(t)) })
	t.Run("SaveLoad", func(t *testing.T) { testSaveLoad(t, open(t)) })
	t.Run("CompareAndSwap", func(t *testing.T) { testCAS(t, open(t)) })
	t.Run("ConcurrentSaves", func(t *testing.T) { testConcurrentSaves(t, open(t), open(t)) })
	t.Run("LeaseExcludes", func(t *testing.T) { testLeaseExcludes(t, open(t), open(t)) })
	t.Run("LeaseHandOff", func(t *testing.T) { testHandOff(t, open(t), open(t)) })
	t.Run("LeaseExpiresAndFences", func(t *testing.T) { testExpiry(t, open(t), open(t)) })
	t.Run("LeaseExpiresInProcess", func(t *testing.T) { s := open(t); testExpiry(t, s, s) })
	t.Run("LeaseSaveChecksPrev", func(t *testing.T) { testLeaseSavePrev(t, open(t)) })
	t.Run("MutualExclusion", func(t *testing.T) { testMutex(t, open(t), open(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, open(t)) })
	t.Run("DueKeys", func(t *testing.T) { testDueKeys(t, open(t), open(t)) })
	t.Run("Pending", func(t *testing.T) { testPending(t, open(t), open(t)) })
}

// testDueKeys: Save files keys by runtime.RenewBy, a renewal moves a key, Delete and
// a token that cannot be renewed take it out; DueKeys lists them earliest first, also
// through another handle. Other tests' keys share the store, so only this test's keys
// are looked at, filed long ago to come first.
func testDueKeys(t *testing.T, s, other Store) {
	ctx, prefix := ctxT(t), Key(t)
	base := time.Now().Add(-time.Duration(1000+mrand.IntN(1000)) * time.Hour).Truncate(time.Second)
	key := func(n string) string { return prefix + "/" + n }
	tok := func(n string, min int) *oauth2.Token {
		return &oauth2.Token{AccessToken: "at-" + n + strconv.Itoa(min), RefreshToken: "rt-" + n, Expiry: base.Add(time.Duration(min) * time.Minute)}
	}
	for i, n := range []string{"c", "a", "e", "b", "d"} {
		if err := s.Save(ctx, key(n), nil, tok(n, map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}[n])); err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
	}
	if err := s.Save(ctx, key("p"), nil, &oauth2.Token{AccessToken: "no-refresh", Expiry: base}); err != nil {
		t.Fatal(err)
	}
	mine := func(before time.Time) string {
		t.Helper()
		keys, err := other.DueKeys(ctx, before, 100000)
		if err != nil {
			t.Fatalf("DueKeys: %v", err)
		}
		var out []string
		for _, k := range keys {
			if n, ok := strings.CutPrefix(k, prefix+"/"); ok {
				out = append(out, n)
			}
		}
		return strings.Join(out, ",")
	}
	if got := mine(base.Add(4 * time.Minute)); got != "a,b,c" {
		t.Errorf("due before +4m: %q, want a,b,c", got)
	}
	if err := s.Save(ctx, key("a"), tok("a", 1), tok("a", 9)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, key("b")); err != nil {
		t.Fatal(err)
	}
	if got := mine(base.Add(time.Hour)); got != "c,d,e,a" {
		t.Errorf("after a renewal and a delete: %q, want c,d,e,a", got)
	}
	keys, err := other.DueKeys(ctx, base.Add(time.Hour), 1)
	if err != nil || len(keys) != 1 {
		t.Errorf("limit 1: %d keys, %v", len(keys), err)
	}
}

// testPending: a pending authorization is taken once, by one of many concurrent
// takers of two handles, and not after its ttl.
func testPending(t *testing.T, s, other Store) {
	ctx, id := ctxT(t), Key(t)
	if err := s.SavePending(ctx, id, []byte("pending-data"), time.Minute); err != nil {
		t.Fatalf("SavePending: %v", err)
	}
	var got atomic.Int32
	var wg sync.WaitGroup
	for i := range 10 {
		h := s
		if i%2 == 1 {
			h = other
		}
		wg.Go(func() {
			d, err := h.TakePending(ctx, id)
			switch {
			case err == nil && string(d) == "pending-data":
				got.Add(1)
			case err == nil:
				t.Errorf("TakePending: wrong data (%d bytes)", len(d))
			case !errors.Is(err, runtime.ErrNotFound):
				t.Errorf("TakePending: %v", err)
			}
		})
	}
	wg.Wait()
	if got.Load() != 1 {
		t.Errorf("%d takers got the pending authorization, want 1", got.Load())
	}
	if err := s.SavePending(ctx, id+"x", []byte("short"), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond)
	if _, err := other.TakePending(ctx, id+"x"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("TakePending after the ttl: %v, want ErrNotFound", err)
	}
}

func testDelete(t *testing.T, s Store) {
	d := s
	ctx, key := ctxT(t), Key(t)
	if err := d.Delete(ctx, key); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	a := Token("a")
	if err := s.Save(ctx, key, nil, a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Load(ctx, key); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Load after Delete: err = %v, want ErrNotFound", err)
	}
	// A new connection starts from nothing stored.
	if err := s.Save(ctx, key, nil, Token("b")); err != nil {
		t.Fatalf("Save with prev nil after Delete: %v", err)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func testLoadMissing(t *testing.T, s Store) {
	_, err := s.Load(ctxT(t), Key(t))
	if !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Load of a missing key: err = %v, want ErrNotFound", err)
	}
}

// SameToken reports how got differs from want, or "" when they are equal
// (access and refresh token, type, expiry, expires_in and the instance_url extra).
func SameToken(got, want *oauth2.Token) string {
	switch {
	case got == nil:
		return "nil token"
	case got.AccessToken != want.AccessToken:
		return "access token differs"
	case got.RefreshToken != want.RefreshToken:
		return "refresh token differs"
	case got.TokenType != want.TokenType:
		return "token type " + got.TokenType + ", want " + want.TokenType
	case !got.Expiry.Equal(want.Expiry):
		return "expiry " + got.Expiry.String() + ", want " + want.Expiry.String()
	case got.ExpiresIn != want.ExpiresIn:
		return "expires_in differs"
	case got.Extra("instance_url") != want.Extra("instance_url"):
		return "extra instance_url lost"
	}
	return ""
}

func testSaveLoad(t *testing.T, s Store) {
	ctx, key := ctxT(t), Key(t)
	tok := Token("a1")
	if err := s.Save(ctx, key, nil, tok); err != nil {
		t.Fatalf("first Save: %v", err)
	}
	got, err := s.Load(ctx, key)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if d := SameToken(got, tok); d != "" {
		t.Fatalf("Load after Save: %s", d)
	}
}

func testCAS(t *testing.T, s Store) {
	ctx, key := ctxT(t), Key(t)
	a, b, c := Token("a1"), Token("b1"), Token("c1")
	if err := s.Save(ctx, key, nil, a); err != nil {
		t.Fatalf("first Save: %v", err)
	}
	err := s.Save(ctx, key, nil, b)
	if !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("Save with prev nil over a stored token: err = %v, want ErrConflict", err)
	}
	if err := s.Save(ctx, key, c, b); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("Save with a wrong prev: err = %v, want ErrConflict", err)
	} else if strings.Contains(err.Error(), "b1") || strings.Contains(err.Error(), "c1") {
		t.Fatalf("conflict error names a token: %q", err)
	}
	if err := s.Save(ctx, key, a, b); err != nil {
		t.Fatalf("Save with the right prev: %v", err)
	}
	if err := s.Save(ctx, key, a, c); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("Save with a stale prev: err = %v, want ErrConflict", err)
	}
	got, err := s.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if d := SameToken(got, b); d != "" {
		t.Fatalf("stored token after CAS: %s", d)
	}
}

func testConcurrentSaves(t *testing.T, s1, s2 Store) {
	ctx, key := ctxT(t), Key(t)
	base := Token("base")
	if err := s1.Save(ctx, key, nil, base); err != nil {
		t.Fatal(err)
	}
	var wins atomic.Int32
	var winner atomic.Value
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			s := s1
			if i%2 == 1 {
				s = s2
			}
			next := Token("next-" + string(rune('a'+i)))
			switch err := s.Save(ctx, key, base, next); {
			case err == nil:
				wins.Add(1)
				winner.Store(next)
			case errors.Is(err, runtime.ErrConflict):
			default:
				t.Errorf("Save: %v", err)
			}
		})
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Fatalf("%d of 20 concurrent saves from the same prev won, want 1", n)
	}
	got, err := s2.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if d := SameToken(got, winner.Load().(*oauth2.Token)); d != "" {
		t.Fatalf("stored token is not the winner's: %s", d)
	}
}

func testLeaseExcludes(t *testing.T, s1, s2 Store) {
	ctx, key := ctxT(t), Key(t)
	l, err := s1.Acquire(ctx, key, 10*time.Second)
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	for _, s := range []Store{s1, s2} {
		short, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
		l2, err := s.Acquire(short, key, 10*time.Second)
		early := short.Err() == nil
		cancel()
		if err == nil {
			l2.Release(ctx)
			t.Fatal("a second Acquire got a held lease")
		}
		if early {
			t.Fatalf("second Acquire gave up before its context ended: %v", err)
		}
	}
	if err := l.Release(ctx); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := l.Release(ctx); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	l3, err := s2.Acquire(ctx, key, time.Second)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l3.Release(ctx)
}

// testHandOff checks that a waiter gets a released lease long before its TTL would
// have ended.
func testHandOff(t *testing.T, s1, s2 Store) {
	ctx, key := ctxT(t), Key(t)
	l, err := s1.Acquire(ctx, key, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		l2, err := s2.Acquire(ctx, key, time.Second)
		if err == nil {
			err = l2.Release(ctx)
		}
		got <- err
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("waiter returned while the lease was held: %v", err)
	default:
	}
	released := time.Now()
	l.Release(ctx)
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("waiter: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("waiter not handed the lease %v after Release (TTL was 20s)", time.Since(released))
	}
}

func testExpiry(t *testing.T, s1, s2 Store) {
	ctx, key := ctxT(t), Key(t)
	base := Token("base")
	if err := s1.Save(ctx, key, nil, base); err != nil {
		t.Fatal(err)
	}
	const ttl = 300 * time.Millisecond
	dead, err := s1.Acquire(ctx, key, ttl)
	if err != nil {
		t.Fatal(err)
	}
	// The holder "dies": it never releases. Another holder gets the lease once it expires.
	start := time.Now()
	l2, err := s2.Acquire(ctx, key, 10*time.Second)
	if err != nil {
		t.Fatalf("Acquire after the holder died: %v", err)
	}
	if waited := time.Since(start); waited < ttl/2 {
		t.Fatalf("lease taken over after %v, before the dead holder's TTL %v", waited, ttl)
	}
	fresh := Token("fresh")
	if err := l2.Save(ctx, base, fresh); err != nil {
		t.Fatalf("new holder's Save: %v", err)
	}
	// The old holder wakes up: fencing stops it, even with a prev that matches.
	if err := dead.Save(ctx, fresh, Token("stale")); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("expired holder's Save: err = %v, want ErrConflict", err)
	}
	if err := dead.Release(ctx); err != nil {
		t.Fatalf("expired holder's Release: %v", err)
	}
	// Its Release must not have freed the new holder's lease.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	if l3, err := s1.Acquire(short, key, time.Second); err == nil {
		l3.Release(ctx)
		cancel()
		t.Fatal("the expired holder's Release freed the new holder's lease")
	}
	cancel()
	got, err := s1.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if d := SameToken(got, fresh); d != "" {
		t.Fatalf("stored token after fencing: %s", d)
	}
	l2.Release(ctx)
}

func testLeaseSavePrev(t *testing.T, s Store) {
	ctx, key := ctxT(t), Key(t)
	a := Token("a")
	if err := s.Save(ctx, key, nil, a); err != nil {
		t.Fatal(err)
	}
	l, err := s.Acquire(ctx, key, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(ctx)
	if err := l.Save(ctx, Token("other"), Token("b")); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("lease Save with a wrong prev: err = %v, want ErrConflict", err)
	}
	b := Token("b")
	if err := l.Save(ctx, a, b); err != nil {
		t.Fatalf("lease Save: %v", err)
	}
	got, err := s.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if d := SameToken(got, b); d != "" {
		t.Fatalf("after lease Save: %s", d)
	}
}

func testMutex(t *testing.T, s1, s2 Store) {
	ctx, key := ctxT(t), Key(t)
	var inside, maxInside, rounds atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s := s1
			if i%2 == 1 {
				s = s2
			}
			for range 5 {
				l, err := s.Acquire(ctx, key, 10*time.Second)
				if err != nil {
					t.Errorf("Acquire: %v", err)
					return
				}
				n := inside.Add(1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(time.Millisecond)
				inside.Add(-1)
				rounds.Add(1)
				if err := l.Release(ctx); err != nil {
					t.Errorf("Release: %v", err)
				}
			}
		})
	}
	wg.Wait()
	if m := maxInside.Load(); m != 1 {
		t.Fatalf("%d holders at once, want 1", m)
	}
	if r := rounds.Load(); r != 40 {
		t.Fatalf("%d rounds done, want 40", r)
	}
}

// URL returns the server URL in the environment variable name. When it is unset
// the test is skipped, loudly, unless CI is set, in which case it fails: CI must
// start the servers (scripts/testservers.sh does).
func URL(t testing.TB, name string) string {
	t.Helper()
	u := os.Getenv(name)
	if u != "" {
		return u
	}
	switch os.Getenv("CI") {
	case "", "0", "false", "no":
		t.Skipf("SKIPPED: %s is not set: no server to test against (run through scripts/testservers.sh, or make test-stores)", name)
	}
	t.Fatalf("%s is not set but CI is: the servers must be started (scripts/testservers.sh)", name)
	return ""
}

// Cache tests a store opened with its short read cache: cached serves the token it
// read even after writer (another process) replaced it, but the read after Acquire,
// which decides whether to refresh, goes to the server.
func Cache(t *testing.T, cached, writer Store) {
	ctx := t.Context()
	key := Key(t)
	a, b := Token("a"), Token("b")
	if err := writer.Save(ctx, key, nil, a); err != nil {
		t.Fatal(err)
	}
	if got, err := cached.Load(ctx, key); err != nil || got.AccessToken != "a" {
		t.Fatalf("first Load: %v", err)
	}
	if err := writer.Save(ctx, key, a, b); err != nil {
		t.Fatal(err)
	}
	if got, err := cached.Load(ctx, key); err != nil || got.AccessToken != "a" {
		t.Fatalf("cached Load: got the new token %v, %v; want the cached one", got != nil && got.AccessToken == "b", err)
	}
	l, err := cached.Acquire(ctx, key, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(ctx)
	if got, err := cached.Load(ctx, key); err != nil || got.AccessToken != "b" {
		t.Fatalf("Load after Acquire did not see the server: %v", err)
	}
}
