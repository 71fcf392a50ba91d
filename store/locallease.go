package store

import (
	"context"
	"sync"
	"time"
)

// MaxPasses bounds how many times in a row a distributed lease is passed from one
// holder of a process to the next (Gate.Pass) before it is released for real, so
// that waiters in other processes get their turn.
const MaxPasses = 256

// Passed is what a lease holder hands to the next waiter of its process: the
// distributed lease, still held.
type Passed struct {
	Fence    any           // the store's fencing value
	Deadline time.Time     // when the distributed lease ends (measured from before it was taken)
	TTL      time.Duration // the TTL it was taken for
	Passes   int           // how many times it was passed so far
}

// LocalLease is the in-process side of a held distributed lease: it gives the
// key's gate back exactly once, when the holder releases or when the lease's time
// is up (whichever comes first), and passes the lease on when it may.
type LocalLease struct {
	gate *Gate
	key  string
	p    Passed

	once  sync.Once
	timer *time.Timer
}

// Acquire gives the caller the distributed lease of key for this process: it
// waits for key's gate, then holds the lease the previous local holder passed on,
// or else calls take to take the lease from the store, freeing the gate again when
// take fails. drop frees a lease that was handed over just as ctx ended and may
// not be passed on (see Lock). The errors are ctx's and take's, as they are.
func (g *Gate) Acquire(ctx context.Context, key string, drop func(Passed), take func() (Passed, error)) (*LocalLease, error) {
	passed, err := g.Lock(ctx, key, func(v any) {
		if p, ok := v.(*Passed); ok {
			drop(*p)
		}
	})
	if err != nil {
		return nil, err
	}
	if p, ok := passed.(*Passed); ok {
		return g.Hold(key, *p), nil // passed on by the previous holder, still held
	}
	p, err := take()
	if err != nil {
		g.Unlock(key)
		return nil, err
	}
	return g.Hold(key, p), nil
}

// Hold starts the local side of lease p of key, whose gate the caller holds.
func (g *Gate) Hold(key string, p Passed) *LocalLease {
	l := &LocalLease{gate: g, key: key, p: p}
	// A holder that outlives its lease lets the next local waiter compete.
	l.timer = time.AfterFunc(time.Until(p.Deadline), func() {
		l.once.Do(func() { g.Unlock(key) })
	})
	return l
}

// Fence returns the lease's fencing value.
func (l *LocalLease) Fence() any { return l.p.Fence }

// Release ends the local holding. When the lease has more than half its TTL left,
// has not been passed MaxPasses times, and a goroutine of this process waits for
// the key, the lease is passed to it; otherwise release (which frees the
// distributed lease) runs and then the gate is unlocked. Calling Release again, or
// after the lease's time is up, does nothing.
func (l *LocalLease) Release(release func() error) error {
	var err error
	l.once.Do(func() {
		l.timer.Stop()
		if l.gate.passOn(l.key, l.p) {
			return
		}
		err = release()
		l.gate.Unlock(l.key)
	})
	return err
}
