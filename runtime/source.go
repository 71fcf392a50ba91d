package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// expiryDelta is how long before its expiry a token counts as expired (as in
// golang.org/x/oauth2), to allow for clock skew and request time.
const expiryDelta = 10 * time.Second

// retryFailedRefresh is how long a TokenSource keeps serving a still-valid token after
// a failed refresh before it tries again.
const retryFailedRefresh = 10 * time.Second

// retryFailedSave is how long a TokenSource serves a renewed token that its store could
// not save before it tries to save it again.
const retryFailedSave = time.Second

// entry is a token with everything API calls need, computed once per token.
type entry struct {
	tok       *oauth2.Token
	refreshAt time.Time // zero: never refreshed proactively
	value     string    // API header (or query) value
	headers   []param   // extra API headers, canonical keys
	query     string    // encoded query to add: extra query and, InQuery, the token
	backoff   bool      // a renewal failed; no new attempt before refreshAt

	// unsaved: the store could not save tok, which replaces savePrev there (nil: an
	// empty store). The save is tried again at refreshAt.
	unsaved  bool
	savePrev *oauth2.Token

	// rejectedRenewal: when the API's 401/403 forced this token's renewal. The API
	// refusing it as well soon after is not fixed by another token (a 403 for a
	// missing scope, say): no new renewal is forced before retryFailedRefresh.
	rejectedRenewal time.Time
}

func (e *entry) fresh(now time.Time) bool {
	return e.refreshAt.IsZero() || now.Before(e.refreshAt)
}

// window returns how long before expiry tok is refreshed.
func (c *Client) window(tok *oauth2.Token) time.Duration {
	life := time.Duration(tok.ExpiresIn) * time.Second
	if life <= 0 {
		life = c.flow.DefaultExpiresIn
	}
	w := c.flow.RefreshBefore
	if w <= 0 {
		w = maxRefreshWindow
	}
	if life > 0 && w > life/2 {
		w = life / 2
	}
	return w
}

// canRenew reports whether tok can be replaced by a new token.
func (c *Client) canRenew(tok *oauth2.Token) bool {
	if c.flow.Permanent {
		return false
	}
	if c.flow.Grant == ClientCredentials {
		return true
	}
	return tok != nil && tok.RefreshToken != ""
}

// refreshAt returns when tok is due for renewal; zero means never (permanent tokens,
// tokens without expiry).
func (c *Client) refreshAt(tok *oauth2.Token) time.Time {
	if c.flow.Permanent || tok.Expiry.IsZero() {
		return time.Time{}
	}
	if !c.canRenew(tok) {
		return tok.Expiry.Add(-expiryDelta)
	}
	return tok.Expiry.Add(-c.window(tok))
}

func (c *Client) expired(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return true
	}
	if c.flow.Permanent || tok.Expiry.IsZero() {
		return false
	}
	return !c.now().Before(tok.Expiry.Add(-expiryDelta))
}

func (c *Client) due(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return true
	}
	at := c.refreshAt(tok)
	return !at.IsZero() && !c.now().Before(at)
}

// newEntry computes the API values of tok.
func (c *Client) newEntry(tok *oauth2.Token) *entry {
	e := &entry{tok: tok, refreshAt: c.refreshAt(tok)}
	api := &c.flow.API
	var v *Vars
	if !api.Value.IsZero() || len(api.Headers) > 0 || len(api.Query) > 0 {
		v = c.varsOf(tok)
		v.Token = tok.AccessToken
	}
	switch {
	case !api.Value.IsZero():
		e.value = api.Value.Render(v)
	case api.InQuery:
		e.value = tok.AccessToken
	default:
		e.value = tok.Type() + " " + tok.AccessToken
	}
	for _, h := range api.Headers {
		e.headers = append(e.headers, param{http.CanonicalHeaderKey(h.Key), h.Value.Render(v)})
	}
	var q params
	for _, a := range api.Query {
		q = append(q, param{a.Key, a.Value.Render(v)})
	}
	if api.InQuery {
		q = append(q, param{c.apiQueryKey, e.value})
	}
	if len(q) > 0 {
		e.query = string(q.appendForm(nil))
	}
	return e
}

// tokenSource is the oauth2.TokenSource of a Client: it returns its token while it is
// fresh and renews it (refresh_token grant, or a new client_credentials token) when
// less than the refresh window is left. Any number of concurrent callers cause one
// renewal. It never renews permanent tokens (Flow.Permanent, or a token with no
// refresh token and no expiry). A renewal that fails while the token is still valid
// keeps the token (and retries later); when the token has expired, Token returns the
// *TokenError and the stored token is left as it was.
//
// With a store (WithStore) the token lives in the store: it is loaded from it, and a
// renewal loads it again (another process may have renewed it), takes the store's
// lease when the store is a Locker, renews, saves with compare-and-swap and releases.
// A renewed token the store fails to save is not thrown away (with rotating refresh
// tokens the stored one is already spent): it is served, handed to the token hook,
// and saved again on later calls until the store takes it.
type tokenSource struct {
	c     *Client
	ctx   context.Context
	store TokenStore
	key   string
	conns *Connections // a connection's source: renewals go through Connections.renew

	cur atomic.Pointer[entry]

	mu       sync.Mutex
	inflight *flight
}

type flight struct {
	done chan struct{}
	e    *entry
	err  error
}

// TokenSource returns a source of fresh tokens starting from tok, renewed before they
// expire (see the package doc, Token lifecycle). tok may be nil for a
// client_credentials flow, or with WithStore; with WithStore a non-nil tok seeds an
// empty store. ctx is used for renewals (and supplies the HTTP client under
// oauth2.HTTPClient). Keep the source for as long as the token is used: renewed
// tokens live in it and reach the application only through the token hook or the
// store.
func (c *Client) TokenSource(ctx context.Context, tok *oauth2.Token) oauth2.TokenSource {
	return c.tokenSource(ctx, tok)
}

func (c *Client) tokenSource(ctx context.Context, tok *oauth2.Token) *tokenSource {
	if ctx == nil {
		ctx = context.Background()
	}
	store, key := c.opts.store, c.opts.storeKey
	s := &tokenSource{c: c, ctx: ctx, store: store, key: key}
	if tok != nil && tok.AccessToken != "" {
		e := c.newEntry(tok)
		if store != nil {
			e.refreshAt = time.Unix(0, 1) // load from the store on first use
		}
		s.cur.Store(e)
	}
	return s
}

// Token returns a fresh token, renewing it if needed.
func (s *tokenSource) Token() (*oauth2.Token, error) {
	e, err := s.entry()
	if err != nil {
		return nil, err
	}
	return e.tok, nil
}

// Format prints the source without its token, under every verb.
func (s *tokenSource) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, "runtime.TokenSource{Connector: "+quote(s.c.flow.Connector)+", Token: [redacted]}")
}

func (s *tokenSource) entry() (*entry, error) {
	if e := s.cur.Load(); e != nil && e.fresh(s.c.now()) {
		return e, nil
	}
	return s.renewOnce(nil)
}

// renewOnce renews the current token, or waits for the renewal in flight. rejected,
// when not nil, is the entry the API refused: renewal is forced unless the current
// entry already differs.
func (s *tokenSource) renewOnce(rejected *entry) (*entry, error) {
	s.mu.Lock()
	e := s.cur.Load()
	if e != nil {
		if rejected == nil && e.fresh(s.c.now()) {
			s.mu.Unlock()
			return e, nil
		}
		if rejected != nil && (e != rejected || e.backoff && s.c.now().Before(e.refreshAt) ||
			!e.rejectedRenewal.IsZero() && s.c.now().Before(e.rejectedRenewal.Add(retryFailedRefresh))) {
			s.mu.Unlock()
			return e, nil
		}
	}
	if f := s.inflight; f != nil {
		s.mu.Unlock()
		<-f.done
		return f.e, f.err
	}
	f := &flight{done: make(chan struct{}), err: errRenewalPanicked}
	s.inflight = f
	s.mu.Unlock()

	// The renewal runs the application's code (the token hook, a store): should it
	// panic, the flight still ends, or every later caller would wait forever.
	defer func() {
		s.mu.Lock()
		if f.err == nil && f.e != nil {
			s.cur.Store(f.e)
		}
		s.inflight = nil
		s.mu.Unlock()
		close(f.done)
	}()
	f.e, f.err = s.renew(e, rejected != nil)
	if rejected != nil && f.err == nil && f.e != nil && f.e != e {
		f.e.rejectedRenewal = s.c.now()
	}
	return f.e, f.err
}

// errRenewalPanicked is what callers waiting on a renewal get when it panicked.
var errRenewalPanicked = errors.New("oauthgen: the token renewal panicked")

// renew obtains the token to use next.
func (s *tokenSource) renew(e *entry, forced bool) (*entry, error) {
	c := s.c
	var cur *oauth2.Token
	if e != nil {
		cur = e.tok
	}
	if s.conns != nil {
		return s.renewConn(e, forced)
	}
	if s.store != nil {
		if e != nil && e.unsaved {
			if n, done := s.saveAgain(e); done {
				return n, nil
			}
		}
		return s.renewStored(cur, forced)
	}
	if cur == nil {
		if c.flow.Grant != ClientCredentials {
			return nil, c.newTokenError(OpRefresh, 0, "", "", "the token source has no token", errNoToken)
		}
	} else if !forced && !c.due(cur) {
		return c.newEntry(cur), nil
	}
	if cur != nil && !c.canRenew(cur) {
		return s.cannotRenew(e, cur)
	}
	next, err := c.renewToken(s.ctx, cur)
	if err != nil {
		return s.failed(e, cur, err)
	}
	c.newToken(s.ctx, next)
	return c.newEntry(next), nil
}

// cannotRenew handles a token that is due but cannot be renewed.
func (s *tokenSource) cannotRenew(e *entry, cur *oauth2.Token) (*entry, error) {
	if s.c.expired(cur) {
		return nil, s.c.newTokenError(OpRefresh, 0, "", "", errNoRefreshToken.Error(), errNoRefreshToken)
	}
	if e != nil && e.tok == cur {
		return e, nil
	}
	return s.c.newEntry(cur), nil
}

// failed handles a failed renewal: a still-valid token is kept and the renewal
// retried later; an expired one gives the error.
func (s *tokenSource) failed(e *entry, cur *oauth2.Token, err error) (*entry, error) {
	if cur == nil || s.c.expired(cur) {
		return nil, err
	}
	n := *s.c.newEntry(cur)
	if e != nil {
		n = *e
	}
	retry := s.c.now().Add(retryFailedRefresh)
	if hard := cur.Expiry.Add(-expiryDelta); !cur.Expiry.IsZero() && retry.After(hard) {
		retry = hard
	}
	n.refreshAt = retry
	n.backoff = true
	return &n, nil
}

// renewToken gets the token that replaces cur (nil for client credentials).
func (c *Client) renewToken(ctx context.Context, cur *oauth2.Token) (*oauth2.Token, error) {
	if cur != nil && cur.RefreshToken != "" {
		return c.refresh(ctx, cur)
	}
	if c.flow.Grant == ClientCredentials {
		return c.clientCredentials(ctx)
	}
	return nil, c.newTokenError(OpRefresh, 0, "", "", errNoRefreshToken.Error(), errNoRefreshToken)
}
