package model

import (
	"strings"

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
	return e.Pointer + ": template: " + (&jinja.Error{Offset: e.Offset, Msg: e.Msg}).Error()
}

// parseTemplate parses src, checks it against scope and classifies it.
func parseTemplate(ptr string, place schema.TemplatePlace, src string, scope jinja.Scope) (*Template, error) {
	t, err := jinja.Parse(src)
	if err != nil {
		return nil, templateError(ptr, err)
	}
	if errs := t.Check(scope); len(errs) > 0 {
		return nil, templateError(ptr, errs[0])
	}
	m := &Template{Pointer: ptr, Place: place, T: t, Scope: scope}
	names := t.Names()
	switch {
	case len(names) == 0:
		m.Class = Const
		s, err := t.Render(nil)
		if err != nil {
			return nil, templateError(ptr, err)
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

func templateError(ptr string, err error) error {
	if je, ok := err.(*jinja.Error); ok {
		return &TemplateError{Pointer: ptr, Offset: je.Offset, Msg: je.Msg}
	}
	return &TemplateError{Pointer: ptr, Msg: err.Error()}
}

// Scope returns the variables templates may read at place in connector c: every
// auth_form field; client_id; redirect_url; state in the authorize URL; callback.<name>
// for callback_params and credentials.<name> for token_metadata and userinfo metadata
// where a token may exist (token requests, which include refresh and revocation, and
// API calls; undefined before the exchange); token and token_format in the header
// block.
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
	if place == schema.PlaceHeader {
		add(jinja.Var{Name: VarToken, Kind: jinja.String, AlwaysDefined: true})
		add(jinja.Var{Name: VarTokenFormat, Kind: jinja.String, AlwaysDefined: true})
	}
	return s
}
