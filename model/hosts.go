package model

import (
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/schema"
)

// The host sets of a connector (issue 13). A credential goes only to the hosts of its
// class: the client secret, the code, the PKCE verifier and the refresh token to the
// token hosts (token, refresh and revoke endpoints, and allowed_hosts); the access
// token to the API hosts (base_url, test_request, userinfo, the revoke endpoint, and
// api_hosts). Each set is derived from the URL templates where their text says the
// host: a literal host is itself, a value that is one label of the host
// ({{ shop }}.myshopify.com) is "*." and the rest, a select value is each of its
// values, each branch of an {% if %} is one more host. A host that is entirely a value
// (https://{{ domain }}/, {{ callback.accounts_server }}/token) derives nothing: the
// connector declares the hosts it may be, or says the end user hosts the provider.

// maxHostAlternatives bounds the hosts one template is expanded into (branches times
// select values); a template with more derives nothing and must declare its hosts.
const maxHostAlternatives = 256

// HostDerivation is what a URL template's host may be, as far as its text says, for
// the host sets (HostOf). It differs from URLHosts (urlpos.go) in expanding select
// values into their enum values, so that a value in a later label that is a select
// ({{ organization }}.{{ region }}.dynamics.com) still derives patterns.
type HostDerivation struct {
	// Patterns are the derived host patterns: exact host names, and "*." followed
	// by a host name for a value that is one label.
	Patterns []string
	// Value, when not nil, is a value whose rendering is the whole host (or the
	// whole origin, scheme included) in some branch, or a part of the host no
	// pattern can say: such a host is not confined by the template.
	Value *HostValue
}

// HostValue is a template output that decides a host on its own.
type HostValue struct {
	Name   string // the variable it reads ("domain", "callback.accounts_server")
	Offset int    // byte offset of its "{{" in the template
	Source string // the output's text, "{{ domain }}"
	// Origin: the value is the whole origin (scheme and host), as in
	// "{{ credentials.api_domain }}/crm/v6/".
	Origin bool
}

// piece is a part of one rendering of a template: literal text, or a value.
type piece struct {
	lit string
	val *jinja.Output
}

// HostOf derives what the host of URL template t may be. Select values of params
// (by template name) are expanded into their enum values.
func HostOf(t *Template, params []*Param) HostDerivation {
	enums := map[string][]string{}
	for _, p := range params {
		if p.Kind == jinja.Select {
			for _, e := range p.Enum {
				enums[p.Name] = append(enums[p.Name], e.Value)
			}
		}
	}
	alts, ok := expand(t.T.Nodes, enums, [][]piece{nil})
	var out HostDerivation
	if !ok {
		out.Value = &HostValue{Name: firstName(t), Source: t.Source()}
		return out
	}
	for _, a := range alts {
		pat, v := hostOfPieces(a, t.Source())
		if v != nil {
			if out.Value == nil {
				out.Value = v
			}
			continue
		}
		if pat != "" && !slices.Contains(out.Patterns, pat) {
			out.Patterns = append(out.Patterns, pat)
		}
	}
	slices.Sort(out.Patterns)
	return out
}

// expand returns every rendering of nodes after each of in, as pieces; false when
// there would be more than maxHostAlternatives.
func expand(nodes []jinja.Node, enums map[string][]string, in [][]piece) ([][]piece, bool) {
	alts := in
	for _, n := range nodes {
		switch n := n.(type) {
		case *jinja.Text:
			alts = appendAll(alts, piece{lit: n.Text})
		case *jinja.Output:
			if lit, ok := n.X.(*jinja.Literal); ok {
				if s, ok := lit.Value.(string); ok {
					alts = appendAll(alts, piece{lit: s})
					continue
				}
			}
			if name, ok := n.X.(*jinja.Name); ok && len(enums[name.Name]) > 0 {
				var next [][]piece
				for _, v := range enums[name.Name] {
					next = append(next, appendAll(alts, piece{lit: v})...)
				}
				alts = next
				break
			}
			alts = appendAll(alts, piece{val: n})
		case *jinja.If:
			var next [][]piece
			for _, b := range n.Branches {
				got, ok := expand(b.Body, enums, alts)
				if !ok {
					return nil, false
				}
				next = append(next, got...)
			}
			got, ok := expand(n.Else, enums, alts)
			if !ok {
				return nil, false
			}
			alts = append(next, got...)
		}
		if len(alts) > maxHostAlternatives {
			return nil, false
		}
	}
	return alts, true
}

// appendAll returns a copy of alts with p appended to each.
func appendAll(alts [][]piece, p piece) [][]piece {
	out := make([][]piece, len(alts))
	for i, a := range alts {
		out[i] = append(slices.Clip(a), p)
	}
	return out
}

// hostOfPieces returns the host pattern of one rendering, or the value that decides
// the host on its own.
func hostOfPieces(ps []piece, src string) (string, *HostValue) {
	const mark = "\x00" // stands for a value inside the host
	var host strings.Builder
	var first *jinja.Output
	inHost := false
loop:
	for _, p := range ps {
		if p.val != nil {
			if !inHost {
				return "", hostValue(p.val, src, true)
			}
			if first == nil {
				first = p.val
			}
			host.WriteString(mark)
			continue
		}
		s := p.lit
		if !inHost {
			i := strings.Index(s, "://")
			if i < 0 {
				continue // a scheme being spelled, or no URL at all
			}
			inHost, s = true, s[i+3:]
		}
		if i := strings.IndexAny(s, "/?#"); i >= 0 {
			host.WriteString(s[:i])
			break loop
		}
		host.WriteString(s)
	}
	h := host.String()
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:] // userinfo is not the host
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i] // a port, literal or a value, is not part of a host pattern
	}
	if !strings.Contains(h, mark) { // no value in the host itself (one may be in the port)
		return strings.ToLower(strings.Trim(h, "[]")), nil
	}
	labels := strings.Split(h, ".")
	for _, l := range labels[1:] {
		if strings.Contains(l, mark) {
			return "", hostValue(first, src, false)
		}
	}
	if len(labels) < 2 {
		return "", hostValue(first, src, false) // the host is the value
	}
	return "*." + strings.ToLower(strings.Join(labels[1:], ".")), nil
}

func hostValue(o *jinja.Output, src string, origin bool) *HostValue {
	v := &HostValue{Offset: o.Offset, Origin: origin, Name: exprName(o.X)}
	end := strings.Index(src[o.Offset:], "}}")
	if end < 0 {
		v.Source = src[o.Offset:]
	} else {
		v.Source = src[o.Offset : o.Offset+end+2]
	}
	return v
}

// exprName returns the first variable an expression reads.
func exprName(e jinja.Expr) string {
	switch e := e.(type) {
	case *jinja.Name:
		return e.Name
	case *jinja.Not:
		return exprName(e.X)
	case *jinja.Binary:
		if n := exprName(e.X); n != "" {
			return n
		}
		return exprName(e.Y)
	case *jinja.Test:
		return exprName(e.X)
	case *jinja.Filter:
		return exprName(e.X)
	}
	return ""
}

func firstName(t *Template) string {
	if ns := t.Names(); len(ns) > 0 {
		return ns[0]
	}
	return ""
}

// CredentialURL is one URL template of a connector that carries a credential.
type CredentialURL struct {
	What     string    // "the token URL"
	Template *Template // never nil
	Token    bool      // it receives the client secret, the code, the verifier or the refresh token
	API      bool      // it receives the access token
}

// CredentialURLs lists the connector's URL templates that carry credentials, in a
// fixed order: token, refresh and revoke endpoints, userinfo, base URL, test request.
func (c *Connector) CredentialURLs() []CredentialURL {
	var out []CredentialURL
	add := func(what string, t *Template, token, api bool) {
		if t != nil {
			out = append(out, CredentialURL{What: what, Template: t, Token: token, API: api})
		}
	}
	add("the token URL", c.TokenURL, true, false)
	add("the refresh URL", c.RefreshURL, true, false)
	add("the revocation URL", c.RevokeURL, true, true)
	add("the device authorization URL", c.DeviceAuthURL, true, false)
	if c.Userinfo != nil {
		add("the userinfo URL", c.Userinfo.URL, false, true)
	}
	add("the base URL", c.BaseURL, false, true)
	if c.TestRequest != nil {
		add("the test request URL", c.TestRequest.URL, false, true)
	}
	return out
}

// hosts derives the connector's host sets (TokenHosts, APIHosts, UserHost,
// HostValues) and returns the unconfined URLs: those whose host may be entirely a
// value while nothing confines it.
func (c *Connector) hosts() []Unconfined {
	src := c.Source
	c.EndUserHosted = src.EndUserHosted
	token := slices.Clone(src.OAuth2.Config.AllowedHosts)
	api := slices.Clone(src.APIHosts)
	var bad []Unconfined
	for _, u := range c.CredentialURLs() {
		h := HostOf(u.Template, c.Params)
		if u.Token {
			token = append(token, h.Patterns...)
		}
		if u.API {
			api = append(api, h.Patterns...)
		}
		v := h.Value
		if v == nil {
			continue
		}
		// Values kept with a token are checked against the API hosts when they arrive;
		// the revocation URL, which also takes the client's credentials, is checked
		// against the token hosts when it is sent (and its value is the token URL's).
		if u.API && !u.Token && (strings.HasPrefix(v.Name, PrefixCallback) || strings.HasPrefix(v.Name, PrefixCreds)) && !slices.Contains(c.HostValues, v.Name) {
			c.HostValues = append(c.HostValues, v.Name)
		}
		if c.EndUserHosted && c.UserHost == nil && u.Template.Class == Fixed && !runtimeVar(v.Name) {
			if t, err := parseTemplate(u.Template.Pointer, u.Template.Place, v.Source, u.Template.Scope); err == nil {
				c.UserHost = t
			}
		}
		declared := (u.Token && len(src.OAuth2.Config.AllowedHosts) > 0) || (!u.Token && len(src.APIHosts) > 0)
		// Only the end user's own values may name an end user's host: a callback or a
		// response value is chosen by whoever sends it, end_user_hosted or not.
		if !declared && (!c.EndUserHosted || runtimeVar(v.Name)) {
			bad = append(bad, Unconfined{URL: u, Value: *v})
		}
	}
	c.TokenHosts = sortedUnique(token)
	c.APIHosts = sortedUnique(api)
	slices.Sort(c.HostValues)
	return bad
}

func sortedUnique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// Unconfined is a credential-carrying URL whose host may be entirely a value that
// nothing confines: no declared hosts, and the provider is not end_user_hosted or the
// value is a callback or response value (which end_user_hosted does not confine).
type Unconfined struct {
	URL   CredentialURL
	Value HostValue
}

// Message says what could leak where, and the two ways out.
func (u Unconfined) Message() string {
	var what, leak, key string
	switch name := u.Value.Name; {
	case strings.HasPrefix(name, PrefixCallback):
		what = "the callback value " + name + " (anyone can edit a callback)"
	case strings.HasPrefix(name, PrefixCreds):
		what = "the provider's response value " + name
	default:
		what = "the end user's value " + name
	}
	part := "host"
	if u.Value.Origin {
		part = "origin"
	}
	if u.URL.Token {
		leak, key = "the client secret, the code, the PKCE verifier and the refresh token", "oauth2.config.allowed_hosts"
		if u.URL.API {
			leak += " (and the access token)"
		}
	} else {
		leak, key = "the access token", "api_hosts"
	}
	msg := "the " + part + " of " + u.URL.What + " is entirely " + what + ": whoever chooses it receives " + leak +
		"; declare the hosts it may be in " + key + " (such as \"accounts.example.com\" or \"*.example.com\")"
	if runtimeVar(u.Value.Name) {
		return msg + "; end_user_hosted does not confine it: only an auth_form value may name the end user's host"
	}
	return msg + ", or, if the end user hosts the provider, set end_user_hosted: true (the client credentials are then the end user's own)"
}

// checkHosts reports the host problems of a resolved connector at their place in the
// file: each unconfined URL at its value, and an end_user_hosted connector without
// the end user's client credentials.
func checkHosts(in *schema.Checked, m *Connector, bad []Unconfined) []*schema.Error {
	var out []*schema.Error
	for _, u := range bad {
		placed := false
		for _, ts := range in.Templates {
			if ts.Pointer == u.URL.Template.Pointer && ts.Value == u.URL.Template.Source() {
				out = append(out, ts.ErrorAt(u.Value.Offset, u.Message()))
				placed = true
				break
			}
		}
		if !placed && !strings.HasPrefix(u.URL.Template.Pointer, "/test_request/path") {
			out = append(out, in.ErrorAt(u.URL.Template.Pointer, u.Message()))
		}
	}
	if m.EndUserHosted {
		names := map[string]bool{}
		for _, f := range m.Source.OAuth2.AuthForm {
			names[f.Name] = true
		}
		need := []string{"client_id", "client_secret"}
		if m.ClientAuth == runtime.AuthPrivateKeyJWT || m.ClientAuth == runtime.AuthTLS {
			// No secret to send: a key signs an assertion whose audience is the token
			// endpoint, or a certificate proves the client in TLS; neither can be
			// replayed by the host that receives it.
			need = need[:1]
		}
		for _, n := range need {
			if !names[n] {
				out = append(out, in.ErrorAt("/end_user_hosted", "end_user_hosted needs an auth_form field "+n+": the end user's own application credentials go to the end user's host, never the platform's (a public client declares client_secret with required: false)"))
			}
		}
	}
	return out
}
