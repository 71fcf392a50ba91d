// Package model resolves a validated connector into a flow model: the single place
// where every decision about a connector is made once. Defaults are applied,
// deprecated keys mapped, sibling token paths derived, auth_form fields given Go
// names and types, and every template parsed, checked against the variables of its
// place, and classified by what it reads.
//
// The model maps itself to runtime.Flow once (Connector.Static and Connector.Slots).
// Two consumers read that mapping: package generator prints Static and compiles the
// templates of the slots to Go, and the dynamic client copies Static and interprets
// them (Connector.Flow). Neither makes a decision of its own. Load and Parse load a
// connector file completely.
package model

import (
	"regexp"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/schema"
)

// Connector is a connector with every decision made. Its fields say what was decided,
// with every default spelled out and templates in place of runtime.Text; Static and
// Slots are the same decisions in the form of runtime.Flow, made once (the mapping
// is runtimeFlow) for the generator and the dynamic client alike.
type Connector struct {
	Source *schema.Connector // the connector as loaded

	Name    string // display name
	Package string // Go package name
	// CallbackSlug is the redirect path segment Locoia builds from the name
	// (schema.Connector.CallbackSlug: lower-cased, always one safe segment), for
	// platforms whose registered redirect URLs follow Locoia's convention; generated
	// packages do not declare it (docs/decisions.md).
	CallbackSlug string
	Description  string
	DocsURL      string

	// Params are the auth_form fields that become fields of the generated Params
	// struct, in file order. The deprecated names client_id and client_secret are not
	// among them (they are Config.ClientID and Config.ClientSecret).
	Params []*Param
	// ClientIDRequired and ClientSecretRequired say whether New rejects an empty
	// client id or secret. The client id is always required; the secret when the
	// deprecated auth_form field client_secret is required.
	ClientIDRequired     bool
	ClientSecretRequired bool
	// UserClientID and UserClientSecret say whether the auth_form declares the
	// deprecated field client_id (client_secret): only then is the value the end
	// user's, and only then does a dynamic client read it from Config.Params.
	UserClientID, UserClientSecret bool

	Grant runtime.Grant

	AuthorizeURL  *Template // nil for client_credentials
	AuthorizeArgs []Arg     // response_type, scope, extra_authorization_url

	TokenURL   *Template
	RefreshURL *Template // nil: TokenURL
	RevokeURL  *Template // nil: no revocation; revoke_url, or revoke.url
	// Revocation is the connector's own revocation request (oauth2.config.revoke);
	// nil: RFC 7009 at RevokeURL.
	Revocation *Revocation
	// DeviceAuthURL is the RFC 8628 device authorization endpoint; nil: no device grant.
	DeviceAuthURL *Template
	DeviceArgs    []Arg // the scope of the device authorization request

	Method       string // "POST" or "GET"
	Body         runtime.BodyType
	FallbackBody runtime.BodyType // zero: none
	Accept       string
	ContentType  string // empty: from the body type
	ClientAuth   runtime.ClientAuth
	ClientIDKey  string
	SecretKey    string
	CodeKey      string
	Headers      []Arg // token_request_headers, sorted by key

	ExchangeArgs []Arg // grant_type first, then extra_access_url (and scope for client_credentials)
	RefreshArgs  []Arg // grant_type first, then extra_refresh_url
	WithoutCode  bool
	PKCE         runtime.PKCE
	Issuer       string // oauth2.config.issuer: the callback's iss must equal it when present

	CallbackParams []runtime.Field // template name -> callback query parameter
	// ExchangeNeedsCallback: the exchange's token request (token URL, exchange
	// arguments or token request headers) reads callback.<name> values, so only
	// ExchangeCallback, which reads them from the callback query, can make it (Zoho's
	// token URL is on the accounts server the callback names). Generated packages
	// have no Exchange then; the dynamic client's Exchange returns an error.
	ExchangeNeedsCallback bool
	// RefreshNeedsCallback: the refresh request (refresh URL, refresh arguments or
	// token request headers) reads callback.<name> values, so only RefreshToken, with a
	// token that kept them, can make it. Generated packages have no Refresh then; the
	// dynamic client's Refresh returns an error.
	RefreshNeedsCallback bool

	AccessToken  runtime.Path
	RefreshToken runtime.Path
	ExpiresIn    runtime.Path
	TokenType    runtime.Path
	Metadata     []runtime.Field // token_metadata, sorted by name

	DefaultExpiresIn time.Duration
	// RefreshExpiresIn is the path of the refresh token's lifetime in the token
	// response (nil: not read); RefreshLifetime the lifetime of a new refresh token
	// when the response gives none (0: unknown).
	RefreshExpiresIn runtime.Path
	RefreshLifetime  time.Duration
	Permanent        bool
	RefreshBefore    time.Duration

	Userinfo *Userinfo
	API      APIAuth

	BaseURL     *Template    // nil when the connector has no base_url
	TestRequest *TestRequest // nil when the connector has none

	// TokenHosts are the host patterns the token, refresh and revoke endpoints may be
	// on (derived from their templates, and allowed_hosts); APIHosts those requests
	// with the access token may go to (derived from base_url, test_request, userinfo
	// and revoke_url, and api_hosts). See HostOf.
	TokenHosts, APIHosts []string
	// EndUserHosted: the provider runs on a host the end user names. UserHost is then
	// that host, the output of an auth_form value that is a whole host of a
	// credential URL (nil when there is none); it joins both sets when the client is
	// built.
	EndUserHosted bool
	UserHost      *Template
	// HostValues are the kept values (callback.<name>, credentials.<name>) that are a
	// whole host or origin of an API URL: checked against APIHosts when they arrive.
	HostValues []string

	// Methods are the methods of the connector's client.
	Methods Methods

	// Static is the part of the connector's runtime.Flow that is the same for every
	// client: every field but the template-valued ones, in the runtime's form (a value
	// at the runtime's documented default is zero). Generated packages print it as
	// their package-level flow; Flow copies it. Never modify it.
	Static *runtime.Flow
	// Slots are the template-valued fields of the runtime.Flow, in the order
	// runtime.Flow declares them.
	Slots []Slot

	// Deviations lists the connector's deviations from RFC 6749 in words, for
	// documentation ("the client id is sent as app_id").
	Deviations []string

	// unconfined are the credential URLs whose host nothing confines; Parse reports
	// them (checkHosts).
	unconfined []Unconfined
	// Warnings are the problems of the connector file that do not stop it from
	// working (an auth_form field that no template reads), in file order, each with
	// its line and column and Warning set. Parse and Load set them; Resolve, for
	// connectors built in Go, does not.
	Warnings schema.Errors
}

// Param is one auth_form field with its Go name and type decided.
type Param struct {
	Field  *schema.Field // the auth_form entry
	Name   string        // template name ("environment")
	GoName string        // Params field name ("Environment")
	Kind   jinja.Kind
	// GoType is the Go type of the Params field: "string", "int", "bool", "*bool"
	// (a checkbox whose default is true) or the named type of a select.
	GoType   string
	Enum     []EnumValue // select only, in file order
	Required bool
	// Default is the default value, typed: string (text, password, select), int
	// (number) or bool (checkbox); nil when there is none.
	Default any
	// AlternativeScope marks the deprecated alternative_scope field: when defined it
	// replaces the default scope.
	AlternativeScope bool
	// Pattern is the field's pattern compiled and anchored (schema.CompilePattern):
	// a non-empty value must match it (text and password fields); nil when none.
	Pattern *regexp.Regexp

	index int // position in auth_form
}

// EnumValue is one value of a select field and its Go constant.
type EnumValue struct {
	Value  string // "Sandbox"
	GoName string // "EnvironmentSandbox"
}

// PatternMessage is the error (after "<package>: ") when a value does not match the
// field's pattern: "shop does not match the pattern [a-zA-Z0-9][a-zA-Z0-9-]*". It
// never shows the value, which may be a password.
func (p *Param) PatternMessage() string {
	return p.Name + " does not match the pattern " + p.Field.Pattern
}

// AlwaysDefined reports whether the parameter always has a value for templates: it has
// a default, is required, or is a checkbox.
func (p *Param) AlwaysDefined() bool {
	return p.Default != nil || p.Required || p.Kind == jinja.Bool
}

// Var returns the template variable of the parameter.
func (p *Param) Var() jinja.Var {
	v := jinja.Var{Name: p.Name, Kind: p.Kind, AlwaysDefined: p.AlwaysDefined()}
	for _, e := range p.Enum {
		v.Enum = append(v.Enum, e.Value)
	}
	return v
}

// Arg is a named parameter or header whose value is a template.
type Arg struct {
	Key   string
	Value *Template
}

// Revocation is a revocation request that is not RFC 7009's, with its defaults
// applied; its URL is Connector.RevokeURL.
type Revocation struct {
	Method string // POST, DELETE or GET
	// Token is the token revoked, which Args read as token: "access_token",
	// "refresh_token", or "" (the refresh token when there is one, else the access
	// token).
	Token string
	// Body is how Args are sent: runtime.Form, runtime.JSON, or 0 (the query string).
	Body runtime.BodyType
	// Auth is the authentication: runtime.AuthBody, AuthHeader and AuthBoth as for
	// token requests, AuthBearer (the access token), AuthSecretBearer (the client
	// secret) or AuthNone.
	Auth    runtime.ClientAuth
	Args    []Arg // params, sorted by key
	Headers []Arg // headers, sorted by key
}

// Userinfo is the GET made with the new token after an exchange.
type Userinfo struct {
	URL    *Template
	Fields []runtime.Field // sorted by name; with Select, read from the chosen element
	Select *ListSelect     // nil: Fields are read from the response itself
}

// ListSelect chooses one element of a list in the userinfo response: the one whose
// field at Key equals the rendered Value.
type ListSelect struct {
	List  runtime.Path // nil: the response itself
	Key   runtime.Path
	Value *Template
}

// APIAuth says how API calls carry the token.
type APIAuth struct {
	InQuery     bool
	HeaderKey   string
	QueryKey    string
	ContentType string
	// Format is header.token_format (reads token); Prefix is header.token_prefix (reads
	// token_format, the rendered Format, base64-encoded first when Encode).
	Format *Template
	Prefix *Template
	Encode bool
	// Headers and Query are header.extra_headers and header.extra_query, sorted by key.
	Headers []Arg
	Query   []Arg
}

// TestRequest is the cheap API call that proves the credentials work.
type TestRequest struct {
	Method  string    // GET unless configured
	URL     *Template // test_request.url, or base_url joined with test_request.path
	Body    *Template // test_request.body; nil: none
	Headers []Arg     // test_request.headers, sorted by key
}

// Variable names that are not auth_form fields.
const (
	VarClientID    = "client_id"
	VarRedirectURL = "redirect_url"
	VarState       = "state"
	VarToken       = "token"
	VarTokenFormat = "token_format"
	PrefixCallback = "callback."
	PrefixCreds    = "credentials."
)

// KeptValue is one value kept with a token: a token_metadata entry, a userinfo field
// or a callback value.
type KeptValue struct {
	Name     string // template name (credentials.<name> or callback.<name>)
	GoName   string // its field in the generated TokenMetadata struct, distinct
	From     string // where the value comes from, in words, for documentation
	Callback bool   // read from the callback query, not from a response
}

// KeptValues lists the values kept with a token in the order the generated
// TokenMetadata struct and the dynamic client's Metadata present them: token
// metadata, then userinfo fields, then callback values. A name given by both
// token_metadata and userinfo is one value and is listed once.
func (c *Connector) KeptValues() []KeptValue {
	var out []KeptValue
	seen := map[string]bool{}
	for _, f := range c.Metadata {
		seen[f.Name] = true
		out = append(out, KeptValue{Name: f.Name, From: "the token response at " + strings.Join(f.Path, ".")})
	}
	if ui := c.Userinfo; ui != nil {
		for _, f := range ui.Fields {
			if !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, KeptValue{Name: f.Name, From: "the userinfo response at " + strings.Join(f.Path, ".")})
			}
		}
	}
	for _, f := range c.CallbackParams {
		out = append(out, KeptValue{Name: f.Name, From: "the callback's " + f.Path[0] + " parameter", Callback: true})
	}
	goNames(out)
	return out
}
