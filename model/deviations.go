package model

import (
	"strconv"
	"strings"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/runtime"
)

// deviations describes in words how m departs from a plain RFC 6749 flow.
func deviations(m *Connector) []string {
	var d []string
	add := func(s string) { d = append(d, s) }
	if m.ClientIDKey != "client_id" {
		add("the client id is sent as " + m.ClientIDKey)
	}
	if m.SecretKey != "client_secret" {
		add("the client secret is sent as " + m.SecretKey)
	}
	if m.CodeKey != "code" {
		add("the code is read from the callback and sent as " + m.CodeKey)
	}
	switch m.ClientAuth {
	case runtime.AuthHeader:
		add("the client id and secret are sent with HTTP Basic authentication")
	case runtime.AuthBoth:
		add("the client id and secret are sent both with HTTP Basic authentication and in the body")
	}
	if m.Method == "GET" {
		add("token requests are GET requests with the parameters in the query string")
	} else if m.Body == runtime.JSON {
		s := "the token request body is JSON"
		if m.FallbackBody == runtime.Form {
			s += " (form as a fallback)"
		}
		add(s)
	} else if m.FallbackBody == runtime.JSON {
		add("the token request body falls back to JSON when the form is refused")
	}
	if m.Accept != "application/json" {
		add("token requests send Accept: " + m.Accept)
	}
	if m.ContentType != "" {
		add("token requests send Content-Type: " + m.ContentType)
	}
	if len(m.Headers) > 0 {
		add("token requests carry the headers " + argKeys(m.Headers))
	}
	if m.WithoutCode {
		add("the callback carries no code")
	}
	if m.PKCE == runtime.PKCES256 {
		add("PKCE with the S256 method is used")
	} else if m.PKCE == runtime.PKCEPlain {
		add("PKCE with the plain method is used")
	}
	if len(m.CallbackParams) > 0 {
		var names []string
		for _, f := range m.CallbackParams {
			names = append(names, f.Path[0])
		}
		add("the callback parameters " + strings.Join(names, ", ") + " are kept with the token")
	}
	if p := strings.Join(m.AccessToken, "."); p != "access_token" {
		add("the access token is read from " + p)
	}
	if p := strings.Join(m.RefreshToken, "."); m.Source.OAuth2.Config.RefreshTokenPath != "" && p != "refresh_token" {
		add("the refresh token is read from " + p)
	}
	if p := strings.Join(m.ExpiresIn, "."); m.Source.OAuth2.Config.ExpiresInPath != "" && p != "expires_in" {
		add("the lifetime is read from " + p)
	}
	if m.DefaultExpiresIn > 0 {
		add("tokens without expires_in live " + strconv.Itoa(int(m.DefaultExpiresIn.Seconds())) + " seconds")
	}
	if p := strings.Join(m.RefreshExpiresIn, "."); p != "" {
		add("the refresh token's lifetime is read from " + p)
	}
	if m.RefreshLifetime > 0 {
		add("new refresh tokens live " + strconv.Itoa(int(m.RefreshLifetime.Seconds())) + " seconds")
	}
	if rv := m.Revocation; rv != nil {
		add("tokens are revoked with the provider's own request: " + rv.Describe())
	}
	if len(m.Metadata) > 0 {
		add("the token response fields " + fieldNames(m.Metadata) + " are kept as token metadata")
	}
	if m.Permanent {
		add("tokens are permanent and never refreshed")
	}
	if m.Userinfo != nil {
		what := "a userinfo request after the exchange adds " + fieldNames(m.Userinfo.Fields) + " to the token metadata"
		if s := m.Userinfo.Select; s != nil {
			what += ", read from the element of its list whose " + strings.Join(s.Key, ".") + " is " + s.Value.Source()
		}
		add(what)
	}
	if m.API.InQuery {
		add("API calls carry the token in the query parameter " + m.API.QueryKey)
	} else if m.API.HeaderKey != "Authorization" {
		add("API calls carry the token in the " + m.API.HeaderKey + " header")
	}
	if m.API.Encode {
		add("the token is base64-encoded on API calls")
	}
	if !m.API.InQuery && !m.API.Standard() {
		add("the API header value is " + strconv.Quote(m.API.Prefix.Source()) + " with token_format " + strconv.Quote(m.API.Format.Source()))
	}
	if len(m.API.Headers) > 0 {
		add("API calls carry the headers " + argKeys(m.API.Headers))
	}
	if len(m.API.Query) > 0 {
		add("API calls carry the query parameters " + argKeys(m.API.Query))
	}
	return d
}

// Standard reports whether API calls carry the standard "Bearer <token>" value.
func (a *APIAuth) Standard() bool {
	if a.Encode || !IsVar(a.Format, VarToken) || len(a.Prefix.T.Nodes) != 2 {
		return false
	}
	text, ok := a.Prefix.T.Nodes[0].(*jinja.Text)
	out, ok2 := a.Prefix.T.Nodes[1].(*jinja.Output)
	if !ok || !ok2 || text.Text != "Bearer " {
		return false
	}
	n, ok := out.X.(*jinja.Name)
	return ok && n.Name == VarTokenFormat
}

// IsVar reports whether t is exactly "{{ name }}": it renders the variable unchanged.
func IsVar(t *Template, name string) bool {
	if t == nil || len(t.T.Nodes) != 1 {
		return false
	}
	out, ok := t.T.Nodes[0].(*jinja.Output)
	if !ok {
		return false
	}
	n, ok := out.X.(*jinja.Name)
	return ok && n.Name == name
}

func argKeys(args []Arg) string {
	var keys []string
	for _, a := range args {
		keys = append(keys, a.Key)
	}
	return strings.Join(keys, ", ")
}

func fieldNames(fs []runtime.Field) string {
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// Describe says in words what the revocation request sends: `DELETE, the access
// token in a JSON body (access_token), HTTP Basic client authentication`.
func (rv *Revocation) Describe() string {
	var token string
	switch rv.Token {
	case "access_token":
		token = "the access token"
	case "refresh_token":
		token = "the refresh token"
	default:
		token = "the refresh token (else the access token)"
	}
	var params string
	var tokenKeys, others []string
	for _, a := range rv.Args {
		if contains(a.Value.Names(), VarToken) {
			tokenKeys = append(tokenKeys, a.Key)
		} else {
			others = append(others, a.Key)
		}
	}
	where := map[runtime.BodyType]string{runtime.Form: "in a form body", runtime.JSON: "in a JSON body", 0: "in the query string"}[rv.Body]
	switch {
	case len(tokenKeys) > 0:
		params = token + " " + where + " (" + strings.Join(tokenKeys, ", ") + ")"
	case len(rv.Args) > 0:
		params = "the parameters " + argKeys(rv.Args) + " " + where
	default:
		params = "no parameters"
	}
	if len(tokenKeys) > 0 && len(others) > 0 {
		params += " with " + strings.Join(others, ", ")
	}
	var auth string
	switch rv.Auth {
	case runtime.AuthBody:
		auth = "the client id and secret as parameters"
	case runtime.AuthHeader:
		auth = "HTTP Basic client authentication"
	case runtime.AuthBoth:
		auth = "the client id and secret with HTTP Basic and as parameters"
	case runtime.AuthBearer:
		auth = "the access token as bearer token"
	case runtime.AuthSecretBearer:
		auth = "the client secret as bearer token"
	case runtime.AuthNone:
		auth = "no authentication"
	}
	return rv.Method + ", " + params + ", " + auth
}
