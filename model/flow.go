package model

import (
	"encoding/base64"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"github.com/oauthgen/oauthgen/internal/suggest"
	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/runtime"
)

// Values are what a client is built with besides the client secret: the end user's
// auth_form values (as returned by CheckParams), the client id and the redirect URL.
type Values struct {
	Params      map[string]any
	ClientID    string
	RedirectURL string
}

// RequiredMessage is the error (after "<package>: ") when a required value is missing:
// "scope is required".
func (p *Param) RequiredMessage() string { return p.Name + " is required" }

// EnumFormat is the fmt format of the error (after "<package>: ") when a select value is
// outside its enum; its one verb is the value: `environment %q is not one of
// Production, Sandbox`.
func (p *Param) EnumFormat() string {
	var vals []string
	for _, e := range p.Enum {
		vals = append(vals, e.Value)
	}
	return p.Name + " %q is not one of " + strings.Join(vals, ", ")
}

// ClientIDMessage is the error (after "<package>: ") when the client id is empty.
const ClientIDMessage = "the client id is empty"

// ClientSecretMessage is the error (after "<package>: ") when a required client secret
// is empty.
const ClientSecretMessage = "the client secret is empty"

// EndUserCredentialsMessage is the error (after "<package>: ") when the Config of an
// end_user_hosted connector (Connector.EndUserCredentials) has a client id or secret:
// its token endpoint is on a host the end user chose, so the platform's application
// credentials must never be what goes there.
const EndUserCredentialsMessage = "the connector is end_user_hosted: the client id and secret are the end user's own (Params.ClientID, Params.ClientSecret), never Config's, which would send the platform's application credentials to a host the end user chose"

// UserClientIDMessage and UserClientSecretMessage are the errors (after
// "<package>: ") when the end user's own client id, or required client secret, of an
// end_user_hosted connector is missing: those of any required auth_form value.
const (
	UserClientIDMessage     = "client_id is required"
	UserClientSecretMessage = "client_secret is required"
)

// EndUserCredentials reports whether the client id and secret are the end user's
// auth_form values client_id and client_secret and never the Config's: the provider
// is end_user_hosted, so its token endpoint is on a host the end user chose (validate
// requires the fields there). A private key or TLS certificate stays the platform's:
// an assertion is bound to the token endpoint it is made for, and a certificate
// proves the client without being sent.
func (c *Connector) EndUserCredentials() bool { return c.EndUserHosted }

// PrivateKeyMessage is the error (after "<package>: ") when a private_key_jwt
// connector is given no private key.
const PrivateKeyMessage = "the private key is empty (private_key_jwt signs with it)"

// CheckParams checks the end user's auth_form values given by name, as generated New
// does: defaults are applied, a missing required value, a select value outside its
// enum or a value that does not match the field's pattern is an error with the same
// message. Values may be typed (string, int, float64,
// bool) or strings to convert ("42", "true"). The names client_id and client_secret
// are known only where the auth_form declares them (UserClientID, UserClientSecret),
// and are not in the result. The result holds the typed value of
// every defined parameter (string, int or bool); empty optional values are left out.
func (c *Connector) CheckParams(in map[string]any) (map[string]any, error) {
	out, _, err := c.checkParams(in, false)
	return out, err
}

// CheckParamsAllowMissing is CheckParams where a missing required value is no error:
// it is left out of the result and missing names the first one, with CheckParams'
// message. The dynamic client's New uses it: a client without a required value still
// serves Connections, whose Begin checks each end user's values.
func (c *Connector) CheckParamsAllowMissing(in map[string]any) (out map[string]any, missing, err error) {
	return c.checkParams(in, true)
}

func (c *Connector) checkParams(in map[string]any, allowMissing bool) (map[string]any, error, error) {
	out := map[string]any{}
	var missing error
	known := map[string]bool{"client_id": c.UserClientID, "client_secret": c.UserClientSecret}
	checks := c.URLChecks()
	for _, p := range c.Params {
		known[p.Name] = true
		raw, given := in[p.Name]
		var v any
		if given && raw != nil {
			tv, err := typedDefault(p.Kind, raw)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %s: %v", c.Package, p.Name, err)
			}
			v = tv
		}
		// Zero values mean "not given", as for the fields of the generated Params.
		switch x := v.(type) {
		case string:
			if x == "" {
				v = nil
			}
		case int:
			if x == 0 {
				v = nil
			}
		case bool:
			if !x && p.GoType != "*bool" {
				v = nil
			}
		}
		if v == nil && p.Default != nil {
			v = p.Default
		}
		if v == nil && p.Kind == jinja.Bool {
			v = false
		}
		if p.Required && (v == nil || v == false) {
			err := fmt.Errorf("%s: %s", c.Package, p.RequiredMessage())
			if !allowMissing {
				return nil, nil, err
			}
			if missing == nil {
				missing = err
			}
			continue
		}
		if s, ok := v.(string); ok && p.Kind == jinja.Select && !contains(p.Var().Enum, s) {
			return nil, nil, fmt.Errorf("%s: "+p.EnumFormat(), c.Package, s)
		}
		if s, ok := v.(string); ok && p.Pattern != nil && !p.Pattern.MatchString(s) {
			return nil, nil, fmt.Errorf("%s: %s", c.Package, p.PatternMessage())
		}
		if s, ok := v.(string); ok && p.Kind == jinja.String {
			for _, k := range checks {
				if k.Param == p && !k.Valid(s) {
					return nil, nil, fmt.Errorf("%s: %s", c.Package, k.Message(s))
				}
			}
		}
		if v != nil {
			out[p.Name] = v
		}
	}
	for _, name := range sortedKeys(in) {
		if !known[name] {
			return nil, nil, fmt.Errorf("%s: unknown parameter %q%s", c.Package, name, c.paramHint(name))
		}
	}
	return out, missing, nil
}

// paramHint says what an unknown parameter name may have meant: the closest auth_form
// name, else the names there are.
func (c *Connector) paramHint(name string) string {
	var names []string
	for _, p := range c.Params {
		names = append(names, p.Name)
	}
	switch s := suggest.Closest(name, names); {
	case s != "":
		return fmt.Sprintf("; did you mean %q?", s)
	case len(names) == 0:
		return "; the connector has no auth_form fields"
	default:
		return "; the connector's auth_form fields are " + strings.Join(names, ", ")
	}
}

// Flow builds the runtime.Flow of the connector for v with the templates interpreted:
// the flow a generated package builds in New for the same values. It copies Static
// and fills each of Slots; templates that read only v are rendered once, the others
// become runtime.Func over runtime.Vars. v.Params must come from CheckParams.
func (c *Connector) Flow(v Values) *runtime.Flow {
	in := newInterp(v)
	f := *c.Static
	for _, s := range c.Slots {
		var val any
		switch {
		case s.API != nil:
			val = in.apiValue(s.API)
		case s.Text != nil:
			val = in.text(s.Text)
		default:
			val = in.args(s.Args)
		}
		setField(&f, s.Field, val)
	}
	return &f
}

// setField sets the field of f at path ("API.Value") to val. A pointer on the way
// is copied first: f is a copy of Static, whose pointers every client shares.
func setField(f *runtime.Flow, path string, val any) {
	v := reflect.ValueOf(f).Elem()
	parts := strings.Split(path, ".")
	for _, name := range parts[:len(parts)-1] {
		v = v.FieldByName(name)
		if v.Kind() == reflect.Pointer {
			cp := reflect.New(v.Type().Elem())
			cp.Elem().Set(v.Elem())
			v.Set(cp)
			v = cp.Elem()
		}
	}
	v.FieldByName(parts[len(parts)-1]).Set(reflect.ValueOf(val))
}

// Render renders t for the client values v and, for a Runtime template, the flow
// values rv (nil: none). It is what the dynamic client uses for BaseURL and the test
// request; v.Params must come from CheckParams.
func (c *Connector) Render(t *Template, v Values, rv *runtime.Vars) string {
	return newInterp(v).text(t).Render(rv)
}

// interp renders templates with the interpreter.
type interp struct {
	base map[string]any // the values of the client: params, client id, redirect URL
}

func newInterp(v Values) interp {
	base := maps.Clone(v.Params)
	if base == nil {
		base = map[string]any{}
	}
	base[VarClientID] = v.ClientID
	if v.RedirectURL != "" {
		base[VarRedirectURL] = v.RedirectURL
	}
	return interp{base: base}
}

func (in interp) text(t *Template) runtime.Text {
	switch {
	case t == nil:
		return runtime.Text{}
	case t.Class == Const:
		return runtime.String(t.Const)
	case t.Class == Fixed:
		return runtime.String(render(t, in.base, nil))
	}
	return runtime.Func(func(v *runtime.Vars) string { return render(t, in.vars(v), v) })
}

func (in interp) args(args []Arg) []runtime.Arg {
	var out []runtime.Arg
	for _, a := range args {
		out = append(out, runtime.Arg{Key: a.Key, Value: in.text(a.Value)})
	}
	return out
}

// vars returns the template values for v: the client's values and v's.
func (in interp) vars(v *runtime.Vars) map[string]any {
	m := maps.Clone(in.base)
	if v.State != "" {
		m[VarState] = v.State
	}
	m["callback"] = stringMap(v.Callback)
	m["credentials"] = stringMap(v.Credentials)
	m[VarToken] = v.Token
	return m
}

func stringMap(s map[string]string) map[string]any {
	m := make(map[string]any, len(s))
	for k, v := range s {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

// apiValue is the header (or query) value of API calls: token_prefix rendered with
// token_format, itself token_format rendered with token (and base64-encoded when
// Encode).
func (in interp) apiValue(a *APIAuth) runtime.Text {
	return runtime.Func(func(v *runtime.Vars) string {
		m := in.vars(v)
		tf := render(a.Format, m, nil)
		if a.Encode {
			tf = base64.StdEncoding.EncodeToString([]byte(tf))
		}
		m[VarTokenFormat] = tf
		return render(a.Prefix, m, nil)
	})
}

// render renders a checked template, a URL template with each value escaped by its
// context (refused values recorded in v); such a template renders without error
// (jinja's Check guarantees it), so an error can only come from a value outside the
// model's types and renders as "".
func render(t *Template, vars map[string]any, v *runtime.Vars) string {
	s, err := t.T.RenderEscaped(vars, escape(t, v))
	if err != nil {
		return ""
	}
	return s
}
