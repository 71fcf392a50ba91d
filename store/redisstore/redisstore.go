// Package redisstore keeps oauthgen tokens in Redis and gives replicas that share
// them one refresh per token: it implements runtime.TokenStore and runtime.Locker.
//
// Layout, per token key K under the prefix P (default "oauthgen:"):
//
//	P{K}        hash: t = the token's record (store.Codec: versioned, sealed
//	                      under the current key of the store's keyring),
//	                  h = keyed fingerprint of the access token (for
//	                      compare-and-swap on sealed records)
//	P{K}:lease  string: the random fencing value of the lease holder, with a TTL
//	P{K}:ch     pub/sub channel: "s" after a save, "r" after a release
//	Pdue        sorted set: every K whose token must be renewed, scored by
//	            runtime.RenewBy in Unix milliseconds (DueKeys reads it)
//	Ppending:{I} string, with the pending authorization's TTL: the record of
//	            pending authorization I (sealed like a token's), taken once
//
// The braces make K a hash tag, so the keys of one token share a Redis Cluster
// slot. The saves' scripts also update the one due index, which makes them
// single-node scripts: Redis Cluster is not supported.
//
// Tokens are sealed by default: New needs WithKeys, or WithPlaintextTokens to
// keep them in clear knowingly.
//
// Save is a Lua compare-and-swap on the previous access token. Acquire takes the
// lease with SET NX PX and a random fencing value; a waiter is woken by the
// holder's release (pub/sub), and polls with a bounded interval in case a message
// is lost or the holder died (its lease then expires). Lease.Save checks the
// fencing value and the previous token in one script, so a holder whose lease
// expired cannot overwrite a newer token. Within one process, only one goroutine
// per key competes for the lease; the others wait in memory (store.Gate).
package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store"
)

// Store is a runtime.TokenStore and runtime.Locker on Redis. It is safe for
// concurrent use; create one per process and Close it when done.
type Store struct {
	rdb     redis.UniversalClient
	prefix  string
	codec   *store.Codec
	cache   store.Cache
	maxPoll time.Duration
	gate    store.Gate

	subMu   sync.Mutex
	pubsub  *redis.PubSub
	waiters map[string]map[chan struct{}]struct{}
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

// WithPrefix sets the prefix of every Redis key and channel the store uses
// (default "oauthgen:").
func WithPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// WithKeys seals every token saved under the current key of keys
// (XChaCha20-Poly1305; see store.NewKeyring), and opens tokens sealed under any
// key of keys. To rotate, make the new key current and keep the old one among the
// older keys until every token was saved again.
func WithKeys(keys *store.Keyring) Option { return func(s *Store) { s.keys = keys } }

// WithPlaintextTokens keeps tokens, refresh tokens included, in clear in Redis:
// whoever reads the database, a snapshot or a replica can use them. It is the
// explicit opt-out of encryption, for tests, or where access to Redis and its
// snapshots is judged protection enough; a store with keys refuses the records
// it writes.
func WithPlaintextTokens() Option { return func(s *Store) { s.plaintext = true } }

// WithCache serves Load from memory for ttl after a read or a save by this
// process, so a call on a valid token costs no round trip. A token refreshed by
// another replica is seen at most ttl later (the decisive read, after Acquire,
// always goes to Redis). Zero, the default, disables the cache.
func WithCache(ttl time.Duration) Option { return func(s *Store) { s.cache.TTL = ttl } }

// WithMaxPoll bounds how long a waiter in Acquire sleeps between two attempts when
// no release notification arrives (default 100ms).
func WithMaxPoll(d time.Duration) Option { return func(s *Store) { s.maxPoll = d } }

// New returns a Store on rdb, which the caller keeps owning (Close does not close
// it). It needs WithKeys, or WithPlaintextTokens to keep tokens in clear.
func New(rdb redis.UniversalClient, opts ...Option) (*Store, error) {
	s := &Store{rdb: rdb, prefix: "oauthgen:", maxPoll: 100 * time.Millisecond}
	for _, o := range opts {
		o(s)
	}
	if s.maxPoll <= 0 {
		s.maxPoll = 100 * time.Millisecond
	}
	codec, err := store.NewCodec(s.keys, s.plaintext)
	if err != nil {
		return nil, fmt.Errorf("redisstore: New: %w", err)
	}
	s.codec = codec
	return s, nil
}

// String names the store's prefix and key ids, never a token or a secret.
func (s *Store) String() string {
	return fmt.Sprintf("redisstore.Store{prefix: %q, records: %s, cache: %s}", s.prefix, s.codec, &s.cache)
}

// Format prints String for every verb, so that the tokens in the read cache stay
// out of any printout.
func (s *Store) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// LogValue is String, for structured logs.
func (s *Store) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Close stops the store's pub/sub subscription. The Redis client stays open.
func (s *Store) Close() error {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	s.closed = true
	if s.pubsub == nil {
		return nil
	}
	err := s.pubsub.Close()
	s.pubsub = nil
	if err != nil {
		return fmt.Errorf("redisstore: closing subscription: %w", err)
	}
	return nil
}

func (s *Store) tokenKey(key string) string   { return s.prefix + "{" + key + "}" }
func (s *Store) leaseKey(key string) string   { return s.prefix + "{" + key + "}:lease" }
func (s *Store) channelKey(key string) string { return s.prefix + "{" + key + "}:ch" }
func (s *Store) dueKey() string               { return s.prefix + "due" }
func (s *Store) pendingKey(id string) string  { return s.prefix + "pending:{" + id + "}" }

// Load implements runtime.TokenStore.
func (s *Store) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	t, gen := s.cache.Get(key)
	if t != nil {
		return t, nil
	}
	b, err := s.rdb.HGet(ctx, s.tokenKey(key), "t").Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: loading key %q: %w", key, runtime.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: loading key %q: %w", key, err)
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
	if err := deleteScript.Run(ctx, s.rdb, []string{s.tokenKey(key), s.dueKey()}, key).Err(); err != nil {
		return fmt.Errorf("redisstore: deleting key %q: %w", key, err)
	}
	s.cache.Invalidate(key)
	return nil
}

// deleteScript: KEYS[1] token hash, KEYS[2] due index; ARGV[1] the key.
var deleteScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`)

// DueKeys implements runtime.TokenStore: a range of the due index by score.
func (s *Store) DueKeys(ctx context.Context, t time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, nil
	}
	keys, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{
		Key: s.dueKey(), Start: "-inf", Stop: "(" + strconv.FormatInt(t.UnixMilli(), 10), ByScore: true, Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: listing due keys: %w", err)
	}
	return keys, nil
}

// SavePending implements runtime.TokenStore: the record, sealed like a token's,
// expires with ttl (PX).
func (s *Store) SavePending(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	rec, err := store.EncodePending(s.codec, id, data)
	if err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, s.pendingKey(id), rec, max(ttl, time.Millisecond)).Err(); err != nil {
		return fmt.Errorf("redisstore: saving a pending authorization: %w", err)
	}
	return nil
}

// TakePending implements runtime.TokenStore with GETDEL: of any number of takers,
// one gets the record.
func (s *Store) TakePending(ctx context.Context, id string) ([]byte, error) {
	rec, err := s.rdb.GetDel(ctx, s.pendingKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: taking a pending authorization: %w", runtime.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: taking a pending authorization: %w", err)
	}
	return store.DecodePending(s.codec, id, rec)
}

// casLua returns 0 unless the stored fingerprint is one of ARGV[7..], the
// previous token's under each key of the keyring (none given: nothing may be
// stored).
const casLua = `
local cur = redis.call('HGET', KEYS[1], 'h')
if #ARGV == 6 then
  if cur then return 0 end
else
  local found = false
  for i = 7, #ARGV do
    if cur == ARGV[i] then found = true break end
  end
  if not found then return 0 end
end
`

// fileLua files the saved key in the due index KEYS[#KEYS]: ARGV[5] is the key,
// ARGV[6] its RenewBy score ("": out of the index).
const fileLua = `
if ARGV[6] == '' then
  redis.call('ZREM', KEYS[#KEYS], ARGV[5])
else
  redis.call('ZADD', KEYS[#KEYS], ARGV[6], ARGV[5])
end
`

// saveScript: KEYS[1] token hash, KEYS[2] due index; ARGV: unused, next record,
// next fingerprint, channel, key, RenewBy score, then the previous token's
// fingerprints. Returns 1 when saved, 0 when the stored token is not the previous
// one.
var saveScript = redis.NewScript(casLua + `
redis.call('HSET', KEYS[1], 't', ARGV[2], 'h', ARGV[3])
` + fileLua + `
redis.call('PUBLISH', ARGV[4], 's')
return 1
`)

// leaseSaveScript: KEYS[1] token hash, KEYS[2] lease, KEYS[3] due index; ARGV:
// fencing value, next record, next fingerprint, channel, key, RenewBy score, then
// the previous token's fingerprints.
// Returns 1 when saved, 0 when the stored token is not the previous one, -1 when
// the lease is no longer held with this fencing value.
var leaseSaveScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
` + casLua + `
redis.call('HSET', KEYS[1], 't', ARGV[2], 'h', ARGV[3])
` + fileLua + `
redis.call('PUBLISH', ARGV[4], 's')
return 1
`)

// saveArgs returns the ARGV of saveScript and leaseSaveScript.
func (s *Store) saveArgs(key string, fence any, prev, next *oauth2.Token) ([]any, error) {
	rec, err := s.codec.Encode(key, next)
	if err != nil {
		return nil, err
	}
	score := ""
	if at := runtime.RenewBy(next); !at.IsZero() {
		score = strconv.FormatInt(at.UnixMilli(), 10)
	}
	args := []any{fence, rec, s.codec.Fingerprint(next), s.channelKey(key), key, score}
	for _, fp := range s.codec.Fingerprints(prev) {
		args = append(args, fp)
	}
	return args, nil
}

// acquireScript: KEYS[1] lease; ARGV: fencing value, TTL in ms. Returns 0 when
// the lease was taken, else the remaining TTL of the holder's lease in ms (or a
// negative number when Redis reports none).
var acquireScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl == 0 then return -2 end
return ttl
`)

// releaseScript: KEYS[1] lease; ARGV: fencing value, channel. Deletes the lease
// only if it still carries this fencing value.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'r')
  return 1
end
return 0
`)

// Save implements runtime.TokenStore.
func (s *Store) Save(ctx context.Context, key string, prev, next *oauth2.Token) error {
	args, err := s.saveArgs(key, "", prev, next)
	if err != nil {
		return err
	}
	n, err := saveScript.Run(ctx, s.rdb, []string{s.tokenKey(key), s.dueKey()}, args...).Int64()
	if err != nil {
		s.cache.Invalidate(key)
		return fmt.Errorf("redisstore: saving key %q: %w", key, err)
	}
	if n == 0 {
		s.cache.Invalidate(key)
		return fmt.Errorf("redisstore: saving key %q: %w", key, runtime.ErrConflict)
	}
	s.cache.Set(key, next)
	return nil
}

// Acquire implements runtime.Locker. ttl must be at least a millisecond.
func (s *Store) Acquire(ctx context.Context, key string, ttl time.Duration) (runtime.Lease, error) {
	if ttl < time.Millisecond {
		return nil, fmt.Errorf("redisstore: acquiring lease of key %q: ttl %v is under 1ms", key, ttl)
	}
	local, err := s.gate.Acquire(ctx, key,
		func(p store.Passed) { s.releaseLease(context.Background(), key, p.Fence.(string)) },
		func() (store.Passed, error) { return s.acquire(ctx, key, ttl) })
	if err != nil {
		return nil, fmt.Errorf("redisstore: acquiring lease of key %q: %w", key, err)
	}
	// The decisive read after Acquire must see Redis, not this process's cache.
	s.cache.Invalidate(key)
	return &lease{s: s, key: key, local: local}, nil
}

// acquire takes the lease of key in Redis, waiting while another process holds it.
func (s *Store) acquire(ctx context.Context, key string, ttl time.Duration) (store.Passed, error) {
	fence, err := newFence()
	if err != nil {
		return store.Passed{}, err
	}
	ms := ttl.Milliseconds()
	var wake chan struct{}
	defer func() {
		if wake != nil {
			s.unwatch(key, wake)
		}
	}()
	for {
		start := time.Now()
		left, err := acquireScript.Run(ctx, s.rdb, []string{s.leaseKey(key)}, fence, ms).Int64()
		if err != nil {
			return store.Passed{}, err
		}
		if left == 0 {
			return store.Passed{Fence: fence, Deadline: start.Add(time.Duration(ms) * time.Millisecond), TTL: ttl}, nil
		}
		if wake == nil {
			// Subscribe, then try once more at once: a release between the first
			// attempt and the subscription would otherwise be missed.
			wake = s.watch(ctx, key)
			continue
		}
		wait := s.maxPoll
		if left > 0 && time.Duration(left)*time.Millisecond < wait {
			wait = time.Duration(left) * time.Millisecond
		}
		// Jitter keeps replicas whose notification was lost from polling in step.
		wait += time.Duration(mathrand.Int64N(int64(time.Millisecond)))
		t := time.NewTimer(wait)
		select {
		case <-wake:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return store.Passed{}, ctx.Err()
		}
		t.Stop()
	}
}

// releaseLease deletes the lease of key if it still carries fence, and wakes its
// waiters.
func (s *Store) releaseLease(ctx context.Context, key, fence string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.leaseKey(key)}, fence, s.channelKey(key)).Err(); err != nil {
		return fmt.Errorf("redisstore: releasing lease of key %q: %w", key, err)
	}
	return nil
}

// watch registers a wake-up channel for key's notifications, subscribing the
// store's pub/sub connection to the key's channel when no one else watches it.
func (s *Store) watch(ctx context.Context, key string) chan struct{} {
	ch := make(chan struct{}, 1)
	name := s.channelKey(key)
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if s.closed {
		return ch // polling only
	}
	if s.waiters == nil {
		s.waiters = make(map[string]map[chan struct{}]struct{})
	}
	set := s.waiters[name]
	if set == nil {
		set = make(map[chan struct{}]struct{})
		s.waiters[name] = set
		if s.pubsub == nil {
			s.pubsub = s.rdb.Subscribe(context.WithoutCancel(ctx), name)
			go s.dispatch(s.pubsub)
		} else {
			// On error, polling still finds the lease free; only the wake-up is lost.
			_ = s.pubsub.Subscribe(ctx, name)
		}
	}
	set[ch] = struct{}{}
	return ch
}

func (s *Store) unwatch(key string, ch chan struct{}) {
	name := s.channelKey(key)
	s.subMu.Lock()
	defer s.subMu.Unlock()
	set := s.waiters[name]
	delete(set, ch)
	if len(set) == 0 {
		delete(s.waiters, name)
		if s.pubsub != nil {
			_ = s.pubsub.Unsubscribe(context.Background(), name)
		}
	}
}

// dispatch wakes the waiters of each channel a message arrives on.
func (s *Store) dispatch(ps *redis.PubSub) {
	for msg := range ps.Channel() {
		s.subMu.Lock()
		for ch := range s.waiters[msg.Channel] {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
		s.subMu.Unlock()
	}
}

func newFence() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("fencing value: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// lease is a held Redis lease.
type lease struct {
	s     *Store
	key   string
	local *store.LocalLease
}

// Save implements runtime.Lease.
func (l *lease) Save(ctx context.Context, prev, next *oauth2.Token) error {
	s := l.s
	args, err := s.saveArgs(l.key, l.local.Fence(), prev, next)
	if err != nil {
		return err
	}
	n, err := leaseSaveScript.Run(ctx, s.rdb, []string{s.tokenKey(l.key), s.leaseKey(l.key), s.dueKey()}, args...).Int64()
	if err != nil {
		s.cache.Invalidate(l.key)
		return fmt.Errorf("redisstore: saving key %q under lease: %w", l.key, err)
	}
	switch n {
	case -1:
		s.cache.Invalidate(l.key)
		return fmt.Errorf("redisstore: saving key %q: lease expired or taken over: %w", l.key, runtime.ErrConflict)
	case 0:
		s.cache.Invalidate(l.key)
		return fmt.Errorf("redisstore: saving key %q under lease: %w", l.key, runtime.ErrConflict)
	}
	s.cache.Set(l.key, next)
	return nil
}

// Release implements runtime.Lease. When a goroutine of this process waits for
// the same key and the lease has more than half its TTL left, the lease is passed
// to it without a round trip.
func (l *lease) Release(ctx context.Context) error {
	return l.local.Release(func() error {
		return l.s.releaseLease(ctx, l.key, l.local.Fence().(string))
	})
}
