package runtime

import (
	"context"
	"net/http"

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
