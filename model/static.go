package model

import "github.com/oauthgen/oauthgen/runtime"

// Slot is a template-valued field of the runtime.Flow: a generated package compiles
// its templates to Go, the dynamic client interprets them (Connector.Flow). Exactly
// one of Text, Args and API is set.
type Slot struct {
	// Field is the path of the field in runtime.Flow: "TokenURL", "Userinfo.URL",
	// "API.Value".
	Field string
	Text  *Template // a runtime.Text field
	Args  []Arg     // a []runtime.Arg field
	// API is set for API.Value, which is token_prefix rendered with token_format,
	// itself rendered with token (see APIAuth).
	API *APIAuth
	// Func is the name a generated package gives the function of the template
	// ("tokenURL"; for Args, the Go name of each key is appended: "exchangeScope"), and
	// What says what it renders, for its doc ("the token URL").
	Func, What string
}

// runtimeFlow is the one mapping from the decisions of c to the runtime.Flow: the
// static part, every field that holds no template, in the runtime's form, and the
// slots, the template-valued fields in the order runtime.Flow declares them. The
// runtime documents a zero field as its default ("Method: zero: POST"), so a value
// the model decided that equals it is left zero: generated code then does not spell
// it out.
func (c *Connector) runtimeFlow() (*runtime.Flow, []Slot) {
	f := &runtime.Flow{
		Connector:        c.Name,
		Grant:            c.Grant,
		Method:           zeroIf(c.Method, "POST"),
		FallbackBody:     c.FallbackBody,
		Accept:           zeroIf(c.Accept, "application/json"),
		ContentType:      c.ContentType,
		ClientAuth:       c.ClientAuth,
		ClientIDKey:      zeroIf(c.ClientIDKey, "client_id"),
		SecretKey:        zeroIf(c.SecretKey, "client_secret"),
		CodeKey:          zeroIf(c.CodeKey, "code"),
		WithoutCode:      c.WithoutCode,
		PKCE:             c.PKCE,
		Issuer:           c.Issuer,
		CallbackParams:   c.CallbackParams,
		AccessToken:      c.AccessToken,
		RefreshToken:     c.RefreshToken,
		ExpiresIn:        c.ExpiresIn,
		TokenType:        c.TokenType,
		Metadata:         c.Metadata,
		DefaultExpiresIn: c.DefaultExpiresIn,
		RefreshExpiresIn: c.RefreshExpiresIn,
		RefreshLifetime:  c.RefreshLifetime,
		Permanent:        c.Permanent,
		RefreshBefore:    c.RefreshBefore,
		API: runtime.APIAuth{
			InQuery:     c.API.InQuery,
			ContentType: c.API.ContentType,
		},
		TokenHosts: c.TokenHosts,
		APIHosts:   c.APIHosts,
		HostValues: c.HostValues,
	}
	if c.Body != runtime.Form {
		f.Body = c.Body
	}
	if rv := c.Revocation; rv != nil {
		f.Revocation = &runtime.Revocation{Method: zeroIf(rv.Method, "POST"), Token: rv.Token, Body: rv.Body, Auth: rv.Auth}
	}
	// Only the key in use is set: the other would be dead data in generated code.
	if c.API.InQuery {
		f.API.QueryKey = c.API.QueryKey
	} else {
		f.API.HeaderKey = c.API.HeaderKey
	}
	var slots []Slot
	text := func(field string, t *Template, fn, what string) {
		if t != nil {
			slots = append(slots, Slot{Field: field, Text: t, Func: fn, What: what})
		}
	}
	args := func(field string, as []Arg, fn, what string) {
		if len(as) > 0 {
			slots = append(slots, Slot{Field: field, Args: as, Func: fn, What: what})
		}
	}
	text("AuthorizeURL", c.AuthorizeURL, "authorizeURL", "the authorize URL")
	args("AuthorizeArgs", c.AuthorizeArgs, "authorize", "the authorize URL parameter")
	text("TokenURL", c.TokenURL, "tokenURL", "the token URL")
	text("RefreshURL", c.RefreshURL, "refreshURL", "the refresh URL")
	text("RevokeURL", c.RevokeURL, "revokeURL", "the revocation URL")
	text("DeviceAuthURL", c.DeviceAuthURL, "deviceAuthURL", "the device authorization URL")
	args("DeviceArgs", c.DeviceArgs, "device", "the device authorization request parameter")
	if rv := c.Revocation; rv != nil {
		args("Revocation.Args", rv.Args, "revoke", "the revocation parameter")
		args("Revocation.Headers", rv.Headers, "revokeHeader", "the revocation request header")
	}
	args("Headers", c.Headers, "tokenHeader", "the token request header")
	args("ExchangeArgs", c.ExchangeArgs, "exchange", "the token request parameter")
	args("RefreshArgs", c.RefreshArgs, "refresh", "the refresh request parameter")
	if ui := c.Userinfo; ui != nil {
		f.Userinfo = &runtime.Userinfo{Fields: ui.Fields}
		text("Userinfo.URL", ui.URL, "userinfoURL", "the userinfo URL")
		if s := ui.Select; s != nil {
			f.Userinfo.List, f.Userinfo.ChooseBy = s.List, s.Key
			text("Userinfo.Choose", s.Value, "userinfoSelect", "the value that chooses the userinfo list element")
		}
	}
	slots = append(slots, Slot{Field: "API.Value", API: &c.API, Func: "apiValue", What: "the API token value"})
	args("API.Headers", c.API.Headers, "apiHeader", "the API request header")
	args("API.Query", c.API.Query, "apiQuery", "the API query parameter")
	if tr := c.TestRequest; tr != nil {
		text("TestBody", tr.Body, "testBody", "the test request body")
		args("TestHeaders", tr.Headers, "testHeader", "the test request header")
	}
	text("UserHost", c.UserHost, "userHost", "the end user's host")
	return f, slots
}

// zeroIf is s, or "" when s is the runtime's default def.
func zeroIf(s, def string) string {
	if s == def {
		return ""
	}
	return s
}
