package oauthtest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// ConnectorOptions are the values ForConnector sets a connector's fake provider up
// with. The zero value is a provider that accepts any client id and checks no
// secret, for a client built without auth_form values.
type ConnectorOptions struct {
	ClientID     string // expected client id (empty: any)
	ClientSecret string // expected client secret (empty: none checked)
	// RedirectURL and Params are what the client under test is built with (its
	// Config.RedirectURL and Params, auth_form values by name): the connector's URLs
	// are rendered with them to know which requests to route to the fake.
	RedirectURL string
	Params      map[string]any

	// Metadata are the values the fake answers for the connector's token_metadata
	// and userinfo fields, and Callback the values its callback carries for
	// callback_params, both by template name without the prefix ("instance_url" for
	// credentials.instance_url, "realmId" for callback.realmId). A value a URL starts
	// with (Salesforce's instance_url as its base URL) must be given, as an absolute
	// URL; any other defaults to "<name>-1".
	Metadata map[string]string
	Callback map[string]string

	// ExpiresIn is the lifetime of the access tokens. Zero: one hour, or tokens that
	// never expire for a connector whose tokens are permanent.
	ExpiresIn time.Duration
}

// Fake is a Provider playing the provider of one connector, and the routes that send
// the requests for the connector's real URLs to it.
type Fake struct {
	*Provider

	// Config is the configuration ForConnector derived from the connector; change it
	// while the server runs with Provider.Update.
	Config Config
	// Routes are the routes of Redirect, from a real URL (a prefix when it ends in
	// "*": the API's base URL) to the fake provider's URL.
	Routes map[string]string
	// Redirect sends the requests a client makes to the connector's URLs to the fake;
	// it is the transport of HTTPClient. Set its Unrouted field to fail a test on a
	// request for an URL the connector does not declare.
	Redirect *Redirect
	// Values and Vars are what the connector's URLs were rendered with for Routes:
	// the client's values, and the token metadata and callback values the fake
	// answers (model.Connector.Render renders a template of the connector with them).
	Values model.Values
	Vars   *runtime.Vars
}

// ForConnector starts a fake provider that plays the provider conn describes, and
// routes its real URLs to it, so that a client built from conn (a generated package's
// New or dynamic.New, with the same options) runs its whole flow against the fake
// unchanged: give the client f.HTTPClient().
//
// From conn it derives how the token endpoint authenticates the client (body
// parameters, HTTP Basic or both), the request method and body encoding it accepts
// (the main one; a fallback body is refused), the names of the client id, secret
// and code parameters, where the token fields are nested in the response, whether
// tokens are permanent, whether PKCE is required, the callback's extra parameters,
// token metadata and userinfo fields (Metadata; a field nested under the same key
// as the token fields is not answered), and how API calls carry the token. Routes:
// the authorize and token URLs, the refresh and revocation URLs, the userinfo URL,
// the base URL as a prefix for the API and the test request's URL.
//
// It fails when the params are not valid for conn, or a URL of conn does not render
// to an absolute URL with opts. Close the fake when done.
func ForConnector(conn *model.Connector, opts ConnectorOptions) (*Fake, error) {
	if conn == nil {
		return nil, fmt.Errorf("oauthtest: ForConnector: the connector is nil")
	}
	fail := func(format string, a ...any) (*Fake, error) {
		return nil, fmt.Errorf("oauthtest: ForConnector: %s: "+format, append([]any{conn.Name}, a...)...)
	}
	params, err := conn.CheckParams(opts.Params)
	if err != nil {
		return fail("%v", err)
	}
	vals := model.Values{Params: params, ClientID: opts.ClientID, RedirectURL: opts.RedirectURL}
	if vals.ClientID == "" {
		vals.ClientID = "client-id"
	}
	vars := &runtime.Vars{Callback: map[string]string{}, Credentials: map[string]string{}}
	value := func(given map[string]string, name string) string {
		if v, ok := given[name]; ok {
			return v
		}
		return name + "-1"
	}
	for _, kv := range conn.KeptValues() {
		name := strings.TrimPrefix(strings.TrimPrefix(kv.Name, model.PrefixCallback), model.PrefixCreds)
		if kv.Callback {
			vars.Callback[name] = value(opts.Callback, name)
		} else {
			vars.Credentials[name] = value(opts.Metadata, name)
		}
	}

	cfg, err := connectorConfig(conn, vals, vars, opts)
	if err != nil {
		return fail("%v", err)
	}
	p := New(cfg)
	routes := map[string]string{}
	route := func(what string, t *model.Template, to func(u *url.URL) string, prefix bool) error {
		if t == nil {
			return nil
		}
		s := conn.Render(t, vals, vars)
		u, err := url.Parse(s)
		if err != nil || !u.IsAbs() || u.Host == "" {
			return fmt.Errorf("%s %q (%s) is not an absolute URL with these options; give the values it reads (%s) in ConnectorOptions", what, s, t.Pointer, strings.Join(t.Names(), ", "))
		}
		if prefix {
			s += "*"
		}
		if _, ok := routes[s]; !ok { // the first place wins: userinfo before the test request
			routes[s] = to(u)
		}
		return nil
	}
	const exact, asPrefix = false, true
	fixed := func(s string) func(*url.URL) string { return func(*url.URL) string { return s } }
	errs := []error{
		route("the authorize URL", conn.AuthorizeURL, fixed(p.AuthorizeURL()), exact),
		route("the token URL", conn.TokenURL, fixed(p.TokenURL()), exact),
		route("the refresh URL", conn.RefreshURL, fixed(p.TokenURL()), exact),
		route("the revocation URL", conn.RevokeURL, fixed(p.RevokeURL()), exact),
		route("the base URL", conn.BaseURL, fixed(p.APIURL("")), asPrefix),
	}
	if conn.Userinfo != nil {
		errs = append(errs, route("the userinfo URL", conn.Userinfo.URL, fixed(p.UserinfoURL()), exact))
	}
	if tr := conn.TestRequest; tr != nil && (conn.BaseURL == nil || !strings.HasPrefix(conn.Render(tr.URL, vals, vars), conn.Render(conn.BaseURL, vals, vars))) {
		errs = append(errs, route("the test request URL", tr.URL, func(u *url.URL) string { return p.APIURL(u.Path) }, exact))
	}
	for _, err := range errs {
		if err != nil {
			p.Close()
			return fail("%v", err)
		}
	}
	rd, err := p.Redirect(routes)
	if err != nil {
		p.Close()
		return fail("%v", err)
	}
	return &Fake{Provider: p, Config: cfg, Routes: routes, Redirect: rd, Values: vals, Vars: vars}, nil
}

// connectorConfig is the Config playing conn's provider.
func connectorConfig(conn *model.Connector, vals model.Values, vars *runtime.Vars, opts ConnectorOptions) (Config, error) {
	cfg := Config{
		ClientID:       opts.ClientID,
		ClientSecret:   opts.ClientSecret,
		ClientIDKey:    conn.ClientIDKey,
		SecretKey:      conn.SecretKey,
		CodeKey:        conn.CodeKey,
		Method:         conn.Method,
		AcceptForm:     conn.Body != runtime.JSON,
		AcceptJSON:     conn.Body == runtime.JSON,
		NoRefreshToken: conn.Permanent,
		ExpiresIn:      opts.ExpiresIn,
		RequirePKCE:    conn.PKCE != runtime.NoPKCE,
		WithoutCode:    conn.WithoutCode,
	}
	switch conn.ClientAuth {
	case runtime.AuthHeader:
		cfg.ClientAuth = AuthBasic
	case runtime.AuthBoth:
		cfg.ClientAuth = AuthBoth
	default:
		cfg.ClientAuth = AuthBody
	}
	if cfg.ExpiresIn == 0 && !conn.Permanent {
		cfg.ExpiresIn = time.Hour
	}
	if len(conn.AccessToken) > 1 {
		cfg.AccessTokenPath = strings.Join(conn.AccessToken, ".")
	}
	for _, f := range conn.CallbackParams {
		if cfg.CallbackArgs == nil {
			cfg.CallbackArgs = map[string]string{}
		}
		cfg.CallbackArgs[f.Path[0]] = vars.Callback[f.Name]
	}
	// Token metadata beside the token fields; one under the key that nests them
	// would replace them (Provider answers Extra at the top level).
	nest := ""
	if len(conn.AccessToken) > 1 {
		nest = conn.AccessToken[0]
	}
	for _, f := range conn.Metadata {
		if f.Path[0] != nest {
			cfg.Extra = setPath(cfg.Extra, f.Path, vars.Credentials[f.Name])
		}
	}
	if ui := conn.Userinfo; ui != nil {
		var body map[string]any
		for _, f := range ui.Fields {
			body = setPath(body, f.Path, vars.Credentials[f.Name])
		}
		if body == nil {
			body = map[string]any{}
		}
		cfg.Userinfo = body
		if s := ui.Select; s != nil {
			// The connector chooses one element of a list: answer a list of one, whose
			// chosen field holds the value the connector looks for.
			if want := conn.Render(s.Value, vals, vars); want != "" {
				body = setPath(body, s.Key, want)
			}
			var list any = []any{body}
			for i := len(s.List) - 1; i >= 0; i-- {
				list = map[string]any{s.List[i]: list}
			}
			cfg.Userinfo = list
		}
	}
	cfg.Revocation = RevocationOf(conn, vals, vars)
	return cfg, apiConfig(conn, vals, &cfg)
}

// apiConfig sets how the fake's API expects the token: the connector's header (or
// query parameter) value with the token in place of {token}.
func apiConfig(conn *model.Connector, vals model.Values, cfg *Config) error {
	const sample = "oauthtest-sample-token"
	flow := conn.Flow(vals)
	value := flow.API.Value.Render(&runtime.Vars{Token: sample})
	token := sample
	if conn.API.Encode {
		if f := conn.Render(conn.API.Format, vals, &runtime.Vars{Token: sample}); f != sample {
			return fmt.Errorf("header.token_format %q is base64-encoded with more than the token: the fake cannot check such a value", conn.API.Format.Source())
		}
		token = base64.StdEncoding.EncodeToString([]byte(sample))
		cfg.APIBase64 = true
	}
	if strings.Count(value, token) != 1 {
		return fmt.Errorf("the API token value %q does not hold the token once: the fake cannot check it", conn.API.Prefix.Source())
	}
	cfg.APIFormat = strings.Replace(value, token, "{token}", 1)
	if conn.API.InQuery {
		cfg.APIQuery = conn.API.QueryKey
	} else {
		cfg.APIHeader = conn.API.HeaderKey
	}
	return nil
}

// setPath sets path in the nested object m (created when nil) to v.
func setPath(m map[string]any, path runtime.Path, v string) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	cur := m
	for _, k := range path[:len(path)-1] {
		next, ok := cur[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[k] = next
		}
		cur = next
	}
	cur[path[len(path)-1]] = v
	return m
}

// HTTPClient returns an HTTP client whose requests for the connector's URLs go to
// the fake: the client to build the connector's client with
// (runtime.WithHTTPClient, dynamic.Config.HTTPClient).
func (f *Fake) HTTPClient() *http.Client { return &http.Client{Transport: f.Redirect} }

// Authorize does what a browser does with an authorize URL, as Provider.Authorize,
// for the URL the connector's client built (its real authorize endpoint) or one of
// the fake's own.
func (f *Fake) Authorize(authURL string) (url.Values, error) {
	if !strings.HasPrefix(authURL, f.Provider.URL+"/") {
		u, err := f.Redirect.URL(authURL)
		if err != nil {
			return nil, err
		}
		authURL = u
	}
	return f.Provider.Authorize(authURL)
}

// Endpoints lists the routes as "real URL -> fake URL" lines, sorted, for a person
// to read.
func (f *Fake) Endpoints() []string {
	var out []string
	for from, to := range f.Routes {
		out = append(out, from+" -> "+to)
	}
	sort.Strings(out)
	return out
}

// RevocationOf is how the fake plays conn's own revocation request (nil for an RFC
// 7009 connector or one without revocation): the method, authentication and encoding
// the connector declares, the parameter that carries {{ token }}, and every other
// parameter with the value it renders to for the client values v and the flow values
// rv. ForConnector sets it; a test that builds its Config by hand can too.
func RevocationOf(conn *model.Connector, v model.Values, rv *runtime.Vars) *Revocation {
	r := conn.Revocation
	if r == nil {
		return nil
	}
	out := &Revocation{Method: r.Method, Encoding: map[runtime.BodyType]string{runtime.Form: "form", runtime.JSON: "json", 0: "query"}[r.Body]}
	out.Auth = map[runtime.ClientAuth]ClientAuth{
		runtime.AuthBody: AuthBody, runtime.AuthHeader: AuthBasic, runtime.AuthBoth: AuthBoth,
		runtime.AuthBearer: RevokeBearer, runtime.AuthSecretBearer: RevokeSecretBearer, runtime.AuthNone: RevokeNoAuth,
	}[r.Auth]
	for _, a := range r.Args {
		if model.IsVar(a.Value, model.VarToken) {
			out.TokenKey = a.Key
			continue
		}
		if out.Params == nil {
			out.Params = map[string]string{}
		}
		out.Params[a.Key] = conn.Render(a.Value, v, rv)
	}
	return out
}
