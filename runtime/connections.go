package runtime

import (
	"container/list"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// ErrNotConnected is the error of Connections for a key that has no connection (never
// completed, or disconnected).
var ErrNotConnected = errors.New("oauthgen: no connection under this key")

// ErrReauthNeeded is wrapped by the error of Connections for a connection whose grant
// the provider refused (invalid_grant): the end user must connect again (Begin,
// Complete). IsInvalidGrant holds for that error as well.
var ErrReauthNeeded = errors.New("oauthgen: the connection needs the end user to authorize again")

// ErrUnknownState is the error of Complete for a callback whose state names no
// pending authorization: forged, replayed (a pending authorization is used once) or
// expired (PendingTTL).
var ErrUnknownState = errors.New("oauthgen: the callback's state names no pending authorization (forged, used already, or expired)")

// The Extra values a connection's token carries besides the provider's.
const (
	extraValues = "oauthgen_values" // the end user's values, by name (map[string]any)
	extraReauth = "oauthgen_reauth" // the error code with which the grant was refused
)

// refreshTokenMargin is how long before its refresh token expires a connection is
// due (RenewBy): room for RefreshDue runs that fail or are late.
const refreshTokenMargin = 24 * time.Hour

// defaultPendingTTL is how long a pending authorization waits for its callback.
const defaultPendingTTL = 10 * time.Minute

// connCacheSize bounds the connections kept in memory (their client and token source);
// a key not in use costs nothing.
const connCacheSize = 4096

// connRecheck is how long a cached connection is used before it is loaded from the
// store again, so that a reconnect or a disconnect on another replica is seen.
const connRecheck = 10 * time.Second

// refreshDueWorkers is how many connections RefreshDue refreshes at once.
const refreshDueWorkers = 16

// ConnectionOption configures Connections.
type ConnectionOption func(*connOptions)

type connOptions struct {
	onToken    func(ctx context.Context, key string, tok *oauth2.Token)
	onReauth   func(ctx context.Context, key string, err error)
	log        *slog.Logger
	pendingTTL time.Duration
}

// OnToken sets a function called with every new token of a connection, from an
// exchange (Complete) or a refresh, once it is complete, with the connection's key. It
// must not modify the token. It is also called with a renewed token the store failed
// to save (see Connections), so the application can keep it elsewhere.
func OnToken(f func(ctx context.Context, key string, tok *oauth2.Token)) ConnectionOption {
	return func(o *connOptions) { o.onToken = f }
}

// OnReauthNeeded sets a function called when the provider refuses a connection's grant
// (invalid_grant: revoked, expired, or its refresh token reused), once per key until the
// next Complete for it; IsInvalidGrant(err) holds. Ask the end user to connect again.
func OnReauthNeeded(f func(ctx context.Context, key string, err error)) ConnectionOption {
	return func(o *connOptions) { o.onReauth = f }
}

// WithLogger makes Connections log each exchange, refresh, failure, reauthorization and
// disconnect as one structured line (message "oauthgen connection", with connector,
// key, op, duration, outcome and, on failure, error), never with a secret or token.
func WithLogger(l *slog.Logger) ConnectionOption { return func(o *connOptions) { o.log = l } }

// PendingTTL sets how long an authorization begun by Begin waits for its callback
// (default 10 minutes).
func PendingTTL(d time.Duration) ConnectionOption {
	return func(o *connOptions) { o.pendingTTL = d }
}

// Connections are the end-user connections of one connector kept in a TokenStore: one
// per key the platform chooses ("hubspot/" + userID), each with the end user's values
// (a shop, an environment) and a token. Begin starts one (the generated package's
// Begin takes typed values), Complete finishes it with the callback; Token,
// HTTPClient and Refresh use it, through the store and its lease, so that replicas
// sharing the store refresh a token once; Disconnect ends it. It is safe for
// concurrent use, and the same type for every connector.
//
// A connection's token is stored under its key: TokenStore.Load(ctx, key) returns it,
// with the end user's values in Extra("oauthgen_values") and, once the provider
// refused its grant, the error code in Extra("oauthgen_reauth").
//
// A renewed token the store fails to save (the store is down) is served from memory,
// handed to OnToken, and saved again on later calls; meanwhile this process keeps the
// key's lease (until the lease's TTL, WithLeaseTTL), so that no other replica
// refreshes with the refresh token the provider has already rotated out.
type Connections struct {
	name  string
	mk    func(values map[string]any) (*Client, error)
	store TokenStore
	opts  connOptions

	clock atomic.Pointer[func() time.Time] // of the clients built (WithClock), for RefreshDue

	mu       sync.Mutex
	cache    map[string]*list.Element // of *conn
	lru      list.List
	unsaved  map[string]*unsavedToken
	inflight map[string]*flight // renewals under way, by key
}

// conn is a connection in use: the client for its values and its current token.
// Calls make their own token source over it (with their own context), and renewals
// are shared by key (Connections.renewConn).
type conn struct {
	key    string
	c      *Client
	cur    atomic.Pointer[entry]
	loaded time.Time
}

// unsavedToken is a renewed token the store failed to save over prev; the lease is
// kept until it is saved.
type unsavedToken struct {
	lease      Lease // nil without a Locker
	prev, next *oauth2.Token
	c          *Client
}

// NewConnections returns the connections of a connector named name kept in store;
// build returns the client for an end user's values (nil: the defaults), checking them
// as the package's New does. Generated packages and package dynamic call it (their
// Client.Connections); applications call theirs.
func NewConnections(name string, build func(values map[string]any) (*Client, error), store TokenStore, opts ...ConnectionOption) *Connections {
	cs := &Connections{name: name, mk: build, store: store, cache: map[string]*list.Element{}, unsaved: map[string]*unsavedToken{}, inflight: map[string]*flight{}}
	cs.opts.pendingTTL = defaultPendingTTL
	for _, o := range opts {
		o(&cs.opts)
	}
	if cs.opts.pendingTTL <= 0 {
		cs.opts.pendingTTL = defaultPendingTTL
	}
	return cs
}

// pending is a pending authorization as kept in the store.
type pending struct {
	Key      string         `json:"key"`
	Secret   []byte         `json:"secret"` // SHA-256 of the state's secret half
	Verifier string         `json:"verifier,omitempty"`
	Values   map[string]any `json:"values,omitempty"`
	Expires  time.Time      `json:"expires"`
}

// stateIDLen is the length of the state's first half, the pending authorization's id
// in the store; the second half is a secret the store keeps only a hash of.
const stateIDLen = 26

// Begin starts a connection under key for the end user's values (by name, as the
// connector's auth_form names them; the package's Config.Params are the defaults) and
// returns the URL to send the end user to. It checks the values as New does, makes the
// state (crypto/rand) and, for PKCE connectors, the verifier, and keeps them in the
// store as a pending authorization, used once, for PendingTTL.
func (cs *Connections) Begin(ctx context.Context, key string, values map[string]any) (string, error) {
	if key == "" {
		return "", errors.New("oauthgen: " + cs.name + ": Begin: empty connection key")
	}
	c, err := cs.build(values)
	if err != nil {
		return "", err
	}
	if c.flow.Grant != AuthorizationCode {
		return "", errors.New("oauthgen: " + cs.name + ": Begin: the connector uses the client_credentials grant, which has no end-user connection")
	}
	id, secret := rand.Text(), rand.Text()
	sum := sha256.Sum256([]byte(secret))
	p := pending{Key: key, Secret: sum[:], Values: values, Expires: c.now().Add(cs.opts.pendingTTL)}
	var opts []oauth2.AuthCodeOption
	if c.flow.PKCE != NoPKCE {
		p.Verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.VerifierOption(p.Verifier))
	}
	data, err := json.Marshal(&p)
	if err != nil {
		return "", errors.New("oauthgen: " + cs.name + ": Begin: the values cannot be kept (not JSON)")
	}
	if err := cs.store.SavePending(ctx, id, data, cs.opts.pendingTTL); err != nil {
		return "", c.storeError(err)
	}
	return c.AuthCodeURL(id+secret, opts...), nil
}

// Complete finishes the connection whose callback query is q: the state must name a
// pending authorization (compared in constant time; each is used once, so a replayed
// callback fails with ErrUnknownState); a provider's error is a *CallbackError; then
// the code is exchanged (with the callback values the connector reads, and the
// userinfo request), and the token saved under the connection's key with the end
// user's values, replacing an earlier connection of that key (a reconnect). It returns
// the key, also with a *CallbackError or a failed exchange (the pending authorization
// is spent either way).
func (cs *Connections) Complete(ctx context.Context, q url.Values) (key string, tok *oauth2.Token, err error) {
	start := time.Now()
	state := q.Get("state")
	if len(state) <= stateIDLen {
		return "", nil, ErrUnknownState
	}
	data, err := cs.store.TakePending(ctx, state[:stateIDLen])
	if errors.Is(err, ErrNotFound) {
		return "", nil, ErrUnknownState
	}
	if err != nil {
		return "", nil, errors.New("oauthgen: " + cs.name + ": token store: " + err.Error())
	}
	var p pending
	sum := sha256.Sum256([]byte(state[stateIDLen:]))
	if json.Unmarshal(data, &p) != nil || subtle.ConstantTimeCompare(sum[:], p.Secret) != 1 || p.Key == "" {
		return "", nil, ErrUnknownState
	}
	c, err := cs.build(p.Values)
	if err != nil {
		return p.Key, nil, err
	}
	if !c.now().Before(p.Expires) {
		return "", nil, ErrUnknownState
	}
	var opts []oauth2.AuthCodeOption
	if p.Verifier != "" {
		opts = append(opts, oauth2.VerifierOption(p.Verifier))
	}
	defer func() { cs.logOp(ctx, p.Key, "exchange", start, err) }()
	tok, err = c.ExchangeCallback(ctx, q, opts...)
	if err != nil {
		return p.Key, nil, err
	}
	tok = withExtra(tok, map[string]any{extraValues: p.Values}, extraReauth)
	if err := cs.replace(ctx, p.Key, tok); err != nil {
		return p.Key, nil, c.storeError(err)
	}
	cs.forget(p.Key)
	cs.newToken(ctx, p.Key, tok)
	return p.Key, tok, nil
}

// replace stores tok under key whatever is stored (compare-and-swap, retried while
// other writers interfere).
func (cs *Connections) replace(ctx context.Context, key string, tok *oauth2.Token) error {
	var err error
	for range 5 {
		var prev *oauth2.Token
		prev, err = cs.store.Load(ctx, key)
		if errors.Is(err, ErrNotFound) {
			prev, err = nil, nil
		}
		if err != nil {
			return err
		}
		if err = cs.store.Save(ctx, key, prev, tok); !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return err
}

// Token returns the connection's token, refreshed first when it is due (once across
// the replicas sharing the store).
func (cs *Connections) Token(ctx context.Context, key string) (*oauth2.Token, error) {
	cn, err := cs.conn(ctx, key)
	if err != nil {
		return nil, err
	}
	return cs.source(ctx, cn).Token()
}

// HTTPClient returns an *http.Client for API calls of the connection, whose requests
// carry its token (see Client.HTTPClient); it is cheap, make one per call. For an
// unknown key every request fails with ErrNotConnected, sending nothing.
func (cs *Connections) HTTPClient(ctx context.Context, key string) *http.Client {
	cn, err := cs.conn(ctx, key)
	if err != nil {
		return &http.Client{Transport: failingTransport{err}}
	}
	return cn.c.clientFor(ctx, cs.source(ctx, cn))
}

// source returns a token source of cn for one call: its renewals use ctx, and are
// shared with the other calls of the key.
func (cs *Connections) source(ctx context.Context, cn *conn) *tokenSource {
	if ctx == nil {
		ctx = context.Background()
	}
	s := &tokenSource{c: cn.c, ctx: ctx, store: cs.store, key: cn.key, conns: cs}
	s.cur.Store(cn.cur.Load())
	return s
}

// Refresh refreshes the connection's token now, through the store and its lease (unless
// another replica replaced it meanwhile: then that token is returned), and returns the
// new token. It replaces Client.Refresh for stored connections, which would leave the
// store with a refresh token the provider may have rotated out.
func (cs *Connections) Refresh(ctx context.Context, key string) (*oauth2.Token, error) {
	cur, err := cs.load(ctx, key)
	if err != nil {
		return nil, err
	}
	tok, c, _, err := cs.renew(ctx, key, nil, func(t *oauth2.Token) bool { return t.AccessToken == cur.AccessToken })
	if err != nil {
		return nil, err
	}
	cs.update(key, c, tok)
	return tok, nil
}

// Disconnect revokes the connection's grant where the connector can (best effort: a
// provider that is down or refuses is logged, not an error) and deletes the connection.
func (cs *Connections) Disconnect(ctx context.Context, key string) (err error) {
	start := time.Now()
	tok, err := cs.store.Load(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		return cs.notConnected(key)
	case err != nil:
		return errors.New("oauthgen: " + cs.name + ": token store: " + err.Error())
	}
	defer func() { cs.logOp(ctx, key, "disconnect", start, err) }()
	if c, berr := cs.build(valuesOf(tok)); berr == nil && !c.flow.RevokeURL.IsZero() {
		rstart := time.Now()
		cs.logOp(ctx, key, "revoke", rstart, c.Revoke(ctx, tok))
	}
	cs.mu.Lock()
	if u := cs.unsaved[key]; u != nil && u.lease != nil {
		u.lease.Release(context.WithoutCancel(ctx))
	}
	delete(cs.unsaved, key)
	cs.mu.Unlock()
	cs.forget(key)
	if err := cs.store.Delete(ctx, key); err != nil {
		return errors.New("oauthgen: " + cs.name + ": token store: " + err.Error())
	}
	return nil
}

// RefreshDue refreshes every stored connection whose token must be renewed within
// within (RenewBy, read from the store's index), each once across the replicas that
// run it at the same time, and returns how many this call refreshed. Run it
// periodically (every few minutes, with within a little longer), so that connections
// no one uses do not expire. The error is the first failure other than a refused
// grant (which OnReauthNeeded reports).
func (cs *Connections) RefreshDue(ctx context.Context, within time.Duration) (refreshed int, err error) {
	now := time.Now
	if f := cs.clock.Load(); f != nil {
		now = *f
	}
	deadline := now().Add(within)
	want := func(t *oauth2.Token) bool {
		at := RenewBy(t)
		return !at.IsZero() && at.Before(deadline)
	}
	seen := map[string]bool{}
	var mu sync.Mutex
	var first error
	for ctx.Err() == nil {
		keys, err := cs.store.DueKeys(ctx, deadline, len(seen)+256)
		if err != nil {
			return refreshed, errors.New("oauthgen: " + cs.name + ": token store: " + err.Error())
		}
		var todo []string
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				todo = append(todo, k)
			}
		}
		if len(todo) == 0 {
			break
		}
		work := make(chan string)
		var wg sync.WaitGroup
		for range min(refreshDueWorkers, len(todo)) {
			wg.Go(func() {
				for k := range work {
					tok, c, did, err := cs.renew(ctx, k, nil, want)
					mu.Lock()
					switch {
					case did:
						refreshed++
					case err != nil && first == nil && !errors.Is(err, ErrReauthNeeded) && !errors.Is(err, ErrNotConnected):
						first = err
					}
					mu.Unlock()
					if did {
						cs.update(k, c, tok)
					}
				}
			})
		}
		for _, k := range todo {
			work <- k
		}
		close(work)
		wg.Wait()
	}
	if first == nil {
		first = ctx.Err()
	}
	return refreshed, first
}

// RenewBy returns the time by which tok must be renewed for its connection to live on:
// its expiry, or a day before its refresh token expires when that is sooner
// (RefreshTokenExpiry: connectors whose refresh tokens die unused, Xero, QuickBooks).
// It is zero when tok cannot or need not be renewed: without a refresh token, without
// either time, or marked as refused by the provider. Stores file keys under it for
// DueKeys.
func RenewBy(tok *oauth2.Token) time.Time {
	if tok == nil || tok.RefreshToken == "" || tok.Extra(extraReauth) != nil {
		return time.Time{}
	}
	at := tok.Expiry
	if exp, ok := RefreshTokenExpiry(tok); ok {
		if rb := exp.Add(-refreshTokenMargin); at.IsZero() || rb.Before(at) {
			at = rb
		}
	}
	return at
}

// load returns the stored token of key, or ErrNotConnected, or the error of a
// connection marked as refused.
func (cs *Connections) load(ctx context.Context, key string) (*oauth2.Token, error) {
	tok, err := cs.store.Load(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, cs.notConnected(key)
	case err != nil:
		return nil, errors.New("oauthgen: " + cs.name + ": token store: " + err.Error())
	}
	if code := tok.Extra(extraReauth); code != nil {
		return nil, cs.reauthError(scalarString(code))
	}
	return tok, nil
}

// notConnected is ErrNotConnected for key, with the connector and the key in its
// message.
func (cs *Connections) notConnected(key string) error {
	return &keyError{msg: "oauthgen: " + cs.name + ": no connection under key " + quote(key), err: ErrNotConnected}
}

// keyError is an error of one connection that wraps a sentinel.
type keyError struct {
	msg string
	err error
}

func (e *keyError) Error() string { return e.msg }
func (e *keyError) Unwrap() error { return e.err }

func (cs *Connections) reauthError(code string) error {
	if code == "" {
		code = "invalid_grant"
	}
	return &TokenError{Connector: cs.name, Op: OpRefresh, Code: "invalid_grant", Err: ErrReauthNeeded,
		msg: "oauthgen: " + cs.name + ": token refresh failed: the provider refused the connection's grant (" + quote(code) + "): the end user must connect again"}
}

// conn returns the connection of key in use, from the cache or the store.
func (cs *Connections) conn(ctx context.Context, key string) (*conn, error) {
	now := time.Now()
	cs.mu.Lock()
	if el, ok := cs.cache[key]; ok {
		cn := el.Value.(*conn)
		if now.Sub(cn.loaded) < connRecheck {
			cs.lru.MoveToFront(el)
			cs.mu.Unlock()
			return cn, nil
		}
		cs.lru.Remove(el)
		delete(cs.cache, key)
	}
	cs.mu.Unlock()
	tok, err := cs.load(ctx, key)
	if err != nil {
		return nil, err
	}
	c, err := cs.build(valuesOf(tok))
	if err != nil {
		return nil, err
	}
	cn := &conn{key: key, c: c, loaded: time.Now()}
	cn.cur.Store(c.newEntry(tok))
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if el, ok := cs.cache[key]; ok { // another caller was quicker
		return el.Value.(*conn), nil
	}
	cs.cache[key] = cs.lru.PushFront(cn)
	if cs.lru.Len() > connCacheSize {
		old := cs.lru.Remove(cs.lru.Back()).(*conn)
		delete(cs.cache, old.key)
	}
	return cn, nil
}

// update makes tok, just stored for key, the token of the cached connection.
func (cs *Connections) update(key string, c *Client, tok *oauth2.Token) {
	cs.updateEntry(key, c, c.newEntry(tok))
}

// updateEntry makes e the current entry of the cached connection of key, when its
// client is c (else the connection's values changed: it is loaded again next time).
func (cs *Connections) updateEntry(key string, c *Client, e *entry) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if el, ok := cs.cache[key]; ok {
		cn := el.Value.(*conn)
		if cn.c == c {
			cn.cur.Store(e)
			return
		}
		cs.lru.Remove(el)
		delete(cs.cache, key)
	}
}

// forget drops the cached connection of key.
func (cs *Connections) forget(key string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if el, ok := cs.cache[key]; ok {
		cs.lru.Remove(el)
		delete(cs.cache, key)
	}
}

// renewConn is the renewal of a connection's token source: through renew, with the
// source's client while the connection's values stay the same, one at a time per key
// in the process (the store's lease makes it one across processes). A caller that
// waits for another's renewal stops waiting when its own context is done.
func (s *tokenSource) renewConn(e *entry, forced bool) (*entry, error) {
	cs := s.conns
	cs.mu.Lock()
	if f := cs.inflight[s.key]; f != nil {
		cs.mu.Unlock()
		select {
		case <-f.done:
			return f.e, f.err
		case <-s.ctx.Done():
			return nil, s.c.newTokenError(OpRefresh, 0, "", "", "waiting for the renewal under way: "+s.ctx.Err().Error(), s.ctx.Err())
		}
	}
	f := &flight{done: make(chan struct{}), err: errRenewalPanicked}
	cs.inflight[s.key] = f
	cs.mu.Unlock()
	defer func() {
		cs.mu.Lock()
		delete(cs.inflight, s.key)
		cs.mu.Unlock()
		close(f.done)
	}()
	f.e, f.err = s.renewConnOnce(e, forced)
	return f.e, f.err
}

func (s *tokenSource) renewConnOnce(e *entry, forced bool) (*entry, error) {
	var cur *oauth2.Token
	if e != nil {
		cur = e.tok
	}
	c := s.c
	want := func(t *oauth2.Token) bool {
		return forced && cur != nil && t.AccessToken == cur.AccessToken || c.due(t)
	}
	tok, nc, _, err := s.conns.renew(s.ctx, s.key, c, want)
	if err != nil {
		if tok != nil { // still valid: served, and the renewal retried later by every caller
			n, ferr := s.failed(e, tok, err)
			if n != nil {
				s.conns.updateEntry(s.key, nc, n)
			}
			return n, ferr
		}
		return nil, err
	}
	n := nc.newEntry(tok)
	s.conns.mu.Lock()
	if s.conns.unsaved[s.key] != nil {
		n.refreshAt = nc.now().Add(retryFailedSave)
	}
	s.conns.mu.Unlock()
	s.conns.updateEntry(s.key, nc, n)
	return n, nil
}

// renew replaces the stored token of key when want(stored) holds: under the key's
// lease, after loading it again (another replica may have replaced it: then want
// decides on that one). c is the client of the caller's values, nil if none. It
// returns the token to use, its client and whether this call refreshed it; with a
// failed refresh, the stored token (still valid or not) is returned with the error.
func (cs *Connections) renew(ctx context.Context, key string, c *Client, want func(*oauth2.Token) bool) (*oauth2.Token, *Client, bool, error) {
	if tok, uc, ok := cs.saveUnsaved(ctx, key); ok {
		return tok, uc, false, nil
	}
	tok, err := cs.load(ctx, key)
	if err != nil {
		return nil, c, false, err
	}
	if c, err = cs.clientOf(c, tok); err != nil {
		return nil, c, false, err
	}
	if !want(tok) {
		return tok, c, false, nil
	}
	if !c.canRenew(tok) {
		if c.expired(tok) {
			return nil, c, false, c.newTokenError(OpRefresh, 0, "", "", errNoRefreshToken.Error(), errNoRefreshToken)
		}
		return tok, c, false, nil
	}
	var lease Lease
	if lk, ok := cs.store.(Locker); ok {
		if lease, err = lk.Acquire(ctx, key, c.opts.leaseTTL); err != nil {
			return nil, c, false, c.storeError(err)
		}
		keep := false
		defer func() {
			if !keep {
				lease.Release(context.WithoutCancel(ctx))
			}
		}()
		if tok, err = cs.load(ctx, key); err != nil {
			return nil, c, false, err
		}
		if c, err = cs.clientOf(c, tok); err != nil {
			return nil, c, false, err
		}
		if !want(tok) {
			return tok, c, false, nil
		}
		var next *oauth2.Token
		tok, next, err = cs.refresh(ctx, key, c, lease, tok)
		if errors.Is(err, errUnsaved) {
			keep = true // until saved: see Connections
			return next, c, true, nil
		}
		return tok, c, err == nil, err
	}
	tok, _, err = cs.refresh(ctx, key, c, nil, tok)
	if errors.Is(err, errUnsaved) {
		err = nil
	}
	return tok, c, err == nil, err
}

// errUnsaved reports that the renewed token could not be saved and is kept in memory.
var errUnsaved = errors.New("renewed token not saved")

// refresh refreshes tok, the stored token of key, and saves the result through lease
// (nil: the store's compare-and-swap). On success it returns the new token. On a
// refused grant it marks the connection and reports it once. When the save fails it
// keeps the token in unsaved and returns errUnsaved with it as next.
func (cs *Connections) refresh(ctx context.Context, key string, c *Client, lease Lease, tok *oauth2.Token) (res, next *oauth2.Token, err error) {
	start := time.Now()
	next, err = c.renewToken(ctx, tok)
	if err != nil {
		if IsInvalidGrant(err) {
			cs.markRefused(ctx, key, lease, tok, err)
			cs.logOp(ctx, key, "refresh", start, err)
			return nil, nil, cs.reauthError(codeOf(err))
		}
		cs.logOp(ctx, key, "refresh", start, err)
		if c.expired(tok) {
			return nil, nil, err
		}
		return tok, nil, err
	}
	save := func() error { return cs.store.Save(ctx, key, tok, next) }
	if lease != nil {
		save = func() error { return lease.Save(ctx, tok, next) }
	}
	if serr := save(); serr != nil {
		if errors.Is(serr, ErrConflict) {
			// Another writer stored a token (a reconnect, or a holder after our lease
			// expired): that one is the connection's token now.
			latest, lerr := cs.load(ctx, key)
			cs.logOp(ctx, key, "refresh", start, c.storeError(serr))
			return latest, nil, lerr
		}
		cs.mu.Lock()
		cs.unsaved[key] = &unsavedToken{lease: lease, prev: tok, next: next, c: c}
		cs.mu.Unlock()
		cs.logOp(ctx, key, "refresh", start, c.storeError(serr))
		cs.newToken(ctx, key, next)
		return nil, next, errUnsaved
	}
	cs.logOp(ctx, key, "refresh", start, nil)
	cs.newToken(ctx, key, next)
	return next, nil, nil
}

// saveUnsaved tries again to save a renewed token the store failed to save. ok reports
// that tok (saved now, or still unsaved but valid) is the token to use.
func (cs *Connections) saveUnsaved(ctx context.Context, key string) (tok *oauth2.Token, c *Client, ok bool) {
	cs.mu.Lock()
	u := cs.unsaved[key]
	cs.mu.Unlock()
	if u == nil {
		return nil, nil, false
	}
	var err error
	if u.lease != nil {
		err = u.lease.Save(ctx, u.prev, u.next)
		if errors.Is(err, ErrConflict) { // the lease expired: save if nobody else did
			err = cs.store.Save(ctx, key, u.prev, u.next)
		}
	} else {
		err = cs.store.Save(ctx, key, u.prev, u.next)
	}
	if err != nil && !errors.Is(err, ErrConflict) && !u.c.expired(u.next) {
		return u.next, u.c, true
	}
	cs.mu.Lock()
	if cs.unsaved[key] == u {
		delete(cs.unsaved, key)
	}
	cs.mu.Unlock()
	if u.lease != nil {
		u.lease.Release(context.WithoutCancel(ctx))
	}
	if err == nil {
		return u.next, u.c, true
	}
	return nil, nil, false
}

// markRefused marks the connection of key, whose stored token is tok, as refused by
// the provider, and calls OnReauthNeeded when this call marked it.
func (cs *Connections) markRefused(ctx context.Context, key string, lease Lease, tok *oauth2.Token, cause error) {
	marked := withExtra(tok, map[string]any{extraReauth: codeOf(cause)})
	var err error
	if lease != nil {
		err = lease.Save(ctx, tok, marked)
	} else {
		err = cs.store.Save(ctx, key, tok, marked)
	}
	cs.forget(key)
	if err != nil {
		return
	}
	cs.logOp(ctx, key, "reauth", time.Now(), cause)
	if cs.opts.onReauth != nil {
		cs.opts.onReauth(ctx, key, cause)
	}
}

// build returns the client for values (nil: the defaults).
func (cs *Connections) build(values map[string]any) (*Client, error) {
	c, err := cs.mk(values)
	if err != nil {
		return nil, err
	}
	c.values = values
	cs.clock.Store(&c.opts.now)
	return c, nil
}

// clientOf returns c when tok carries the values c was built for, else the client of
// tok's values.
func (cs *Connections) clientOf(c *Client, tok *oauth2.Token) (*Client, error) {
	v := valuesOf(tok)
	if c != nil && sameValues(c.values, v) {
		return c, nil
	}
	return cs.build(v)
}

func (cs *Connections) newToken(ctx context.Context, key string, tok *oauth2.Token) {
	if cs.opts.onToken != nil {
		cs.opts.onToken(ctx, key, tok)
	}
}

// logOp logs one operation of the connection of key. Error messages of this package
// hold no secret or token.
func (cs *Connections) logOp(ctx context.Context, key, op string, start time.Time, err error) {
	if cs.opts.log == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("connector", cs.name), slog.String("key", key), slog.String("op", op),
		slog.Duration("duration", time.Since(start)),
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("outcome", "error"), slog.String("error", err.Error()))
	} else {
		attrs = append(attrs, slog.String("outcome", "ok"))
	}
	cs.opts.log.LogAttrs(ctx, level, "oauthgen connection", attrs...)
}

// valuesOf returns the end user's values a connection's token carries.
func valuesOf(tok *oauth2.Token) map[string]any {
	v, _ := tok.Extra(extraValues).(map[string]any)
	return v
}

// sameValues reports whether a and b hold the same values (JSON-decoded numbers and
// the typed values they came from compare by their JSON form).
func sameValues(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok {
			return false
		}
		if x != y {
			jx, _ := json.Marshal(x)
			jy, _ := json.Marshal(y)
			if string(jx) != string(jy) {
				return false
			}
		}
	}
	return true
}

// withExtra returns tok with the values of set added to its Extra values and the names
// in drop removed.
func withExtra(tok *oauth2.Token, set map[string]any, drop ...string) *oauth2.Token {
	old, _ := extraMap(tok)
	m := make(map[string]any, len(old)+len(set))
	for k, v := range old {
		m[k] = v
	}
	for _, k := range drop {
		delete(m, k)
	}
	for k, v := range set {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return tok.WithExtra(m)
}

// codeOf returns the error code of a refused grant.
func codeOf(err error) string {
	var te *TokenError
	if errors.As(err, &te) && te.Code != "" {
		return te.Code
	}
	return "invalid_grant"
}
