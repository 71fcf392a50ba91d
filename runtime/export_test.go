package runtime

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// ClientFor gives the tests of package runtime_test an *http.Client for API calls
// over src, a source from c.TokenSource, so that they can watch that source's token.
func ClientFor(ctx context.Context, c *Client, src oauth2.TokenSource) *http.Client {
	return c.clientFor(ctx, src.(*tokenSource))
}

// ErrNoRefreshToken is what an error of a token that expired without a refresh token
// wraps.
var ErrNoRefreshToken = errNoRefreshToken

// WithAfter replaces the timer the device grant waits on between polls, so tests see
// the waits without making them.
func WithAfter(after func(time.Duration) <-chan time.Time) Option {
	return func(o *options) { o.after = after }
}
