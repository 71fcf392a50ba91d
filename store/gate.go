package store

import (
	"context"
	"sync"
	"time"
)

// Gate is a per-process mutex per key. A store takes it before it competes for the
// distributed lease of a key, so that of the goroutines of one process only one
// talks to the database about a key's lease at a time; the others wait in memory.
// A holder that is done may Pass its still valid distributed lease straight to the
// next waiter of the process, which then needs no round trip to take it. The zero
// Gate is ready to use.
type Gate struct {
	mu sync.Mutex
	m  map[string]*gateSlot
}

type gateSlot struct {
	held    bool
	waiters []chan any // first in, first served
}

// Lock waits until the gate of key is free or handed over, or ctx is done. It
// returns what the previous holder passed with Pass (nil when the gate was free
// or unlocked). If ctx ends while a value is being passed to this caller, a
// *Passed lease goes on to the next waiter when LocalLease.Release would pass it
// (counted as one more pass); any other value, or a lease that may not be passed,
// goes to drop, and the gate is unlocked.
func (g *Gate) Lock(ctx context.Context, key string, drop func(any)) (passed any, err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[string]*gateSlot)
	}
	s := g.m[key]
	if s == nil {
		s = &gateSlot{}
		g.m[key] = s
	}
	if !s.held {
		s.held = true
		g.mu.Unlock()
		return nil, nil
	}
	ch := make(chan any, 1)
	s.waiters = append(s.waiters, ch)
	g.mu.Unlock()

	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	for i, w := range s.waiters {
		if w == ch {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			g.mu.Unlock()
			return nil, ctx.Err()
		}
	}
	g.mu.Unlock()
	// Handed the gate meanwhile: pass a lease on under the rules of
	// LocalLease.Release, or drop it and free the gate.
	v := <-ch
	if p, ok := v.(*Passed); ok && g.passOn(key, *p) {
		return nil, ctx.Err()
	}
	if v != nil && drop != nil {
		drop(v)
	}
	g.Unlock(key)
	return nil, ctx.Err()
}

// passOn passes lease p of key, counted once more, to the first waiter of key
// when p has been passed fewer than MaxPasses times and has more than half its
// TTL left, and reports whether it did.
func (g *Gate) passOn(key string, p Passed) bool {
	p.Passes++
	return p.Passes <= MaxPasses && time.Until(p.Deadline) > p.TTL/2 && g.Pass(key, &p)
}

// Pass hands v to the first waiter of key, which then holds the gate, and reports
// whether there was one. When there is none the caller still holds the gate.
func (g *Gate) Pass(key string, v any) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.m[key]
	if s == nil || len(s.waiters) == 0 {
		return false
	}
	w := s.waiters[0]
	s.waiters = s.waiters[1:]
	w <- v
	return true
}

// Unlock frees the gate of key, or hands it (with nil) to the first waiter.
func (g *Gate) Unlock(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.m[key]
	if s == nil {
		return
	}
	if len(s.waiters) > 0 {
		w := s.waiters[0]
		s.waiters = s.waiters[1:]
		w <- nil
		return
	}
	delete(g.m, key)
}
