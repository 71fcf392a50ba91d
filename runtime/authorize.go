package runtime

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// NewState returns a random state for an authorize URL (128 bits and more from
// crypto/rand, URL-safe).
func NewState() string { return rand.Text() }

// EqualState reports whether the state received in a callback equals the state sent,
// in constant time. An empty state never matches.
func EqualState(got, want string) bool {
	if got == "" || want == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// AuthCodeURL returns the URL to send the end user to. It carries the client id (under
// the flow's ClientIDKey), redirect_uri (when set), the flow's AuthorizeArgs
// (response_type, scope, extra parameters), state (when not empty) and the options.
// The runtime's own parameters (the client id, redirect_uri, state) win over any the
// authorize URL itself has, which are removed: each is sent once.
//
// PKCE: pass oauth2.S256ChallengeOption(verifier) as with oauth2.Config, or
// oauth2.VerifierOption(verifier), from which the challenge of the flow's PKCE method
// (S256 or plain) is derived; the verifier itself is never put in the URL. Pass
// oauth2.VerifierOption(verifier) to Exchange.
func (c *Client) AuthCodeURL(state string, opts ...oauth2.AuthCodeOption) string {
	v := &Vars{State: state}
	base, err := c.renderURL(OpExchange, c.flow.AuthorizeURL, v)
	if err != nil {
		return "" // only values New checked can be in its host or path: unreachable
	}
	p := make(params, 0, len(c.flow.AuthorizeArgs)+4)
	idKey := c.flow.ClientIDKey
	if idKey == "" {
		idKey = "client_id"
	}
	// A value escaped by its position cannot add a query parameter, and the model
	// refuses a template whose literal query has these.
	base = withoutQueryKeys(base, idKey, "redirect_uri", "state")
	p.set(idKey, c.creds.ClientID)
	if c.creds.RedirectURL != "" {
		p.set("redirect_uri", c.creds.RedirectURL)
	}
	renderArgs(&p, c.flow.AuthorizeArgs, v, base)
	if state != "" {
		p.set("state", state)
	}
	for _, o := range optionValues(opts) {
		p.set(o.k, o.v)
	}
	if verifier, ok := p.get("code_verifier"); ok {
		p.del("code_verifier")
		if _, has := p.get("code_challenge"); !has && c.flow.PKCE != NoPKCE {
			if c.flow.PKCE == PKCEPlain {
				p.set("code_challenge", verifier)
				p.set("code_challenge_method", "plain")
			} else {
				sum := sha256.Sum256([]byte(verifier))
				p.set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
				p.set("code_challenge_method", "S256")
			}
		}
	}
	return urlWithParams(base, p)
}

// CodeFromCallback returns the authorization code of a callback query: the parameter
// named by the flow's CodeKey. A callback carrying ?error= (RFC 6749 4.1.2.1) gives a
// *CallbackError with its code and description; so does a callback without a code,
// unless the flow is WithoutCode (then the code is ""), and a callback whose iss
// (RFC 9207) is not the flow's Issuer, when the flow has one (its Code is empty).
func (c *Client) CodeFromCallback(q url.Values) (string, error) {
	if iss, ok := q["iss"]; ok && c.flow.Issuer != "" && (len(iss) != 1 || iss[0] != c.flow.Issuer) {
		// RFC 9207 2.4: the response of another authorization server (a mix-up attack).
		got := ""
		if len(iss) > 0 {
			got = iss[0]
		}
		if len(got) > 200 {
			got = got[:200] + "..."
		}
		return "", &CallbackError{Connector: c.connector(), msg: strings.ToValidUTF8("oauthgen: "+c.connector()+": callback's issuer (iss) "+quote(got)+" is not the connector's issuer "+quote(c.flow.Issuer), "\uFFFD")}
	}
	if e := q.Get("error"); e != "" {
		desc := q.Get("error_description")
		msg := "oauthgen: " + c.connector() + ": authorization failed: " + quote(e)
		if desc != "" {
			msg += " " + quote(desc)
		}
		return "", &CallbackError{Connector: c.connector(), Code: e, Description: desc, URI: q.Get("error_uri"), msg: strings.ToValidUTF8(msg, "\uFFFD")}
	}
	code := q.Get(c.codeKey())
	if code == "" && !c.flow.WithoutCode {
		return "", &CallbackError{Connector: c.connector(), msg: "oauthgen: " + c.connector() + ": callback has no " + quote(c.codeKey()) + " parameter"}
	}
	return code, nil
}

func (c *Client) codeKey() string {
	if c.flow.CodeKey == "" {
		return "code"
	}
	return c.flow.CodeKey
}

// callbackValues returns the flow's CallbackParams read from a callback query, by
// template name (nil when the flow has none).
func (c *Client) callbackValues(q url.Values) map[string]string {
	if len(c.flow.CallbackParams) == 0 {
		return nil
	}
	m := make(map[string]string, len(c.flow.CallbackParams))
	for _, f := range c.flow.CallbackParams {
		key := f.Name
		if len(f.Path) > 0 {
			key = f.Path[0]
		}
		if v, ok := q[key]; ok && len(v) > 0 {
			m[f.Name] = v[0]
		}
	}
	return m
}
