package runtime

import "time"

// BodyType is the encoding of a token request body.
type BodyType uint8

// The token request body encodings. The zero value means none (no fallback).
const (
	Form BodyType = iota + 1 // application/x-www-form-urlencoded
	JSON                     // application/json
)

// Grant is the OAuth2 grant a flow uses.
type Grant uint8

// The supported grants.
const (
	AuthorizationCode Grant = iota
	ClientCredentials
)

// ClientAuth is where the client id and secret go in token requests, and how a
// revocation request (Revocation.Auth) authenticates.
type ClientAuth uint8

// The client authentication placements. AuthNone, AuthBearer and AuthSecretBearer
// are for Revocation.Auth only.
const (
	AuthBody         ClientAuth = iota // body (or query) parameters
	AuthHeader                         // HTTP Basic
	AuthBoth                           // both
	AuthNone                           // no authentication
	AuthBearer                         // Authorization: Bearer <access token>
	AuthSecretBearer                   // Authorization: Bearer <client secret>
)

// PKCE is the PKCE (RFC 7636) challenge method of a flow.
type PKCE uint8

// The PKCE methods.
const (
	NoPKCE PKCE = iota
	PKCES256
	PKCEPlain
)

// Path is a dot path into a JSON (or form-encoded) response, split at the dots:
// Path{"data", "access_token"}. Each segment names a key of the current object; when
// the current value is a JSON array instead, a segment that is a non-negative
// decimal integer without sign or leading zeros ("0", "12", as in RFC 6901) is an
// index into it, counted from 0: Path{"0", "id"} is the id of the first element of
// [{"id":"a"}], and Path{"data", "items", "1", "name"} reads into a nested array.
// An object is always looked up by key, so a key "0" of an object still works. A
// missing key, an index past the end, any other segment on an array, or a segment
// on a string, number, boolean or null finds nothing. In a form-encoded response
// the whole path is also tried as one dotted key ("data.access_token").
type Path []string

// Vars are the values a template may read that are known only during a flow, not when
// the client is built. Values of the end user's Params and the client's own id and
// redirect URL are resolved by the generated code before the runtime sees them.
type Vars struct {
	State       string            // the state of an authorize URL
	Callback    map[string]string // callback_params captured from the callback, by template name
	Credentials map[string]string // token metadata, by name
	Token       string            // the access token (header block only)

	badValue *URLValueError // the first value a URL escaper refused (escape.go)
}

// Text is a string that is either fixed or computed from Vars at call time.
// The zero Text is the empty string.
type Text struct {
	s string
	f func(*Vars) string
}

// String returns a fixed Text.
func String(s string) Text { return Text{s: s} }

// Func returns a Text computed from Vars at call time.
func Func(f func(*Vars) string) Text { return Text{f: f} }

// Render returns the text for v. v may be nil when the text is fixed.
func (t Text) Render(v *Vars) string {
	if t.f != nil {
		if v == nil {
			v = &Vars{}
		}
		return t.f(v)
	}
	return t.s
}

// IsZero reports whether t is the zero Text.
func (t Text) IsZero() bool { return t.f == nil && t.s == "" }

// Arg is one named parameter or header whose value is a Text.
type Arg struct {
	Key   string
	Value Text
}

// Field names a value read from a response at a path: token metadata and userinfo fields.
type Field struct {
	Name string
	Path Path
}

// Userinfo is a GET made with the new token after an exchange.
//
// With ChooseBy set, Fields are read from one element of the list at List (nil: the
// response itself): the element whose field at ChooseBy equals Choose. An empty
// Choose takes the only element of a one-element list; anything else without a match
// is an error naming the choices.
type Userinfo struct {
	URL      Text
	Fields   []Field
	List     Path
	ChooseBy Path
	Choose   Text
}

// APIAuth says how API calls carry the token and what else they carry.
type APIAuth struct {
	InQuery     bool   // send Value as the query parameter QueryKey instead of a header
	HeaderKey   string // header that carries Value, such as "Authorization"
	QueryKey    string // query parameter that carries Value when InQuery
	Value       Text   // the full header (or query) value; Vars.Token holds the access token
	ContentType string // set on requests with a body and no Content-Type
	Headers     []Arg  // added to every API request
	Query       []Arg  // added to every API request's query string
}

// Revocation is a revocation request that is not RFC 7009's, sent to the flow's
// RevokeURL. A 2xx answer is success unless its JSON body holds an error
// ({"ok":false,"error":...}).
type Revocation struct {
	Method string // zero: POST
	// Token is the token revoked, which Args read as Vars.Token: "access_token",
	// "refresh_token", or zero: the refresh token when there is one, else the access
	// token.
	Token string
	Body  BodyType   // how Args are sent: Form, JSON, or zero: in the URL's query string
	Auth  ClientAuth // any of the ClientAuth values
	// Args are the parameters, in the order they are sent; none: no body.
	Args []Arg
	// Headers are set after the flow's Headers.
	Headers []Arg
}

// Flow is a connector's OAuth2 flow with every decision already made. Package model
// builds it once per connector (its template-free part and the template-valued
// fields): generated code declares it, the dynamic package copies it. A zero field
// means the default its comment names, so generated code omits it. Slices of Arg are
// in the order their requests send them.
type Flow struct {
	Connector string // display name, used in error messages
	Grant     Grant

	AuthorizeURL  Text  // authorization_code only
	AuthorizeArgs []Arg // response_type, scope and extra_authorization_url

	TokenURL   Text
	RefreshURL Text        // zero: TokenURL
	RevokeURL  Text        // zero: no revocation
	Revocation *Revocation // nil: RFC 7009 at RevokeURL

	DeviceAuthURL Text  // RFC 8628 device authorization endpoint; zero: no device grant
	DeviceArgs    []Arg // scope of the device authorization request

	Method       string   // "POST" (zero) or "GET"
	Body         BodyType // zero: Form
	FallbackBody BodyType // tried once when Body is refused; zero: none
	Accept       string   // zero: application/json
	ContentType  string   // zero: from the body type
	ClientAuth   ClientAuth
	ClientIDKey  string // zero: client_id
	SecretKey    string // zero: client_secret
	CodeKey      string // zero: code
	Headers      []Arg  // token_request_headers

	ExchangeArgs []Arg // grant_type and extra_access_url
	RefreshArgs  []Arg // grant_type and extra_refresh_url
	WithoutCode  bool
	PKCE         PKCE   // an exchange without the verifier is refused before it is sent
	Issuer       string // RFC 9207: a callback's iss, when present, must equal it; zero: not checked

	// CallbackParams maps a template name (callback.<name>) to the callback query
	// parameter it is read from.
	CallbackParams []Field

	AccessToken  Path // access_token
	RefreshToken Path // refresh_token next to the access token unless configured
	ExpiresIn    Path
	TokenType    Path
	Metadata     []Field

	DefaultExpiresIn time.Duration // lifetime when the response has none or a malformed one (negative, NaN, ...); zero: unknown
	RefreshExpiresIn Path          // the refresh token's lifetime in seconds; nil: not read
	RefreshLifetime  time.Duration // a new refresh token's lifetime when the response has none; zero: unknown
	Permanent        bool          // never refresh
	RefreshBefore    time.Duration // zero: min(30 min, half the lifetime)

	Userinfo *Userinfo
	API      APIAuth

	// TestBody and TestHeaders are what Verify sends besides the method and URL it is
	// given: a body (zero: none; Content-Type API.ContentType unless TestHeaders set
	// one), and headers after the API's own (a GraphQL query, its API version).
	TestBody    Text
	TestHeaders []Arg
	// TokenHosts are the host patterns token, refresh and revocation requests may be
	// sent to (they carry the client secret, the code, the PKCE verifier and the
	// refresh token); APIHosts those requests carrying the access token may be sent
	// to (API calls, userinfo, test request). A pattern is an exact host name or "*."
	// and a host name, meaning exactly one DNS label under it; ports are not part of
	// it, and the scheme must be https (http only on loopback). A request to another
	// host is refused with a *HostError before anything is sent. An empty set (with
	// UserHost zero) allows any host: flows oauthgen's model did not make, and API
	// calls of a connector that names no API URL.
	TokenHosts []string
	APIHosts   []string
	// UserHost is the host the end user names for a provider the end user hosts; it
	// joins both sets. It is rendered once, when the client is built.
	UserHost Text
	// HostValues name the kept values ("credentials.api_domain",
	// "callback.accounts_server") that are a whole host or origin of API URLs: an
	// exchange whose values are outside APIHosts fails with a *HostError.
	HostValues []string
}
