package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/oauthgen/oauthgen/schema"
)

// FromChiefOnboarding converts the oauth object of a ChiefOnboarding integration
// manifest into a connector. data may be a whole manifest (an object with an
// "oauth" key), the oauth object itself, or the `"oauth": {...}` fragment shown in
// the ChiefOnboarding documentation (a trailing comma is allowed).
//
// The mapping:
//   - authenticate_url: the URL before "?" becomes step1_authorize_url, its query
//     parameters extra_authorization_url. client_id={{ CLIENT_ID }},
//     redirect_uri={{ redirect_url }} and state are dropped because the runtime sends
//     them itself (a client id under another key sets alternative_client_id_key).
//   - access_token (a request object: url, method, data, headers): the URL before "?"
//     becomes step3_access_url; its query parameters and data become
//     extra_access_url, except the client id and secret ({{ CLIENT_ID }},
//     {{ CLIENT_SECRET }}), which become the standard client authentication (in the
//     body, or HTTP Basic for an "Authorization: Basic {{ CLIENT_ID }}:{{ CLIENT_SECRET }}"
//     header), and the redirect URI. ChiefOnboarding appends the code itself, as
//     the runtime does. GET becomes request_method GET. Parameters that
//     ChiefOnboarding sends in the query string of a POST are sent in the body.
//   - refresh: the URL becomes token_refresh_url when it differs from the token URL,
//     its parameters extra_refresh_url, without grant_type=refresh_token,
//     refresh_token={{ oauth.refresh_token }} and the client credentials. Without a
//     refresh object ChiefOnboarding treats tokens as permanent: no_refresh_token.
//   - without_code: without_code.
//   - {{ oauth.X }} elsewhere becomes the token metadata X ({{ credentials.X }}),
//     any other {{ NAME }} an auth_form field "name" (titled from the manifest's
//     initial_data_form when it describes NAME).
//   - The manifest's headers become the API header block: the header carrying
//     {{ oauth.access_token }} sets header_key and token_prefix, others extra_headers.
//
// The connector's name is derived from the host of the authorize URL (Warning
// included); callers may overwrite it. The error is non-nil only when data is over
// the limits (256 KiB, 5,000 keys), is not JSON or holds no usable oauth object.
func FromChiefOnboarding(data []byte) (*schema.Connector, []Warning, error) {
	oauth, manifest, err := chiefOAuthObject(data)
	if err != nil {
		return nil, nil, err
	}
	im := &chief{c: &schema.Connector{}, initial: map[string]chiefInitial{}}
	if err := im.run(oauth, manifest); err != nil {
		return nil, nil, err
	}
	return im.c, im.ws, nil
}

// chiefOAuthObject finds the oauth object in data.
func chiefOAuthObject(data []byte) (oauth, manifest map[string]any, err error) {
	if err := oneConnector.checkSize("chiefonboarding", data); err != nil {
		return nil, nil, err
	}
	s := bytes.TrimSpace(data)
	s = bytes.TrimSpace(bytes.TrimSuffix(s, []byte(",")))
	if bytes.HasPrefix(s, []byte(`"`)) {
		s = append(append([]byte("{"), s...), '}')
	}
	if err := checkJSONKeys("chiefonboarding", s, oneConnector); err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(s))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, nil, fmt.Errorf("importer: chiefonboarding: not a JSON object: %w", err)
	}
	if dec.More() {
		return nil, nil, errors.New("importer: chiefonboarding: unexpected data after the JSON object")
	}
	if o, ok := top["oauth"]; ok {
		m, ok := o.(map[string]any)
		if !ok {
			return nil, nil, errors.New("importer: chiefonboarding: oauth is not an object")
		}
		return m, top, nil
	}
	if _, ok := top["authenticate_url"]; ok {
		return top, nil, nil
	}
	if _, ok := top["access_token"]; ok {
		return top, nil, nil
	}
	return nil, nil, errors.New("importer: chiefonboarding: no oauth object (expected an \"oauth\" key or authenticate_url/access_token)")
}

// chiefInitial is one entry of a manifest's initial_data_form.
type chiefInitial struct {
	name, description string
	secret            bool
}

// chief is one ChiefOnboarding import in progress.
type chief struct {
	c       *schema.Connector
	ws      warnings
	initial map[string]chiefInitial

	clientIDKey   string // key under which the token request sends the client id
	secretKey     string // key under which the token request sends the secret
	bodyAuth      bool   // client credentials seen among the token request's parameters
	headerAuth    bool   // HTTP Basic with the client credentials seen
	accessHeaders map[string]any
}

// The places a template may appear, which decide what its variables mean.
type chiefCtx int

const (
	ctxAuthorize chiefCtx = iota // authorize URL and its parameters
	ctxAccess                    // token URL, its parameters and headers
	ctxRefresh                   // refresh URL, its parameters and headers
	ctxAPI                       // API header block
)

var chiefRequestKeys = map[string]bool{"url": true, "method": true, "data": true, "headers": true}

func (im *chief) run(oauth, manifest map[string]any) error {
	cfg := &im.c.OAuth2.Config
	im.c.Description = "Imported from a ChiefOnboarding integration."
	im.readInitialData(manifest)

	for _, k := range sortedKeys(oauth) {
		switch k {
		case "authenticate_url", "access_token", "refresh", "without_code":
		default:
			im.ws.add("oauth."+k, "key "+k, "not a ChiefOnboarding oauth key; not imported")
		}
	}

	authURL, ok := oauth["authenticate_url"].(string)
	if !ok || strings.TrimSpace(authURL) == "" {
		return errors.New("importer: chiefonboarding: oauth.authenticate_url is missing or not a string")
	}
	access, ok := oauth["access_token"].(map[string]any)
	if !ok {
		return errors.New("importer: chiefonboarding: oauth.access_token is missing or not a request object")
	}
	accessURL, ok := access["url"].(string)
	if !ok || strings.TrimSpace(accessURL) == "" {
		return errors.New("importer: chiefonboarding: oauth.access_token.url is missing or not a string")
	}

	// Authorize URL.
	base, params := splitURL(strings.TrimSpace(authURL))
	cfg.Step1AuthorizeURL = im.convert("oauth.authenticate_url", base, ctxAuthorize)
	for _, p := range params {
		im.param("oauth.authenticate_url?"+p.key, p, ctxAuthorize, &cfg.ExtraAuthorizationURL)
	}

	// Exchange.
	im.request("oauth.access_token", access, ctxAccess)

	// Refresh.
	switch r := oauth["refresh"].(type) {
	case nil:
		cfg.NoRefreshToken = true
	case map[string]any:
		if len(r) == 0 {
			cfg.NoRefreshToken = true
		} else {
			im.request("oauth.refresh", r, ctxRefresh)
		}
	default:
		im.ws.add("oauth.refresh", "refresh", "not a request object; tokens are treated as permanent")
		cfg.NoRefreshToken = true
	}

	switch w := oauth["without_code"].(type) {
	case nil:
	case bool:
		cfg.WithoutCode = w
	default:
		im.ws.add("oauth.without_code", "without_code", "not a boolean; ignored")
	}

	switch {
	case im.headerAuth && im.bodyAuth:
		cfg.ClientAuth = schema.ClientAuthBoth
	case im.headerAuth:
		cfg.ClientAuth = schema.ClientAuthHeader
	}
	if im.clientIDKey != "" && im.clientIDKey != "client_id" {
		cfg.AlternativeClientIDKey = im.clientIDKey
	}
	if im.secretKey != "" && im.secretKey != "client_secret" {
		cfg.AlternativeClientSecretKey = im.secretKey
	}

	if manifest != nil {
		im.manifest(manifest)
	}

	im.c.Name = NameFromURL(authURL)
	if im.c.Name == "" {
		im.c.Name = NameFromURL(accessURL)
	}
	if im.c.Name == "" {
		im.c.Name = "Imported"
		im.ws.add("name", "name", "ChiefOnboarding keeps no name in the oauth object and none could be derived from the URLs; set one")
	} else {
		im.ws.add("name", "name "+im.c.Name, "derived from the authorize URL's host; set another if it is wrong")
	}
	return nil
}

// readInitialData indexes the manifest's initial_data_form.
func (im *chief) readInitialData(manifest map[string]any) {
	list, _ := manifest["initial_data_form"].([]any)
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		id, _ := m["id"].(string)
		if id == "" {
			continue
		}
		in := chiefInitial{secret: true}
		in.name, _ = m["name"].(string)
		in.description, _ = m["description"].(string)
		if s, ok := m["secret"].(bool); ok {
			in.secret = s
		}
		im.initial[id] = in
	}
}

// request maps an access_token or refresh request object.
func (im *chief) request(path string, req map[string]any, ctx chiefCtx) {
	cfg := &im.c.OAuth2.Config
	for _, k := range sortedKeys(req) {
		if !chiefRequestKeys[k] {
			im.ws.add(path+"."+k, "request key "+k, "token requests cannot "+chiefRequestKeyWhy(k)+"; not imported")
		}
	}
	rawURL, ok := req["url"].(string)
	if !ok || strings.TrimSpace(rawURL) == "" {
		im.ws.add(path+".url", "url", "missing or not a string; request not imported")
		if ctx == ctxRefresh {
			cfg.NoRefreshToken = true
		}
		return
	}
	base, params := splitURL(strings.TrimSpace(rawURL))
	target := &cfg.ExtraAccessURL
	if ctx == ctxRefresh {
		target = &cfg.ExtraRefreshURL
	}
	converted := im.convert(path+".url", base, ctx)
	method := "POST"
	if m, ok := req["method"].(string); ok && m != "" {
		method = strings.ToUpper(m)
	}
	if ctx == ctxAccess {
		cfg.Step3AccessURL = converted
		switch method {
		case "POST":
		case "GET":
			cfg.RequestMethod = "GET"
		default:
			im.ws.add(path+".method", "method "+method, "token requests are POST or GET; POST is used")
		}
	} else {
		if converted != cfg.Step3AccessURL {
			cfg.TokenRefreshURL = converted
		}
		want := cfg.RequestMethod
		if want == "" {
			want = "POST"
		}
		if method != want {
			im.ws.add(path+".method", "method "+method, "the connector uses one method for all token requests; "+want+" is used")
		}
	}
	for _, p := range params {
		im.param(path+".url?"+p.key, p, ctx, target)
	}
	switch d := req["data"].(type) {
	case nil:
	case map[string]any:
		for _, k := range sortedKeys(d) {
			v, ok := scalar(d[k])
			if !ok {
				im.ws.add(path+".data."+k, "parameter "+k, "nested values cannot be sent as token request parameters; not imported")
				continue
			}
			im.param(path+".data."+k, param{key: k, value: v}, ctx, target)
		}
	default:
		im.ws.add(path+".data", "data", "not an object; not imported")
	}
	im.requestHeaders(path+".headers", req["headers"], ctx)
}

func chiefRequestKeyWhy(k string) string {
	switch k {
	case "store_data":
		return "store response values other than through token_metadata (use token_metadata by hand)"
	case "status_code":
		return "declare accepted status codes"
	case "files", "save_as_file":
		return "send or save files"
	case "polling", "continue_if":
		return "poll or branch"
	case "extra_headers":
		return "add computed (pritunl) headers"
	case "cast_data_to_json":
		return "send raw string bodies"
	}
	return "carry " + k
}

// scalar renders a JSON scalar as a parameter value.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	case nil:
		return "", true
	}
	return "", false
}

var placeholderRe = regexp.MustCompile(`^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$`)

// placeholder returns the variable of a value that is exactly one {{ name }}.
func placeholder(v string) string {
	m := placeholderRe.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return ""
	}
	return m[1]
}

// param maps one parameter of the authorize URL or of a token request.
func (im *chief) param(path string, p param, ctx chiefCtx, target *map[string]string) {
	ph := placeholder(p.value)
	switch {
	case strings.EqualFold(ph, "CLIENT_ID"):
		if ctx == ctxAuthorize || ctx == ctxAccess {
			im.noteClientIDKey(path, p.key)
		}
		if ctx != ctxAuthorize {
			im.bodyAuth = true
		}
		return
	case strings.EqualFold(ph, "CLIENT_SECRET"):
		if ctx == ctxAuthorize {
			im.ws.add(path, "client secret in the authorize URL", "the client secret is never sent to the browser; removed")
			return
		}
		im.bodyAuth = true
		if ctx == ctxAccess {
			im.secretKey = p.key
		}
		return
	case ph == "redirect_url":
		if ctx == ctxRefresh {
			setParam(target, p.key, "{{ redirect_url }}")
			return
		}
		if p.key != "redirect_uri" {
			im.ws.add(path, "redirect URL under "+p.key, "the runtime always sends it as redirect_uri; removed")
		}
		return
	case ph == "oauth.refresh_token":
		if ctx == ctxRefresh && p.key == "refresh_token" {
			return
		}
		im.ws.add(path, "{{ oauth.refresh_token }} under "+p.key, "the refresh token is only sent as the refresh_token parameter of refresh requests; removed")
		return
	}
	switch {
	case ctx == ctxAuthorize && p.key == "state":
		im.ws.add(path, "state parameter", "the runtime generates and checks state itself; removed")
		return
	case ctx != ctxAuthorize && p.key == "code":
		im.ws.add(path, "code parameter", "the runtime sends the code from the callback itself; removed")
		return
	case ctx == ctxRefresh && p.key == "grant_type" && p.value == "refresh_token":
		return
	case ctx == ctxRefresh && p.key == "refresh_token":
		im.ws.add(path, "refresh_token parameter", "the runtime sends the stored refresh token itself; removed")
		return
	}
	setParam(target, p.key, im.convert(path, p.value, ctx))
}

// noteClientIDKey records the key the client id is sent under.
func (im *chief) noteClientIDKey(path, key string) {
	if im.clientIDKey == "" {
		im.clientIDKey = key
		return
	}
	if im.clientIDKey != key {
		im.ws.add(path, "client id under "+key, "the connector names the client id the same everywhere; "+im.clientIDKey+" is used")
	}
}

// requestHeaders maps the headers of a token request.
func (im *chief) requestHeaders(path string, raw any, ctx chiefCtx) {
	cfg := &im.c.OAuth2.Config
	if raw == nil {
		return
	}
	headers, ok := raw.(map[string]any)
	if !ok {
		im.ws.add(path, "headers", "not an object; not imported")
		return
	}
	if ctx == ctxRefresh {
		if headersEqual(headers, im.accessHeaders) {
			return
		}
		for _, k := range sortedKeys(headers) {
			v, _ := headers[k].(string)
			if strings.EqualFold(k, "Authorization") && isBasicClient(v) {
				if !im.headerAuth {
					im.ws.add(path+"."+k, "HTTP Basic client authentication on refresh only", "the connector authenticates all token requests alike; the exchange's placement is used")
				}
				continue
			}
			if av, ok := im.accessHeaders[k].(string); ok && av == v {
				continue
			}
			im.ws.add(path+"."+k, "header "+k, "refresh requests carry the same headers as the exchange; not imported")
		}
		return
	}
	im.accessHeaders = headers
	for _, k := range sortedKeys(headers) {
		v, ok := headers[k].(string)
		if !ok {
			im.ws.add(path+"."+k, "header "+k, "not a string; not imported")
			continue
		}
		switch strings.ToLower(k) {
		case "authorization":
			if isBasicClient(v) {
				im.headerAuth = true
				continue
			}
			im.ws.add(path+"."+k, "Authorization header", "only HTTP Basic with the client id and secret can authenticate token requests; not imported")
		case "accept":
			cfg.AcceptHeader = im.convert(path+"."+k, v, ctx)
		case "content-type":
			cfg.ContentType = im.convert(path+"."+k, v, ctx)
			if strings.Contains(strings.ToLower(v), "json") {
				im.ws.add(path+"."+k, "JSON Content-Type", "ChiefOnboarding form-encodes data whatever this header says; the body stays form-encoded with this Content-Type")
			}
		default:
			setParam(&cfg.TokenRequestHeaders, k, im.convert(path+"."+k, v, ctx))
		}
	}
}

var basicClientRe = regexp.MustCompile(`(?i)^Basic\s+\{\{\s*CLIENT_ID\s*\}\}\s*:\s*\{\{\s*CLIENT_SECRET\s*\}\}$`)

// isBasicClient reports whether v is ChiefOnboarding's
// "Basic {{ CLIENT_ID }}:{{ CLIENT_SECRET }}" (which it base64-encodes itself).
func isBasicClient(v string) bool { return basicClientRe.MatchString(strings.TrimSpace(v)) }

func headersEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		vs, ok1 := v.(string)
		ws, ok2 := b[k].(string)
		if !ok1 || !ok2 || vs != ws {
			return false
		}
	}
	return true
}

var accessTokenExprRe = regexp.MustCompile(`\{\{\s*oauth\.access_token\s*\}\}`)

// manifest maps the parts of the whole manifest that concern the connector: the
// API headers. Everything else is reported.
func (im *chief) manifest(m map[string]any) {
	for _, k := range sortedKeys(m) {
		switch k {
		case "oauth", "initial_data_form":
		case "headers":
			im.apiHeaders(m[k])
		default:
			im.ws.add(k, "manifest key "+k, "not part of the OAuth flow; not imported")
		}
	}
}

// apiHeaders maps the manifest's headers to the header block.
func (im *chief) apiHeaders(raw any) {
	headers, ok := raw.(map[string]any)
	if !ok {
		im.ws.add("headers", "headers", "not an object; not imported")
		return
	}
	h := &schema.Header{}
	tokenSeen := false
	for _, k := range sortedKeys(headers) {
		path := "headers." + k
		v, ok := headers[k].(string)
		if !ok {
			im.ws.add(path, "header "+k, "not a string; not imported")
			continue
		}
		switch {
		case !tokenSeen && accessTokenExprRe.MatchString(v):
			tokenSeen = true
			prefix := accessTokenExprRe.ReplaceAllString(v, "{{token_format}}")
			prefix = im.convert(path, prefix, ctxAPI)
			if strings.HasPrefix(strings.ToLower(prefix), "basic ") {
				im.ws.add(path, "Basic header with the token", "ChiefOnboarding base64-encodes Basic values; mapped to encode: true, check the result")
				h.Encode = true
				h.TokenPrefix = "Basic {{token_format}}"
				h.TokenFormat = strings.TrimSpace(prefix[len("basic "):])
				h.TokenFormat = strings.ReplaceAll(h.TokenFormat, "{{token_format}}", "{{token}}")
			} else if prefix != "Bearer {{token_format}}" {
				h.TokenPrefix = prefix
			}
			if !strings.EqualFold(k, "Authorization") {
				h.HeaderKey = k
			}
		case strings.EqualFold(k, "Content-Type"):
			h.ContentType = v
		case strings.EqualFold(k, "Authorization") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "basic"):
			im.ws.add(path, "Basic Authorization without the token", "API calls carry the OAuth token; a Basic header from other values is not expressible; not imported")
		default:
			setParam(&h.ExtraHeaders, k, im.convert(path, v, ctxAPI))
		}
	}
	if h.Encode || h.TokenPrefix != "" || h.HeaderKey != "" || h.ContentType != "" || len(h.ExtraHeaders) > 0 {
		im.c.Header = h
	}
}

// reservedNames are template variables the format defines; a ChiefOnboarding
// variable with one of these names becomes an auth_form field with a suffix.
var reservedNames = map[string]bool{
	"client_id": true, "client_secret": true, "redirect_url": true, "state": true,
	"callback": true, "credentials": true, "token": true, "token_format": true,
	"alternative_scope": true,
}

// convert turns a ChiefOnboarding (Django) template into a connector template.
func (im *chief) convert(path, s string, ctx chiefCtx) string {
	return templateRe.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "{%") {
			im.ws.add(path, "template tag", "Django tags are kept as written; check they are valid Jinja")
			return m
		}
		inner := strings.TrimSpace(m[2 : len(m)-2])
		if inner == "token_format" || inner == "token" {
			return m // produced by apiHeaders
		}
		if !identRe.MatchString(inner) {
			im.ws.add(path, "template expression", "only plain variables are translated (Django filters differ from Jinja's); removed")
			return ""
		}
		switch {
		case strings.EqualFold(inner, "CLIENT_ID"):
			return "{{ client_id }}"
		case strings.EqualFold(inner, "CLIENT_SECRET"):
			im.ws.add(path, "{{ CLIENT_SECRET }}", "the client secret is only sent as a client credential, never inside another value; removed")
			return ""
		case inner == "redirect_url":
			return "{{ redirect_url }}"
		case inner == "oauth.access_token":
			if ctx == ctxAPI {
				return "{{ token }}"
			}
			im.ws.add(path, "{{ oauth.access_token }}", "the access token is only available on API calls; removed")
			return ""
		case inner == "oauth.refresh_token":
			im.ws.add(path, "{{ oauth.refresh_token }}", "the refresh token is only sent as the refresh_token parameter of refresh requests; removed")
			return ""
		case strings.HasPrefix(inner, "oauth."):
			if ctx == ctxAuthorize || ctx == ctxAccess {
				im.ws.add(path, "{{ "+inner+" }}", "token values are not known before the exchange; removed")
				return ""
			}
			p := strings.TrimPrefix(inner, "oauth.")
			name := fieldName(p)
			setParam(&im.c.OAuth2.Config.TokenMetadata, name, p)
			return "{{ credentials." + name + " }}"
		case strings.Contains(inner, "."):
			im.ws.add(path, "{{ "+inner+" }}", "only integration values and oauth.* are known during the OAuth flow; removed")
			return ""
		}
		return "{{ " + im.field(inner) + " }}"
	})
}

// field returns the auth_form field for a ChiefOnboarding variable, adding it once.
func (im *chief) field(v string) string {
	name := fieldName(v)
	if reservedNames[name] {
		name += "_value"
	}
	if hasField(im.c, name) {
		return name
	}
	f := schema.Field{Name: name, Title: v, Type: schema.FieldText, Required: true}
	if in, ok := im.initial[v]; ok {
		if in.name != "" {
			f.Title = in.name
		}
		f.Info = in.description
		if in.secret {
			f.Type = schema.FieldPassword
		}
	}
	im.c.OAuth2.AuthForm = append(im.c.OAuth2.AuthForm, f)
	return name
}
