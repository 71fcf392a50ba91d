package store

import (
	"context"
	"sync"
)

// Gate is a per-process mutex per key. A store takes it before it competes for the
// distributed lease of a key, so that of the goroutines of one process only one
// talks to the database about a key's lease at a time; the others wait in memory
// and are handed the gate the moment it is released. The zero Gate is ready to use.
type Gate struct {
	mu sync.Mutex
	m  map[string]*gateSlot
}

type gateSlot struct {
	ch   chan struct{}
	refs int
}

// Lock waits until the gate for key is free or ctx is done. On success it returns
// the function that unlocks the gate; calling that function more than once is safe.
func (g *Gate) Lock(ctx context.Context, key string) (unlock func(), err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[string]*gateSlot)
	}
	s := g.m[key]
	if s == nil {
		s = &gateSlot{ch: make(chan struct{}, 1)}
		g.m[key] = s
	}
	s.refs++
	g.mu.Unlock()

	select {
	case s.ch <- struct{}{}:
	case <-ctx.Done():
		g.drop(key, s)
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-s.ch
			g.drop(key, s)
		})
	}, nil
}

func (g *Gate) drop(key string, s *gateSlot) {
	g.mu.Lock()
	s.refs--
	if s.refs == 0 {
		delete(g.m, key)
	}
	g.mu.Unlock()
}
