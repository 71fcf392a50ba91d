package runtime

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// MemoryStore is an in-memory TokenStore and Locker, for one process and for tests.
// Its zero value is ready to use. Tokens are stored as given and must not be modified
// afterwards (the runtime never modifies a token).
type MemoryStore struct {
	mu     sync.Mutex
	tokens map[string]*oauth2.Token
	leases map[string]*memLease
	wake   chan struct{} // closed and replaced when a lease is released
	now    func() time.Time
}

var _ interface {
	TokenStore
	Locker
} = (*MemoryStore)(nil)

// Load returns the token stored under key, or ErrNotFound.
func (m *MemoryStore) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[key]
	if !ok {
		return nil, ErrNotFound
	}
	return t, nil
}

// Save stores next under key if the stored token is still prev (by access token;
// prev nil: nothing stored), else returns ErrConflict.
func (m *MemoryStore) Save(ctx context.Context, key string, prev, next *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.saveLocked(key, prev, next)
}

func (m *MemoryStore) saveLocked(key string, prev, next *oauth2.Token) error {
	cur, ok := m.tokens[key]
	switch {
	case prev == nil && ok, prev != nil && !ok, prev != nil && cur.AccessToken != prev.AccessToken:
		return ErrConflict
	}
	if m.tokens == nil {
		m.tokens = map[string]*oauth2.Token{}
	}
	m.tokens[key] = next
	return nil
}

// Delete removes the token stored under key.
func (m *MemoryStore) Delete(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tokens, key)
	return nil
}

// Format prints the store without its tokens, under every verb (and without
// reading its maps unlocked, as fmt would).
func (m *MemoryStore) Format(f fmt.State, verb rune) {
	m.mu.Lock()
	n := len(m.tokens)
	m.mu.Unlock()
	formatRedacted(f, verb, "runtime.MemoryStore{"+itoa(int64(n))+" tokens}")
}

func (m *MemoryStore) clock() time.Time {
	if m.now != nil {
		return m.now()
	}
	return time.Now()
}

type memLease struct {
	m       *MemoryStore
	key     string
	expires time.Time
}

// Acquire waits until the lease for key is free (or expired) or ctx is done, and
// takes it for ttl.
func (m *MemoryStore) Acquire(ctx context.Context, key string, ttl time.Duration) (Lease, error) {
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
		return ErrConflict
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
