package runtime

import (
	"context"
	"errors"

	"golang.org/x/oauth2"
)

// saveNew stores a newly exchanged token in the configured store, replacing whatever
// is stored (compare-and-swap, retried while other writers interfere).
func (c *Client) saveNew(ctx context.Context, tok *oauth2.Token) error {
	var err error
	for range 5 {
		var prev *oauth2.Token
		prev, err = c.opts.store.Load(ctx, c.opts.storeKey)
		if errors.Is(err, ErrNotFound) {
			prev, err = nil, nil
		}
		if err != nil {
			break
		}
		if err = c.opts.store.Save(ctx, c.opts.storeKey, prev, tok); !errors.Is(err, ErrConflict) {
			break
		}
	}
	if err != nil {
		return c.storeError(err)
	}
	return nil
}

func (c *Client) storeError(err error) error {
	return c.newTokenError(OpStore, 0, "", "", "token store: "+err.Error(), err)
}

// renewStored is renew with a store, following the protocol of Locker.
func (s *tokenSource) renewStored(cur *oauth2.Token, forced bool) (*entry, error) {
	c, ctx := s.c, s.ctx
	stored, err := s.store.Load(ctx, s.key)
	switch {
	case errors.Is(err, ErrNotFound):
		stored = nil
		if cur != nil {
			switch err := s.store.Save(ctx, s.key, nil, cur); {
			case err == nil:
				stored = cur
			case errors.Is(err, ErrConflict):
				if stored, err = s.store.Load(ctx, s.key); err != nil {
					return nil, c.storeError(err)
				}
			default:
				return nil, c.storeError(err)
			}
		} else if c.flow.Grant != ClientCredentials {
			return nil, c.newTokenError(OpRefresh, 0, "", "", "no token stored and none given", errNoToken)
		}
	case err != nil:
		return nil, c.storeError(err)
	}
	if stored != nil {
		changed := cur == nil || stored.AccessToken != cur.AccessToken
		if (changed || !forced) && !c.due(stored) {
			return c.newEntry(stored), nil
		}
		if !c.canRenew(stored) {
			return s.cannotRenew(nil, stored)
		}
	}

	if lk, ok := s.store.(Locker); ok {
		lease, err := lk.Acquire(ctx, s.key, c.opts.leaseTTL)
		if err != nil {
			return nil, c.storeError(err)
		}
		defer lease.Release(context.WithoutCancel(ctx))
		again, err := s.store.Load(ctx, s.key)
		switch {
		case err == nil:
			if stored == nil || again.AccessToken != stored.AccessToken {
				if !c.due(again) {
					return c.newEntry(again), nil
				}
			}
			stored = again
		case !errors.Is(err, ErrNotFound):
			return nil, c.storeError(err)
		}
		next, err := c.renewToken(ctx, stored)
		if err != nil {
			return s.failed(nil, stored, err)
		}
		if err := lease.Save(ctx, stored, next); err != nil {
			return s.conflict(stored, next, err)
		}
		c.newToken(ctx, next)
		return c.newEntry(next), nil
	}

	next, err := c.renewToken(ctx, stored)
	if err != nil {
		return s.failed(nil, stored, err)
	}
	if err := s.store.Save(ctx, s.key, stored, next); err != nil {
		return s.conflict(stored, next, err)
	}
	c.newToken(ctx, next)
	return c.newEntry(next), nil
}

// conflict handles a failed save of next over prev: when another process stored a
// token meanwhile, that one is used; when the lease expired but nobody saved, next is
// saved with a plain compare-and-swap; when the store is failing, next is kept
// unsaved.
func (s *tokenSource) conflict(prev, next *oauth2.Token, err error) (*entry, error) {
	c, ctx := s.c, s.ctx
	if !errors.Is(err, ErrConflict) {
		return s.keepUnsaved(prev, next), nil
	}
	latest, lerr := s.store.Load(ctx, s.key)
	if lerr == nil && (prev == nil || latest.AccessToken != prev.AccessToken) {
		return c.newEntry(latest), nil
	}
	if lerr != nil && !errors.Is(lerr, ErrNotFound) {
		return nil, c.storeError(lerr)
	}
	if err := s.store.Save(ctx, s.key, prev, next); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, c.storeError(err)
		}
		return s.keepUnsaved(prev, next), nil
	}
	c.newToken(ctx, next)
	return c.newEntry(next), nil
}

// keepUnsaved serves next, a renewed token the store failed to save. Throwing it away
// would lose the connection for good with providers that rotate refresh tokens: the
// provider has already spent the refresh token the store still holds. The token hook
// sees next (so the application can keep it elsewhere), and the save is tried again on
// a later call.
func (s *tokenSource) keepUnsaved(prev, next *oauth2.Token) *entry {
	s.c.newToken(s.ctx, next)
	return s.unsavedEntry(s.c.newEntry(next), prev)
}

// unsavedEntry marks e as not saved over prev yet, due for another save attempt soon.
func (s *tokenSource) unsavedEntry(e *entry, prev *oauth2.Token) *entry {
	e.unsaved, e.savePrev = true, prev
	retry := s.c.now().Add(retryFailedSave)
	if e.refreshAt.IsZero() || retry.Before(e.refreshAt) {
		e.refreshAt = retry
	}
	return e
}

// saveAgain tries again to save the token of an unsaved entry. It reports done when
// the result is final for this renewal: the token is still unsaved and still valid. In
// every other case (saved, another process stored a token, or the token expired) the
// caller goes on with the store protocol, which now sees the stored token.
func (s *tokenSource) saveAgain(e *entry) (*entry, bool) {
	err := s.store.Save(s.ctx, s.key, e.savePrev, e.tok)
	if err == nil || errors.Is(err, ErrConflict) || s.c.expired(e.tok) {
		return nil, false
	}
	n := *s.c.newEntry(e.tok)
	return s.unsavedEntry(&n, e.savePrev), true
}
