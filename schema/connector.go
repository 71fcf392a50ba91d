// Package schema defines the oauthgen connector format: the Go types that are the
// single source of truth for connector files, the JSON Schema generated from them,
// and the loader that validates a file and reports every problem with its position.
package schema

// Connector is one connector file: how one third-party API does OAuth2.
type Connector struct {
	// Schema is the URL or path of the JSON Schema, for editors. It is not interpreted.
	Schema string `json:"$schema,omitempty" jsonschema:"example=../schema/connector.schema.json"`

	// Name is the display name of the connector, such as "HubSpot" or "Teamwork CRM".
	Name string `json:"name" jsonschema:"minLength=1,example=HubSpot"`

	// Package is the Go package name of the generated code. Default: name lower-cased,
	// letters and digits only ("teamworkcrm").
	Package string `json:"package,omitempty" jsonschema:"pattern=^[a-z][a-z0-9]*$,example=hubspot"`

	// Description is copied into the generated package's documentation.
	Description string `json:"description,omitempty"`

	// DocsURL is the provider's OAuth2 documentation, copied into the generated package's documentation.
	DocsURL string `json:"docs_url,omitempty" jsonschema:"format=uri"`

	// BaseURL is the base URL of the provider's API (template). It may depend on
	// auth_form values, callback values and token metadata.
	BaseURL string `json:"base_url,omitempty" jsonschema:"example=https://api.hubapi.com/"`

	// OAuth2 says where the user authorizes and how the token request looks.
	OAuth2 OAuth2 `json:"oauth2"`

	// Header says how API calls carry the token. Default: the standard
	// "Authorization: Bearer <token>" header.
	Header *Header `json:"header,omitempty"`

	// TestRequest is a cheap API call that proves the credentials work.
	TestRequest *TestRequest `json:"test_request,omitempty"`

	// APIHosts are the hosts requests carrying the access token (API calls through
	// base_url, test_request, userinfo) may go to, beyond those derived from the URL
	// templates: an exact lower-case host name (api.zoho.eu) or "*." and a host name
	// (*.salesforce.com), which means exactly one DNS label under it. Needed when such
	// a URL's host is entirely a value (credentials.instance_url).
	APIHosts []string `json:"api_hosts,omitempty" jsonschema:"uniqueItems=true,pattern=^(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$,example=*.salesforce.com"`

	// EndUserHosted says the provider runs on a host the end user names (GitLab
	// self-managed, Okta and Auth0 custom domains, Keycloak): the end user's host is
	// then the host set of its URLs, and the client credentials are the end user's
	// own (auth_form fields client_id and, unless public, client_secret), so that the
	// platform's application credentials never go to a host an end user chose.
	EndUserHosted bool `json:"end_user_hosted,omitempty" jsonschema:"default=false"`
}

// OAuth2 holds the values the end user supplies and the flow configuration.
type OAuth2 struct {
	// AuthForm lists the values the end user supplies when connecting (an
	// environment, extra scopes, a subdomain). Each becomes a template variable and a
	// typed field of the generated Params struct.
	AuthForm []Field `json:"auth_form,omitempty"`

	// Config describes the OAuth2 flow and every deviation from RFC 6749.
	Config Config `json:"config"`
}

// FieldType is the type of an auth_form field.
type FieldType string

// The auth_form field types.
const (
	FieldText     FieldType = "text"
	FieldPassword FieldType = "password"
	FieldSelect   FieldType = "select"
	FieldNumber   FieldType = "number"
	FieldCheckbox FieldType = "checkbox"
)

// Field is one value the end user supplies. Keys other than the ones below are UI
// hints: they are kept and not interpreted.
type Field struct {
	// Name is the identifier of the field, used in templates. Unique within the connector.
	// The deprecated names alternative_scope, client_id and client_secret are honoured:
	// alternative_scope replaces the default scope. client_id and client_secret stand
	// for the end user's own application credentials (platforms that keep them per
	// user): a generated package has no Params field for them, the caller passes them
	// as Config.ClientID and Config.ClientSecret; a dynamic client also reads them from
	// Config.Params, where a non-empty value overrides Config.ClientID or
	// Config.ClientSecret. A required client_secret makes the client secret mandatory.
	Name string `json:"name" jsonschema:"pattern=^[A-Za-z_][A-Za-z0-9_]*$,example=environment"`

	// Title is the label shown to the user; it becomes the Params field's doc comment.
	Title string `json:"title,omitempty" jsonschema:"example=Environment"`

	// Type is the kind of input: text, password, select (needs enum), number or checkbox.
	Type FieldType `json:"type,omitempty" jsonschema:"enum=text,enum=password,enum=select,enum=number,enum=checkbox,default=text"`

	// Required makes the field mandatory: the generated New rejects an empty value.
	Required bool `json:"required,omitempty" jsonschema:"default=false"`

	// Default is the value used when the user supplies none (a string, number or
	// boolean matching type); a field with a default is always defined. For a select it
	// must be one of enum.
	Default any `json:"default,omitempty"`

	// Enum lists the allowed values of a select field.
	Enum []string `json:"enum,omitempty" jsonschema:"minItems=1,uniqueItems=true,example=Production,example=Sandbox"`

	// Pattern is an RE2 regular expression (Go's regexp syntax) that a non-empty value
	// must match as a whole: it is anchored, as if written ^(?:pattern)$. For text and
	// password fields; New of generated and dynamic clients refuses a value that does
	// not match. Give one wherever the provider's value has a known shape, above all
	// for values that go into URLs (a subdomain: [a-zA-Z0-9][a-zA-Z0-9-]*).
	Pattern string `json:"pattern,omitempty" jsonschema:"format=regex,example=[a-zA-Z0-9][a-zA-Z0-9-]*"`

	// Placeholder is a UI hint shown in an empty input.
	Placeholder string `json:"placeholder,omitempty"`

	// Info is a help text for the user; it joins the Params field's doc comment.
	Info string `json:"info,omitempty"`

	// HideInEmbed is a UI hint: the field is not shown in embedded forms.
	HideInEmbed bool `json:"hideInEmbed,omitempty"`

	// Extra keeps any other UI hint of the entry.
	Extra map[string]any `json:"-"`
}

// BodyType is the encoding of a token request body.
type BodyType string

// The token request body encodings.
const (
	BodyForm BodyType = "data" // application/x-www-form-urlencoded
	BodyJSON BodyType = "json" // application/json
)

// FlowType is the OAuth2 grant a connector uses.
type FlowType string

// The supported grants.
const (
	FlowAuthorizationCode FlowType = "authorization_code"
	FlowClientCredentials FlowType = "client_credentials"
)

// ClientAuth is where the client id and secret go in token requests.
type ClientAuth string

// The client authentication placements.
const (
	ClientAuthBody   ClientAuth = "body"   // client_id and client_secret body parameters
	ClientAuthHeader ClientAuth = "header" // HTTP Basic authentication
	ClientAuthBoth   ClientAuth = "both"   // both of the above
)

// Config is the oauth2.config block: the flow and its deviations from RFC 6749.
type Config struct {
	// ClientID is a placeholder only: the real value comes from the user at run time and
	// is never embedded in generated code.
	ClientID string `json:"client_id,omitempty" jsonschema:"example=CLIENT_ID for OAuth2 app"`

	// ClientSecret is a placeholder only: the real value comes from the user at run time
	// and is never embedded in generated code.
	ClientSecret string `json:"client_secret,omitempty" jsonschema:"example=CLIENT_SECRET for OAuth2 app"`

	// Step1AuthorizeURL is the page the user is sent to (GET) to authorize (template).
	// Required for the authorization_code flow.
	Step1AuthorizeURL string `json:"step1_authorize_url,omitempty" jsonschema:"example=https://app.hubspot.com/oauth/authorize"`

	// Step3AccessURL is the token endpoint (template).
	Step3AccessURL string `json:"step3_access_url" jsonschema:"minLength=1,example=https://api.hubapi.com/oauth/v1/token"`

	// TokenRefreshURL is the endpoint for refresh requests (template). Default: step3_access_url.
	TokenRefreshURL string `json:"token_refresh_url,omitempty"`

	// AllowedHosts are the hosts the token, refresh and revoke endpoints may be on
	// (they receive the client secret, the code, the PKCE verifier and the refresh
	// token), beyond those derived from the URL templates: an exact lower-case host
	// name (accounts.zoho.eu) or "*." and a host name (*.okta.com), which means exactly
	// one DNS label under it. Needed when an endpoint's host is entirely a value
	// (callback.accounts_server).
	AllowedHosts []string `json:"allowed_hosts,omitempty" jsonschema:"uniqueItems=true,pattern=^(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$,example=accounts.zoho.eu"`

	// ExtraAuthorizationURL are query parameters (values are templates) added to the
	// authorize URL, such as response_type and scope.
	ExtraAuthorizationURL map[string]string `json:"extra_authorization_url,omitempty"`

	// ExtraAccessURL are body parameters (values are templates) added to the exchange
	// request, such as grant_type.
	ExtraAccessURL map[string]string `json:"extra_access_url,omitempty"`

	// ClientIDAndSecretInHeaders sends the client credentials with HTTP Basic
	// authentication instead of body parameters (same as client_auth "header").
	ClientIDAndSecretInHeaders bool `json:"client_id_and_secret_in_headers,omitempty" jsonschema:"default=false"`

	// AlternativeClientIDKey is the name of the client id in the authorize URL and token
	// requests. Default: client_id.
	AlternativeClientIDKey string `json:"alternative_client_id_key,omitempty" jsonschema:"default=client_id,example=app_id"`

	// AlternativeClientSecretKey is the name of the client secret in token requests.
	// Default: client_secret.
	AlternativeClientSecretKey string `json:"alternative_client_secret_key,omitempty" jsonschema:"default=client_secret,example=secret"`

	// AlternativeCodeKey is the name of the code in the callback query and the exchange
	// body. Default: code.
	AlternativeCodeKey string `json:"alternative_code_key,omitempty" jsonschema:"default=code,example=auth_code"`

	// GrantType is deprecated: the grant_type value used when extra_access_url has none.
	GrantType string `json:"grant_type,omitempty"`

	// AcceptHeader is the Accept header of token requests. Default: application/json.
	AcceptHeader string `json:"accept_header,omitempty" jsonschema:"default=application/json"`

	// ContentType is the Content-Type header of token requests. Default: from the body type.
	ContentType string `json:"content_type,omitempty"`

	// RequestMethod is the HTTP method of token requests; GET sends the parameters in the
	// query string. Default: POST.
	RequestMethod string `json:"request_method,omitempty" jsonschema:"enum=GET,enum=POST,default=POST"`

	// AccessTokenPath is the dot path of the access token in the token response.
	// In this and the other dot paths, a segment that is a number (0, 1, ...) indexes
	// into a JSON array: data.0.access_token. Default: access_token.
	AccessTokenPath string `json:"access_token_path,omitempty" jsonschema:"default=access_token,example=data.access_token"`

	// ExchangeRequestBodyType is the encoding of token request bodies: data
	// (form-urlencoded) or json. Default: data.
	ExchangeRequestBodyType BodyType `json:"exchange_request_body_type,omitempty" jsonschema:"enum=data,enum=json,default=data"`

	// OrExchangeRequestBodyType is the other encoding, tried once when the provider
	// refuses the first (HTTP 400, 406 or 415, or a body that is not a token response).
	// The encoding that worked is remembered for later requests of the same client.
	OrExchangeRequestBodyType BodyType `json:"or_exchange_request_body_type,omitempty" jsonschema:"enum=data,enum=json"`

	// Flow is the OAuth2 grant: authorization_code or client_credentials.
	// Default: authorization_code.
	Flow FlowType `json:"flow,omitempty" jsonschema:"enum=authorization_code,enum=client_credentials,default=authorization_code"`

	// Scopes are joined with scope_separator into the scope parameter of the authorize
	// URL (client_credentials: of the token request). Not together with
	// extra_authorization_url.scope.
	Scopes []string `json:"scopes,omitempty" jsonschema:"uniqueItems=true,example=read,example=write"`

	// ScopeSeparator joins scopes. Default: a space.
	ScopeSeparator string `json:"scope_separator,omitempty" jsonschema:"default= "`

	// PKCE is the PKCE (RFC 7636) challenge method, S256 or plain. Default: no PKCE.
	PKCE string `json:"pkce,omitempty" jsonschema:"enum=S256,enum=plain"`

	// ClientAuth is where the client credentials go in token requests: body, header
	// (HTTP Basic) or both. Default: body; client_id_and_secret_in_headers means header.
	ClientAuth ClientAuth `json:"client_auth,omitempty" jsonschema:"enum=body,enum=header,enum=both,default=body"`

	// ExtraRefreshURL are body parameters (values are templates) added to refresh requests.
	ExtraRefreshURL map[string]string `json:"extra_refresh_url,omitempty"`

	// RefreshTokenPath is the dot path of the refresh token in the token response.
	// Default: refresh_token, next to the access token.
	RefreshTokenPath string `json:"refresh_token_path,omitempty" jsonschema:"example=data.refresh_token"`

	// ExpiresInPath is the dot path of the lifetime in seconds in the token response.
	// Default: expires_in, next to the access token.
	ExpiresInPath string `json:"expires_in_path,omitempty" jsonschema:"example=data.expires_in"`

	// TokenTypePath is the dot path of the token type in the token response.
	// Default: token_type, next to the access token.
	TokenTypePath string `json:"token_type_path,omitempty"`

	// DefaultExpiresIn is the lifetime in seconds of tokens whose response has no
	// expires_in, for providers that expire tokens without saying so (at most a year).
	DefaultExpiresIn int `json:"default_expires_in,omitempty" jsonschema:"minimum=1,maximum=31536000,example=3600"`

	// NoRefreshToken marks tokens as permanent: they are never refreshed.
	NoRefreshToken bool `json:"no_refresh_token,omitempty" jsonschema:"default=false"`

	// WithoutCode means the callback carries no code; the exchange is made without one.
	WithoutCode bool `json:"without_code,omitempty" jsonschema:"default=false"`

	// Issuer is the authorization server's issuer identifier (RFC 9207), exactly as
	// the provider sends it in the callback's iss parameter. When set, a callback
	// whose iss differs is refused before any exchange (a mix-up attack: a code from
	// another provider); a callback without iss is accepted.
	Issuer string `json:"issuer,omitempty" jsonschema:"format=uri,example=https://accounts.google.com"`

	// RevokeURL is the RFC 7009 token revocation endpoint (template): a form POST of
	// the refresh token (else the access token) with token_type_hint, the client
	// credentials as in token requests. It is the shorthand of revoke; not together
	// with it.
	RevokeURL string `json:"revoke_url,omitempty"`

	// DeviceAuthorizationURL is the device authorization endpoint of RFC 8628
	// (template). With it, clients also offer the device authorization grant
	// (DeviceAuth, then DeviceAccessToken polling the token endpoint), for devices
	// without a browser and for terminals: the user enters a code on another device.
	// The request carries the client id and the scope; tokens are refreshed as the
	// authorization code flow's are.
	DeviceAuthorizationURL string `json:"device_authorization_url,omitempty" jsonschema:"example=https://github.com/login/device/code"`
	// Revoke describes a revocation request that is not RFC 7009's: GitHub's DELETE
	// of the grant, Slack's auth.revoke with the bearer token, Zoho's token in the
	// query string. Not together with revoke_url.
	Revoke *Revoke `json:"revoke,omitempty"`

	// Userinfo is a GET made with the new token after an exchange; the named fields of
	// its response join the token metadata (account id, e-mail).
	Userinfo *Userinfo `json:"userinfo,omitempty"`

	// TokenRequestHeaders are extra headers (values are templates) on token requests.
	TokenRequestHeaders map[string]string `json:"token_request_headers,omitempty"`

	// CallbackParams are query parameters captured from the callback (Zoho's
	// accounts-server, Shopify's shop). They are kept with the token and usable in
	// templates as callback.<name>, with characters other than letters, digits and
	// underscores in the name replaced by underscores (callback.accounts_server). A name
	// may not be empty or start with a digit, and two names may not give the same
	// template name ("a-b" and "a_b").
	CallbackParams []string `json:"callback_params,omitempty" jsonschema:"uniqueItems=true,example=shop"`

	// RefreshBeforeExpiry is how many seconds before expiry this connector refreshes.
	// Default: the run-time default, min(30 minutes, half the token's lifetime). At most a day.
	RefreshBeforeExpiry int `json:"refresh_before_expiry,omitempty" jsonschema:"minimum=0,maximum=86400"`

	// RefreshTokenExpiresInPath is the dot path of the refresh token's lifetime in
	// seconds in the token response (QuickBooks' x_refresh_token_expires_in,
	// refresh_token_expires_in). The runtime keeps the refresh token's expiry with the
	// token (runtime.RefreshTokenExpiry), so a platform can refresh an idle connection
	// before its refresh token dies. Default: not read.
	RefreshTokenExpiresInPath string `json:"refresh_token_expires_in_path,omitempty" jsonschema:"example=x_refresh_token_expires_in"`

	// RefreshTokenLifetime is the lifetime in seconds of a newly issued refresh token,
	// for providers that document one without saying so in the response (Xero's 60
	// days unused); when refresh_token_expires_in_path is also set, the response's
	// value wins. A refresh answered without a new refresh token keeps the old
	// expiry. At most ten years.
	RefreshTokenLifetime int `json:"refresh_token_lifetime,omitempty" jsonschema:"minimum=1,maximum=315360000,example=5184000"`

	// TokenMetadata maps a name to a dot path into the token response (instance_url,
	// team.id, accounts.0.id: a number indexes into a JSON array). The values are kept with the token, get typed accessors, and are usable
	// in templates as credentials.<name>.
	TokenMetadata map[string]string `json:"token_metadata,omitempty"`
}

// Userinfo is a call made with the new token after an exchange.
type Userinfo struct {
	// URL is the endpoint, called with GET and the new token (template).
	URL string `json:"url" jsonschema:"minLength=1"`

	// Metadata maps a name to a dot path into the response (email, 0.id: a number
	// indexes into a JSON array, such as a list of accessible sites); the values join
	// the token metadata. With select, the paths start at the chosen element.
	Metadata map[string]string `json:"metadata,omitempty"`

	// Select chooses one element of a list in the response by a value (Atlassian's
	// accessible resources by site URL, Xero's connections by tenant), instead of a
	// fixed index in the metadata paths.
	Select *ListSelect `json:"select,omitempty"`
}

// ListSelect chooses the element of a list whose field at Key equals Value. When Value
// renders empty, a list of one element gives that element; otherwise no match is an
// error that names the choices.
type ListSelect struct {
	// List is the dot path of the list in the response. Default: the response itself.
	List string `json:"list,omitempty" jsonschema:"example=resources"`

	// Key is the dot path, inside each element, of the field compared with Value.
	Key string `json:"key" jsonschema:"minLength=1,example=url"`

	// Value is the value the field must equal (template), usually an auth_form value:
	// "{{ site_url }}".
	Value string `json:"value" jsonschema:"example={{ site_url }}"`
}

// RevokeToken names the token a revocation request sends.
type RevokeToken string

// The tokens a revocation request may send.
const (
	RevokeAccessToken  RevokeToken = "access_token"
	RevokeRefreshToken RevokeToken = "refresh_token"
)

// RevokeEncoding is how a revocation request sends its parameters.
type RevokeEncoding string

// The revocation parameter encodings.
const (
	RevokeForm  RevokeEncoding = "form"  // application/x-www-form-urlencoded body
	RevokeJSON  RevokeEncoding = "json"  // JSON object body, every value a string
	RevokeQuery RevokeEncoding = "query" // the URL's query string, no body
)

// RevokeAuth is how a revocation request authenticates.
type RevokeAuth string

// The revocation authentications.
const (
	RevokeClientSecretBasic  RevokeAuth = "client_secret_basic"  // HTTP Basic with the client id and secret
	RevokeClientSecretPost   RevokeAuth = "client_secret_post"   // the client id and secret as parameters
	RevokeClientSecretBearer RevokeAuth = "client_secret_bearer" // Authorization: Bearer <client secret> (Stripe's secret key)
	RevokeAccessTokenBearer  RevokeAuth = "access_token_bearer"  // Authorization: Bearer <access token> (Slack, Dropbox)
	RevokeNoAuth             RevokeAuth = "none"                 // nothing but the parameters
)

// Revoke is a revocation request that is not RFC 7009's. The request answered 2xx
// succeeds unless its JSON body holds an error ({"ok":false,"error":...}).
type Revoke struct {
	// URL is the endpoint (template). It cannot read the token: the token goes in
	// params (encoding query puts it in the query string).
	URL string `json:"url" jsonschema:"minLength=1,example=https://api.github.com/applications/{{ client_id }}/grant"`

	// Method is the HTTP method. Default: POST.
	Method string `json:"method,omitempty" jsonschema:"enum=POST,enum=DELETE,enum=GET,default=POST"`

	// Token is the token the request revokes, which params read as {{ token }}:
	// access_token or refresh_token. Default: the refresh token when the token has
	// one, else the access token.
	Token RevokeToken `json:"token,omitempty" jsonschema:"enum=access_token,enum=refresh_token"`

	// Params are the request's parameters (values are templates that may also read
	// token, the token revoked): {"access_token": "{{ token }}"}. Without params the
	// request has no body.
	Params map[string]string `json:"params,omitempty"`

	// Encoding is how params are sent: form, json or query (the URL's query string).
	// Default: form.
	Encoding RevokeEncoding `json:"encoding,omitempty" jsonschema:"enum=form,enum=json,enum=query,default=form"`

	// Headers are headers of the request (values are templates), besides
	// token_request_headers, which it also carries: Notion's Notion-Version.
	Headers map[string]string `json:"headers,omitempty"`

	// Auth is how the request authenticates: client_secret_basic, client_secret_post
	// (with the connector's client id and secret key names), client_secret_bearer,
	// access_token_bearer or none. Default: the client authentication of token
	// requests.
	Auth RevokeAuth `json:"auth,omitempty" jsonschema:"enum=client_secret_basic,enum=client_secret_post,enum=client_secret_bearer,enum=access_token_bearer,enum=none"`
}

// Header says how API calls carry the token.
type Header struct {
	// Encode base64-encodes the rendered token_format before token_prefix is applied.
	Encode bool `json:"encode,omitempty" jsonschema:"default=false"`

	// TokenInHeader sends the token in the header_key header; false sends it as the
	// query parameter query_key instead. Default: true.
	TokenInHeader *bool `json:"token_in_header,omitempty" jsonschema:"default=true"`

	// ContentType is set on API requests that have a body and no Content-Type.
	ContentType string `json:"content_type,omitempty" jsonschema:"default=application/json"`

	// HeaderKey is the name of the header that carries the token. Default: Authorization.
	HeaderKey string `json:"header_key,omitempty" jsonschema:"default=Authorization"`

	// TokenFormat is rendered with token (template). Default: {{token}}.
	TokenFormat string `json:"token_format,omitempty" jsonschema:"default={{token}}"`

	// TokenPrefix is the header value, rendered with token_format (template).
	// Default: Bearer {{token_format}}.
	TokenPrefix string `json:"token_prefix,omitempty" jsonschema:"default=Bearer {{token_format}}"`

	// QueryKey is the query parameter that carries the token when token_in_header is
	// false. Default: access_token.
	QueryKey string `json:"query_key,omitempty" jsonschema:"default=access_token"`

	// ExtraHeaders are added to every API request (values are templates).
	ExtraHeaders map[string]string `json:"extra_headers,omitempty"`

	// ExtraQuery are query parameters added to every API request (values are templates).
	ExtraQuery map[string]string `json:"extra_query,omitempty"`
}

// TestRequest is a cheap API call that proves the credentials work.
type TestRequest struct {
	// Method is the HTTP method. Default: GET.
	Method string `json:"method,omitempty" jsonschema:"enum=GET,enum=POST,enum=PUT,enum=PATCH,enum=DELETE,enum=HEAD,default=GET"`

	// Path is resolved against base_url.
	Path string `json:"path,omitempty" jsonschema:"example=account-info/v3/details"`

	// URL is an absolute URL (template), used instead of path.
	URL string `json:"url,omitempty"`

	// Body is the request body (template), such as a GraphQL query
	// {"query":"{ viewer { id } }"}; it needs a method other than GET and HEAD. Its
	// Content-Type is header.content_type unless headers set one.
	Body string `json:"body,omitempty"`

	// Headers are added to the test request (templates), after the API's own.
	Headers map[string]string `json:"headers,omitempty"`
}
