package importer

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/oauthgen/oauthgen/schema"
)

// NangoImport is the result of FromNango.
type NangoImport struct {
	// Entries are the imported entries, sorted by key.
	Entries []NangoEntry
	// OtherAuthModes counts the entries left out because their auth_mode is neither
	// OAUTH2 nor OAUTH2_CC (only when no key was named).
	OtherAuthModes int
}

// NangoEntry is one provider entry of a Nango providers.yaml.
type NangoEntry struct {
	// Key is the entry's key in the file ("google-calendar").
	Key string
	// Connector is the converted entry; nil when it could not be imported (the
	// Warnings say why).
	Connector *schema.Connector
	// Warnings list what was not carried over, with paths relative to the entry.
	Warnings []Warning
}

// FromNango converts the OAuth2 entries of a Nango providers.yaml into connectors:
// those whose auth_mode is OAUTH2 (the authorization code flow) or OAUTH2_CC (client
// credentials), or, when keys are given, exactly the entries they name (an entry of
// another auth mode is then an entry without a connector). The file is Nango's
// format; this package holds none of it.
//
// An entry with alias: other is the other entry with the entry's own keys replacing
// the other's, key by key at the top level, as Nango resolves it (chains are
// followed in any order; a cycle or a missing target is a warning).
//
// The mapping:
//   - display_name: name (the key when there is none); the key gives the Go package.
//   - docs: docs_url. proxy.base_url: base_url.
//   - authorization_url: step1_authorize_url (a query string in it joins
//     extra_authorization_url). token_url (or its OAUTH2 / OAUTH2CC entry):
//     step3_access_url. refresh_url: token_refresh_url.
//   - authorization_params: extra_authorization_url, with response_type=code, which
//     Nango's OAuth client adds, written out. token_params: extra_access_url
//     (grant_type left to the flow when it is the flow's own). refresh_params, or
//     token_params when there are none (as Nango does), without grant_type:
//     extra_refresh_url.
//   - default_scopes: scopes; scope_separator: scope_separator.
//   - disable_pkce: PKCE S256 unless it is true (Nango always uses PKCE otherwise).
//   - authorization_method header, token_request_auth_method basic: client_auth
//     header; basic with credentials in the body (Nango's default) is both; custom
//     (client credentials) sends them as username and password.
//   - body_format json or form: exchange_request_body_type json or data.
//   - token_response_metadata: token_metadata (team.id is credentials.team_id);
//     redirect_uri_metadata: callback_params. token_expiration_buffer:
//     refresh_before_expiry.
//   - ${connectionConfig.x}: {{ credentials.x }} when x is token response metadata,
//     {{ callback.x }} when it is callback metadata, else {{ x }} and an auth_form
//     field x described by connection_config.x (title, description, example,
//     optional, default_value, secret). Nango's "A || B" (A when it can be filled
//     in, else B) becomes {% if ... %}A{% else %}B{% endif %}, its fields optional.
//   - proxy.headers: a header carrying ${accessToken} sets header_key and
//     token_prefix; others become extra_headers. proxy.verification with one plain
//     endpoint: test_request.
//
// What concerns Nango's platform rather than the OAuth flow or how API calls carry
// the token (categories, scripts, webhooks, docs_connect, setup_guide_url,
// proxy.retry, proxy.paginate, proxy.decompress, the client credentials' form
// descriptions) is dropped without a warning. Anything else that cannot be carried
// over is a Warning; an entry whose flow cannot be expressed (no usable token URL, a
// ${...} other than connectionConfig in a URL, body_format query, private_key_jwt,
// expires_in_unit) has no connector. The error is non-nil only when the file is not
// YAML, is over the limits, is not a mapping, or lacks a named key.
func FromNango(data []byte, keys ...string) (*NangoImport, error) {
	root, err := parseYAML("nango", data, providerFile)
	if err != nil {
		return nil, err
	}
	file, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("importer: nango: the file is not a mapping of provider entries")
	}
	named := len(keys) > 0
	if !named {
		keys = sortedKeys(file)
	} else {
		keys = append([]string(nil), keys...)
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := file[k]; !ok {
				return nil, fmt.Errorf("importer: nango: no provider %q in the file", k)
			}
		}
	}
	out := &NangoImport{}
	done := map[string]bool{}
	for _, k := range keys {
		if done[k] {
			continue
		}
		done[k] = true
		var ws warnings
		entry, ok := resolveAlias(file, k, &ws)
		if !ok {
			out.Entries = append(out.Entries, NangoEntry{Key: k, Warnings: ws})
			continue
		}
		mode, _ := entry["auth_mode"].(string)
		if mode != "OAUTH2" && mode != "OAUTH2_CC" {
			if !named {
				out.OtherAuthModes++
				continue
			}
			ws.add("auth_mode", "", "neither OAUTH2 nor OAUTH2_CC")
			out.Entries = append(out.Entries, NangoEntry{Key: k, Warnings: ws})
			continue
		}
		im := &nango{key: k, e: entry, cc: mode == "OAUTH2_CC", c: &schema.Connector{}, ws: ws}
		c := im.run()
		out.Entries = append(out.Entries, NangoEntry{Key: k, Connector: c, Warnings: im.ws})
	}
	return out, nil
}

// resolveAlias returns entry k with its alias chain resolved.
func resolveAlias(file map[string]any, k string, ws *warnings) (map[string]any, bool) {
	seen := map[string]bool{}
	var resolve func(k string) (map[string]any, bool)
	resolve = func(k string) (map[string]any, bool) {
		e, ok := file[k].(map[string]any)
		if !ok {
			ws.add("", "entry "+k, "not a mapping")
			return nil, false
		}
		target, has := e["alias"]
		if !has {
			return e, true
		}
		t, ok := target.(string)
		switch {
		case !ok:
			ws.add("alias", "", "not a string")
			return nil, false
		case seen[t] || t == k:
			ws.add("alias", t, "the aliases form a cycle")
			return nil, false
		}
		if _, ok := file[t]; !ok {
			ws.add("alias", t, "no entry of that name in the file")
			return nil, false
		}
		seen[k] = true
		base, ok := resolve(t)
		if !ok {
			return nil, false
		}
		merged := make(map[string]any, len(base)+len(e))
		for bk, bv := range base {
			merged[bk] = bv
		}
		for ek, ev := range e {
			if ek != "alias" {
				merged[ek] = ev
			}
		}
		return merged, true
	}
	return resolve(k)
}

// nangoIgnored are the keys that concern Nango's platform, not a connector.
var nangoIgnored = map[string]bool{
	"categories": true, "docs_connect": true, "setup_guide_url": true, "post_connection_script": true,
	"pre_connection_deletion_script": true, "webhook_routing_script": true, "webhook_user_defined_secret": true,
	"webhook_response_metadata": true, "webhook_allowed_query_params": true, "authorization_code_param_in_webhook": true,
	"credentials_verification_script": true, "credentials": true, "connection_configuration": true,
}

// nangoMapped are the keys run maps (or refuses with a reason).
var nangoMapped = map[string]bool{
	"display_name": true, "auth_mode": true, "docs": true, "proxy": true, "authorization_url": true,
	"token_url": true, "refresh_url": true, "authorization_params": true, "token_params": true,
	"refresh_params": true, "default_scopes": true, "scope_separator": true, "disable_pkce": true,
	"authorization_method": true, "token_request_auth_method": true, "body_format": true,
	"token_response_metadata": true, "redirect_uri_metadata": true, "token_expiration_buffer": true,
	"connection_config": true, "expires_in_unit": true, "authorization_code_param_in_callback": true,
}

// nangoUnsupported are the keys without which the flow would go wrong, and why
// they cannot be carried over.
var nangoUnsupported = map[string]string{
	"authorization_url_replacements": "the connector format does not rewrite the authorize URL",
	"require_client_certificate":     "the connector format has no client certificate (mutual TLS) yet",
}

// nangoProxyIgnored are the proxy keys that concern Nango's proxy only.
var nangoProxyIgnored = map[string]bool{"retry": true, "paginate": true, "decompress": true}

// nango is one provider entry being converted.
type nango struct {
	key   string
	e     map[string]any
	cc    bool // OAUTH2_CC: the client credentials flow
	c     *schema.Connector
	ws    warnings
	fatal bool // the flow cannot be expressed: no connector

	tokenMeta map[string]string // connectionConfig name -> token_metadata name
	callback  map[string]string // connectionConfig name -> callback template name
	scripted  map[string]bool   // connection_configuration: set by Nango scripts
	fields    map[string]bool   // connectionConfig names that became auth_form fields
}

// refuse records why the entry has no connector.
func (im *nango) refuse(path, what, why string) {
	im.ws.add(path, what, why)
	im.fatal = true
}

// run converts the entry; nil when its flow cannot be expressed.
func (im *nango) run() *schema.Connector {
	c, cfg := im.c, &im.c.OAuth2.Config
	for _, k := range sortedKeys(im.e) {
		if why, ok := nangoUnsupported[k]; ok {
			im.refuse(k, "", why)
			continue
		}
		if !nangoMapped[k] && !nangoIgnored[k] && k != "alias" {
			im.ws.add(k, "", "no equivalent in the connector format; not imported")
		}
	}

	c.Name = im.str("display_name")
	if strings.TrimSpace(c.Name) == "" {
		c.Name = im.key
	}
	// The key gives the package: it is unique in the file, display names need not be.
	if pkg := schema.PackageName(im.key); pkg != "" {
		if pkg[0] >= '0' && pkg[0] <= '9' {
			pkg = "n" + pkg // 8x8
		}
		if pkg != schema.PackageName(c.Name) {
			c.Package = pkg
		}
	}
	c.Description = "Imported from the Nango provider entry " + strconv.Quote(im.key) + "."
	if d := im.str("docs"); d != "" {
		if u, err := url.Parse(d); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			c.DocsURL = d
		} else {
			im.ws.add("docs", "", "not an http(s) URL; not imported")
		}
	}

	im.metadata()
	if im.cc {
		cfg.Flow = schema.FlowClientCredentials
	}
	im.urls()
	im.params()
	im.clientAuth()
	im.tokenOptions()
	im.proxy()
	im.unusedConfig()
	if im.fatal {
		return nil
	}
	return c
}

// str returns the string at key k of the entry, "" when absent; another type is a
// warning.
func (im *nango) str(k string) string {
	switch v := im.e[k].(type) {
	case nil:
		return ""
	case string:
		return v
	}
	im.ws.add(k, "", "not a string; not imported")
	return ""
}

// strList returns the strings of the list at key k.
func (im *nango) strList(k string) []string {
	var out []string
	switch v := im.e[k].(type) {
	case nil:
	case []any:
		for i, x := range v {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			} else {
				im.ws.add(k+"."+strconv.Itoa(i), "", "not a string; not imported")
			}
		}
	default:
		im.ws.add(k, "", "not a list of strings; not imported")
	}
	return out
}

// metadata maps token_response_metadata and redirect_uri_metadata, which decide
// what ${connectionConfig.x} means elsewhere.
func (im *nango) metadata() {
	cfg := &im.c.OAuth2.Config
	im.tokenMeta, im.callback, im.scripted, im.fields = map[string]string{}, map[string]string{}, map[string]bool{}, map[string]bool{}
	for _, p := range im.strList("token_response_metadata") {
		name := fieldName(p)
		setParam(&cfg.TokenMetadata, name, p)
		im.tokenMeta[p] = name
	}
	for _, p := range im.strList("redirect_uri_metadata") {
		if _, dup := im.callback[p]; dup {
			continue
		}
		cfg.CallbackParams = append(cfg.CallbackParams, p)
		im.callback[p] = callbackName(p)
	}
	if list, ok := im.e["connection_configuration"].([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				im.scripted[s] = true
			}
		}
	}
}

// callbackName is the template name of a callback parameter: characters other than
// letters, digits and underscores become underscores, as the connector format says.
func callbackName(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// urls maps the authorize, token and refresh URLs.
func (im *nango) urls() {
	cfg := &im.c.OAuth2.Config
	if !im.cc {
		raw := im.str("authorization_url")
		if raw == "" {
			im.refuse("authorization_url", "", "missing")
		} else if t, ok := im.template("authorization_url", raw, schema.PlaceAuthorize); !ok {
			im.fatal = true
		} else {
			base, query := splitURL(t)
			cfg.Step1AuthorizeURL = base
			for _, p := range query {
				setParam(&cfg.ExtraAuthorizationURL, p.key, p.value)
			}
		}
		if _, ok := im.e["authorization_url_fragment"]; ok {
			im.refuse("authorization_url_fragment", "", "the connector format has no fragment before the query")
		}
	} else if im.e["authorization_url"] != nil {
		im.ws.add("authorization_url", "", "the client credentials flow has no authorize step; not imported")
	}

	var token string
	switch v := im.e["token_url"].(type) {
	case string:
		token = v
	case map[string]any:
		mode := "OAUTH2"
		if im.cc {
			mode = "OAUTH2CC"
		}
		token, _ = v[mode].(string)
	}
	if token == "" {
		im.refuse("token_url", "", "missing, or without an entry for this auth mode")
	} else if t, ok := im.template("token_url", token, schema.PlaceToken); !ok {
		im.fatal = true
	} else {
		cfg.Step3AccessURL = t
	}

	if r := im.str("refresh_url"); r != "" {
		if im.cc {
			im.ws.add("refresh_url", "", "the client credentials flow does not refresh; not imported")
		} else if t, ok := im.template("refresh_url", r, schema.PlaceToken); ok {
			cfg.TokenRefreshURL = t
		} else {
			im.fatal = true
		}
	}
}

// params maps the authorize, token and refresh parameters and the scopes.
func (im *nango) params() {
	cfg := &im.c.OAuth2.Config
	cfg.Scopes = dedupe(im.strList("default_scopes"))
	if s, ok := im.e["scope_separator"]; ok {
		if sep, ok := s.(string); ok && sep != "" && !strings.Contains(sep, "{") {
			cfg.ScopeSeparator = sep
		} else {
			im.ws.add("scope_separator", "", "not a usable separator; a space is used")
		}
	}
	scopeSet := len(cfg.Scopes) > 0

	if !im.cc {
		for _, p := range im.paramMap("authorization_params", schema.PlaceAuthorize) {
			if p.key == "scope" && scopeSet {
				im.ws.add("authorization_params.scope", "scope", "default_scopes already set the scope parameter; not imported")
				continue
			}
			setParam(&cfg.ExtraAuthorizationURL, p.key, p.value)
		}
		if _, ok := cfg.ExtraAuthorizationURL["response_type"]; !ok {
			setParam(&cfg.ExtraAuthorizationURL, "response_type", "code")
		}
	} else if im.e["authorization_params"] != nil {
		im.ws.add("authorization_params", "", "the client credentials flow has no authorize step; not imported")
	}

	flowGrant := "authorization_code"
	if im.cc {
		flowGrant = "client_credentials"
	}
	tokenParams := im.paramMap("token_params", schema.PlaceToken)
	for _, p := range tokenParams {
		switch {
		case p.key == "grant_type" && p.value != flowGrant:
			im.refuse("token_params.grant_type", "grant_type", "not the grant of the auth mode")
		case p.key == "grant_type":
			// The flow sends it.
		case p.key == "scope" && im.cc && scopeSet:
			im.ws.add("token_params.scope", "scope", "default_scopes already set the scope parameter; not imported")
		default:
			setParam(&cfg.ExtraAccessURL, p.key, p.value)
		}
	}

	if im.cc {
		if im.e["refresh_params"] != nil {
			im.ws.add("refresh_params", "", "the client credentials flow does not refresh; not imported")
		}
		return
	}
	refresh, path := tokenParams, "token_params"
	if _, ok := im.e["refresh_params"]; ok {
		refresh, path = im.paramMap("refresh_params", schema.PlaceToken), "refresh_params"
	}
	for _, p := range refresh {
		switch {
		case p.key == "grant_type" && path == "refresh_params" && p.value != "refresh_token":
			im.refuse("refresh_params.grant_type", "grant_type", "not refresh_token")
		case p.key == "grant_type":
			// The refresh request sends grant_type=refresh_token, as Nango's client does.
		default:
			setParam(&cfg.ExtraRefreshURL, p.key, p.value)
		}
	}
}

// paramMap converts the parameter mapping at key k, in key order. Values that are
// numbers or booleans are written as text; a value that cannot be expressed is left
// out with a warning.
func (im *nango) paramMap(k string, place schema.TemplatePlace) []param {
	var out []param
	switch m := im.e[k].(type) {
	case nil:
	case map[string]any:
		for _, name := range sortedKeys(m) {
			path := k + "." + name
			var s string
			switch v := m[name].(type) {
			case string:
				s = v
			case bool, int, float64:
				s = fmt.Sprint(v)
			default:
				im.ws.add(path, "parameter "+name, "not a string, number or boolean; not imported")
				continue
			}
			if s == "undefined" {
				continue // Nango's way of removing a parameter its client would add
			}
			if t, ok := im.template(path, s, place); ok {
				out = append(out, param{key: name, value: t})
			}
		}
	default:
		im.ws.add(k, "", "not a mapping; not imported")
	}
	return out
}

// clientAuth maps authorization_method and token_request_auth_method.
func (im *nango) clientAuth() {
	cfg := &im.c.OAuth2.Config
	header := false
	switch v := im.e["authorization_method"]; v {
	case nil, "body":
	case "header":
		header = true
	default:
		im.ws.add("authorization_method", "", "neither header nor body; body is used, as Nango does")
	}
	basic := false
	switch v := im.e["token_request_auth_method"]; v {
	case nil:
	case "basic":
		basic = true
	case "custom":
		if im.cc {
			cfg.AlternativeClientIDKey, cfg.AlternativeClientSecretKey = "username", "password"
		}
		// Nango's authorization code flow does not read custom.
	case "private_key_jwt":
		im.refuse("token_request_auth_method", "private_key_jwt", "the connector format has no private_key_jwt client authentication")
	default:
		im.ws.add("token_request_auth_method", "", "not basic or custom; ignored")
	}
	switch {
	case im.cc && basic:
		// Nango's client credentials request sends Basic instead of the body parameters.
		cfg.ClientAuth = schema.ClientAuthHeader
	case header:
		cfg.ClientAuth = schema.ClientAuthHeader
	case basic:
		// The body parameters of Nango's OAuth client and a Basic header besides.
		cfg.ClientAuth = schema.ClientAuthBoth
	default:
		cfg.ClientAuth = schema.ClientAuthBody
	}
}

// tokenOptions maps PKCE, the body format and the token lifetime options.
func (im *nango) tokenOptions() {
	cfg := &im.c.OAuth2.Config
	if !im.cc {
		switch v := im.e["disable_pkce"]; v {
		case true:
		case nil, false:
			cfg.PKCE = "S256"
		default:
			im.ws.add("disable_pkce", "", "not a boolean; PKCE is used, as Nango does")
			cfg.PKCE = "S256"
		}
	}
	switch v := im.e["body_format"]; v {
	case nil, "form":
	case "json":
		cfg.ExchangeRequestBodyType = schema.BodyJSON
	case "query":
		im.refuse("body_format", "query", "the connector format sends token parameters in the query string only with GET, Nango with POST")
	default:
		im.refuse("body_format", "", "neither json nor form")
	}
	if v, ok := im.e["expires_in_unit"]; ok {
		im.refuse("expires_in_unit", fmt.Sprint(v), "the connector format reads expires_in in seconds only")
	}
	if v, ok := im.e["authorization_code_param_in_callback"]; ok && v != "code" {
		im.refuse("authorization_code_param_in_callback", "", "the connector format renames the code in the callback and the exchange together, Nango in the callback only")
	}
	switch v := im.e["token_expiration_buffer"].(type) {
	case nil:
	case int:
		if v >= 0 && v <= 86400 {
			cfg.RefreshBeforeExpiry = v
		} else {
			im.ws.add("token_expiration_buffer", "", "outside 0 to 86400 seconds; not imported")
		}
	default:
		im.ws.add("token_expiration_buffer", "", "not a whole number of seconds; not imported")
	}
}

// proxy maps proxy.base_url, proxy.headers and proxy.verification.
func (im *nango) proxy() {
	p, ok := im.e["proxy"].(map[string]any)
	if !ok {
		if im.e["proxy"] != nil {
			im.ws.add("proxy", "", "not a mapping; not imported")
		}
		return
	}
	for _, k := range sortedKeys(p) {
		switch {
		case k == "base_url" || k == "headers" || k == "verification" || nangoProxyIgnored[k]:
		default:
			im.ws.add("proxy."+k, "", "no equivalent in the connector format; not imported")
		}
	}
	switch b := p["base_url"].(type) {
	case nil:
	case string:
		if t, ok := im.template("proxy.base_url", b, schema.PlaceAPI); ok {
			im.c.BaseURL = t
		}
	default:
		im.ws.add("proxy.base_url", "", "not a string; not imported")
	}
	im.headers(p["headers"])
	im.verification(p["verification"])
}

// accessTokenRe matches Nango's access token variable.
var accessTokenRe = regexp.MustCompile(`\$\{\s*accessToken\s*\}`)

// headers maps proxy.headers.
func (im *nango) headers(v any) {
	hs, ok := v.(map[string]any)
	if !ok {
		if v != nil {
			im.ws.add("proxy.headers", "", "not a mapping; not imported")
		}
		return
	}
	h := &schema.Header{}
	tokenHeader := ""
	for _, name := range sortedKeys(hs) {
		path := "proxy.headers." + name
		val, ok := hs[name].(string)
		if !ok {
			im.ws.add(path, "header "+name, "not a string; not imported")
			continue
		}
		if !accessTokenRe.MatchString(val) {
			if t, ok := im.template(path, val, schema.PlaceAPI); ok {
				setParam(&h.ExtraHeaders, name, t)
			}
			continue
		}
		if tokenHeader != "" {
			im.ws.add(path, "header "+name, "a second header with the access token; only "+tokenHeader+" carries it")
			continue
		}
		if strings.EqualFold(name, "authorization") && strings.TrimSpace(val) == "Bearer ${accessToken}" {
			tokenHeader = name
			continue // the default
		}
		t, ok := im.template(path, val, schema.PlaceHeader)
		if !ok {
			continue
		}
		tokenHeader = name
		if !strings.EqualFold(name, "authorization") {
			h.HeaderKey = name
		}
		h.TokenPrefix = t
	}
	if h.HeaderKey != "" || h.TokenPrefix != "" || len(h.ExtraHeaders) > 0 {
		im.c.Header = h
	}
}

// verification maps proxy.verification to test_request when it is one plain call.
func (im *nango) verification(v any) {
	if v == nil {
		return
	}
	m, _ := v.(map[string]any)
	eps, _ := m["endpoints"].([]any)
	method, _ := m["method"].(string)
	if method == "" {
		method = "GET"
	}
	ep := ""
	if len(eps) > 0 {
		ep, _ = eps[0].(string)
	}
	plain := ep != "" && !strings.Contains(ep, "${") && !strings.Contains(ep, "{") &&
		(method == "GET" || method == "POST") && m["headers"] == nil && m["data"] == nil && m["base_url_override"] == nil
	if !plain || im.c.BaseURL == "" {
		im.ws.add("proxy.verification", "", "only one GET or POST of a fixed path on base_url is a test_request; not imported")
		return
	}
	im.c.TestRequest = &schema.TestRequest{Method: method, Path: ep}
	if len(eps) > 1 {
		im.ws.add("proxy.verification.endpoints", "", "test_request makes one call; the first endpoint is used")
	}
}

// unusedConfig warns about connection_config entries no imported template reads.
func (im *nango) unusedConfig() {
	cc, _ := im.e["connection_config"].(map[string]any)
	for _, k := range sortedKeys(cc) {
		_, meta := im.tokenMeta[k]
		_, cb := im.callback[k]
		if !im.fields[k] && !meta && !cb && !im.scripted[k] {
			im.ws.add("connection_config."+k, "", "read by no imported URL, parameter or header; not imported")
		}
	}
}

// nangoVarRe matches one ${...} expression without nested braces.
var nangoVarRe = regexp.MustCompile(`\$\{([^{}]*)\}`)

// template converts a Nango string into a connector template for place. ok is false
// (with a warning) when it holds anything but literal text, ${connectionConfig.x}
// and, in the token header, ${accessToken}. Nango's "A || B" (A when its values are
// set, else B) becomes {% if ... %}A{% else %}B{% endif %}, the fields it reads
// optional. The auth_form fields a template reads are added only when it converts.
func (im *nango) template(path, s string, place schema.TemplatePlace) (string, bool) {
	if strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#") {
		im.ws.add(path, "template characters", "{{, {% and {# start templates in connector files; not imported")
		return "", false
	}
	left, right, fallback := strings.Cut(s, "||")
	if !fallback {
		out, _, fields, ok := im.convert(path, s, place)
		if ok {
			for _, name := range fields {
				im.addField(name, true)
			}
		}
		return out, ok
	}
	if strings.Contains(right, "||") {
		im.ws.add(path, "|| fallback", "more than one ||; Nango reads only the first two parts; not imported")
		return "", false
	}
	l, vars, lfields, lok := im.convert(path, strings.TrimSpace(left), place)
	r, _, rfields, rok := im.convert(path, strings.TrimSpace(right), place)
	if !lok || !rok {
		return "", false
	}
	for _, name := range append(lfields, rfields...) {
		im.addField(name, false)
	}
	if len(vars) == 0 {
		return r, true // Nango uses the right part when the left has nothing to fill in
	}
	return "{% if " + strings.Join(vars, " and ") + " %}" + l + "{% else %}" + r + "{% endif %}", true
}

// convert is template without fallbacks and without adding fields: it returns the
// template, the variables it reads, and the connection config names it reads as
// auth_form fields.
func (im *nango) convert(path, s string, place schema.TemplatePlace) (out string, vars, fields []string, ok bool) {
	ok = true
	out = nangoVarRe.ReplaceAllStringFunc(s, func(m string) string {
		inner := strings.TrimSpace(m[2 : len(m)-1])
		if inner == "accessToken" && place == schema.PlaceHeader {
			return "{{ token_format }}"
		}
		name, isConfig := strings.CutPrefix(inner, "connectionConfig.")
		if !isConfig || name == "" {
			ok = false
			im.ws.add(path, "${"+inner+"}", "only ${connectionConfig.*} has an equivalent here; not imported")
			return ""
		}
		v, field, vok := im.variable(path, name, place)
		if field {
			fields = append(fields, name)
		}
		if vok && !slices.Contains(vars, v) {
			vars = append(vars, v)
		}
		ok = ok && vok
		return "{{ " + v + " }}"
	})
	if ok && strings.Contains(out, "${") {
		im.ws.add(path, "expression", "a ${...} expression with nested parts has no equivalent; not imported")
		ok = false
	}
	if !ok {
		return "", nil, nil, false
	}
	return out, vars, fields, true
}

// variable is the template variable of ${connectionConfig.name} at place; field
// says it is the auth_form field fieldFor(name).
func (im *nango) variable(path, name string, place schema.TemplatePlace) (v string, field, ok bool) {
	if m, ok := im.tokenMeta[name]; ok {
		if place == schema.PlaceAuthorize {
			im.ws.add(path, "${connectionConfig."+name+"}", "token metadata is not known before the exchange; not imported")
			return "", false, false
		}
		return "credentials." + m, false, true
	}
	if cb, ok := im.callback[name]; ok {
		if place == schema.PlaceAuthorize {
			im.ws.add(path, "${connectionConfig."+name+"}", "callback values are not known when the authorize URL is built; not imported")
			return "", false, false
		}
		return "callback." + cb, false, true
	}
	if im.scripted[name] {
		im.ws.add(path, "${connectionConfig."+name+"}", "set by a Nango post-connection script; not imported")
		return "", false, false
	}
	return fieldFor(name), true, true
}

// fieldFor is the auth_form field name of connection config name.
func fieldFor(name string) string {
	f := name
	if !identRe.MatchString(f) || strings.Contains(f, ".") {
		f = fieldName(f)
	}
	if reservedNames[f] {
		f += "_value"
	}
	return f
}

// addField adds the auth_form field of connection config name once, described by
// connection_config.name. A field only a fallback reads is optional.
func (im *nango) addField(name string, required bool) {
	fname := fieldFor(name)
	for i := range im.c.OAuth2.AuthForm {
		if f := &im.c.OAuth2.AuthForm[i]; f.Name == fname {
			f.Required = f.Required || required && f.Default == nil
			return
		}
	}
	im.fields[name] = true
	f := schema.Field{Name: fname, Title: name, Type: schema.FieldText, Required: required}
	cc, _ := im.e["connection_config"].(map[string]any)
	desc, _ := cc[name].(map[string]any)
	path := "connection_config." + name
	str := func(k string) string { s, _ := desc[k].(string); return s }
	if t := str("title"); t != "" {
		f.Title = t
	}
	f.Info = str("description")
	f.Placeholder = str("example")
	if desc["optional"] == true {
		f.Required = false
	}
	if d := str("default_value"); d != "" {
		f.Default = d
		f.Required = false
	}
	if s := desc["secret"]; s == true || s == "true" {
		f.Type = schema.FieldPassword
	}
	if p := str("pattern"); p != "" {
		im.fieldPattern(path+".pattern", &f, p)
	}
	if fm := str("format"); fm != "" {
		im.ws.add(path+".format", "format "+fm, "the connector format does not check formats of auth_form values; not imported")
	}
	im.c.OAuth2.AuthForm = append(im.c.OAuth2.AuthForm, f)
}

// fieldPattern carries connection_config's pattern over to f. The connector format
// has no auth_form pattern yet (issue 13 adds auth_form[].pattern, RE2, matched
// against the whole value): until it has, the pattern is a warning. Once it exists,
// set f.Pattern here when the pattern compiles as RE2, and keep the warning for one
// that does not (Nango's are JavaScript expressions).
func (im *nango) fieldPattern(path string, _ *schema.Field, pattern string) {
	why := "the connector format has no auth_form pattern yet; the value is not checked"
	if _, err := regexp.Compile(pattern); err != nil {
		why += " (and it is not an RE2 expression)"
	}
	im.ws.add(path, "pattern", why)
}

// dedupe removes repeated strings, keeping the first of each.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
