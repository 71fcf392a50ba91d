package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/internal/reqrec"
	"github.com/oauthgen/oauthgen/internal/suggest"
	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

var explainCmd = command{
	name:    "explain",
	summary: "show the requests a connector sends for given values, without sending them",
	run:     runExplain,
}

// Placeholders explain runs the flow with. The client secret never leaves the process:
// a stand-in is sent to the recording transport and masked in what is printed.
const (
	explainSecret      = "oauthgen-explain-client-secret"
	explainMask        = "********"
	explainCode        = "AUTHORIZATION_CODE"
	explainAccessToken = "ACCESS_TOKEN"
	explainRefresh     = "REFRESH_TOKEN"
	// explainVerifier is the PKCE verifier of RFC 7636 Appendix B, so the printed
	// challenge can be checked by hand.
	explainVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

// explainRequest is one request as explain prints it.
type explainRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// explanation is what `oauthgen explain --json` prints.
type explanation struct {
	Connector string         `json:"connector"`
	Grant     string         `json:"grant"`
	Params    map[string]any `json:"params"`
	// Patterns are the patterns of the auth_form fields that have one, by field
	// name: New refuses a value that does not match.
	Patterns     map[string]string `json:"patterns,omitempty"`
	AuthorizeURL string            `json:"authorize_url"`
	TokenRequest *explainRequest   `json:"token_request"`
	// TokenFallback is the token request in the other encoding, sent once when the
	// provider refuses the first (connectors with a fallback body type).
	TokenFallback   *explainRequest `json:"token_request_fallback,omitempty"`
	UserinfoRequest *explainRequest `json:"userinfo_request,omitempty"`
	RefreshRequest  *explainRequest `json:"refresh_request"`
	RevokeRequest   *explainRequest `json:"revoke_request,omitempty"`
	// DeviceRequest is the device authorization request (RFC 8628), for connectors
	// with a device_authorization_url; the token endpoint is then polled with the
	// device code.
	DeviceRequest *explainRequest `json:"device_request,omitempty"`
	// Revocation says what the revocation request is: "RFC 7009", or what the
	// provider's own request sends.
	Revocation string `json:"revocation,omitempty"`
	// RefreshLifetime says how the refresh token's lifetime is known, and Refresh
	// Expiry the expiry the runtime kept with the explained token (RFC 3339), when the
	// connector models the lifetime.
	RefreshLifetime string            `json:"refresh_token_lifetime,omitempty"`
	RefreshExpiry   string            `json:"refresh_token_expiry,omitempty"`
	BaseURL         string            `json:"base_url"`
	APIRequest      *explainRequest   `json:"api_request"`
	APIAuth         string            `json:"api_auth"`
	Callback        map[string]string `json:"callback,omitempty"`
	Deviations      []string          `json:"deviations,omitempty"`
	// Hosts are, for each kind of credential, the hosts it may be sent to; any other
	// host is refused before anything is sent.
	Hosts []credentialHosts `json:"hosts"`
	// ClientAuth is how a private_key_jwt or tls_client_auth connector proves the
	// client (explain_clientauth.go).
	ClientAuth *explainClientAuth `json:"client_auth,omitempty"`
	Notes      []string           `json:"notes,omitempty"`
	// Examples are the values explain made up that look real, by what they stand
	// for: "redirect_url" (no --redirect-url given), "api_request" (a GET of the base
	// URL, the connector having no test request), "api_url" (the connector has no
	// base URL or test request to call).
	Examples map[string]string `json:"example_values,omitempty"`
}

// credentialHosts is one credential class and the host patterns it may go to.
type credentialHosts struct {
	Credentials string   `json:"credentials"`
	Hosts       []string `json:"hosts"`
}

// hostSets lists the connector's host sets, with the end user's host (rendered for
// params) where the end user hosts the provider.
func hostSets(m *model.Connector, params map[string]any) []credentialHosts {
	user := ""
	if m.UserHost != nil {
		user = m.Render(m.UserHost, model.Values{Params: params}, nil)
	}
	set := func(what string, patterns []string) credentialHosts {
		hs := slices.Clone(patterns)
		if user != "" {
			hs = append(hs, user+" (the end user's host)")
		}
		if len(hs) == 0 {
			hs = []string{"any (the connector names no such URL)"}
		}
		return credentialHosts{Credentials: what, Hosts: hs}
	}
	return []credentialHosts{
		set("client secret, code, PKCE verifier, refresh token", m.TokenHosts),
		set("access token", m.APIHosts),
	}
}

// hostExample is a made-up value for the kept value name (callback.<name> or
// credentials.<name>) when it is the whole host of one of m's credential URLs: an
// https origin on the first host of that URL's set ("example" for a wildcard), so
// that the flow, which refuses any other host, can be shown.
func hostExample(m *model.Connector, name string) (string, bool) {
	for _, u := range m.CredentialURLs() {
		if h := model.HostOf(u.Template, m.Params); h.Value == nil || h.Value.Name != name {
			continue
		}
		set := m.APIHosts
		if u.Token {
			set = m.TokenHosts
		}
		if len(set) > 0 {
			return "https://" + strings.Replace(set[0], "*", "example", 1), true
		}
	}
	return "", false
}

// Example values explain uses when neither the flags nor the connector give one.
const (
	exampleRedirectURL = "https://app.example.com/oauth/callback"
	exampleAPIURL      = "https://api.example.com/"
)

func runExplain(_ context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	fs := pflag.NewFlagSet("explain", pflag.ContinueOnError)
	params := fs.StringArray("param", nil, "an auth_form value as name=value (repeatable)")
	callback := fs.StringArray("callback", nil, "a callback value the connector reads, as name=value (repeatable; default a placeholder)")
	clientID := fs.String("client-id", "CLIENT_ID", "client id to show")
	redirect := fs.String("redirect-url", exampleRedirectURL, "redirect URL to show")
	state := fs.String("state", "STATE", "state to put in the authorize URL")
	asJSON := fs.Bool("json", false, "print a JSON object instead of text")
	usage := usageFor(fs, "explain FILE [--param name=value]... [--client-id ID] [--redirect-url URL] [--state S] [--json]",
		"Shows what the connector does for these values: the authorize URL, the token",
		"request (client secret masked), the refresh request, the base URL and how API",
		"calls carry a token. Nothing is sent: a recording transport answers every request",
		"with a made-up token.",
		"Exit status: 0 ok, 1 invalid connector or values, 2 usage error.")
	if code, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "oauthgen explain: want one connector FILE, got %d arguments\n", fs.NArg())
		usage(stderr)
		return exitUsage
	}
	pv, err := keyValues("--param", *params)
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen explain: %v\n", err)
		return exitUsage
	}
	cv, err := keyValues("--callback", *callback)
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen explain: %v\n", err)
		return exitUsage
	}
	m, err := dynamic.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInvalid
	}
	if err := checkParamNames(m, pv); err != nil {
		fmt.Fprintf(stderr, "oauthgen explain: %s: %v\n", fs.Arg(0), err)
		return exitInvalid
	}
	anyParams := map[string]any{}
	for k, v := range pv {
		anyParams[k] = v
	}
	ex, err := explain(m, dynamic.AsEndUser(m, dynamic.Config{ClientID: *clientID, ClientSecret: explainSecret, RedirectURL: *redirect, Params: anyParams}), *state, cv)
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen explain: %s: %v\n", fs.Arg(0), err)
		return exitInvalid
	}
	if !fs.Changed("redirect-url") && ex.Grant == "authorization_code" {
		ex.example("redirect_url", *redirect)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ex); err != nil {
			fmt.Fprintf(stderr, "oauthgen explain: %v\n", err)
			return exitInvalid
		}
		return exitOK
	}
	printExplanation(stdout, ex)
	return exitOK
}

// keyValues parses name=value arguments of flag.
func keyValues(flag string, args []string) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q: want name=value", flag, a)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%s %s given twice", flag, k)
		}
		out[k] = v
	}
	return out, nil
}

// checkParamNames returns an error for the first name in params (sorted) that is no
// auth_form field of m, with the closest field name when one is close enough to be
// meant, as validate suggests keys.
func checkParamNames(m *model.Connector, params map[string]string) error {
	names := make([]string, 0, len(m.Params))
	for _, p := range m.Params {
		names = append(names, p.Name)
	}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if slices.Contains(names, k) {
			continue
		}
		switch s := suggest.Closest(k, names); {
		case s != "":
			return fmt.Errorf("--param %s: unknown parameter %q; did you mean %q?", k, k, s)
		case len(names) == 0:
			return fmt.Errorf("--param %s: unknown parameter %q; the connector has no auth_form fields", k, k)
		default:
			return fmt.Errorf("--param %s: unknown parameter %q; the connector's auth_form fields are %s", k, k, strings.Join(names, ", "))
		}
	}
	return nil
}

// example records that the value shown for what is made up by explain.
func (ex *explanation) example(what, value string) {
	if ex.Examples == nil {
		ex.Examples = map[string]string{}
	}
	ex.Examples[what] = value
}

// explain runs the connector's flow for cfg against a recording transport that
// answers every request with a made-up token, and returns what was sent.
func explain(m *model.Connector, cfg dynamic.Config, state string, callback map[string]string) (*explanation, error) {
	rec := &reqrec.Recorder{Respond: cannedToken(m, cfg.Params)}
	if err := explainKey(m, &cfg); err != nil {
		return nil, err
	}
	c, err := dynamic.New(m, cfg, runtime.WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	ex := &explanation{Connector: m.Name, Params: c.Params(), Deviations: m.Deviations, Hosts: hostSets(m, c.Params())}
	for _, p := range m.Params {
		if p.Pattern != nil {
			if ex.Patterns == nil {
				ex.Patterns = map[string]string{}
			}
			ex.Patterns[p.Name] = p.Field.Pattern
		}
	}
	var pkce []oauth2.AuthCodeOption
	if m.PKCE != runtime.NoPKCE {
		pkce = append(pkce, oauth2.VerifierOption(explainVerifier))
		ex.Notes = append(ex.Notes, "PKCE: the verifier shown is the example of RFC 7636 Appendix B; use oauth2.GenerateVerifier()")
	}
	take := func() []reqrec.Request {
		reqs := rec.Requests()
		rec.Reset()
		return reqs
	}

	for name := range callback {
		if !hasCallback(m, name) {
			return nil, fmt.Errorf("--callback %s: the connector reads no such callback value", name)
		}
	}
	var tok *oauth2.Token
	if m.Grant == runtime.ClientCredentials {
		ex.Grant = "client_credentials"
		tok, err = c.Token(ctx)
		if err != nil {
			return nil, err
		}
		ex.TokenRequest = shown(take(), 0)
		ex.Notes = append(ex.Notes, "client credentials: tokens are renewed with a new token request, not a refresh")
	} else {
		ex.Grant = "authorization_code"
		ex.AuthorizeURL = maskSecret(c.AuthCodeURL(state, pkce...))
		q := callbackQuery(m, state, callback)
		for _, f := range m.CallbackParams {
			if ex.Callback == nil {
				ex.Callback = map[string]string{}
			}
			ex.Callback[f.Path[0]] = q.Get(f.Path[0])
		}
		tok, err = c.ExchangeCallback(ctx, q, pkce...)
		if err != nil {
			return nil, err
		}
		reqs := take()
		ex.TokenRequest = shown(reqs, 0)
		ex.UserinfoRequest = shown(reqs, 1)
		if m.Permanent {
			ex.Notes = append(ex.Notes, "permanent tokens: never refreshed")
		} else {
			if _, err := c.RefreshToken(ctx, tok); err != nil {
				return nil, err
			}
			ex.RefreshRequest = shown(take(), 0)
		}
	}
	if m.FallbackBody != 0 && m.Method != http.MethodGet {
		fb, err := fallbackRequest(m, cfg, state, callback, pkce)
		if err != nil {
			return nil, err
		}
		ex.TokenFallback = fb
	}
	if m.Methods.Device {
		if _, err := c.DeviceAuth(ctx); err != nil {
			return nil, err
		}
		ex.DeviceRequest = shown(take(), 0)
		ex.Notes = append(ex.Notes, "device grant: after the device authorization request, the token endpoint is polled with grant_type="+deviceGrantType+" and the device_code, every interval the provider names (5 s by default, 5 s more after each slow_down)")
	}
	if m.RevokeURL != nil {
		if err := c.Revoke(ctx, tok); err != nil {
			return nil, err
		}
		ex.RevokeRequest = shown(take(), 0)
		ex.Revocation = "RFC 7009"
		if m.Revocation != nil {
			ex.Revocation = "the provider's own: " + m.Revocation.Describe()
		}
	}
	if ex.RefreshLifetime = refreshLifetime(m); ex.RefreshLifetime != "" {
		if exp, ok := runtime.RefreshTokenExpiry(tok); ok {
			ex.RefreshExpiry = exp.Format(time.RFC3339)
		}
	}
	clientAuthSection(m, ex)

	ex.BaseURL = c.BaseURLFor(tok)
	apiTok := &oauth2.Token{AccessToken: explainAccessToken}
	if tok != nil {
		apiTok = tok
	}
	method, target, ok := c.TestRequest(apiTok)
	if !ok {
		method, target = http.MethodGet, ex.BaseURL
		if target == "" {
			target = exampleAPIURL
			ex.example("api_url", target)
		} else {
			ex.example("api_request", target)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, fmt.Errorf("API request %s %q: %w", method, target, err)
	}
	resp, err := c.HTTPClient(ctx, apiTok).Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	reqs := take()
	ex.APIRequest = shown(reqs, len(reqs)-1)
	if ex.APIRequest != nil {
		if m.API.InQuery {
			u, _ := url.Parse(ex.APIRequest.URL)
			ex.APIAuth = "?" + m.API.QueryKey + "=" + u.Query().Get(m.API.QueryKey)
		} else {
			ex.APIAuth = m.API.HeaderKey + ": " + ex.APIRequest.Headers[http.CanonicalHeaderKey(m.API.HeaderKey)]
		}
	}
	return ex, nil
}

// explainRefreshLifetime is the refresh-token lifetime, in seconds, of the token
// response explain makes up when the connector reads one from the response.
const explainRefreshLifetime = 8726400

// refreshLifetime says how m knows its refresh tokens' lifetime; "" when it does not.
func refreshLifetime(m *model.Connector) string {
	var parts []string
	if p := strings.Join(m.RefreshExpiresIn, "."); p != "" {
		parts = append(parts, fmt.Sprintf("read from %s in the token response (here %d s)", p, explainRefreshLifetime))
	}
	if d := m.RefreshLifetime; d > 0 {
		s := fmt.Sprintf("%d s", int(d.Seconds()))
		if d%(24*time.Hour) == 0 {
			s += fmt.Sprintf(" (%d days)", int(d/(24*time.Hour)))
		}
		s += " from each new refresh token"
		if len(parts) > 0 {
			s = "else " + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// fallbackRequest runs the first token request once more against a provider that
// refuses its body type (HTTP 415), and returns the request sent in the other encoding.
func fallbackRequest(m *model.Connector, cfg dynamic.Config, state string, callback map[string]string, pkce []oauth2.AuthCodeOption) (*explainRequest, error) {
	token := cannedToken(m, cfg.Params)
	first := true
	rec := &reqrec.Recorder{Respond: func(r *http.Request) *http.Response {
		if first {
			first = false
			return reqrec.Response(r, http.StatusUnsupportedMediaType, "text/plain", "unsupported media type")
		}
		return token(r)
	}}
	c, err := dynamic.New(m, cfg, runtime.WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if m.Grant == runtime.ClientCredentials {
		_, err = c.Token(ctx)
	} else {
		_, err = c.ExchangeCallback(ctx, callbackQuery(m, state, callback), pkce...)
	}
	if err != nil {
		return nil, err
	}
	return shown(rec.Requests(), 1), nil
}

// callbackQuery is the callback explain plays: the code, the state and the callback
// values the connector reads (placeholders unless given).
func callbackQuery(m *model.Connector, state string, callback map[string]string) url.Values {
	q := url.Values{}
	if !m.WithoutCode {
		q.Set(or(m.CodeKey, "code"), explainCode)
	}
	q.Set("state", state)
	for _, f := range m.CallbackParams {
		q.Set(f.Path[0], callbackValue(m, f, callback))
	}
	return q
}

// callbackValue is the value of callback field f: given by template name or query
// parameter name, else a placeholder.
func callbackValue(m *model.Connector, f runtime.Field, callback map[string]string) string {
	if v, ok := callback[f.Name]; ok {
		return v
	}
	if v, ok := callback[f.Path[0]]; ok {
		return v
	}
	if h, ok := hostExample(m, model.PrefixCallback+f.Name); ok {
		return h
	}
	name := strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(f.Name))
	switch ctx := m.ValueContexts(model.PrefixCallback + f.Name); {
	case slices.Contains(ctx, jinja.URLOrigin): // where a URL needs an origin, a made-up one
		return "https://callback-" + name + ".example"
	case slices.Contains(ctx, jinja.URLHost):
		return "callback-" + name + ".example"
	case slices.Contains(ctx, jinja.URLLabel):
		return "callback-" + name
	}
	return "CALLBACK_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(f.Name))
}

func hasCallback(m *model.Connector, name string) bool {
	for _, f := range m.CallbackParams {
		if f.Name == name || f.Path[0] == name {
			return true
		}
	}
	return false
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// cannedToken answers every request with a token response shaped as the connector
// reads it (nested paths included), so the flow proceeds. Where the userinfo answer
// is a list to choose from, requests carrying the access token (userinfo and API
// calls) get the same fields in the element the connector looks for with params.
func cannedToken(m *model.Connector, params map[string]any) func(*http.Request) *http.Response {
	body := map[string]any{}
	set := func(p runtime.Path, v any) {
		if len(p) == 0 {
			return
		}
		cur := body
		for _, k := range p[:len(p)-1] {
			next, ok := cur[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[k] = next
			}
			cur = next
		}
		cur[p[len(p)-1]] = v
	}
	set(m.AccessToken, explainAccessToken)
	if !m.Permanent {
		set(m.RefreshToken, explainRefresh)
		set(m.ExpiresIn, 3600)
		set(m.RefreshExpiresIn, explainRefreshLifetime)
	}
	set(m.TokenType, "Bearer")
	fields := append([]runtime.Field(nil), m.Metadata...)
	if m.Userinfo != nil {
		fields = append(fields, m.Userinfo.Fields...)
	}
	for _, f := range fields {
		v, ok := hostExample(m, model.PrefixCreds+f.Name)
		if !ok {
			v = "METADATA_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(f.Name))
		}
		set(f.Path, v)
	}
	data, _ := json.Marshal(body)
	listed := data
	if m.Userinfo != nil && m.Userinfo.Select != nil {
		listed = chooseable(m, params, body)
	}
	device := ""
	if m.DeviceAuthURL != nil {
		if checked, err := m.CheckParams(params); err == nil {
			device = stripQuery(m.Render(m.DeviceAuthURL, model.Values{Params: checked}, &runtime.Vars{}))
		}
	}
	return func(r *http.Request) *http.Response {
		if device != "" && stripQuery(r.URL.String()) == device {
			return reqrec.Response(r, http.StatusOK, "application/json", cannedDevice)
		}
		if strings.Contains(r.Header.Get("Authorization")+r.URL.RawQuery, explainAccessToken) {
			return reqrec.Response(r, http.StatusOK, "application/json", string(listed))
		}
		return reqrec.Response(r, http.StatusOK, "application/json", string(data))
	}
}

// deviceGrantType is the grant_type of RFC 8628's device access token request.
const deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// cannedDevice is the device authorization response explain answers with.
const cannedDevice = `{"device_code":"DEVICE_CODE","user_code":"USER-CODE","verification_uri":"https://provider.example/activate","expires_in":900,"interval":5}`

// stripQuery is u without its query and fragment.
func stripQuery(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

// chooseable is body as the one element of the list the connector's userinfo select
// chooses from, its chosen field holding the value the connector looks for with params.
func chooseable(m *model.Connector, params map[string]any, body map[string]any) []byte {
	s := m.Userinfo.Select
	elem := maps.Clone(body)
	if checked, err := m.CheckParams(params); err == nil {
		if want := m.Render(s.Value, model.Values{Params: checked}, &runtime.Vars{}); want != "" {
			elem[s.Key[len(s.Key)-1]] = want
		}
	}
	var root any = []any{elem}
	for i := len(s.List) - 1; i >= 0; i-- {
		root = map[string]any{s.List[i]: root}
	}
	data, _ := json.Marshal(root)
	return data
}

// shown returns request i of reqs as printed (nil when there is none), with the client
// secret masked.
func shown(reqs []reqrec.Request, i int) *explainRequest {
	if i < 0 || i >= len(reqs) {
		return nil
	}
	r := reqs[i]
	out := &explainRequest{Method: r.Method, URL: maskSecret(r.URL), Headers: map[string]string{}, Body: maskSecret(string(r.Body))}
	for _, k := range reqrec.SortedKeys(r.Header) {
		v := strings.Join(r.Header[k], ", ")
		if k == "Authorization" {
			v = maskBasic(v)
		}
		out.Headers[k] = maskSecret(v)
	}
	return out
}

func maskSecret(s string) string { return strings.ReplaceAll(s, explainSecret, explainMask) }

// maskBasic shows an HTTP Basic value carrying the secret as what it encodes, masked:
// `Basic base64("CLIENT_ID:********")`.
func maskBasic(v string) string {
	enc, ok := strings.CutPrefix(v, "Basic ")
	if !ok {
		return v
	}
	dec, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || !strings.Contains(string(dec), explainSecret) {
		return v
	}
	return "Basic base64(" + maskSecret(string(dec)) + ")"
}

// printExplanation prints ex as text.
func printExplanation(w io.Writer, ex *explanation) {
	fmt.Fprintf(w, "Connector: %s (%s)\n", ex.Connector, ex.Grant)
	if len(ex.Params) > 0 {
		keys := make([]string, 0, len(ex.Params))
		for k := range ex.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintln(w, "Params:")
		for _, k := range keys {
			fmt.Fprintf(w, "  %s = %v", k, ex.Params[k])
			if pat, ok := ex.Patterns[k]; ok {
				fmt.Fprintf(w, "  (pattern %s)", pat)
			}
			fmt.Fprintln(w)
		}
	}
	if ex.AuthorizeURL != "" {
		fmt.Fprintf(w, "\nAuthorize URL:\n  %s\n", ex.AuthorizeURL)
		if u, err := url.Parse(ex.AuthorizeURL); err == nil {
			q := u.Query()
			keys := make([]string, 0, len(q))
			for k := range q {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(w, "    %s = %q", k, q.Get(k))
				if v, ok := ex.Examples["redirect_url"]; ok && k == "redirect_uri" && q.Get(k) == v {
					fmt.Fprint(w, "  (example value: give yours with --redirect-url)")
				}
				fmt.Fprintln(w)
			}
		}
	}
	if len(ex.Callback) > 0 {
		fmt.Fprintln(w, "\nCallback values read:")
		keys := make([]string, 0, len(ex.Callback))
		for k := range ex.Callback {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %s = %s\n", k, ex.Callback[k])
		}
	}
	printReq := func(title string, r *explainRequest) {
		if r == nil {
			return
		}
		fmt.Fprintf(w, "\n%s:\n  %s %s", title, r.Method, r.URL)
		if v, ok := ex.Examples["api_url"]; ok && r.URL == v {
			fmt.Fprint(w, "  (example URL: the connector has no base_url or test_request)")
		} else if v, ok := ex.Examples["api_request"]; ok && r.URL == v {
			fmt.Fprint(w, "  (example request: a GET of the base URL, as the connector has no test_request)")
		}
		fmt.Fprintln(w)
		keys := make([]string, 0, len(r.Headers))
		for k := range r.Headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %s: %s\n", k, r.Headers[k])
		}
		if r.Body != "" {
			fmt.Fprintf(w, "\n  %s\n", r.Body)
		}
	}
	printClientAuth(w, ex.ClientAuth)
	printReq("Token request", ex.TokenRequest)
	printReq("Token request if the provider refuses that body type (sent once)", ex.TokenFallback)
	printReq("Userinfo request", ex.UserinfoRequest)
	printReq("Refresh request", ex.RefreshRequest)
	printReq("Revoke request", ex.RevokeRequest)
	if ex.Revocation != "" {
		fmt.Fprintf(w, "  (revocation: %s)\n", ex.Revocation)
	}
	if ex.RefreshLifetime != "" {
		fmt.Fprintf(w, "\nRefresh token lifetime: %s\n", ex.RefreshLifetime)
		if ex.RefreshExpiry != "" {
			fmt.Fprintf(w, "  kept with the token: expires %s (runtime.RefreshTokenExpiry)\n", ex.RefreshExpiry)
		}
	}
	printReq("Device authorization request", ex.DeviceRequest)
	fmt.Fprintf(w, "\nBase URL: %s\n", or(ex.BaseURL, "(none)"))
	printReq("API request (token "+explainAccessToken+")", ex.APIRequest)
	fmt.Fprintf(w, "\nAPI auth: %s\n", ex.APIAuth)
	if len(ex.Deviations) > 0 {
		fmt.Fprintln(w, "\nDeviations from RFC 6749:")
		for _, d := range ex.Deviations {
			fmt.Fprintf(w, "  - %s\n", d)
		}
	}
	if len(ex.Hosts) > 0 {
		fmt.Fprintln(w, "\nHosts each credential may go to (any other is refused before sending):")
		for _, h := range ex.Hosts {
			fmt.Fprintf(w, "  %s: %s\n", h.Credentials, strings.Join(h.Hosts, ", "))
		}
	}
	for _, n := range ex.Notes {
		fmt.Fprintf(w, "\nNote: %s\n", n)
	}
}
