package model

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/schema"
)

// reservedNames are the exported identifiers every generated package declares; a
// select type or enum constant never takes one of them.
var reservedNames = map[string]bool{
	"Name": true, "Params": true, "Config": true, "Client": true,
	"New": true, "TokenMetadata": true,
}

// Resolve makes every decision about connector c and returns the model: defaults
// applied, auth_form fields given Go names, every template parsed and checked against
// the variables of its place. It stops at the first problem, and its error names the
// JSON pointer of the problem but no line and column: it is for connectors built in
// Go. A connector file is loaded with Parse or Load, which also report every schema
// and template problem at its line and column.
func Resolve(c *schema.Connector) (*Connector, error) {
	if c == nil {
		return nil, errors.New("model: nil connector")
	}
	m, err := resolve(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nameOr(c.Name), err)
	}
	return m, nil
}

// resolve is Resolve for a non-nil connector; its error starts with the JSON pointer.
func resolve(c *schema.Connector) (*Connector, error) {
	r := &resolver{c: c, cfg: &c.OAuth2.Config}
	return r.resolve()
}

func nameOr(s string) string {
	if s == "" {
		return "connector"
	}
	return s
}

// resolver resolves one connector, one section at a time. Every problem goes through
// report, which keeps the first; resolve stops after the section that found one.
type resolver struct {
	c      *schema.Connector
	cfg    *schema.Config
	m      *Connector
	scopes map[schema.TemplatePlace]jinja.Scope
	scope  *Arg // the scope argument (scopeArg); nil when there is no scope
	err    error
}

// report records err (a message starting with the JSON pointer it is about) unless a
// problem is recorded already.
func (r *resolver) report(err error) {
	if r.err == nil {
		r.err = err
	}
}

// fail reports a problem of the value at ptr.
func (r *resolver) fail(ptr, format string, args ...any) {
	r.report(fmt.Errorf("%s: "+format, append([]any{ptr}, args...)...))
}

// tmpl parses a template at ptr; it reports its problem and returns nil then.
func (r *resolver) tmpl(ptr string, place schema.TemplatePlace, src string) *Template {
	t, err := parseTemplate(ptr, place, src, r.scopes[place])
	if err != nil {
		r.report(err)
		return nil
	}
	return t
}

// args turns a template-valued map into args sorted by key, skipping the keys in skip.
func (r *resolver) args(ptr string, place schema.TemplatePlace, m map[string]string, skip ...string) []Arg {
	var out []Arg
	for _, k := range sortedKeys(m) {
		if contains(skip, k) {
			continue
		}
		out = append(out, Arg{Key: k, Value: r.tmpl(ptr+"/"+escapePointer(k), place, m[k])})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// escapePointer escapes a JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// conf is the JSON pointer of the oauth2 config, with its trailing slash.
const conf = "/oauth2/config/"

func (r *resolver) resolve() (*Connector, error) {
	c := r.c
	r.m = &Connector{
		Source:       c,
		Name:         c.Name,
		Package:      c.GoPackage(),
		CallbackSlug: c.CallbackSlug(),
		Description:  c.Description,
		DocsURL:      c.DocsURL,
	}
	// The sections in the order of their dependencies: the params give the templates
	// their scopes, the grant decides where the scope goes, the access token path
	// decides its siblings.
	for _, section := range []func(){
		r.identity,
		r.params,
		r.grant,
		r.scopeArg,
		r.authorize,
		r.endpoints,
		r.tokenRequest,
		r.exchange,
		r.callback,
		r.tokenResponse,
		r.revocation,
		r.userinfo,
		r.api,
		r.baseURL,
		r.testRequest,
		r.checkEnums,
	} {
		section()
		if r.err != nil {
			return nil, r.err
		}
	}
	m := r.m
	m.derive()
	m.unconfined = m.hosts()
	m.Methods = m.methods()
	m.Static, m.Slots = m.runtimeFlow()
	m.Deviations = deviations(m)
	return m, nil
}

// identity checks the name and the Go package name.
func (r *resolver) identity() {
	if r.c.Name == "" {
		r.fail("/name", "the name is empty")
	} else if !validPackage(r.m.Package) {
		r.fail("/package", "%q cannot be a Go package name; set package", r.m.Package)
	}
}

// params resolves the auth_form and, from it, the variables of each place.
func (r *resolver) params() {
	c, m := r.c, r.m
	params, err := resolveParams(c)
	if err != nil {
		r.report(err)
		return
	}
	m.Params = params
	m.ClientIDRequired = true
	for _, f := range c.OAuth2.AuthForm {
		switch f.Name {
		case "client_id":
			m.UserClientID = true
		case "client_secret":
			m.UserClientSecret = true
			m.ClientSecretRequired = f.Required
		}
	}
	r.scopes = map[schema.TemplatePlace]jinja.Scope{}
	for _, p := range []schema.TemplatePlace{schema.PlaceAuthorize, schema.PlaceToken, schema.PlaceRevoke, schema.PlaceAPI, schema.PlaceHeader} {
		r.scopes[p] = scope(c, params, p)
	}
}

// grant resolves the flow.
func (r *resolver) grant() {
	switch r.cfg.Flow {
	case "", schema.FlowAuthorizationCode:
		r.m.Grant = runtime.AuthorizationCode
	case schema.FlowClientCredentials:
		r.m.Grant = runtime.ClientCredentials
	default:
		r.fail(conf+"flow", "unknown flow %q", r.cfg.Flow)
	}
}

// authorize resolves the authorize URL and its arguments (authorization_code only).
func (r *resolver) authorize() {
	cfg, m := r.cfg, r.m
	if m.Grant != runtime.AuthorizationCode {
		return
	}
	if cfg.Step1AuthorizeURL == "" {
		r.fail(conf+"step1_authorize_url", "required for the authorization_code flow")
		return
	}
	m.AuthorizeURL = r.urlTmpl(conf+"step1_authorize_url", schema.PlaceAuthorize, cfg.Step1AuthorizeURL)
	ea := conf + "extra_authorization_url/"
	responseType := "code"
	if v, ok := cfg.ExtraAuthorizationURL["response_type"]; ok {
		responseType = v
	}
	m.AuthorizeArgs = append(m.AuthorizeArgs, Arg{Key: "response_type", Value: r.tmpl(ea+"response_type", schema.PlaceAuthorize, responseType)})
	if r.scope != nil {
		m.AuthorizeArgs = append(m.AuthorizeArgs, *r.scope)
	}
	m.AuthorizeArgs = append(m.AuthorizeArgs, r.args(conf+"extra_authorization_url", schema.PlaceAuthorize, cfg.ExtraAuthorizationURL, "response_type", "scope")...)
	r.authorizeQuery()
}

// endpoints resolves the token, refresh and revocation URLs.
func (r *resolver) endpoints() {
	cfg, m := r.cfg, r.m
	if cfg.Step3AccessURL == "" {
		r.fail(conf+"step3_access_url", "the token URL is empty")
		return
	}
	m.TokenURL = r.urlTmpl(conf+"step3_access_url", schema.PlaceToken, cfg.Step3AccessURL)
	if cfg.TokenRefreshURL != "" && cfg.TokenRefreshURL != cfg.Step3AccessURL {
		m.RefreshURL = r.urlTmpl(conf+"token_refresh_url", schema.PlaceToken, cfg.TokenRefreshURL)
	}
	if cfg.DeviceAuthorizationURL != "" {
		m.DeviceAuthURL = r.urlTmpl(conf+"device_authorization_url", schema.PlaceToken, cfg.DeviceAuthorizationURL)
		if r.scope != nil {
			m.DeviceArgs = []Arg{*r.scope}
		}
	}
	switch rv := cfg.Revoke; {
	case rv != nil && cfg.RevokeURL != "":
		r.fail(conf+"revoke", "revoke_url is also set: it is the RFC 7009 shorthand of revoke; keep one of them")
	case rv != nil:
		m.RevokeURL = r.urlTmpl(conf+"revoke/url", schema.PlaceToken, rv.URL)
	case cfg.RevokeURL != "":
		m.RevokeURL = r.urlTmpl(conf+"revoke_url", schema.PlaceToken, cfg.RevokeURL)
	}
}

// revocation resolves the connector's own revocation request (revoke), after the
// token request (whose client authentication is its default) and the token
// response (whether there are refresh tokens).
func (r *resolver) revocation() {
	rv := r.cfg.Revoke
	if rv == nil {
		return
	}
	const ptr = conf + "revoke/"
	v := &Revocation{Method: strings.ToUpper(orDefault(rv.Method, "POST"))}
	switch v.Method {
	case "POST", "DELETE", "GET":
	default:
		r.fail(ptr+"method", "%q is not POST, DELETE or GET", rv.Method)
		return
	}
	switch rv.Token {
	case "":
	case schema.RevokeAccessToken, schema.RevokeRefreshToken:
		v.Token = string(rv.Token)
	default:
		r.fail(ptr+"token", "%q is not access_token or refresh_token", rv.Token)
		return
	}
	if v.Token == string(schema.RevokeRefreshToken) && (r.m.Permanent || r.m.Grant != runtime.AuthorizationCode) {
		r.fail(ptr+"token", "the connector's tokens have no refresh token to revoke")
		return
	}
	switch rv.Encoding {
	case "", schema.RevokeForm:
		v.Body = runtime.Form
	case schema.RevokeJSON:
		v.Body = runtime.JSON
	case schema.RevokeQuery:
	default:
		r.fail(ptr+"encoding", "%q is not form, json or query", rv.Encoding)
		return
	}
	switch rv.Auth {
	case "":
		v.Auth = r.m.ClientAuth
	case schema.RevokeClientSecretBasic:
		v.Auth = runtime.AuthHeader
	case schema.RevokeClientSecretPost:
		v.Auth = runtime.AuthBody
	case schema.RevokeClientSecretBearer:
		v.Auth = runtime.AuthSecretBearer
	case schema.RevokeAccessTokenBearer:
		v.Auth = runtime.AuthBearer
	case schema.RevokeNoAuth:
		v.Auth = runtime.AuthNone
	default:
		r.fail(ptr+"auth", "unknown authentication %q", rv.Auth)
		return
	}
	v.Args = r.args(ptr+"params", schema.PlaceRevoke, rv.Params)
	v.Headers = r.args(ptr+"headers", schema.PlaceToken, rv.Headers)
	if r.err != nil {
		return
	}
	if v.Method == "GET" && v.Body != 0 && len(v.Args) > 0 {
		r.fail(ptr+"method", "a GET request has no body for its params: set \"encoding\": \"query\"")
		return
	}
	readsToken := false
	for _, a := range v.Args {
		readsToken = readsToken || contains(a.Value.Names(), VarToken)
	}
	if v.Token != "" && !readsToken {
		r.fail(ptr+"token", "no params value reads {{ token }}, the token this names")
		return
	}
	r.m.Revocation = v
}

// tokenRequest resolves how token requests are sent: method, body, headers, where
// the client credentials go and the names of the parameters.
func (r *resolver) tokenRequest() {
	cfg, m := r.cfg, r.m
	switch strings.ToUpper(cfg.RequestMethod) {
	case "", "POST":
		m.Method = "POST"
	case "GET":
		m.Method = "GET"
	default:
		r.fail(conf+"request_method", "%q is not GET or POST", cfg.RequestMethod)
		return
	}
	m.Body = r.bodyType(conf+"exchange_request_body_type", cfg.ExchangeRequestBodyType, runtime.Form)
	if cfg.OrExchangeRequestBodyType != "" {
		if fb := r.bodyType(conf+"or_exchange_request_body_type", cfg.OrExchangeRequestBodyType, 0); fb != m.Body {
			m.FallbackBody = fb
		}
	}
	if r.err != nil {
		return
	}
	m.Accept = orDefault(cfg.AcceptHeader, "application/json")
	m.ContentType = cfg.ContentType
	switch {
	case cfg.ClientAuth == "" && cfg.ClientIDAndSecretInHeaders, cfg.ClientAuth == schema.ClientAuthHeader:
		m.ClientAuth = runtime.AuthHeader
	case cfg.ClientAuth == "" || cfg.ClientAuth == schema.ClientAuthBody:
		if cfg.ClientIDAndSecretInHeaders {
			r.fail(conf+"client_auth", "\"body\" contradicts client_id_and_secret_in_headers")
			return
		}
		m.ClientAuth = runtime.AuthBody
	case cfg.ClientAuth == schema.ClientAuthBoth:
		m.ClientAuth = runtime.AuthBoth
	default:
		r.fail(conf+"client_auth", "unknown placement %q", cfg.ClientAuth)
		return
	}
	m.ClientIDKey = orDefault(cfg.AlternativeClientIDKey, "client_id")
	m.SecretKey = orDefault(cfg.AlternativeClientSecretKey, "client_secret")
	m.CodeKey = orDefault(cfg.AlternativeCodeKey, "code")
	m.Issuer = cfg.Issuer
	m.Headers = r.args(conf+"token_request_headers", schema.PlaceToken, cfg.TokenRequestHeaders)
}

// exchange resolves the arguments of the exchange and of refreshes, and PKCE.
func (r *resolver) exchange() {
	cfg, m := r.cfg, r.m
	// grant_type first, from extra_access_url, the deprecated grant_type, or the flow.
	grant := "authorization_code"
	if m.Grant == runtime.ClientCredentials {
		grant = "client_credentials"
	}
	if v, ok := cfg.ExtraAccessURL["grant_type"]; ok {
		m.ExchangeArgs = append(m.ExchangeArgs, Arg{Key: "grant_type", Value: r.tmpl(conf+"extra_access_url/grant_type", schema.PlaceToken, v)})
	} else {
		if cfg.GrantType != "" {
			grant = cfg.GrantType
		}
		m.ExchangeArgs = append(m.ExchangeArgs, Arg{Key: "grant_type", Value: r.tmpl(conf+"grant_type", schema.PlaceToken, grant)})
	}
	if m.Grant == runtime.ClientCredentials && r.scope != nil {
		m.ExchangeArgs = append(m.ExchangeArgs, *r.scope)
	}
	m.ExchangeArgs = append(m.ExchangeArgs, r.args(conf+"extra_access_url", schema.PlaceToken, cfg.ExtraAccessURL, "grant_type")...)
	rg := "refresh_token"
	if v, ok := cfg.ExtraRefreshURL["grant_type"]; ok {
		rg = v
	}
	m.RefreshArgs = append(m.RefreshArgs, Arg{Key: "grant_type", Value: r.tmpl(conf+"extra_refresh_url/grant_type", schema.PlaceToken, rg)})
	m.RefreshArgs = append(m.RefreshArgs, r.args(conf+"extra_refresh_url", schema.PlaceToken, cfg.ExtraRefreshURL, "grant_type")...)
	m.WithoutCode = cfg.WithoutCode
	switch cfg.PKCE {
	case "":
	case "S256":
		m.PKCE = runtime.PKCES256
	case "plain":
		m.PKCE = runtime.PKCEPlain
	default:
		r.fail(conf+"pkce", "%q is not S256 or plain", cfg.PKCE)
	}
}

// callback resolves the values read from the callback query.
func (r *resolver) callback() {
	if err := checkCallbackParams(r.cfg.CallbackParams); err != nil {
		r.report(err)
		return
	}
	r.m.CallbackParams = callbackFields(r.cfg.CallbackParams)
}

// tokenResponse resolves where the token response holds its values, and the
// token's lifetime.
func (r *resolver) tokenResponse() {
	cfg, m := r.cfg, r.m
	m.AccessToken = splitPath(orDefault(cfg.AccessTokenPath, "access_token"))
	sibling := func(configured, name string) runtime.Path {
		if configured != "" {
			return splitPath(configured)
		}
		p := append(runtime.Path{}, m.AccessToken[:len(m.AccessToken)-1]...)
		return append(p, name)
	}
	m.RefreshToken = sibling(cfg.RefreshTokenPath, "refresh_token")
	m.ExpiresIn = sibling(cfg.ExpiresInPath, "expires_in")
	m.TokenType = sibling(cfg.TokenTypePath, "token_type")
	m.Metadata = fields(cfg.TokenMetadata)
	m.DefaultExpiresIn = time.Duration(cfg.DefaultExpiresIn) * time.Second
	m.Permanent = cfg.NoRefreshToken
	if cfg.RefreshTokenExpiresInPath != "" {
		m.RefreshExpiresIn = splitPath(cfg.RefreshTokenExpiresInPath)
	}
	m.RefreshLifetime = time.Duration(cfg.RefreshTokenLifetime) * time.Second
	if (m.RefreshExpiresIn != nil || m.RefreshLifetime > 0) && (m.Permanent || m.Grant != runtime.AuthorizationCode) {
		key := "refresh_token_lifetime"
		if m.RefreshExpiresIn != nil {
			key = "refresh_token_expires_in_path"
		}
		r.fail(conf+key, "the connector's tokens have no refresh token whose lifetime this could be")
	}
	m.RefreshBefore = time.Duration(cfg.RefreshBeforeExpiry) * time.Second
}

// userinfo resolves the GET made after an exchange.
func (r *resolver) userinfo() {
	if ui := r.cfg.Userinfo; ui != nil {
		r.m.Userinfo = &Userinfo{URL: r.urlTmpl(conf+"userinfo/url", schema.PlaceAPI, ui.URL), Fields: fields(ui.Metadata)}
		if s := ui.Select; s != nil {
			sel := &ListSelect{Key: splitPath(s.Key), Value: r.tmpl(conf+"userinfo/select/value", schema.PlaceAPI, s.Value)}
			if s.List != "" {
				sel.List = splitPath(s.List)
			}
			r.m.Userinfo.Select = sel
		}
	}
}

// baseURL resolves base_url.
func (r *resolver) baseURL() {
	if r.c.BaseURL != "" {
		r.m.BaseURL = r.urlTmpl("/base_url", schema.PlaceAPI, r.c.BaseURL)
	}
}

// testRequest resolves test_request: its URL, or base_url joined with its path.
func (r *resolver) testRequest() {
	c := r.c
	tr := c.TestRequest
	if tr == nil {
		return
	}
	t := &TestRequest{Method: strings.ToUpper(orDefault(tr.Method, "GET"))}
	switch {
	case tr.URL != "":
		t.URL = r.urlTmpl("/test_request/url", schema.PlaceAPI, tr.URL)
	case tr.Path != "" && c.BaseURL != "":
		t.URL = r.urlTmpl("/test_request/path", schema.PlaceAPI, joinURL(c.BaseURL, tr.Path))
	case tr.Path != "":
		r.fail("/test_request/path", "a path needs base_url (or give url)")
	default:
		r.fail("/test_request", "neither url nor path is set")
	}
	if tr.Body != "" {
		t.Body = r.tmpl("/test_request/body", schema.PlaceAPI, tr.Body)
	}
	t.Headers = r.args("/test_request/headers", schema.PlaceAPI, tr.Headers)
	r.m.TestRequest = t
}

// derive records what follows from the resolved connector: which requests read
// callback values.
func (m *Connector) derive() {
	if m.Grant != runtime.AuthorizationCode {
		return
	}
	refreshURL := m.RefreshURL
	if refreshURL == nil {
		refreshURL = m.TokenURL
	}
	m.ExchangeNeedsCallback = readsCallback([]*Template{m.TokenURL}, m.ExchangeArgs, m.Headers)
	m.RefreshNeedsCallback = !m.Permanent && readsCallback([]*Template{refreshURL}, m.RefreshArgs, m.Headers)
}

// readsCallback reports whether any of the templates, or the values of the args,
// reads a callback.<name> value.
func readsCallback(ts []*Template, args ...[]Arg) bool {
	for _, as := range args {
		for _, a := range as {
			ts = append(ts, a.Value)
		}
	}
	for _, t := range ts {
		if t == nil {
			continue
		}
		for _, n := range t.Names() {
			if strings.HasPrefix(n, PrefixCallback) {
				return true
			}
		}
	}
	return false
}

// joinURL joins a base URL template and a path with exactly one slash, whatever
// either side carries: a base ending in "/" or in a template tag, a path with or
// without its leading "/".
func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}

// scopeArg resolves the scope argument (r.scope): extra_authorization_url.scope (or,
// for the client_credentials flow, extra_access_url.scope), else scopes joined with
// scope_separator; replaced by the deprecated alternative_scope field when that is
// defined. Nil when there is no scope.
func (r *resolver) scopeArg() {
	cfg := r.cfg
	var src, ptr string
	place := schema.PlaceAuthorize
	if r.m.Grant == runtime.ClientCredentials {
		place = schema.PlaceToken
	}
	extra, extraPtr := cfg.ExtraAuthorizationURL, conf+"extra_authorization_url/scope"
	if place == schema.PlaceToken {
		extra, extraPtr = cfg.ExtraAccessURL, conf+"extra_access_url/scope"
	}
	v, inExtra := extra["scope"]
	switch {
	case inExtra && len(cfg.Scopes) > 0:
		r.fail(conf+"scopes", "scopes and %s are both set", strings.TrimPrefix(extraPtr, conf))
		return
	case inExtra:
		src, ptr = v, extraPtr
	case len(cfg.Scopes) > 0:
		for i, s := range cfg.Scopes {
			if strings.Contains(s, "{") {
				r.fail(conf+"scopes/"+strconv.Itoa(i), "a scope contains '{'")
				return
			}
		}
		if strings.Contains(cfg.ScopeSeparator, "{") {
			r.fail(conf+"scope_separator", "the separator contains '{'")
			return
		}
		src = strings.Join(cfg.Scopes, orDefault(cfg.ScopeSeparator, " "))
		ptr = conf + "scopes"
	}
	var alt *Param
	for _, p := range r.m.Params {
		if p.AlternativeScope {
			alt = p
		}
	}
	if alt != nil {
		// The deprecated alternative_scope field replaces the default scope when defined.
		if src != "" {
			if t := r.tmpl(ptr, place, src); t == nil {
				return
			}
			src = "{% if alternative_scope is defined %}{{ alternative_scope }}{% else %}" + src + "{% endif %}"
		} else {
			src = "{{ alternative_scope }}"
		}
		ptr = "/oauth2/auth_form/" + strconv.Itoa(alt.index) + "/name"
	}
	if src == "" && ptr == "" {
		return
	}
	if t := r.tmpl(ptr, place, src); t != nil {
		r.scope = &Arg{Key: "scope", Value: t}
	}
}

// api resolves the header block, applying its defaults.
func (r *resolver) api() {
	h := r.c.Header
	if h == nil {
		h = &schema.Header{}
	}
	a := &r.m.API
	a.InQuery = h.TokenInHeader != nil && !*h.TokenInHeader
	a.HeaderKey = orDefault(h.HeaderKey, "Authorization")
	a.QueryKey = orDefault(h.QueryKey, "access_token")
	a.ContentType = orDefault(h.ContentType, "application/json")
	a.Encode = h.Encode
	a.Format = r.tmpl("/header/token_format", schema.PlaceHeader, orDefault(h.TokenFormat, "{{token}}"))
	prefix := "Bearer {{token_format}}"
	if a.InQuery {
		prefix = "{{token_format}}" // a query parameter carries the bare token unless told otherwise
	}
	a.Prefix = r.tmpl("/header/token_prefix", schema.PlaceHeader, orDefault(h.TokenPrefix, prefix))
	if a.Format != nil && contains(a.Format.Names(), VarTokenFormat) {
		r.fail("/header/token_format", "token_format cannot read itself")
	}
	a.Headers = r.args("/header/extra_headers", schema.PlaceAPI, h.ExtraHeaders)
	a.Query = r.args("/header/extra_query", schema.PlaceAPI, h.ExtraQuery)
}

// bodyType resolves a body type at ptr; "" is def.
func (r *resolver) bodyType(ptr string, b schema.BodyType, def runtime.BodyType) runtime.BodyType {
	switch b {
	case "":
		return def
	case schema.BodyForm:
		return runtime.Form
	case schema.BodyJSON:
		return runtime.JSON
	}
	r.fail(ptr, "%q is not data or json", b)
	return 0
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func splitPath(p string) runtime.Path { return runtime.Path(strings.Split(p, ".")) }

func fields(m map[string]string) []runtime.Field {
	var out []runtime.Field
	for _, k := range sortedKeys(m) {
		out = append(out, runtime.Field{Name: k, Path: splitPath(m[k])})
	}
	return out
}

// checkCallbackParams makes sure every callback parameter gives its own template name
// (callback.<name>) that templates can read: not empty, not starting with a digit, and
// not the name another parameter gives ("a-b" and "a_b" both give callback.a_b).
func checkCallbackParams(params []string) error {
	const ptr = "/oauth2/config/callback_params/"
	seen := map[string]string{}
	for i, p := range params {
		name := callbackName(p)
		switch {
		case p == "":
			return fmt.Errorf("%s%d: the name is empty", ptr, i)
		case name[0] >= '0' && name[0] <= '9':
			return fmt.Errorf("%s%d: %q starts with a digit, so templates cannot read callback.%s", ptr, i, p, name)
		}
		if prev, dup := seen[name]; dup {
			return fmt.Errorf("%s%d: %q and %q both become callback.%s", ptr, i, prev, p, name)
		}
		seen[name] = p
	}
	return nil
}

func callbackFields(params []string) []runtime.Field {
	var out []runtime.Field
	for _, p := range params {
		out = append(out, runtime.Field{Name: callbackName(p), Path: runtime.Path{p}})
	}
	return out
}

// resolveParams decides the Go name, type and default of every auth_form field.
func resolveParams(c *schema.Connector) ([]*Param, error) {
	var out []*Param
	used := map[string]string{} // Go identifier -> what took it
	for k := range reservedNames {
		used[k] = "a declaration of every generated package"
	}
	fieldNames := map[string]string{}
	for i := range c.OAuth2.AuthForm {
		f := &c.OAuth2.AuthForm[i]
		ptr := "/oauth2/auth_form/" + strconv.Itoa(i)
		if f.Name == "client_id" || f.Name == "client_secret" {
			continue // deprecated: the user's own credentials, Config.ClientID and Config.ClientSecret
		}
		kind, ok := jinja.FieldKind(string(f.Type))
		if !ok {
			return nil, fmt.Errorf("%s/type: unknown field type %q", ptr, f.Type)
		}
		p := &Param{Field: f, Name: f.Name, GoName: GoName(f.Name), Kind: kind, Required: f.Required,
			AlternativeScope: f.Name == "alternative_scope", index: i}
		if p.GoName == "" {
			return nil, fmt.Errorf("%s/name: %q gives no Go name", ptr, f.Name)
		}
		if prev, dup := fieldNames[p.GoName]; dup {
			return nil, fmt.Errorf("%s/name: %q and %q both become the Params field %s", ptr, prev, f.Name, p.GoName)
		}
		fieldNames[p.GoName] = f.Name
		switch kind {
		case jinja.String:
			p.GoType = "string"
		case jinja.Number:
			p.GoType = "int"
		case jinja.Bool:
			p.GoType = "bool"
		case jinja.Select:
			if len(f.Enum) == 0 {
				return nil, fmt.Errorf("%s/enum: a select needs enum", ptr)
			}
			typ := p.GoName
			if used[typ] != "" {
				typ += "Value"
			}
			if prev := used[typ]; prev != "" {
				return nil, fmt.Errorf("%s/name: the type %s of %q clashes with %s", ptr, typ, f.Name, prev)
			}
			used[typ] = "the type of " + strconv.Quote(f.Name)
			p.GoType = typ
			for j, v := range f.Enum {
				name := typ + GoName(v)
				if name == typ || used[name] != "" {
					name = typ + "Value" + strconv.Itoa(j+1)
				}
				if prev := used[name]; prev != "" {
					return nil, fmt.Errorf("%s/enum/%d: the constant %s clashes with %s", ptr, j, name, prev)
				}
				used[name] = "a value of " + strconv.Quote(f.Name)
				p.Enum = append(p.Enum, EnumValue{Value: v, GoName: name})
			}
		}
		if f.Pattern != "" {
			if kind != jinja.String {
				return nil, fmt.Errorf("%s/pattern: a pattern applies to text and password fields", ptr)
			}
			re, err := schema.CompilePattern(f.Pattern)
			if err != nil {
				return nil, fmt.Errorf("%s/pattern: %v", ptr, err)
			}
			p.Pattern = re
		}
		if f.Default != nil {
			d, err := typedDefault(kind, f.Default)
			if err != nil {
				return nil, fmt.Errorf("%s/default: %v", ptr, err)
			}
			if kind == jinja.Select && !contains(f.Enum, d.(string)) {
				return nil, fmt.Errorf("%s/default: %q is not one of %s", ptr, d, strings.Join(f.Enum, ", "))
			}
			if s, ok := d.(string); ok && s == "" {
				d = nil // an empty default is no default
			}
			if b, ok := d.(bool); ok && b {
				p.GoType = "*bool" // a plain bool could not say false
			}
			p.Default = d
		}
		out = append(out, p)
	}
	return out, nil
}

func typedDefault(kind jinja.Kind, v any) (any, error) {
	switch kind {
	case jinja.Number:
		switch x := v.(type) {
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
				return nil, fmt.Errorf("%v is not an integer", x)
			}
			return int(x), nil
		case int:
			return x, nil
		case string:
			n, err := strconv.Atoi(strings.TrimSpace(x))
			if err != nil {
				return nil, fmt.Errorf("%q is not an integer", x)
			}
			return n, nil
		}
	case jinja.Bool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			b, err := strconv.ParseBool(x)
			if err != nil {
				return nil, fmt.Errorf("%q is not true or false", x)
			}
			return b, nil
		}
	default:
		switch x := v.(type) {
		case string:
			return x, nil
		case runtime.Secret: // a password given so that the Params of a dynamic.Config redact it
			return string(x), nil
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
	}
	return nil, fmt.Errorf("%v has the wrong type for a %s field", v, kind)
}
