package runtime

import "golang.org/x/oauth2"

// TokenVars returns the template values a token carries: its metadata
// (Vars.Credentials, token_metadata and userinfo fields) and its callback values
// (Vars.Callback), as the flow's templates see them on refresh and API calls.
// Generated packages use it for a base URL that depends on the token, and for their
// typed metadata accessors. Vars.Token is left empty.
func (c *Client) TokenVars(tok *oauth2.Token) *Vars { return c.varsOf(tok) }
