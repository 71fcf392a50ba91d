package runtime

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"golang.org/x/oauth2"
)

// Format prints v without the access token and the state, under every verb.
func (v Vars) Format(f fmt.State, verb rune) { formatRedacted(f, verb, v.describe()) }

// MarshalJSON encodes v as Format prints it, a JSON string without the access token
// and the state.
func (v Vars) MarshalJSON() ([]byte, error) { return json.Marshal(v.describe()) }

// LogValue logs v as Format prints it.
func (v Vars) LogValue() slog.Value { return slog.StringValue(v.describe()) }

func (v Vars) describe() string {
	return "runtime.Vars{State: " + redacted(v.State) + ", Callback: " + itoa(int64(len(v.Callback))) + " values, Credentials: " + itoa(int64(len(v.Credentials))) + " values, Token: " + redacted(v.Token) + "}"
}

// varsOf returns the template values a token carries: its metadata and callback
// values.
func (c *Client) varsOf(t *oauth2.Token) *Vars {
	v := &Vars{}
	if t == nil {
		return v
	}
	n := len(c.flow.Metadata) + len(c.flow.CallbackParams)
	if c.flow.Userinfo != nil {
		n += len(c.flow.Userinfo.Fields)
	}
	if n == 0 {
		return v
	}
	get := func(name string) (string, bool) {
		x := t.Extra(name)
		if x == nil {
			return "", false
		}
		return scalarString(x), true
	}
	for _, f := range c.flow.Metadata {
		if s, ok := get(f.Name); ok {
			if v.Credentials == nil {
				v.Credentials = map[string]string{}
			}
			v.Credentials[f.Name] = s
		}
	}
	if c.flow.Userinfo != nil {
		for _, f := range c.flow.Userinfo.Fields {
			if s, ok := get(f.Name); ok {
				if v.Credentials == nil {
					v.Credentials = map[string]string{}
				}
				v.Credentials[f.Name] = s
			}
		}
	}
	for _, f := range c.flow.CallbackParams {
		if s, ok := get(f.Name); ok {
			if v.Callback == nil {
				v.Callback = map[string]string{}
			}
			v.Callback[f.Name] = s
		}
	}
	return v
}

// TokenVars returns the template values a token carries: its metadata
// (Vars.Credentials, token_metadata and userinfo fields) and its callback values
// (Vars.Callback), as the flow's templates see them on refresh and API calls.
// Generated packages use it for a base URL that depends on the token, and for their
// typed metadata accessors. Vars.Token is left empty.
func (c *Client) TokenVars(tok *oauth2.Token) *Vars { return c.varsOf(tok) }
