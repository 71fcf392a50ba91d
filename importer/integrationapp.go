package importer

import (
	"errors"
	"strconv"
	"strings"

	"github.com/oauthgen/oauthgen/schema"
)

// FromIntegrationApp converts an Integration.app getOAuthConfig mapping (YAML, or
// JSON, which is YAML too) into a connector. data may be the mapping file itself
// (auth/get-oauth-config.map.yml), or a spec that holds it under getOAuthConfig or
// auth.getOAuthConfig (optionally under a mapping key).
//
// The mapping:
//   - clientId, clientSecret: {$var: connectorParameters.clientId} and
//     {$var: connectorParameters.clientSecret} are the application's credentials,
//     supplied at run time as usual. Values read from connectionParameters (set by
//     the end user) become the auth_form fields client_id and client_secret, which
//     override the application's. Literal values are not copied (Warning).
//   - authorizeUri, tokenUri: step1_authorize_url, step3_access_url. A $var of
//     connectionParameters.X becomes the template {{ X }} and an auth_form field X;
//     $concat joins its parts.
//   - scopes: scopes (a $var becomes an auth_form field scope sent as the scope
//     parameter).
//   - clientAuthLocation: headers, body or both give client_auth header, body or
//     both; Integration.app sends both when it is not set, and so does the result.
//   - noRefreshToken: no_refresh_token.
//   - skipPkce: PKCE S256 unless skipPkce is true.
//   - extra: extra_authorization_url.
//
// response_type=code and grant_type=authorization_code, which Integration.app adds
// itself, are written out. The name is derived from the authorize URL's host
// (Warning included); callers may overwrite it. The error is non-nil only when data
// is over the limits (256 KiB, 5,000 keys), is not YAML or holds no mapping with
// authorizeUri or tokenUri.
func FromIntegrationApp(data []byte) (*schema.Connector, []Warning, error) {
	root, perr := parseYAML("integration-app", data, oneConnector)
	if le := (*limitError)(nil); errors.As(perr, &le) {
		return nil, nil, perr
	}
	m, path := findOAuthMapping(root, "", 0)
	repaired := false
	if perr != nil || (m != nil && path == "" && lostIndentation(m)) {
		// A copy of the documentation whose indentation was lost: nested keys
		// ($var, extra's parameters) sit at the top level, often repeated. Indent
		// the lines under each known key that has no value of its own and parse
		// again.
		if fixed, err := parseYAML("integration-app", reindent(data), oneConnector); err == nil {
			if fm, fp := findOAuthMapping(fixed, "", 0); fm != nil && fp == "" && !lostIndentation(fm) {
				m, path, perr, repaired = fm, fp, nil, true
			}
		}
	}
	if perr != nil {
		return nil, nil, perr
	}
	if m == nil {
		return nil, nil, errors.New("importer: integration-app: no getOAuthConfig mapping (expected authorizeUri and tokenUri)")
	}
	im := &iapp{c: &schema.Connector{}, prefix: path}
	if repaired {
		im.ws.add("", "indentation", "nested values were not indented; they were read as children of the key above them")
	}
	if err := im.run(m); err != nil {
		return nil, nil, err
	}
	return im.c, im.ws, nil
}

// iappKeys are the getOAuthConfig parameters.
var iappKeys = map[string]bool{
	"clientId": true, "clientSecret": true, "authorizeUri": true, "tokenUri": true,
	"scopes": true, "clientAuthLocation": true, "noRefreshToken": true, "skipPkce": true,
	"extra": true,
}

// lostIndentation reports whether m looks like a mapping whose nested values were
// flattened: a known key without a value followed by keys that are not parameters.
func lostIndentation(m map[string]any) bool {
	empty, stray := false, false
	for k, v := range m {
		if iappKeys[k] {
			if v == nil && k != "scopes" {
				empty = true
			}
		} else {
			stray = true
		}
	}
	return empty && stray
}

// reindent indents the lines that follow a top-level known key with no value, up to
// the next known key.
func reindent(data []byte) []byte {
	var out []string
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			out = append(out, line)
			continue
		}
		key, rest, found := strings.Cut(t, ":")
		if found && iappKeys[key] {
			if i := strings.Index(rest, " #"); i >= 0 {
				rest = rest[:i]
			}
			inBlock = strings.TrimSpace(rest) == ""
			out = append(out, line)
			continue
		}
		if inBlock {
			line = "  " + line
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n"))
}

// findOAuthMapping looks for the getOAuthConfig mapping in v.
func findOAuthMapping(v any, path string, depth int) (map[string]any, string) {
	m, ok := v.(map[string]any)
	if !ok || depth > 4 {
		return nil, ""
	}
	if _, ok := m["tokenUri"]; ok {
		return m, path
	}
	if _, ok := m["authorizeUri"]; ok {
		return m, path
	}
	for _, k := range []string{"getOAuthConfig", "auth", "mapping"} {
		if sub, p := findOAuthMapping(m[k], join(path, k), depth+1); sub != nil {
			return sub, p
		}
	}
	return nil, ""
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// iapp is one Integration.app import in progress.
type iapp struct {
	c      *schema.Connector
	ws     warnings
	prefix string // path of the mapping in the document
}

func (im *iapp) path(k string) string { return join(im.prefix, k) }

func (im *iapp) run(m map[string]any) error {
	cfg := &im.c.OAuth2.Config
	im.c.Description = "Imported from an Integration.app connector (getOAuthConfig mapping)."

	for _, k := range sortedKeys(m) {
		if !iappKeys[k] {
			im.ws.add(im.path(k), "key "+k, "not a getOAuthConfig parameter the connector format knows; not imported")
		}
	}

	im.credential("clientId", m["clientId"], "client_id", schema.FieldText, "Client ID")
	im.credential("clientSecret", m["clientSecret"], "client_secret", schema.FieldPassword, "Client secret")

	authorize, ok := im.formula(im.path("authorizeUri"), m["authorizeUri"])
	if !ok || authorize == "" {
		return errors.New("importer: integration-app: authorizeUri is missing or cannot be mapped")
	}
	token, ok := im.formula(im.path("tokenUri"), m["tokenUri"])
	if !ok || token == "" {
		return errors.New("importer: integration-app: tokenUri is missing or cannot be mapped")
	}
	cfg.Step1AuthorizeURL = authorize
	cfg.Step3AccessURL = token
	cfg.ExtraAccessURL = map[string]string{"grant_type": "authorization_code"}

	im.scopes(m["scopes"])
	im.clientAuth(m["clientAuthLocation"])

	if b, ok := im.boolean("noRefreshToken", m["noRefreshToken"]); ok {
		cfg.NoRefreshToken = b
	}
	skip, _ := im.boolean("skipPkce", m["skipPkce"])
	if !skip {
		cfg.PKCE = "S256"
	}

	switch e := m["extra"].(type) {
	case nil:
	case map[string]any:
		for _, k := range sortedKeys(e) {
			v, ok := im.formula(im.path("extra."+k), e[k])
			if !ok {
				continue
			}
			if k == "scope" && len(cfg.Scopes) > 0 {
				im.ws.add(im.path("extra.scope"), "scope in extra", "scopes already set the scope parameter; not imported")
				continue
			}
			setParam(&cfg.ExtraAuthorizationURL, k, v)
		}
	default:
		im.ws.add(im.path("extra"), "extra", "not a mapping; not imported")
	}
	if _, ok := cfg.ExtraAuthorizationURL["response_type"]; !ok {
		setParam(&cfg.ExtraAuthorizationURL, "response_type", "code")
	}

	im.c.Name = NameFromURL(authorize)
	if im.c.Name == "" {
		im.c.Name = NameFromURL(token)
	}
	if im.c.Name == "" {
		im.c.Name = "Imported"
		im.ws.add(im.path("authorizeUri"), "name", "no name could be derived from the URLs; set one")
	} else {
		im.ws.add(im.path("authorizeUri"), "name "+im.c.Name, "derived from the authorize URL's host; set another if it is wrong")
	}
	return nil
}

// credential maps clientId or clientSecret.
func (im *iapp) credential(key string, v any, field string, typ schema.FieldType, title string) {
	path := im.path(key)
	switch x := v.(type) {
	case nil:
		return
	case string:
		im.ws.add(path, "literal "+key, "credentials are never written into connector files; supply it at run time")
		return
	case map[string]any:
		loc, ok := varLocator(x)
		if !ok {
			im.ws.add(path, key+" formula", "only $var is understood here; the application's credential is used")
			return
		}
		scope, name, _ := strings.Cut(loc, ".")
		switch scope {
		case "connectorParameters":
			if name != key {
				im.ws.add(path, "$var "+loc, "the application's "+key+" is supplied at run time whatever parameter held it")
			}
		case "connectionParameters":
			if !hasField(im.c, field) {
				im.c.OAuth2.AuthForm = append(im.c.OAuth2.AuthForm, schema.Field{
					Name: field, Title: title, Type: typ,
					Info: "Supplied by the end user; overrides the application's " + strings.ReplaceAll(field, "_", " ") + ".",
				})
			}
		default:
			im.ws.add(path, "$var "+loc, "not a connector or connection parameter; the application's credential is used")
		}
	default:
		im.ws.add(path, key, "not a string or formula; the application's credential is used")
	}
}

// varLocator returns the locator of a {$var: locator} formula, without a leading "$.".
func varLocator(m map[string]any) (string, bool) {
	if len(m) != 1 {
		return "", false
	}
	s, ok := m["$var"].(string)
	if !ok {
		return "", false
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), "$.")
	return s, s != ""
}

// formula turns a value of the mapping into a template: literals as they are, $var
// into a variable, $concat into the concatenation of its parts.
func (im *iapp) formula(path string, v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		if strings.Contains(x, "{{") || strings.Contains(x, "{%") {
			im.ws.add(path, "template characters in a literal", "{{ and {% start templates in connector files; check the value")
		}
		return x, true
	case int:
		return strconv.Itoa(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case map[string]any:
		if loc, ok := varLocator(x); ok {
			return im.variable(path, loc)
		}
		if parts, ok := x["$concat"].([]any); ok && len(x) == 1 {
			var b strings.Builder
			for i, p := range parts {
				s, ok := im.formula(path+".$concat."+strconv.Itoa(i), p)
				if !ok {
					return "", false
				}
				b.WriteString(s)
			}
			return b.String(), true
		}
		keys := sortedKeys(x)
		what := "mapping"
		if len(keys) > 0 {
			what = "formula " + keys[0]
		}
		im.ws.add(path, what, "only literals, $var and $concat are translated; not imported")
		return "", false
	default:
		im.ws.add(path, "value", "lists and other values cannot be a parameter; not imported")
		return "", false
	}
}

// variable maps a $var locator.
func (im *iapp) variable(path, loc string) (string, bool) {
	scope, name, _ := strings.Cut(loc, ".")
	switch {
	case scope == "connectorParameters" && name == "clientId":
		return "{{ client_id }}", true
	case scope == "connectorParameters" && name == "clientSecret":
		im.ws.add(path, "$var "+loc, "the client secret is only sent as a client credential; not imported")
		return "", false
	case (scope == "connectionParameters" || scope == "connectorParameters") && name != "" && !strings.Contains(name, "."):
		field := name
		if !identRe.MatchString(field) || strings.Contains(field, ".") {
			field = fieldName(field)
		}
		if reservedNames[field] {
			field += "_value"
		}
		if scope == "connectorParameters" {
			im.ws.add(path, "$var "+loc, "connector (application) parameters other than the credentials become auth_form field "+field+", supplied with the connection")
		}
		if !hasField(im.c, field) {
			im.c.OAuth2.AuthForm = append(im.c.OAuth2.AuthForm, schema.Field{Name: field, Title: name, Type: schema.FieldText, Required: true})
		}
		return "{{ " + field + " }}", true
	}
	im.ws.add(path, "$var "+loc, "only connectionParameters and connectorParameters are known when the flow starts; not imported")
	return "", false
}

// scopes maps the scopes list.
func (im *iapp) scopes(v any) {
	cfg := &im.c.OAuth2.Config
	path := im.path("scopes")
	switch x := v.(type) {
	case nil:
	case string:
		cfg.Scopes = strings.Fields(x)
	case []any:
		for i, e := range x {
			s, ok := im.formula(path+"."+strconv.Itoa(i), e)
			if !ok || s == "" {
				continue
			}
			if strings.Contains(s, "{{") {
				im.ws.add(path+"."+strconv.Itoa(i), "scope from a variable", "scopes are fixed strings; not imported")
				continue
			}
			cfg.Scopes = append(cfg.Scopes, s)
		}
	case map[string]any:
		s, ok := im.formula(path, x)
		if !ok {
			return
		}
		setParam(&cfg.ExtraAuthorizationURL, "scope", s)
	default:
		im.ws.add(path, "scopes", "not a list; not imported")
	}
}

// clientAuth maps clientAuthLocation.
func (im *iapp) clientAuth(v any) {
	cfg := &im.c.OAuth2.Config
	switch v {
	case nil:
		cfg.ClientAuth = schema.ClientAuthBoth
	case "body":
		cfg.ClientAuth = schema.ClientAuthBody
	case "headers", "header":
		cfg.ClientAuth = schema.ClientAuthHeader
	case "both":
		cfg.ClientAuth = schema.ClientAuthBoth
	default:
		im.ws.add(im.path("clientAuthLocation"), "clientAuthLocation", "not headers, body or both; both is used, as Integration.app does by default")
		cfg.ClientAuth = schema.ClientAuthBoth
	}
}

// boolean reads a boolean flag.
func (im *iapp) boolean(key string, v any) (bool, bool) {
	switch x := v.(type) {
	case nil:
		return false, false
	case bool:
		return x, true
	}
	im.ws.add(im.path(key), key, "not a boolean; ignored")
	return false, false
}
