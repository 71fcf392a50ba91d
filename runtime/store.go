package runtime

import (
	"context"
	"errors"
	"time"

	"golang.org/x/oauth2"
)

// ErrNotFound is returned by TokenStore.Load when no token is stored under the key.
var ErrNotFound = errors.New("oauthgen: no token stored")

// ErrConflict is returned by TokenStore.Save when the stored token is no longer the
// previous token the caller named: another refresh won, and the caller should load
// the stored token instead of overwriting it.
var ErrConflict = errors.New("oauthgen: stored token changed")

// TokenStore keeps tokens by key (one key per end-user connection), and what
// Connections need besides: an index of the keys due for renewal, and pending
// authorizations. Implementations must keep a token's metadata (Extra values written
// by the runtime): MarshalToken and UnmarshalToken give a lossless encoding.
type TokenStore interface {
	// Load returns the token stored under key, or ErrNotFound.
	Load(ctx context.Context, key string) (*oauth2.Token, error)

	// Save stores next under key if the stored token is still prev (compared by access
	// token; prev nil means nothing is stored yet), and returns ErrConflict otherwise.
	// It also files key in the renewal index at RenewBy(next) (out of it when zero).
	Save(ctx context.Context, key string, prev, next *oauth2.Token) error

	// Delete removes the token stored under key, and key from the renewal index. A
	// missing key is no error.
	Delete(ctx context.Context, key string) error

	// DueKeys returns at most limit keys whose RenewBy time (as filed by Save) is
	// before t, earliest first. It reads an index: its cost follows the number of due
	// keys, not of stored ones.
	DueKeys(ctx context.Context, t time.Time, limit int) ([]string, error)

	// SavePending keeps data, a pending authorization (it holds a PKCE verifier: a
	// secret), under id for ttl. ids are random and never reused.
	SavePending(ctx context.Context, id string, data []byte, ttl time.Duration) error

	// TakePending returns the pending authorization kept under id and removes it, so
	// that only one caller ever gets it; ErrNotFound when there is none or its ttl
	// has passed.
	TakePending(ctx context.Context, id string) ([]byte, error)
}

// Lease is held by the one process that refreshes the token of a key.
type Lease interface {
	// Save stores next like TokenStore.Save, and fails with ErrConflict as well when
	// the lease has expired and another holder may have taken it (fencing).
	Save(ctx context.Context, prev, next *oauth2.Token) error

	// Release gives the lease up. It is safe to call after the lease expired.
	Release(ctx context.Context) error
}

// Locker is implemented by stores shared between processes. With a Locker, a
// TokenSource refreshes like this: load the token; if it is due for refresh, acquire
// the lease, load again (another replica may have refreshed meanwhile, in which case
// its token is used), refresh, save through the lease, release. A holder that dies
// loses its lease after ttl.
type Locker interface {
	// Acquire waits until the lease for key is free or ctx is done, and takes it for ttl.
	Acquire(ctx context.Context, key string, ttl time.Duration) (Lease, error)
}
