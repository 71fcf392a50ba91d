// Package pgstore keeps oauthgen tokens in PostgreSQL and gives replicas that share
// them one refresh per token: it implements runtime.TokenStore and runtime.Locker.
//
// The schema (sql/schema.sql, embedded) is applied by Migrate. Tokens live in
// oauthgen_tokens (key, the token's record, keyed fingerprint of the access token,
// save counter); a record is versioned and sealed under the current key of the
// store's keyring (store.Codec). Tokens are sealed by default: New needs WithKeys,
// or WithPlaintextTokens to keep them in clear knowingly. Save is an UPDATE ...
// WHERE fingerprint is the previous token's under one of the keyring's keys (an
// INSERT ... ON CONFLICT DO NOTHING when there is none), so of two concurrent
// saves from the same token exactly one wins.
//
// The refresh lease of a key is a row of oauthgen_leases (holder, fencing number,
// expires_at), taken with INSERT ... ON CONFLICT DO UPDATE ... WHERE expires_at <=
// now: a crashed holder's lease simply expires, no connection or transaction is
// held meanwhile. Lease.Save updates the token only while the lease row still
// carries the holder's fencing number and has not expired (the row is locked FOR
// SHARE by the same statement), so a holder whose lease expired cannot overwrite a
// newer token. Release deletes the row only if it carries the fencing number and
// notifies (LISTEN/NOTIFY) the processes waiting, which otherwise poll with a
// bounded interval. Within one process, only one goroutine per key competes for the
// lease; the others wait in memory (store.Gate), and a holder that is done passes
// the still valid lease to the next of them without a round trip.
//
// For runtime.Connections, each token row carries its runtime.RenewBy time
// (renew_by, with a partial index that DueKeys reads), and pending authorizations
// are rows of oauthgen_pending, sealed like tokens and deleted as they are taken.
package pgstore

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store"
)

//go:embed sql/schema.sql
var schemaFS embed.FS

// notifyChannel is the LISTEN/NOTIFY channel on which releases are announced; the
// payload is the MD5 of the key (short, whatever the key's length).
const notifyChannel = "oauthgen_lease_released"

// Schema returns the SQL that Migrate applies, for those who manage migrations
// with their own tool.
func Schema() string {
	b, err := schemaFS.ReadFile("sql/schema.sql")
	if err != nil {
		return "" // cannot happen: the file is embedded at build time
	}
	return string(b)
}

// Migrate creates the store's tables and sequence if they do not exist. It is
// idempotent and safe to run from several replicas at once (it takes a
// transaction-scoped advisory lock).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('oauthgen.pgstore.migrate'))`); err != nil {
		return fmt.Errorf("pgstore: migrate: taking the migration lock: %w", err)
	}
	if _, err := tx.Exec(ctx, Schema()); err != nil {
		return fmt.Errorf("pgstore: migrate: applying sql/schema.sql: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	return nil
}

// Store is a runtime.TokenStore and runtime.Locker on PostgreSQL. It is safe for
// concurrent use; create one per process and Close it when done.
type Store struct {
	pool    *pgxpool.Pool
	codec   *store.Codec
	cache   store.Cache
	maxPoll time.Duration
	gate    store.Gate
	holder  string
	listen  bool

	mu      sync.Mutex
	waiters map[string]map[chan struct{}]struct{}
	stop    context.CancelFunc
	done    chan struct{}
	closed  bool

	keys      *store.Keyring // from the options, for New to check
	plaintext bool
}

var (
	_ runtime.TokenStore = (*Store)(nil)
	_ runtime.Locker     = (*Store)(nil)
)

// Option configures a Store.
type Option func(*Store)

// WithKeys seals every token saved under the current key of keys
// (XChaCha20-Poly1305; see store.NewKeyring), and opens tokens sealed under any
// key of keys. To rotate, make the new key current and keep the old one among the
// older keys until every token was saved again.
func WithKeys(keys *store.Keyring) Option { return func(s *Store) { s.keys = keys } }

// WithPlaintextTokens keeps tokens, refresh tokens included, in clear in the
// database: whoever reads it, a backup or a replica can use them. It is the
// explicit opt-out of encryption, for tests, or where the database's own
// encryption and access control are judged enough; a store with keys refuses the
// records it writes.
func WithPlaintextTokens() Option { return func(s *Store) { s.plaintext = true } }

// WithCache serves Load from memory for ttl after a read or a save by this
// process, so a call on a valid token costs no round trip. A token refreshed by
// another replica is seen at most ttl later (the decisive read, after Acquire,
// always goes to the database). Zero, the default, disables the cache.
func WithCache(ttl time.Duration) Option { return func(s *Store) { s.cache.TTL = ttl } }

// WithMaxPoll bounds how long a waiter in Acquire sleeps between two attempts when
// no release notification arrives (default 50ms).
func WithMaxPoll(d time.Duration) Option { return func(s *Store) { s.maxPoll = d } }

// WithoutListen makes waiters poll only, without the dedicated LISTEN connection
// (for poolers such as PgBouncer in transaction mode, where LISTEN does not work).
func WithoutListen() Option { return func(s *Store) { s.listen = false } }

// New returns a Store on pool, which the caller keeps owning (Close does not close
// it). Run Migrate once before. Unless WithoutListen is given, the store opens
// one more connection, with the pool's configuration, to LISTEN for releases.
// It needs WithKeys, or WithPlaintextTokens to keep tokens in clear.
func New(pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	s := &Store{pool: pool, maxPoll: 50 * time.Millisecond, listen: true}
	for _, o := range opts {
		o(s)
	}
	if s.maxPoll <= 0 {
		s.maxPoll = 50 * time.Millisecond
	}
	codec, err := store.NewCodec(s.keys, s.plaintext)
	if err != nil {
		return nil, fmt.Errorf("pgstore: New: %w", err)
	}
	s.codec = codec
	host, _ := os.Hostname()
	s.holder = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8])
	return s, nil
}

// String names the store's holder id and key ids, never a token or a secret.
func (s *Store) String() string {
	return fmt.Sprintf("pgstore.Store{holder: %q, records: %s, cache: %s}", s.holder, s.codec, &s.cache)
}

// Format prints String for every verb, so that the tokens in the read cache stay
// out of any printout.
func (s *Store) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// LogValue is String, for structured logs.
func (s *Store) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Close stops the store's LISTEN connection. The pool stays open.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closed = true
	stop, done := s.stop, s.done
	s.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	return nil
}

// Load implements runtime.TokenStore.
func (s *Store) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	t, gen := s.cache.Get(key)
	if t != nil {
		return t, nil
	}
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT token FROM oauthgen_tokens WHERE key = $1`, key).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("pgstore: loading key %q: %w", key, runtime.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: loading key %q: %w", key, err)
	}
	t, err = s.codec.Decode(key, b)
	if err != nil {
		return nil, err
	}
	s.cache.Put(key, t, gen)
	return t, nil
}

// Delete removes the token stored under key (the user disconnected). Deleting a
// missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	s.cache.Invalidate(key)
	if _, err := s.pool.Exec(ctx, `DELETE FROM oauthgen_tokens WHERE key = $1`, key); err != nil {
		return fmt.Errorf("pgstore: deleting key %q: %w", key, err)
	}
	s.cache.Invalidate(key)
	return nil
}

const (
	// $4 (insert) and $5 (update): the token's runtime.RenewBy, NULL for none.
	insertSQL = `INSERT INTO oauthgen_tokens (key, token, fingerprint, renew_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (key) DO NOTHING`
	// $4: the previous token's fingerprints, one under each key of the keyring.
	updateSQL = `UPDATE oauthgen_tokens SET token = $2, fingerprint = $3, version = version + 1, updated_at = now(), renew_by = $5
WHERE key = $1 AND fingerprint = ANY($4::text[])`

	// leaseHeld is true while the lease of $1 carries fence $5 and has not
	// expired; FOR SHARE keeps a takeover from committing during the statement.
	leaseHeld = `EXISTS (SELECT 1 FROM oauthgen_leases l
	WHERE l.key = $1 AND l.fence = $5 AND l.expires_at > clock_timestamp() FOR SHARE)`
	// $6: the token's runtime.RenewBy, NULL for none.
	leaseInsertSQL = `INSERT INTO oauthgen_tokens (key, token, fingerprint, renew_by)
SELECT $1, $2, $3, $6 WHERE cardinality($4::text[]) = 0 AND ` + leaseHeld + `
ON CONFLICT (key) DO NOTHING`
	leaseUpdateSQL = `UPDATE oauthgen_tokens SET token = $2, fingerprint = $3, version = version + 1, updated_at = now(), renew_by = $6
WHERE key = $1 AND fingerprint = ANY($4::text[]) AND ` + leaseHeld

	dueSQL = `SELECT key FROM oauthgen_tokens WHERE renew_by < $1 ORDER BY renew_by LIMIT $2`
	// Each save of a pending authorization also deletes a few expired ones, so
	// abandoned ones do not accumulate.
	savePendingSQL = `WITH gone AS (DELETE FROM oauthgen_pending WHERE id IN
	(SELECT id FROM oauthgen_pending WHERE expires_at < clock_timestamp() LIMIT 16))
INSERT INTO oauthgen_pending (id, data, expires_at) VALUES ($1, $2, clock_timestamp() + $3::bigint * interval '1 millisecond')`
	takePendingSQL = `DELETE FROM oauthgen_pending WHERE id = $1 RETURNING data, expires_at > clock_timestamp()`

	acquireSQL = `INSERT INTO oauthgen_leases AS l (key, fence, holder, expires_at)
VALUES ($1, nextval('oauthgen_lease_fence'), $2, clock_timestamp() + $3::bigint * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET fence = EXCLUDED.fence, holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
WHERE l.expires_at <= clock_timestamp()
RETURNING fence`
	leftSQL = `SELECT GREATEST(0, CEIL(EXTRACT(EPOCH FROM expires_at - clock_timestamp()) * 1000))::bigint
FROM oauthgen_leases WHERE key = $1`
	releaseSQL = `WITH d AS (DELETE FROM oauthgen_leases WHERE key = $1 AND fence = $2 RETURNING key)
SELECT pg_notify('` + notifyChannel + `', $3) FROM d`
)

// Save implements runtime.TokenStore.
func (s *Store) Save(ctx context.Context, key string, prev, next *oauth2.Token) error {
	b, err := s.codec.Encode(key, next)
	if err != nil {
		return err
	}
	var n int64
	if prev == nil {
		tag, e := s.pool.Exec(ctx, insertSQL, key, b, s.codec.Fingerprint(next), renewBy(next))
		n, err = tag.RowsAffected(), e
	} else {
		tag, e := s.pool.Exec(ctx, updateSQL, key, b, s.codec.Fingerprint(next), s.codec.Fingerprints(prev), renewBy(next))
		n, err = tag.RowsAffected(), e
	}
	if err != nil {
		s.cache.Invalidate(key)
		return fmt.Errorf("pgstore: saving key %q: %w", key, err)
	}
	if n == 0 {
		s.cache.Invalidate(key)
		return fmt.Errorf("pgstore: saving key %q: %w", key, runtime.ErrConflict)
	}
	s.cache.Set(key, next)
	return nil
}

// renewBy is the renew_by column of t: runtime.RenewBy, NULL when zero.
func renewBy(t *oauth2.Token) *time.Time {
	at := runtime.RenewBy(t)
	if at.IsZero() {
		return nil
	}
	return &at
}

// DueKeys implements runtime.TokenStore, from the partial index on renew_by.
func (s *Store) DueKeys(ctx context.Context, t time.Time, limit int) ([]string, error) {
	rows, err := s.pool.Query(ctx, dueSQL, t, limit)
	if err != nil {
		return nil, fmt.Errorf("pgstore: listing due keys: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("pgstore: listing due keys: %w", err)
	}
	return keys, nil
}

// SavePending implements runtime.TokenStore: a row of oauthgen_pending, its record
// sealed like a token's.
func (s *Store) SavePending(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	rec, err := store.EncodePending(s.codec, id, data)
	if err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, savePendingSQL, id, rec, max(ttl, time.Millisecond).Milliseconds()); err != nil {
		return fmt.Errorf("pgstore: saving a pending authorization: %w", err)
	}
	return nil
}

// TakePending implements runtime.TokenStore: the row is deleted as it is read, so
// of any number of takers one gets it.
func (s *Store) TakePending(ctx context.Context, id string) ([]byte, error) {
	var rec []byte
	var live bool
	err := s.pool.QueryRow(ctx, takePendingSQL, id).Scan(&rec, &live)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !live {
		return nil, fmt.Errorf("pgstore: taking a pending authorization: %w", runtime.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: taking a pending authorization: %w", err)
	}
	return store.DecodePending(s.codec, id, rec)
}

// Acquire implements runtime.Locker. ttl must be at least a millisecond.
func (s *Store) Acquire(ctx context.Context, key string, ttl time.Duration) (runtime.Lease, error) {
	if ttl < time.Millisecond {
		return nil, fmt.Errorf("pgstore: acquiring lease of key %q: ttl %v is under 1ms", key, ttl)
	}
	local, err := s.gate.Acquire(ctx, key,
		func(p store.Passed) { s.releaseLease(context.Background(), key, p.Fence.(int64)) },
		func() (store.Passed, error) { return s.acquire(ctx, key, ttl) })
	if err != nil {
		return nil, fmt.Errorf("pgstore: acquiring lease of key %q: %w", key, err)
	}
	// The decisive read after Acquire must see the database, not this process's cache.
	s.cache.Invalidate(key)
	return &lease{s: s, key: key, local: local}, nil
}

// acquire takes the lease row of key, waiting while another process holds it.
func (s *Store) acquire(ctx context.Context, key string, ttl time.Duration) (store.Passed, error) {
	var wake chan struct{}
	defer func() {
		if wake != nil {
			s.unwatch(key, wake)
		}
	}()
	backoff := 2 * time.Millisecond
	for {
		start := time.Now()
		var fence int64
		err := s.pool.QueryRow(ctx, acquireSQL, key, s.holder, ttl.Milliseconds()).Scan(&fence)
		if err == nil {
			return store.Passed{Fence: fence, Deadline: start.Add(ttl.Truncate(time.Millisecond)), TTL: ttl}, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return store.Passed{}, err
		}
		if wake == nil && s.listen {
			// Register, then try once more at once: a release between the first
			// attempt and the registration would otherwise be missed.
			wake = s.watch(key)
			continue
		}
		var left int64
		if err := s.pool.QueryRow(ctx, leftSQL, key).Scan(&left); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return store.Passed{}, err
		}
		wait := min(backoff, s.maxPoll)
		backoff = min(2*backoff, s.maxPoll) // doubling without a cap overflows to 0: a busy loop
		if d := time.Duration(left) * time.Millisecond; d < wait {
			wait = d
		}
		// Jitter keeps processes that poll from doing so in step.
		wait += time.Duration(mathrand.Int64N(int64(time.Millisecond)))
		t := time.NewTimer(wait)
		select {
		case <-wake: // nil without LISTEN: never ready
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return store.Passed{}, ctx.Err()
		}
		t.Stop()
	}
}

func keyHash(key string) string {
	sum := md5.Sum([]byte(key))
	return hex.EncodeToString(sum[:])
}

// watch registers a wake-up channel for releases of key, starting the LISTEN
// connection on first use.
func (s *Store) watch(key string) chan struct{} {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ch
	}
	if s.stop == nil {
		ctx, stop := context.WithCancel(context.Background())
		s.stop, s.done = stop, make(chan struct{})
		go s.listenLoop(ctx)
	}
	if s.waiters == nil {
		s.waiters = make(map[string]map[chan struct{}]struct{})
	}
	h := keyHash(key)
	if s.waiters[h] == nil {
		s.waiters[h] = make(map[chan struct{}]struct{})
	}
	s.waiters[h][ch] = struct{}{}
	return ch
}

func (s *Store) unwatch(key string, ch chan struct{}) {
	h := keyHash(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.waiters[h], ch)
	if len(s.waiters[h]) == 0 {
		delete(s.waiters, h)
	}
}

// listenLoop keeps a connection listening for releases and wakes their waiters;
// when the connection fails it reconnects (waiters keep polling meanwhile).
func (s *Store) listenLoop(ctx context.Context) {
	defer close(s.done)
	retry := 100 * time.Millisecond
	for {
		s.listenOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
		retry = min(2*retry, 5*time.Second)
	}
}

// listenOnce listens on one connection until it fails or ctx ends. Why it ended
// does not matter: listenLoop retries until ctx ends either way.
func (s *Store) listenOnce(ctx context.Context) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return
		}
		s.mu.Lock()
		for ch := range s.waiters[n.Payload] {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
		s.mu.Unlock()
	}
}

// lease is a held lease row.
type lease struct {
	s     *Store
	key   string
	local *store.LocalLease
}

// Save implements runtime.Lease.
func (l *lease) Save(ctx context.Context, prev, next *oauth2.Token) error {
	s := l.s
	b, err := s.codec.Encode(l.key, next)
	if err != nil {
		return err
	}
	q := leaseUpdateSQL
	if prev == nil {
		q = leaseInsertSQL
	}
	prevs := s.codec.Fingerprints(prev)
	if prevs == nil {
		prevs = []string{} // an empty array, not NULL: cardinality is 0
	}
	tag, err := s.pool.Exec(ctx, q, l.key, b, s.codec.Fingerprint(next), prevs, l.local.Fence(), renewBy(next))
	if err != nil {
		s.cache.Invalidate(l.key)
		return fmt.Errorf("pgstore: saving key %q under lease: %w", l.key, err)
	}
	if tag.RowsAffected() == 0 {
		s.cache.Invalidate(l.key)
		return fmt.Errorf("pgstore: saving key %q under lease: the stored token is not the previous one, or the lease expired or was taken over: %w", l.key, runtime.ErrConflict)
	}
	s.cache.Set(l.key, next)
	return nil
}

// releaseLease deletes the lease row of key if it still carries fence, and
// notifies the waiting processes.
func (s *Store) releaseLease(ctx context.Context, key string, fence int64) error {
	if _, err := s.pool.Exec(ctx, releaseSQL, key, fence, keyHash(key)); err != nil {
		return fmt.Errorf("pgstore: releasing lease of key %q: %w", key, err)
	}
	return nil
}

// Release implements runtime.Lease. When a goroutine of this process waits for
// the same key and the lease has more than half its TTL left, the lease is passed
// to it without a round trip.
func (l *lease) Release(ctx context.Context) error {
	return l.local.Release(func() error {
		return l.s.releaseLease(ctx, l.key, l.local.Fence().(int64))
	})
}
