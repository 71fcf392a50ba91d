// Package memstore is an in-memory runtime.TokenStore and runtime.Locker, for one
// process and for tests. The stores shared between processes are redisstore and
// pgstore; all three pass the storetest suite.
package memstore

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

// Store is an in-memory runtime.TokenStore and runtime.Locker: one refresh per token
// within the process. Its zero value is ready to use. Tokens are stored as given and must not be modified
// afterwards (the runtime never modifies a token).
type Store struct {
	mu      sync.Mutex
	tokens  map[string]*oauth2.Token
	due     dueIndex
	pending map[string]pendingAuth
	queue   []string // pending ids in the order saved, to drop expired ones
	leases  map[string]*memLease
	wake    chan struct{} // closed and replaced when a lease is released
	now     func() time.Time
}

type pendingAuth struct {
	data    []byte
	expires time.Time
}

var _ interface {
	runtime.TokenStore
	runtime.Locker
} = (*Store)(nil)

// Load returns the token stored under key, or runtime.ErrNotFound.
func (m *Store) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[key]
	if !ok {
		return nil, runtime.ErrNotFound
	}
	return t, nil
}

// Save stores next under key if the stored token is still prev (by access token;
// prev nil: nothing stored), else returns runtime.ErrConflict.
func (m *Store) Save(ctx context.Context, key string, prev, next *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.saveLocked(key, prev, next)
}

func (m *Store) saveLocked(key string, prev, next *oauth2.Token) error {
	cur, ok := m.tokens[key]
	switch {
	case prev == nil && ok, prev != nil && !ok, prev != nil && cur.AccessToken != prev.AccessToken:
		return runtime.ErrConflict
	}
	if m.tokens == nil {
		m.tokens = map[string]*oauth2.Token{}
	}
	m.tokens[key] = next
	m.due.set(key, runtime.RenewBy(next))
	return nil
}

// Delete removes the token stored under key.
func (m *Store) Delete(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tokens, key)
	m.due.set(key, time.Time{})
	return nil
}

// DueKeys returns at most limit keys whose token must be renewed before t
// (runtime.RenewBy), earliest first, from an index ordered by that time.
func (m *Store) DueKeys(ctx context.Context, t time.Time, limit int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.due.before(t, limit), nil
}

// SavePending keeps a pending authorization under id for ttl.
func (m *Store) SavePending(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock()
	// Drop what expired at the front of the queue, so abandoned authorizations do not
	// accumulate (ttls are alike: the queue is nearly ordered by expiry).
	for len(m.queue) > 0 {
		p, ok := m.pending[m.queue[0]]
		if ok && now.Before(p.expires) {
			break
		}
		delete(m.pending, m.queue[0])
		m.queue = m.queue[1:]
	}
	if m.pending == nil {
		m.pending = map[string]pendingAuth{}
	}
	m.pending[id] = pendingAuth{data: data, expires: now.Add(ttl)}
	m.queue = append(m.queue, id)
	return nil
}

// TakePending returns the pending authorization under id and removes it, or
// runtime.ErrNotFound when there is none or it expired.
func (m *Store) TakePending(ctx context.Context, id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pending[id]
	delete(m.pending, id)
	if !ok || !m.clock().Before(p.expires) {
		return nil, runtime.ErrNotFound
	}
	return p.data, nil
}

// Format prints the store without its tokens, under every verb (and without
// reading its maps unlocked, as fmt would).
func (m *Store) Format(f fmt.State, verb rune) {
	m.mu.Lock()
	n := len(m.tokens)
	m.mu.Unlock()
	s := "memstore.Store{" + strconv.Itoa(n) + " tokens}"
	switch verb {
	case 'v', 's':
		io.WriteString(f, s)
	default:
		fmt.Fprintf(f, fmt.FormatString(f, verb), s)
	}
}

func (m *Store) clock() time.Time {
	if m.now != nil {
		return m.now()
	}
	return time.Now()
}

type memLease struct {
	m       *Store
	key     string
	expires time.Time
}

// Acquire waits until the lease for key is free (or expired) or ctx is done, and
// takes it for ttl.
func (m *Store) Acquire(ctx context.Context, key string, ttl time.Duration) (runtime.Lease, error) {
	for {
		m.mu.Lock()
		l := m.leases[key]
		if l == nil || !m.clock().Before(l.expires) {
			if m.leases == nil {
				m.leases = map[string]*memLease{}
			}
			nl := &memLease{m: m, key: key, expires: m.clock().Add(ttl)}
			m.leases[key] = nl
			m.mu.Unlock()
			return nl, nil
		}
		if m.wake == nil {
			m.wake = make(chan struct{})
		}
		wake := m.wake
		wait := l.expires.Sub(m.clock())
		m.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// held reports whether l is still the live lease of its key. m.mu is held.
func (l *memLease) held() bool {
	cur := l.m.leases[l.key]
	return cur == l && l.m.clock().Before(l.expires)
}

// Save stores next if the lease is still held and the stored token is prev.
func (l *memLease) Save(ctx context.Context, prev, next *oauth2.Token) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if !l.held() {
		return runtime.ErrConflict
	}
	return l.m.saveLocked(l.key, prev, next)
}

// Release frees the lease if it is still held.
func (l *memLease) Release(ctx context.Context) error {
	m := l.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.leases[l.key] == l {
		delete(m.leases, l.key)
		if m.wake != nil {
			close(m.wake)
			m.wake = nil
		}
	}
	return nil
}
