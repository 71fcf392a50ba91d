package model

import (
	"fmt"
	"strings"

	"github.com/oauthgen/oauthgen/internal/suggest"
	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/schema"
)

// Class says when a template's value is known.
type Class uint8

// The template classes.
const (
	// Const: the template reads no variable; its value is Template.Const.
	Const Class = iota
	// Fixed: the template reads only auth_form values, client_id and redirect_url: its
	// value is fixed once the client is built.
	Fixed
	// Runtime: the template reads a value known only during a flow (state, callback.*,
	// credentials.*, token, token_format): it becomes a runtime.Func over runtime.Vars.
	Runtime
)

// Template is a parsed and checked template of a connector.
type Template struct {
	Pointer string               // JSON pointer of the value in the connector file
	Place   schema.TemplatePlace // decides the variables it may read
	T       *jinja.Template
	Scope   jinja.Scope // the variables defined at its place
	Class   Class
	// Const is the rendered value of a Const template.
	Const string
	// URL is the analysis of a URL template (jinja's URL: the context of each output,
	// which decides its escaping); nil for a template that is not a URL.
	URL *jinja.URLAnalysis
}

// Source returns the template's text.
func (t *Template) Source() string { return t.T.Source() }

// Names returns the sorted names of the variables the template reads.
func (t *Template) Names() []string { return t.T.Names() }

// ReadsClient reports whether the template reads auth_form values, client_id or
// redirect_url (values the client is built with).
func (t *Template) ReadsClient() bool {
	for _, n := range t.Names() {
		if !runtimeVar(n) {
			return true
		}
	}
	return false
}

// runtimeVar reports whether a variable is known only during a flow.
func runtimeVar(name string) bool {
	return name == VarState || name == VarToken || name == VarTokenFormat ||
		strings.HasPrefix(name, PrefixCallback) || strings.HasPrefix(name, PrefixCreds)
}

// TemplateError is a template that does not parse or does not check at its place.
type TemplateError struct {
	Pointer string // JSON pointer of the template in the connector file
	Offset  int    // byte offset inside the template
	Msg     string
}

// Error returns "pointer: offset N: message".
func (e *TemplateError) Error() string {
	return schema.Printable(e.Pointer) + ": template: " + (&jinja.Error{Offset: e.Offset, Msg: e.Msg}).Error()
}

// TemplateDocs is the document that says what templates may do and read; every
// template problem refers to it.
const TemplateDocs = "https://github.com/oauthgen/oauthgen/blob/main/docs/templates.md"

// templateMsg is the message of a template problem: jinja's, with what to do when it
// is about a variable its place does not define, and where templates are described.
// t is nil for a template that does not parse.
func templateMsg(t *jinja.Template, place schema.TemplatePlace, scope jinja.Scope, je *jinja.Error) string {
	msg := "template: " + je.Msg
	if t != nil {
		if h := unknownHint(t, place, scope, je.Offset); h != "" {
			msg += "; " + h
		}
	}
	return msg + " (see " + TemplateDocs + ")"
}

// unknownHint says how to define the variable that starts at offset off of t when
// the template reads it and its place does not define it, and returns "" otherwise.
func unknownHint(t *jinja.Template, place schema.TemplatePlace, scope jinja.Scope, off int) string {
	src := t.Source()
	if off < 0 || off > len(src) {
		return ""
	}
	end := off
	for end < len(src) && (isNameByte(src[end]) || src[end] == '.') {
		end++
	}
	name := src[off:end]
	if name == "" || !contains(t.Names(), name) {
		return ""
	}
	if _, ok := scope.Lookup(name); ok {
		return ""
	}
	afterCallback := place != schema.PlaceAuthorize
	switch short, ok := strings.CutPrefix(name, PrefixCreds); {
	case ok && !afterCallback:
		return "credentials.* values come from the token response, which the authorize URL precedes"
	case ok:
		return fmt.Sprintf("to read %q from the token response, add it to oauth2.config.token_metadata (or userinfo.metadata) with the path of its value", short)
	}
	switch short, ok := strings.CutPrefix(name, PrefixCallback); {
	case ok && !afterCallback:
		return "callback.* values come from the callback, which the authorize URL precedes"
	case ok:
		return fmt.Sprintf("to read the callback's query parameter %q, add it to oauth2.config.callback_params", short)
	}
	switch name {
	case VarState:
		return "state is defined only in the authorize URL"
	case VarToken, VarTokenFormat:
		return name + " is defined only in header.token_format and header.token_prefix"
	}
	names := make([]string, len(scope))
	for i, v := range scope {
		names[i] = v.Name
	}
	if !strings.Contains(name, ".") && suggest.Closest(name, names) == "" {
		// A name close to a defined one is a misspelling, which jinja's "did you
		// mean" covers.
		return fmt.Sprintf("for a value the end user gives, add an oauth2.auth_form field named %q", name)
	}
	return ""
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// parseTemplate parses src, checks it against scope and classifies it.
func parseTemplate(ptr string, place schema.TemplatePlace, src string, scope jinja.Scope) (*Template, error) {
	t, err := jinja.Parse(src)
	if err != nil {
		return nil, templateError(ptr, nil, place, scope, err)
	}
	if errs := t.Check(scope); len(errs) > 0 {
		return nil, templateError(ptr, t, place, scope, errs[0])
	}
	m := &Template{Pointer: ptr, Place: place, T: t, Scope: scope}
	names := t.Names()
	switch {
	case len(names) == 0:
		m.Class = Const
		s, err := t.Render(nil)
		if err != nil {
			return nil, templateError(ptr, t, place, scope, err)
		}
		m.Const = s
	default:
		m.Class = Fixed
		for _, n := range names {
			if runtimeVar(n) {
				m.Class = Runtime
			}
		}
	}
	return m, nil
}

// templateError is the TemplateError of err, a problem of the template at ptr (t, nil
// when it does not parse).
func templateError(ptr string, t *jinja.Template, place schema.TemplatePlace, scope jinja.Scope, err error) error {
	je, ok := err.(*jinja.Error)
	if !ok {
		je = &jinja.Error{Msg: err.Error()}
	}
	return &TemplateError{Pointer: ptr, Offset: je.Offset, Msg: strings.TrimPrefix(templateMsg(t, place, scope, je), "template: ")}
}

// Scope returns the variables templates may read at place in connector c: every
// auth_form field; client_id; redirect_url; state in the authorize URL; callback.<name>
// for callback_params and credentials.<name> for token_metadata and userinfo metadata
// where a token may exist (token requests, which include refresh and revocation, and
// API calls; undefined before the exchange); token and token_format in the header
// block; token (the token revoked) in the parameters of a revocation.
func Scope(c *schema.Connector, place schema.TemplatePlace) (jinja.Scope, error) {
	params, err := resolveParams(c)
	if err != nil {
		return nil, err
	}
	return scope(c, params, place), nil
}

func scope(c *schema.Connector, params []*Param, place schema.TemplatePlace) jinja.Scope {
	var s jinja.Scope
	seen := map[string]bool{}
	add := func(v jinja.Var) {
		if !seen[v.Name] {
			seen[v.Name] = true
			s = append(s, v)
		}
	}
	for _, p := range params {
		add(p.Var())
	}
	add(jinja.Var{Name: VarClientID, Kind: jinja.String, AlwaysDefined: true})
	add(jinja.Var{Name: VarRedirectURL, Kind: jinja.String})
	if place == schema.PlaceAuthorize {
		add(jinja.Var{Name: VarState, Kind: jinja.String})
		return s
	}
	for _, f := range callbackFields(c.OAuth2.Config.CallbackParams) {
		add(jinja.Var{Name: PrefixCallback + f.Name, Kind: jinja.String})
	}
	for _, name := range sortedKeys(c.OAuth2.Config.TokenMetadata) {
		add(jinja.Var{Name: PrefixCreds + name, Kind: jinja.String})
	}
	if ui := c.OAuth2.Config.Userinfo; ui != nil {
		for _, name := range sortedKeys(ui.Metadata) {
			add(jinja.Var{Name: PrefixCreds + name, Kind: jinja.String})
		}
	}
	switch place {
	case schema.PlaceHeader:
		add(jinja.Var{Name: VarToken, Kind: jinja.String, AlwaysDefined: true})
		add(jinja.Var{Name: VarTokenFormat, Kind: jinja.String, AlwaysDefined: true})
	case schema.PlaceRevoke:
		add(jinja.Var{Name: VarToken, Kind: jinja.String, AlwaysDefined: true})
	}
	return s
}
