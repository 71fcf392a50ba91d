package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestCache(t *testing.T) {
	var off Cache
	off.Set("k", &oauth2.Token{AccessToken: "a"})
	if tok, _ := off.Get("k"); tok != nil {
		t.Fatal("a zero Cache cached")
	}
	c := Cache{TTL: time.Minute}
	tok, gen := c.Get("k")
	if tok != nil {
		t.Fatal("hit on an empty cache")
	}
	c.Put("k", &oauth2.Token{AccessToken: "a"}, gen)
	if tok, _ := c.Get("k"); tok == nil || tok.AccessToken != "a" {
		t.Fatal("Put then Get missed")
	}
	// A read that started before an invalidation must not fill the cache.
	_, gen = c.Get("other")
	c.Invalidate("k")
	c.Put("other", &oauth2.Token{AccessToken: "stale"}, gen)
	if tok, _ := c.Get("other"); tok != nil {
		t.Fatal("a read from before an invalidation filled the cache")
	}
	if tok, _ := c.Get("k"); tok != nil {
		t.Fatal("Invalidate kept the entry")
	}
	c.Set("k", &oauth2.Token{AccessToken: "b"})
	got, _ := c.Get("k")
	got.AccessToken = "mutated"
	if tok, _ := c.Get("k"); tok.AccessToken != "b" {
		t.Fatal("a caller's change reached the cache")
	}
	short := Cache{TTL: time.Millisecond}
	short.Set("k", &oauth2.Token{AccessToken: "a"})
	time.Sleep(5 * time.Millisecond)
	if tok, _ := short.Get("k"); tok != nil {
		t.Fatal("an entry outlived its TTL")
	}
}

func TestGateExcludesAndHandsOver(t *testing.T) {
	var g Gate
	ctx := context.Background()
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := g.Lock(ctx, "k", nil); err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			time.Sleep(100 * time.Microsecond)
			inside.Add(-1)
			g.Unlock("k")
		})
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d holders at once", most.Load())
	}
	if len(g.m) != 0 {
		t.Fatalf("%d slots left after everyone unlocked", len(g.m))
	}

	// Pass hands a value to the first waiter; without a waiter it reports false.
	if _, err := g.Lock(ctx, "k", nil); err != nil {
		t.Fatal(err)
	}
	if g.Pass("k", 1) {
		t.Fatal("Pass without a waiter reported true")
	}
	got := make(chan any)
	go func() {
		v, _ := g.Lock(ctx, "k", nil)
		got <- v
	}()
	for !g.Pass("k", 42) {
		time.Sleep(time.Millisecond)
	}
	if v := <-got; v != 42 {
		t.Fatalf("waiter got %v, want the passed 42", v)
	}
	g.Unlock("k")
}

func TestGateCancelledWaiter(t *testing.T) {
	var g Gate
	if _, err := g.Lock(context.Background(), "k", nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.Lock(ctx, "k", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock on a held gate: %v, want the deadline", err)
	}
	if g.Pass("k", 1) {
		t.Fatal("the cancelled waiter is still queued")
	}
	g.Unlock("k")
	if _, err := g.Lock(context.Background(), "k", nil); err != nil {
		t.Fatal(err)
	}
	g.Unlock("k")
}

func TestLocalLease(t *testing.T) {
	var g Gate
	ctx := context.Background()
	released := 0
	rel := func() error { released++; return nil }

	// No waiter: the distributed lease is released, the gate freed.
	g.Lock(ctx, "k", nil)
	l := g.Hold("k", Passed{Fence: "f1", Deadline: time.Now().Add(time.Minute), TTL: time.Minute})
	if err := l.Release(rel); err != nil || released != 1 {
		t.Fatalf("Release without a waiter: err %v, %d releases", err, released)
	}
	l.Release(rel)
	if released != 1 {
		t.Fatal("a second Release released again")
	}

	// A waiter gets the lease passed, with the same fence, and nothing is released.
	g.Lock(ctx, "k", nil)
	l = g.Hold("k", Passed{Fence: "f2", Deadline: time.Now().Add(time.Minute), TTL: time.Minute})
	got := make(chan any)
	go func() {
		v, _ := g.Lock(ctx, "k", nil)
		got <- v
	}()
	for {
		g.mu.Lock()
		n := len(g.m["k"].waiters)
		g.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	l.Release(rel)
	p, ok := (<-got).(*Passed)
	if !ok || p.Fence != "f2" || p.Passes != 1 || released != 1 {
		t.Fatalf("passed %+v, %d releases; want fence f2 passed once, no release", p, released)
	}
	// Less than half the TTL left: released for real even with a waiter.
	l = g.Hold("k", Passed{Fence: "f2", Deadline: time.Now().Add(10 * time.Second), TTL: time.Minute})
	go func() {
		v, _ := g.Lock(ctx, "k", nil)
		got <- v
	}()
	time.Sleep(10 * time.Millisecond)
	l.Release(rel)
	if v := <-got; v != nil || released != 2 {
		t.Fatalf("waiter got %v with %d releases; want nil after a real release", v, released)
	}
	g.Unlock("k")

	// A holder that outlives its lease gives the gate back when the lease ends.
	g.Lock(ctx, "k", nil)
	l = g.Hold("k", Passed{Fence: "f3", Deadline: time.Now().Add(20 * time.Millisecond), TTL: 20 * time.Millisecond})
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := g.Lock(wait, "k", nil); err != nil {
		t.Fatalf("gate not freed when the lease ended: %v", err)
	}
	l.Release(rel) // late: must neither release nor unlock the new holder's gate
	if released != 2 {
		t.Fatal("a late Release released the distributed lease")
	}
	short, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	if _, err := g.Lock(short, "k", nil); err == nil {
		t.Fatal("a late Release unlocked the new holder's gate")
	}
	g.Unlock("k")
}

// TestGateCancelledWaiterPassesOn hands a lease to a waiter whose ctx has just
// ended: the waiter must pass it on under the rules of LocalLease.Release (one
// more pass, MaxPasses, half the TTL left) or drop it.
func TestGateCancelledWaiterPassesOn(t *testing.T) {
	fresh := func(passes int) Passed {
		return Passed{Fence: "f", Deadline: time.Now().Add(time.Minute), TTL: time.Minute, Passes: passes}
	}
	for _, tc := range []struct {
		name     string
		handed   Passed
		wantNext int // Passes the next waiter gets; 0: the lease is dropped instead
	}{
		{"passed on, counted", fresh(3), 4},
		{"MaxPasses reached", fresh(MaxPasses), 0},
		{"under half the TTL left", Passed{Fence: "f", Deadline: time.Now().Add(10 * time.Second), TTL: time.Minute}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The race is won by the ctx case only when the waiter already sleeps in
			// its select when ctx ends; retry until that happened.
			for try := 0; ; try++ {
				if try == 50 {
					t.Fatal("the cancelled waiter never saw its ctx end before the hand-over")
				}
				var g Gate
				g.Lock(context.Background(), "k", nil)
				ctx, cancel := context.WithCancel(context.Background())
				var dropped []*Passed
				first := make(chan error, 1)
				go func() {
					_, err := g.Lock(ctx, "k", func(v any) { dropped = append(dropped, v.(*Passed)) })
					first <- err
				}()
				waitWaiters(&g, "k", 1)
				second := make(chan any, 1)
				go func() {
					v, _ := g.Lock(context.Background(), "k", nil)
					second <- v
				}()
				waitWaiters(&g, "k", 2)
				time.Sleep(time.Millisecond) // let the first waiter sleep in its select

				// End the first waiter's ctx, then hand it the lease before it can
				// take itself off the queue (it needs g.mu for that).
				g.mu.Lock()
				cancel()
				s := g.m["k"]
				w := s.waiters[0]
				s.waiters = s.waiters[1:]
				p := tc.handed
				w <- &p
				g.mu.Unlock()

				if err := <-first; err == nil {
					// Took the lease before seeing ctx end: not the case under test.
					g.Unlock("k")
					<-second
					g.Unlock("k")
					continue
				}
				v := <-second
				if tc.wantNext == 0 {
					if v != nil || len(dropped) != 1 || dropped[0].Fence != "f" {
						t.Fatalf("next waiter got %v, dropped %v; want the lease dropped and nil passed", v, dropped)
					}
				} else {
					next, ok := v.(*Passed)
					if !ok || next.Fence != "f" || next.Passes != tc.wantNext || len(dropped) != 0 {
						t.Fatalf("next waiter got %+v, dropped %v; want fence f with Passes %d", v, dropped, tc.wantNext)
					}
				}
				g.Unlock("k")
				if len(g.m) != 0 {
					t.Fatal("gate still held after the last holder unlocked")
				}
				return
			}
		})
	}
}

func waitWaiters(g *Gate, key string, n int) {
	for {
		g.mu.Lock()
		got := 0
		if s := g.m[key]; s != nil {
			got = len(s.waiters)
		}
		g.mu.Unlock()
		if got == n {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func TestGateAcquire(t *testing.T) {
	var g Gate
	ctx := context.Background()
	noDrop := func(Passed) { t.Error("dropped a lease") }
	fresh := Passed{Fence: "f1", Deadline: time.Now().Add(time.Minute), TTL: time.Minute}

	// A failed take gives its error as it is and frees the gate.
	boom := errors.New("boom")
	if _, err := g.Acquire(ctx, "k", noDrop, func() (Passed, error) { return Passed{}, boom }); !errors.Is(err, boom) {
		t.Fatalf("Acquire with a failing take: %v, want boom", err)
	}
	if len(g.m) != 0 {
		t.Fatal("a failed take left the gate held")
	}

	// A taken lease is held; the next caller gets it passed without a take.
	l, err := g.Acquire(ctx, "k", noDrop, func() (Passed, error) { return fresh, nil })
	if err != nil {
		t.Fatal(err)
	}
	if l.Fence() != "f1" {
		t.Fatalf("Acquire: fence %v, want f1", l.Fence())
	}
	got := make(chan *LocalLease)
	go func() {
		l2, err := g.Acquire(ctx, "k", noDrop, func() (Passed, error) {
			t.Error("took a lease that was passed on")
			return Passed{}, boom
		})
		if err != nil {
			t.Error(err)
		}
		got <- l2
	}()
	waitWaiters(&g, "k", 1)
	released := 0
	l.Release(func() error { released++; return nil })
	l2 := <-got
	if l2 == nil || l2.Fence() != "f1" || l2.p.Passes != 1 || released != 0 {
		t.Fatalf("second caller got %+v with %d releases; want f1 passed once", l2, released)
	}
	l2.Release(func() error { released++; return nil })
	if released != 1 || len(g.m) != 0 {
		t.Fatalf("%d releases, %d gates after the last Release; want 1 and 0", released, len(g.m))
	}

	// A caller whose ctx ends while it waits gets ctx's error and takes nothing.
	l, _ = g.Acquire(ctx, "k", noDrop, func() (Passed, error) { return fresh, nil })
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := g.Acquire(short, "k", noDrop, func() (Passed, error) { return fresh, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire on a held key: %v, want the deadline", err)
	}
	l.Release(func() error { return nil })
}
