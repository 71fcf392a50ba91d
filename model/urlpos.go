package model

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/schema"
)

// URLUse says what a URL template of a connector is for, and so which credentials a
// request to it carries.
type URLUse string

// The URL templates of a connector.
const (
	UseAuthorize   URLUse = "authorize"    // step1_authorize_url: the browser goes there with the client id
	UseToken       URLUse = "token"        // step3_access_url: client secret, code, PKCE verifier (and the refresh token without token_refresh_url)
	UseRefresh     URLUse = "refresh"      // token_refresh_url: client secret, refresh token
	UseDevice      URLUse = "device"       // device_authorization_url: client id (and secret as client_auth says)
	UseRevoke      URLUse = "revoke"       // revoke_url: client secret, the token revoked
	UseUserinfo    URLUse = "userinfo"     // userinfo.url: the access token
	UseBaseURL     URLUse = "base_url"     // base_url: API calls, the access token
	UseTestRequest URLUse = "test_request" // test_request: the access token
)

// URLTemplate is one URL template of a connector and what it is for.
type URLTemplate struct {
	Use URLUse
	T   *Template // T.URL is its analysis
}

// URLTemplates returns the connector's URL templates in the order of URLUse's
// constants, leaving out those it does not have.
func (c *Connector) URLTemplates() []URLTemplate {
	var out []URLTemplate
	add := func(u URLUse, t *Template) {
		if t != nil && t.URL != nil {
			out = append(out, URLTemplate{u, t})
		}
	}
	add(UseAuthorize, c.AuthorizeURL)
	add(UseToken, c.TokenURL)
	add(UseRefresh, c.RefreshURL)
	add(UseDevice, c.DeviceAuthURL)
	add(UseRevoke, c.RevokeURL)
	if c.Userinfo != nil {
		add(UseUserinfo, c.Userinfo.URL)
	}
	add(UseBaseURL, c.BaseURL)
	if c.TestRequest != nil {
		add(UseTestRequest, c.TestRequest.URL)
	}
	return out
}

// ValueRef is a value of a URL template: the variable an output reads and where.
type ValueRef struct {
	Name   string // template variable: "shop", "callback.accounts_server", "credentials.api_domain"
	Offset int    // byte offset of the variable in the template source (for line:col)
	// Source says where the value comes from: "end user" (an auth_form field),
	// "callback" (callback.*), "metadata" (credentials.*: a token response or userinfo
	// value) or "client" (client_id, redirect_url).
	Source string
}

// URLHost is what the literal text of one URL template says about the hosts it can
// render: the host patterns derived from it, and the values that make up a host.
type URLHost struct {
	Use     URLUse
	Pointer string // JSON pointer of the template in the connector file
	// Patterns are the host patterns derived from the template, sorted and distinct, in
	// the syntax of allowed_hosts: an exact lower-case host ("api.sandbox.ebay.com"),
	// or "*." and a host when a value is (within) the first label
	// ("{{ shop }}.myshopify.com" gives "*.myshopify.com"). Literal ports are dropped.
	Patterns []string
	// Whole are the values that are, in some rendering, the whole host
	// ("https://{{ domain }}/x") or the whole origin ("{{ callback.accounts_server }}/x"):
	// nothing is derived from them, so the hosts must be declared (or the connector
	// end_user_hosted).
	Whole []ValueRef
	// Labels are the values that are one DNS label of the host.
	Labels []ValueRef
	// Underived says some rendering's host gives no pattern although no value is the
	// whole host: a value in a label other than the first ("api.{{ region }}.x.com").
	Underived bool
}

// URLHosts returns, for each URL template of the connector (URLTemplates' order),
// the host patterns derived from it and the values that are a whole host or origin.
// Those with a Whole value whose Source is "end user", "callback" or "metadata" are
// the templates that send credentials to a host a value alone decides.
func (c *Connector) URLHosts() []URLHost {
	var out []URLHost
	for _, ut := range c.URLTemplates() {
		t, a := ut.T, ut.T.URL
		h := URLHost{Use: ut.Use, Pointer: t.Pointer}
		for _, o := range outputs(t.T.Nodes) {
			name, ok := o.X.(*jinja.Name)
			if !ok {
				continue
			}
			ref := ValueRef{Name: name.Name, Offset: name.Offset, Source: valueSource(name.Name)}
			switch a.Contexts[o] {
			case jinja.URLOrigin, jinja.URLHost:
				h.Whole = append(h.Whole, ref)
			case jinja.URLLabel:
				h.Labels = append(h.Labels, ref)
			}
		}
		for _, host := range a.Hosts {
			p, whole, ok := hostPattern(host)
			switch {
			case ok:
				h.Patterns = append(h.Patterns, p)
			case !whole:
				h.Underived = true
			}
		}
		slices.Sort(h.Patterns)
		h.Patterns = slices.Compact(h.Patterns)
		out = append(out, h)
	}
	return out
}

// CarriesCredentials reports whether a request to a URL of this use carries a
// credential: the client secret, a code or verifier, a refresh or an access token.
// Only the authorize URL, which the browser visits with the client id, does not.
func (u URLUse) CarriesCredentials() bool { return u != UseAuthorize }

// ValueHost is a credential-carrying URL template whose host, in some rendering, is
// entirely a value from outside the connector: an end user's, a callback's or a
// token response's.
type ValueHost struct {
	URLHost
	Value ValueRef // the value that is the whole host or origin
}

// ValueHosts returns the connector's ValueHosts in URLHosts' order: the templates that
// would send a credential wherever a value says, unless the connector declares its
// hosts or is end-user hosted. Client values (client_id, redirect_url) are the
// platform's own and are not listed.
func (c *Connector) ValueHosts() []ValueHost {
	var out []ValueHost
	for _, h := range c.URLHosts() {
		if !h.Use.CarriesCredentials() {
			continue
		}
		for _, v := range h.Whole {
			if v.Source != "client" {
				out = append(out, ValueHost{URLHost: h, Value: v})
			}
		}
	}
	return out
}

// hostPattern derives the pattern of a host of jinja's URLAnalysis.Hosts ("{{shop}}.myshopify.com");
// whole says the host is one value.
func hostPattern(host string) (pattern string, whole, ok bool) {
	host = placeholders.ReplaceAllString(host, "\x00") // a value; its name may have dots
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:] // literal userinfo
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i] // a literal port
	}
	if host == "\x00" {
		return "", true, false
	}
	if !strings.Contains(host, "\x00") {
		return strings.ToLower(host), false, true
	}
	_, rest, dotted := strings.Cut(host, ".")
	if !dotted || rest == "" || strings.Contains(rest, "\x00") {
		return "", false, false
	}
	return "*." + strings.ToLower(rest), false, true
}

var placeholders = regexp.MustCompile(`\{\{[^}]*\}\}`)

func valueSource(name string) string {
	switch {
	case strings.HasPrefix(name, PrefixCallback):
		return "callback"
	case strings.HasPrefix(name, PrefixCreds):
		return "metadata"
	case name == VarClientID || name == VarRedirectURL || name == VarState:
		return "client"
	}
	return "end user"
}

// outputs returns the outputs of nodes in source order.
func outputs(nodes []jinja.Node) []*jinja.Output {
	var out []*jinja.Output
	for _, n := range nodes {
		switch n := n.(type) {
		case *jinja.Output:
			out = append(out, n)
		case *jinja.If:
			for _, b := range n.Branches {
				out = append(out, outputs(b.Body)...)
			}
			out = append(out, outputs(n.Else)...)
		}
	}
	return out
}

// ValueContexts returns the contexts in which the connector's URL templates put the
// value of variable name ("callback.accounts_server"), in URLContext order, each once.
func (c *Connector) ValueContexts(name string) []jinja.URLContext {
	var out []jinja.URLContext
	for _, ut := range c.URLTemplates() {
		for o, ctx := range ut.T.URL.Contexts {
			if OutputName(o) == name && !slices.Contains(out, ctx) {
				out = append(out, ctx)
			}
		}
	}
	slices.Sort(out)
	return out
}

// URLCheck is a constraint on an auth_form value decided by where a URL template puts
// it: a value that is a host label must be one DNS label ("field shop is used as a
// host label"). New checks it, in generated and dynamic clients alike, before any URL
// is rendered.
type URLCheck struct {
	Param   *Param
	Context jinja.URLContext // URLOrigin, URLHost, URLLabel or URLPath
	Pointer string           // the first template that puts it there
}

// URLChecks returns the URL constraints on the connector's auth_form values, in
// Params order and, for one value, in URLContext order; each (value, context) once.
// Query and fragment values need none: escaping makes every value safe there.
func (c *Connector) URLChecks() []URLCheck {
	found := map[string]map[jinja.URLContext]string{}
	for _, ut := range c.URLTemplates() {
		for o, ctx := range ut.T.URL.Contexts {
			name, ok := o.X.(*jinja.Name)
			if !ok || ctx == jinja.URLQuery || ctx == jinja.URLFragment {
				continue
			}
			if found[name.Name] == nil {
				found[name.Name] = map[jinja.URLContext]string{}
			}
			if _, seen := found[name.Name][ctx]; !seen {
				found[name.Name][ctx] = ut.T.Pointer
			}
		}
	}
	var out []URLCheck
	for _, p := range c.Params {
		for ctx := jinja.URLOrigin; ctx <= jinja.URLPath; ctx++ {
			if ptr, ok := found[p.Name][ctx]; ok {
				out = append(out, URLCheck{Param: p, Context: ctx, Pointer: ptr})
			}
		}
	}
	return out
}

// Part is the runtime.URLPart of the check's context, which New checks with
// runtime.ValidURLValue.
func (k URLCheck) Part() runtime.URLPart { return urlParts[k.Context].part }

// Valid reports whether value passes the check. An empty value is not checked: it
// means the optional value is not given.
func (k URLCheck) Valid(value string) bool {
	return value == "" || runtime.ValidURLValue(k.Part(), value)
}

// checkEnums refuses a select value that its URL positions would refuse: the
// connector's own literal values must fit where its templates put them.
func (r *resolver) checkEnums() {
	for _, k := range r.m.URLChecks() {
		for _, e := range k.Param.Enum {
			if !k.Valid(e.Value) {
				r.fail(k.Pointer, "the select value %q of %s is not %s, as its place in this URL needs", e.Value, k.Param.Name, k.Part().Want())
			}
		}
	}
}

// URLPart returns the runtime.URLPart whose check a value in context ctx gets
// (runtime.EscapeURL), and the name of its constant for generated code
// ("PartLabel"); 0 and "" for the query and the fragment, where the value is
// url.QueryEscape'd instead. Generated code and the interpreter (escape) both read
// this one table.
func URLPart(ctx jinja.URLContext) (runtime.URLPart, string) {
	p := urlParts[ctx]
	return p.part, p.name
}

var urlParts = map[jinja.URLContext]struct {
	part runtime.URLPart
	name string
}{
	jinja.URLOrigin: {runtime.PartOrigin, "PartOrigin"},
	jinja.URLHost:   {runtime.PartHost, "PartHost"},
	jinja.URLLabel:  {runtime.PartLabel, "PartLabel"},
	jinja.URLPath:   {runtime.PartSegment, "PartSegment"},
}

// OutputName is the name a value's escaper reports: the variable of a {{ name }}
// output, "" for another expression (only allowed where escaping never refuses).
func OutputName(o *jinja.Output) string {
	if n, ok := o.X.(*jinja.Name); ok {
		return n.Name
	}
	return ""
}

// CheckedAtCallTime reports whether the value of output o is known only during a flow
// (callback.*, credentials.*, state), so that its escaper records a refusal in the
// flow's runtime.Vars; other values were checked by New, and their escaper gets nil.
func CheckedAtCallTime(o *jinja.Output) bool { return runtimeVar(OutputName(o)) }

// escape returns the escaper of template t's outputs for the interpreter, nil when
// t is not a URL template; refused values are recorded in v (nil: checked by New).
func escape(t *Template, v *runtime.Vars) func(*jinja.Output, string) string {
	if t == nil || t.URL == nil {
		return nil
	}
	return func(o *jinja.Output, s string) string {
		part, _ := URLPart(t.URL.Contexts[o])
		if part == 0 {
			return url.QueryEscape(s)
		}
		if !CheckedAtCallTime(o) {
			return runtime.EscapeURL(nil, part, OutputName(o), s)
		}
		return runtime.EscapeURL(v, part, OutputName(o), s)
	}
}

// Message is the error (after "<package>: ") when value fails the check: "shop is
// used as a host label: \"evil.example/x?\" is not a DNS label". A password value is
// never shown.
func (k URLCheck) Message(value string) string {
	shown := fmt.Sprintf("%q", value)
	if k.Param.Field.Type == "password" {
		shown = "the value"
	}
	return fmt.Sprintf("%s is used as %s in %s: %s is not %s", k.Param.Name, article(k.Context), k.Pointer, shown, k.Part().Want())
}

// Format is Message as a fmt format whose one verb (%q) is the value; no verb for a
// password field. Generated New prints it with fmt.Errorf.
func (k URLCheck) Format() string {
	if k.Param.Field.Type == "password" {
		return strings.ReplaceAll(k.Message(""), "%", "%%")
	}
	m := k.Message("\x00")
	return strings.Replace(strings.ReplaceAll(m, "%", "%%"), `"\x00"`, "%q", 1)
}

func article(ctx jinja.URLContext) string {
	if ctx == jinja.URLOrigin {
		return "an origin"
	}
	return "a " + ctx.String()
}

// runtimeParams are the query parameters the runtime adds to the authorize URL
// itself; a URL template's literal query may not have them (the runtime's win).
var runtimeParams = []string{"client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "response_type"}

// urlTmpl parses a URL template at ptr and analyses it (jinja's URL).
func (r *resolver) urlTmpl(ptr string, place schema.TemplatePlace, src string) *Template {
	t := r.tmpl(ptr, place, src)
	if t == nil {
		return nil
	}
	a, err := t.T.URL()
	if err != nil {
		r.report(templateError(ptr, t.T, place, t.Scope, err))
		return nil
	}
	t.URL = a
	return t
}

// authorizeQuery refuses an authorize URL whose literal query has a parameter the
// runtime sets itself: the runtime's value wins, so the literal one would be sent
// twice (and a provider may read either).
func (r *resolver) authorizeQuery() {
	t := r.m.AuthorizeURL
	if t == nil || t.URL == nil {
		return
	}
	for _, k := range t.URL.QueryKeys {
		if slices.Contains(runtimeParams, k) {
			r.fail(t.Pointer, "the query parameter %s is set by the runtime; remove it from the URL (extra_authorization_url sets provider parameters)", k)
		}
	}
}
