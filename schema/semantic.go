package schema

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
	"unicode"

	"github.com/oauthgen/oauthgen/internal/suggest"
)

// The checks below express what the JSON Schema cannot. They read the parsed tree,
// tolerate values of the wrong type (the schema validation reports those), and run
// even when the schema validation failed, so that one run shows every problem.

// reservedNames are template variables that an auth_form field must not shadow.
var reservedNames = map[string]string{
	"redirect_url": "the redirect URL",
	"state":        "the state parameter",
	"callback":     "callback parameters (callback.<name>)",
	"credentials":  "token metadata (credentials.<name>)",
	"token":        "the access token in the header block",
	"token_format": "the rendered token_format in the header block",
}

// checkSemantics runs every semantic check on the document.
func (d *document) checkSemantics() {
	d.checkName()
	d.checkAuthForm()
	d.checkConfig()
	d.checkURLs()
	d.checkTestRequest()
	d.checkPaths()
	d.checkControlChars(d.root, "")
}

// pathKeys are the keys whose value is a dot path into a response; "*" is every
// member of an object.
var pathKeys = [][]string{
	{"oauth2", "config", "access_token_path"},
	{"oauth2", "config", "refresh_token_path"},
	{"oauth2", "config", "expires_in_path"},
	{"oauth2", "config", "token_type_path"},
	{"oauth2", "config", "refresh_token_expires_in_path"},
	{"oauth2", "config", "token_metadata", "*"},
	{"oauth2", "config", "userinfo", "metadata", "*"},
	{"oauth2", "config", "userinfo", "select", "list"},
	{"oauth2", "config", "userinfo", "select", "key"},
}

// checkPaths refuses dot paths with an empty segment ("data..token", ".data",
// "data.") or white space around a segment: no response has such a field, so the
// value would silently never be found, and a fake provider built from the file
// would play the same mistake.
func (d *document) checkPaths() {
	for _, keys := range pathKeys {
		var nodes []*node
		var ptrs []string
		if last := keys[len(keys)-1]; last == "*" {
			obj := d.root.path(keys[:len(keys)-1]...)
			if obj == nil || obj.kind != kindObject {
				continue
			}
			for i, k := range obj.keys {
				nodes = append(nodes, obj.kids[i])
				ptrs = append(ptrs, pointerJoin("", append(append([]string{}, keys[:len(keys)-1]...), k)...))
			}
		} else {
			nodes, ptrs = []*node{d.root.path(keys...)}, []string{pointerJoin("", keys...)}
		}
		for i, n := range nodes {
			s, ok := n.text()
			if !ok || s == "" {
				continue
			}
			for _, seg := range strings.Split(s, ".") {
				if seg == "" || strings.TrimSpace(seg) != seg {
					d.errValue(n, ptrs[i], "%s is not a dot path: every segment between the dots must be a field name or an index, without spaces (a.b.0.c)", strconv.Quote(s))
					break
				}
			}
		}
	}
}

// checkControlChars reports strings, keys included, that hold a character that is
// invisible or changes how text around it is shown: C0 controls other than tab, line
// feed and carriage return, DEL, C1 controls, format characters (Unicode category Cf:
// bidi controls such as U+202E, zero-width characters, U+FEFF) and the line and
// paragraph separators. Connector text ends up in URLs, headers, messages and
// generated Go source, comments included, where such a character could make code
// read differently from what it is. The position is that of the character itself.
func (d *document) checkControlChars(n *node, ptr string) {
	switch n.kind {
	case kindString:
		d.checkText(n.str, n.start, ptr, "string")
	case kindObject:
		for i, k := range n.kids {
			p := pointerJoin(ptr, n.keys[i])
			if k.keyStart >= 0 {
				d.checkText(n.keys[i], k.keyStart, p, "key")
			}
			d.checkControlChars(k, p)
		}
	case kindArray:
		for i, k := range n.kids {
			d.checkControlChars(k, pointerJoin(ptr, strconv.Itoa(i)))
		}
	}
}

// checkText reports the first hidden character of s, the decoded JSON string whose
// opening quote is at offset quote.
func (d *document) checkText(s string, quote int, ptr, what string) {
	for i, r := range s {
		if class := hiddenClass(r); class != "" {
			d.errs = append(d.errs, d.errorAt(rawOffset(d.data, quote, i), ptr, fmt.Sprintf("%s U+%04X is not allowed in a %s", class, r, what)))
			return
		}
	}
}

// hiddenClass names the class of r when a connector file must not hold it, and
// returns "" for every other character.
func hiddenClass(r rune) string {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return ""
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		return "control character"
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return "bidirectional control character"
	case r == 0x2028 || r == 0x2029:
		return "line or paragraph separator"
	case unicode.Is(unicode.Cf, r):
		return "invisible format character"
	}
	return ""
}

// checkName checks that the connector gets a valid Go package name.
func (d *document) checkName() {
	if pkg := d.root.get("package"); pkg != nil {
		if s, ok := pkg.text(); ok && token.IsKeyword(s) {
			d.errValue(pkg, "/package", "%q is a Go keyword and cannot name a package", s)
		}
		return
	}
	name := d.root.get("name")
	s, ok := name.text()
	if !ok || s == "" {
		return
	}
	switch pkg := PackageName(s); {
	case pkg == "":
		d.errValue(name, "/name", "%q has no letters or digits to derive a Go package name from; set \"package\"", s)
	case pkg[0] >= '0' && pkg[0] <= '9':
		d.errValue(name, "/name", "the derived Go package name %q starts with a digit; set \"package\"", pkg)
	case token.IsKeyword(pkg):
		d.errValue(name, "/name", "the derived Go package name %q is a Go keyword; set \"package\"", pkg)
	}
}

// checkAuthForm checks the auth_form entries: unique names, reserved names, select
// fields with an enum, defaults of the field's type and within the enum.
func (d *document) checkAuthForm() {
	form := d.root.path("oauth2", "auth_form")
	if form == nil || form.kind != kindArray {
		return
	}
	first := map[string]*node{}
	for i, entry := range form.kids {
		if entry.kind != kindObject {
			continue
		}
		ptr := "/oauth2/auth_form/" + strconv.Itoa(i)
		nameNode := entry.get("name")
		if name, ok := nameNode.text(); ok {
			if f, dup := first[name]; dup {
				d.errValue(nameNode, ptr+"/name", "duplicate auth_form name %q (first at line %d); names must be unique", name, d.line(f.start))
			} else {
				first[name] = nameNode
			}
			if what, reserved := reservedNames[name]; reserved {
				d.errValue(nameNode, ptr+"/name", "%q is reserved for %s; choose another name", name, what)
			}
		}
		d.checkFieldHints(entry, ptr)
		typ := "text"
		typeNode := entry.get("type")
		if s, ok := typeNode.text(); ok {
			typ = s
		}
		enumNode := entry.get("enum")
		if typ == "select" && enumNode == nil {
			d.errValue(typeNode, ptr+"/type", "a \"select\" field needs \"enum\" with its allowed values")
		}
		def := entry.get("default")
		d.checkPattern(entry.get("pattern"), ptr, typ, def)
		if def == nil {
			continue
		}
		want := kindString
		switch typ {
		case "number":
			want = kindNumber
		case "checkbox":
			want = kindBool
		}
		if (def.kind == kindString || def.kind == kindNumber || def.kind == kindBool) && def.kind != want {
			d.errValue(def, ptr+"/default", "the default of a %q field must be %s, not %s", typ, article(want), article(def.kind))
			continue
		}
		if enumNode != nil && enumNode.kind == kindArray && def.kind == kindString {
			var allowed []any
			found := false
			for _, e := range enumNode.kids {
				if s, ok := e.text(); ok {
					allowed = append(allowed, s)
					found = found || s == def.str
				}
			}
			if !found {
				d.errValue(def, ptr+"/default", "default %s is not one of enum: %s", preview(def), quoteList(allowed))
			}
		}
	}
}

// checkPattern checks the pattern of an auth_form entry of type typ: an RE2
// expression, on a text or password field, that its default (def, may be nil) matches.
func (d *document) checkPattern(pat *node, ptr, typ string, def *node) {
	s, ok := pat.text()
	if !ok {
		return
	}
	if typ != "text" && typ != "password" {
		d.errValue(pat, ptr+"/pattern", "a pattern applies to text and password fields, not to a %q field", typ)
		return
	}
	re, err := CompilePattern(s)
	if err != nil {
		d.errValue(pat, ptr+"/pattern", "not an RE2 regular expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return
	}
	if dv, ok := def.text(); ok && !re.MatchString(dv) {
		d.errValue(def, ptr+"/default", "default %s does not match the pattern %s", preview(def), strconv.Quote(s))
	}
}

// fieldKeyList are the keys of an auth_form entry, sorted, for suggestions.
var fieldKeyList = []string{"default", "enum", "hideInEmbed", "info", "name", "pattern", "placeholder", "required", "title", "type"}

// checkFieldHints reports auth_form keys that are not Field's own but look like a
// misspelling of one: entries may carry UI hints, but "requried" is not one.
func (d *document) checkFieldHints(entry *node, ptr string) {
	for i, k := range entry.keys {
		if fieldKeys[k] {
			continue
		}
		if s := suggest.Closest(k, fieldKeyList); s != "" && entry.get(s) == nil {
			d.errKey(entry.kids[i], pointerJoin(ptr, k), "unknown key %q; did you mean %q? (other keys are kept as UI hints, but this looks like a misspelling)", k, s)
		}
	}
}

// checkConfig checks the flow configuration for keys that contradict each other and
// for the keys each flow requires.
func (d *document) checkConfig() {
	const base = "/oauth2/config"
	cfg := d.root.path("oauth2", "config")
	if cfg == nil || cfg.kind != kindObject {
		return
	}
	flow := string(FlowAuthorizationCode)
	if s, ok := cfg.get("flow").text(); ok {
		flow = s
	}
	switch FlowType(flow) {
	case FlowAuthorizationCode:
		if cfg.get("step1_authorize_url") == nil {
			d.errValue(cfg, base, "missing required key \"step1_authorize_url\" (the authorization_code flow sends the user there)")
		} else if s, ok := cfg.get("step1_authorize_url").text(); ok && s == "" {
			d.errValue(cfg.get("step1_authorize_url"), base+"/step1_authorize_url", "must not be empty (the authorization_code flow sends the user there)")
		}
	case FlowClientCredentials:
		for _, k := range []string{"step1_authorize_url", "extra_authorization_url", "alternative_code_key", "pkce", "without_code", "callback_params", "device_authorization_url", "refresh_token_expires_in_path", "refresh_token_lifetime", "issuer"} {
			if n := cfg.get(k); n != nil {
				d.errValue(n, base+"/"+k, "%q is not used by the client_credentials flow; remove it", k)
			}
		}
	}

	if scope := cfg.path("extra_authorization_url", "scope"); scope != nil {
		if scopes := cfg.get("scopes"); scopes != nil {
			d.errValue(scope, base+"/extra_authorization_url/scope", "the scope is set both here and by \"scopes\" (line %d); keep one", d.line(scopes.start))
		}
	}

	if inHeaders, ok := cfg.get("client_id_and_secret_in_headers").boolean(); ok && inHeaders {
		ca := cfg.get("client_auth")
		if s, ok := ca.text(); ok && s != string(ClientAuthHeader) {
			d.errValue(ca, base+"/client_auth", "%q contradicts client_id_and_secret_in_headers: true (line %d), which means \"header\"; keep one of them", s, d.line(cfg.get("client_id_and_secret_in_headers").start))
		}
	}

	if rv := cfg.get("revoke"); rv != nil && rv.kind == kindObject {
		if ru := cfg.get("revoke_url"); ru != nil {
			d.errValue(rv, base+"/revoke", "revoke_url (line %d) is also set: it is the RFC 7009 shorthand of revoke; keep one of them", d.line(ru.start))
		}
		method := "POST"
		if s, ok := rv.get("method").text(); ok {
			method = s
		}
		enc := string(RevokeForm)
		if s, ok := rv.get("encoding").text(); ok {
			enc = s
		}
		if method == "GET" && enc != string(RevokeQuery) && rv.get("params") != nil {
			d.errValue(rv.get("method"), base+"/revoke/method", "a GET request has no body for its params: set \"encoding\": \"query\"")
		}
	}

	if or := cfg.get("or_exchange_request_body_type"); or != nil {
		body := string(BodyForm)
		if s, ok := cfg.get("exchange_request_body_type").text(); ok {
			body = s
		}
		if s, ok := or.text(); ok && s == body {
			d.errValue(or, base+"/or_exchange_request_body_type", "the fallback encoding %q is the same as exchange_request_body_type; use the other one or remove it", s)
		}
	}
}

// urlKeys are the URL-valued keys that must use https.
var urlKeys = [][]string{
	{"base_url"},
	{"oauth2", "config", "step1_authorize_url"},
	{"oauth2", "config", "step3_access_url"},
	{"oauth2", "config", "token_refresh_url"},
	{"oauth2", "config", "revoke_url"},
	{"oauth2", "config", "device_authorization_url"},
	{"oauth2", "config", "revoke", "url"},
	{"oauth2", "config", "userinfo", "url"},
	{"test_request", "url"},
}

// checkURLs checks that endpoints use https (http only for the loopback host).
func (d *document) checkURLs() {
	for _, keys := range urlKeys {
		n := d.root.path(keys...)
		s, ok := n.text()
		if !ok {
			continue
		}
		if msg := checkURL(s); msg != "" {
			d.errValue(n, pointerJoin("", keys...), "%s", msg)
		}
	}
}

// checkURL checks the literal beginning of a URL template: its scheme must be https,
// or http with a loopback host. A URL whose scheme or host comes from a template
// expression is checked as far as it is literal. It returns "" when the URL is fine.
func checkURL(s string) string {
	if s == "" || strings.HasPrefix(s, "{{") || strings.HasPrefix(s, "{%") {
		return "" // the whole URL comes from a template
	}
	lit := s
	if i := strings.IndexByte(s, '{'); i >= 0 {
		lit = s[:i]
	}
	scheme, rest, ok := strings.Cut(lit, "://")
	if !ok {
		if strings.Contains(s, "://") {
			return "" // the scheme comes from a template
		}
		return fmt.Sprintf("%s is not an absolute URL: it must start with https://", strconv.Quote(s))
	}
	switch strings.ToLower(scheme) {
	case "https":
		return ""
	case "http":
	default:
		return fmt.Sprintf("scheme %q is not allowed: use https", scheme)
	}
	host := rest
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	} else if len(lit) < len(s) && !strings.HasSuffix(host, ":") {
		// The host continues into a template expression: it cannot be known here. A
		// template right after "host:" is the port ("http://127.0.0.1:{{ port }}/"):
		// the host is literal, and checked below.
		return "http:// is allowed only for localhost, 127.0.0.1 and [::1], and this host comes from a template; use https"
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	hostname := host
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i >= 0 {
			hostname = host[:i+1]
		}
	} else if i := strings.IndexByte(host, ':'); i >= 0 {
		hostname = host[:i]
	}
	switch strings.ToLower(hostname) {
	case "localhost", "127.0.0.1", "[::1]":
		return ""
	}
	return fmt.Sprintf("uses http:// on the public host %q: use https (http is allowed only for localhost, 127.0.0.1 and [::1])", hostname)
}

// checkTestRequest checks that test_request has exactly one of path and url, and that
// a path has a base_url to be resolved against.
func (d *document) checkTestRequest() {
	tr := d.root.get("test_request")
	if tr == nil || tr.kind != kindObject {
		return
	}
	path, url := tr.get("path"), tr.get("url")
	switch {
	case path != nil && url != nil:
		d.errValue(url, "/test_request/url", "give either \"path\" (line %d) or \"url\", not both", d.line(path.start))
	case path == nil && url == nil:
		d.errValue(tr, "/test_request", "needs \"path\" (resolved against base_url) or \"url\"")
	case path != nil && d.root.get("base_url") == nil:
		d.errValue(path, "/test_request/path", "a path needs \"base_url\" to be resolved against; set base_url or use \"url\"")
	}
	if body := tr.get("body"); body != nil {
		method, _ := tr.get("method").text()
		if m := strings.ToUpper(method); m == "" || m == "GET" || m == "HEAD" {
			d.errValue(body, "/test_request/body", "a body needs a method that sends one: set \"method\" to \"POST\" (GraphQL), \"PUT\" or \"PATCH\"")
		}
	}
}
