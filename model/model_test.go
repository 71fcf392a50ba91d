package model

import (
	"reflect"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/schema"
)

func load(t *testing.T, path string) *Connector {
	t.Helper()
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestParseChecksEverything: a template with an unknown variable passes schema.Parse
// (which checks no template) and fails Parse at the line and column of the variable;
// so does a file that passes every check but does not resolve.
func TestParseChecksEverything(t *testing.T) {
	src := "{\"name\": \"X\", \"oauth2\": {\"config\": {\n" +
		"  \"step1_authorize_url\": \"https://a.example/{{ tokn }}\",\n" +
		"  \"step3_access_url\": \"https://a.example/t\"}}}"
	if _, err := schema.Parse("x.json", []byte(src)); err != nil {
		t.Fatalf("schema.Parse: %v", err)
	}
	_, err := Parse("x.json", []byte(src))
	errs, ok := err.(schema.Errors)
	if !ok || len(errs) != 1 {
		t.Fatalf("Parse: %T %v", err, err)
	}
	if e := errs[0]; e.Line != 2 || e.Col != 48 || e.Pointer != "/oauth2/config/step1_authorize_url" || !strings.Contains(e.Msg, "tokn") {
		t.Errorf("error %+v", e)
	}
	// Resolution problems are reported too: a PKCE method schema does not know of is
	// caught by the JSON Schema; a scope with a brace only by Resolve.
	src = `{"name": "X", "oauth2": {"config": {"step1_authorize_url": "https://a.example/", "step3_access_url": "https://a.example/t", "scopes": ["a{"]}}}`
	if _, err := schema.Parse("x.json", []byte(src)); err != nil {
		t.Fatalf("schema.Parse: %v", err)
	}
	_, err = Parse("x.json", []byte(src))
	if errs, ok := err.(schema.Errors); !ok || len(errs) != 1 || errs[0].Pointer != "/oauth2/config/scopes/0" || errs[0].Line != 1 {
		t.Errorf("Parse: %v", err)
	}
	if _, err := Parse("x.json", []byte(`{"name": "X", "oauth2": {"config": {"step1_authorize_url": "https://a.example/", "step3_access_url": "https://a.example/t"}}}`)); err != nil {
		t.Errorf("valid file: %v", err)
	}
}

func parse(t *testing.T, js string) (*Connector, error) {
	t.Helper()
	c, err := schema.Parse("test.json", []byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return Resolve(c)
}

func TestTikTok(t *testing.T) {
	m := load(t, "../connectors/tiktok.json")
	if m.Package != "tiktok" || m.CallbackSlug != "tiktok" {
		t.Errorf("package %q slug %q", m.Package, m.CallbackSlug)
	}
	if m.ClientIDKey != "app_id" || m.SecretKey != "secret" || m.CodeKey != "auth_code" {
		t.Errorf("keys %q %q %q", m.ClientIDKey, m.SecretKey, m.CodeKey)
	}
	if m.Body != runtime.JSON || m.FallbackBody != runtime.Form || m.Method != "POST" {
		t.Errorf("body %v fallback %v method %s", m.Body, m.FallbackBody, m.Method)
	}
	want := map[string]runtime.Path{
		"access": {"data", "access_token"}, "refresh": {"data", "refresh_token"},
		"expires": {"data", "expires_in"}, "type": {"data", "token_type"},
	}
	got := map[string]runtime.Path{"access": m.AccessToken, "refresh": m.RefreshToken, "expires": m.ExpiresIn, "type": m.TokenType}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paths %v", got)
	}
	if m.RefreshURL != nil {
		t.Error("a refresh URL equal to the token URL should be left to the runtime default")
	}
	if len(m.Params) != 1 {
		t.Fatalf("params %d", len(m.Params))
	}
	p := m.Params[0]
	if p.GoName != "Environment" || p.GoType != "Environment" || p.Default != "Production" || !p.AlwaysDefined() {
		t.Errorf("param %+v", p)
	}
	if !reflect.DeepEqual(p.Enum, []EnumValue{{"Production", "EnvironmentProduction"}, {"Sandbox", "EnvironmentSandbox"}}) {
		t.Errorf("enum %v", p.Enum)
	}
	if m.BaseURL.Class != Fixed || m.TokenURL.Class != Const {
		t.Errorf("classes base %v token %v", m.BaseURL.Class, m.TokenURL.Class)
	}
	if !m.API.Standard() {
		t.Error("tiktok uses the standard header")
	}
	for _, env := range []string{"Production", "Sandbox"} {
		params, err := m.CheckParams(map[string]any{"environment": env})
		if err != nil {
			t.Fatal(err)
		}
		base := m.Render(m.BaseURL, Values{Params: params, ClientID: "id"}, nil)
		host := map[string]string{"Production": "business-api", "Sandbox": "sandbox-api"}[env]
		if base != "https://"+host+".tiktok.com/open_api/v1.2/" {
			t.Errorf("%s: base %q", env, base)
		}
	}
	if _, err := m.CheckParams(map[string]any{"environment": "Foo"}); err == nil ||
		err.Error() != `tiktok: environment "Foo" is not one of Production, Sandbox` {
		t.Errorf("enum error %v", err)
	}
	params, _ := m.CheckParams(nil)
	if params["environment"] != "Production" {
		t.Errorf("default not applied: %v", params)
	}
	if len(m.Deviations) < 5 || !strings.Contains(strings.Join(m.Deviations, "; "), "data.access_token") {
		t.Errorf("deviations %v", m.Deviations)
	}
}

func TestHubSpotScope(t *testing.T) {
	m := load(t, "../connectors/hubspot.json")
	if len(m.AuthorizeArgs) != 2 || m.AuthorizeArgs[0].Key != "response_type" || m.AuthorizeArgs[1].Key != "scope" {
		t.Fatalf("authorize args %v", m.AuthorizeArgs)
	}
	scope := m.AuthorizeArgs[1].Value
	if scope.Class != Fixed || scope.ReadsClient() != true {
		t.Errorf("scope class %v", scope.Class)
	}
	for in, suffix := range map[string]string{"": "tickets", "content": "tickets content"} {
		params, err := m.CheckParams(map[string]any{"scope": in})
		if err != nil {
			t.Fatal(err)
		}
		f := m.Flow(Values{Params: params, ClientID: "id"})
		s := f.AuthorizeArgs[1].Value.Render(nil)
		if !strings.HasSuffix(s, " "+suffix) || strings.HasSuffix(s, " ") {
			t.Errorf("scope %q: %q", in, s)
		}
	}
	if m.Body != runtime.JSON || m.FallbackBody != runtime.Form {
		t.Error("hubspot body")
	}
}

const minimal = `{"name": "Teamwork CRM", %s "oauth2": {%s "config": {"step1_authorize_url": "https://a.example/auth",
 "step3_access_url": "https://a.example/token" %s}}}`

func conn(top, form, cfg string) string {
	return strings.Replace(strings.Replace(strings.Replace(minimal, "%s", top, 1), "%s", form, 1), "%s", cfg, 1)
}

func TestDefaults(t *testing.T) {
	m, err := parse(t, conn("", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if m.Package != "teamworkcrm" || m.CallbackSlug != "teamwork%20crm" {
		t.Errorf("package %q slug %q", m.Package, m.CallbackSlug)
	}
	if m.ClientIDKey != "client_id" || m.Accept != "application/json" || m.ClientAuth != runtime.AuthBody {
		t.Error("defaults")
	}
	if len(m.AuthorizeArgs) != 1 || m.AuthorizeArgs[0].Value.Const != "code" {
		t.Errorf("response_type default: %v", m.AuthorizeArgs)
	}
	if len(m.ExchangeArgs) != 1 || m.ExchangeArgs[0].Value.Const != "authorization_code" ||
		len(m.RefreshArgs) != 1 || m.RefreshArgs[0].Value.Const != "refresh_token" {
		t.Error("grant types")
	}
	if !m.API.Standard() || m.API.HeaderKey != "Authorization" || m.API.ContentType != "application/json" {
		t.Error("header defaults")
	}
	if len(m.Deviations) != 0 {
		t.Errorf("deviations %v", m.Deviations)
	}
	f := m.Flow(Values{ClientID: "id"})
	if got := f.API.Value.Render(&runtime.Vars{Token: "T"}); got != "Bearer T" {
		t.Errorf("api value %q", got)
	}
	if f.Method != "" || f.Accept != "" || f.ClientIDKey != "" {
		t.Error("flow defaults should be the runtime's zero values")
	}
}

func TestDeviations(t *testing.T) {
	m, err := parse(t, conn(`"header": {"encode": true, "token_in_header": false, "token_format": "{{token}}:x", "query_key": "key"},`,
		`"auth_form": [{"name": "alternative_scope", "type": "text"}, {"name": "count", "type": "number", "default": 3},
		 {"name": "beta", "type": "checkbox", "default": true}, {"name": "client_secret", "type": "password", "required": true}],`,
		`, "client_id_and_secret_in_headers": true, "grant_type": "custom", "scopes": ["a", "b"], "scope_separator": ",",
		 "request_method": "GET", "extra_refresh_url": {"x": "{{ credentials.team }}"}, "token_metadata": {"team": "team.id"},
		 "callback_params": ["accounts-server"], "no_refresh_token": true`))
	if err != nil {
		t.Fatal(err)
	}
	if m.ClientAuth != runtime.AuthHeader || m.Method != "GET" || !m.Permanent || !m.ClientSecretRequired {
		t.Error("flags")
	}
	if m.ExchangeArgs[0].Value.Const != "custom" {
		t.Error("deprecated grant_type")
	}
	if m.RefreshArgs[1].Key != "x" || m.RefreshArgs[1].Value.Class != Runtime {
		t.Error("refresh arg class")
	}
	if m.CallbackParams[0].Name != "accounts_server" || m.CallbackParams[0].Path[0] != "accounts-server" {
		t.Errorf("callback %v", m.CallbackParams)
	}
	if len(m.Params) != 3 || m.Params[1].GoType != "int" || m.Params[1].Default != 3 || m.Params[2].GoType != "*bool" {
		t.Fatalf("params %+v", m.Params)
	}
	params, err := m.CheckParams(map[string]any{"alternative_scope": "z"})
	if err != nil {
		t.Fatal(err)
	}
	f := m.Flow(Values{Params: params, ClientID: "id"})
	if s := f.AuthorizeArgs[1].Value.Render(nil); s != "z" {
		t.Errorf("alternative_scope should replace the scope: %q", s)
	}
	params, _ = m.CheckParams(nil)
	f = m.Flow(Values{Params: params, ClientID: "id"})
	if s := f.AuthorizeArgs[1].Value.Render(nil); s != "a,b" {
		t.Errorf("default scope %q", s)
	}
	if s := f.RefreshArgs[1].Value.Render(&runtime.Vars{Credentials: map[string]string{"team": "T1"}}); s != "T1" {
		t.Errorf("credentials in refresh args %q", s)
	}
	if got := f.API.Value.Render(&runtime.Vars{Token: "tok"}); got != "dG9rOng=" || !f.API.InQuery || f.API.QueryKey != "key" {
		t.Errorf("api value %q", got)
	}
}

func TestClientCredentialsScope(t *testing.T) {
	m, err := parse(t, `{"name": "CC", "oauth2": {"config": {"flow": "client_credentials", "step3_access_url": "https://a.example/token", "scopes": ["r", "w"]}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if m.AuthorizeURL != nil || len(m.AuthorizeArgs) != 0 {
		t.Error("no authorize step")
	}
	if len(m.ExchangeArgs) != 2 || m.ExchangeArgs[0].Value.Const != "client_credentials" || m.ExchangeArgs[1].Key != "scope" || m.ExchangeArgs[1].Value.Const != "r w" {
		t.Errorf("exchange args %+v", m.ExchangeArgs)
	}
}

func TestErrors(t *testing.T) {
	for name, js := range map[string]string{
		"required missing": conn("", `"auth_form": [{"name": "sub", "required": true}],`, ""),
	} {
		m, err := parse(t, js)
		if name == "required missing" {
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.CheckParams(map[string]any{"sub": ""}); err == nil || err.Error() != "teamworkcrm: sub is required" {
				t.Errorf("%s: %v", name, err)
			}
			if _, err := m.CheckParams(map[string]any{"sub": "x", "nope": 1}); err == nil || !strings.Contains(err.Error(), `unknown parameter "nope"`) {
				t.Errorf("unknown param: %v", err)
			}
			// For Connections: the missing value is reported apart, other problems still fail.
			out, missing, err := m.CheckParamsAllowMissing(map[string]any{})
			if err != nil || missing == nil || missing.Error() != "teamworkcrm: sub is required" || len(out) != 0 {
				t.Errorf("CheckParamsAllowMissing: %v, missing %v, %v", out, missing, err)
			}
			if _, _, err := m.CheckParamsAllowMissing(map[string]any{"nope": 1}); err == nil {
				t.Error("CheckParamsAllowMissing accepted an unknown parameter")
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "step1_authorize_url") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestResolveUnvalidated(t *testing.T) {
	// Resolve does not trust that the loader ran: a bad connector is an error, not a panic.
	for name, c := range map[string]*schema.Connector{
		"no authorize url": {Name: "X", OAuth2: schema.OAuth2{Config: schema.Config{Step3AccessURL: "https://a.example/t"}}},
		"keyword package":  {Name: "Go", OAuth2: schema.OAuth2{Config: schema.Config{Step3AccessURL: "https://a.example/t", Step1AuthorizeURL: "https://a"}}},
		"bad template":     {Name: "X", OAuth2: schema.OAuth2{Config: schema.Config{Step3AccessURL: "https://{{ nope }}", Step1AuthorizeURL: "https://a"}}},
		"contradiction": {Name: "X", OAuth2: schema.OAuth2{Config: schema.Config{Step3AccessURL: "https://a", Step1AuthorizeURL: "https://a",
			ClientAuth: schema.ClientAuthBody, ClientIDAndSecretInHeaders: true}}},
	} {
		if _, err := Resolve(c); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), "/") {
			t.Errorf("%s: error without a pointer: %v", name, err)
		}
	}
	if _, err := Resolve(nil); err == nil {
		t.Error("nil connector")
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"client_id": "ClientID", "accounts-server": "AccountsServer", "EU West": "EUWest",
		"environment": "Environment", "2fa": "X2fa", "api_url": "APIURL", "Sandbox": "Sandbox", "": "",
		"realmId": "RealmID", "teamId": "TeamID", "OAuth": "OAuth", "XMLHttp": "XMLHttp", "eu": "EU",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScope(t *testing.T) {
	c, err := schema.Parse("x.json", []byte(conn("", `"auth_form": [{"name": "env", "type": "select", "enum": ["A"], "default": "A"}],`,
		`, "callback_params": ["shop"], "token_metadata": {"team": "team.id"}`)))
	if err != nil {
		t.Fatal(err)
	}
	names := func(p schema.TemplatePlace) string {
		s, err := Scope(c, p)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range s {
			out = append(out, v.Name)
		}
		return strings.Join(out, " ")
	}
	if got := names(schema.PlaceAuthorize); got != "env client_id redirect_url state" {
		t.Errorf("authorize scope %q", got)
	}
	if got := names(schema.PlaceHeader); got != "env client_id redirect_url callback.shop credentials.team token token_format" {
		t.Errorf("header scope %q", got)
	}
	s, _ := Scope(c, schema.PlaceToken)
	if v, _ := s.Lookup("env"); v.Kind != jinja.Select || !v.AlwaysDefined {
		t.Errorf("env var %+v", v)
	}
}

func TestJoinURL(t *testing.T) {
	for _, tc := range []struct{ base, path, want string }{
		{"https://x.com", "/me", "https://x.com/me"},
		{"https://x.com", "me", "https://x.com/me"},
		{"https://x.com/", "/me", "https://x.com/me"},
		{"https://x.com/", "me", "https://x.com/me"},
		{"https://x.com/v1//", "//me", "https://x.com/v1/me"},
		{"{{ credentials.instance_url }}", "/services/me", "{{ credentials.instance_url }}/services/me"},
		{"{{ credentials.instance_url }}", "services/me", "{{ credentials.instance_url }}/services/me"},
		{"{{ credentials.instance_url }}/", "/services/me", "{{ credentials.instance_url }}/services/me"},
		{"https://{{ subdomain }}.x.com", "/me", "https://{{ subdomain }}.x.com/me"},
	} {
		if got := joinURL(tc.base, tc.path); got != tc.want {
			t.Errorf("joinURL(%q, %q) = %q, want %q", tc.base, tc.path, got, tc.want)
		}
	}
}

func TestCallbackParamsNames(t *testing.T) {
	base := schema.Config{Step1AuthorizeURL: "https://a.example/auth", Step3AccessURL: "https://a.example/token"}
	for _, tc := range []struct {
		params []string
		want   string // error; "" for none
	}{
		{[]string{"accounts-server", "location", "_x1"}, ""},
		{[]string{"a-b", "a_b"}, `X: /oauth2/config/callback_params/1: "a-b" and "a_b" both become callback.a_b`},
		{[]string{"x", "a.b", "a b"}, `X: /oauth2/config/callback_params/2: "a.b" and "a b" both become callback.a_b`},
		{[]string{"a", ""}, `X: /oauth2/config/callback_params/1: the name is empty`},
		{[]string{"1up"}, `X: /oauth2/config/callback_params/0: "1up" starts with a digit, so templates cannot read callback.1up`},
	} {
		cfg := base
		cfg.CallbackParams = tc.params
		m, err := Resolve(&schema.Connector{Name: "X", OAuth2: schema.OAuth2{Config: cfg}})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.params, err)
		case tc.want == "" && len(m.CallbackParams) != len(tc.params):
			t.Errorf("%q: fields %v", tc.params, m.CallbackParams)
		case tc.want != "" && (err == nil || err.Error() != tc.want):
			t.Errorf("%q: error %v, want %s", tc.params, err, tc.want)
		}
	}
}

// A token or refresh request that reads callback values cannot be made from a code or
// a refresh token alone; the model says which.
func TestNeedsCallback(t *testing.T) {
	const ok = "https://a.example/token"
	for _, tc := range []struct {
		name                      string
		cfg                       schema.Config
		wantExchange, wantRefresh bool
	}{
		{"none", schema.Config{Step3AccessURL: ok, CallbackParams: []string{"shop"}}, false, false},
		{"token url", schema.Config{Step3AccessURL: "{{ callback.shop }}/token"}, true, true},
		{"token url, own refresh url", schema.Config{Step3AccessURL: "{{ callback.shop }}/token", TokenRefreshURL: ok}, true, false},
		{"refresh url", schema.Config{Step3AccessURL: ok, TokenRefreshURL: ok + "?s={{ callback.shop }}"}, false, true},
		{"exchange arg", schema.Config{Step3AccessURL: ok, ExtraAccessURL: map[string]string{"s": "{{ callback.shop }}"}}, true, false},
		{"refresh arg", schema.Config{Step3AccessURL: ok, ExtraRefreshURL: map[string]string{"s": "{{ callback.shop }}"}}, false, true},
		{"header", schema.Config{Step3AccessURL: ok, TokenRequestHeaders: map[string]string{"X-S": "{{ callback.shop }}"}}, true, true},
		{"permanent", schema.Config{Step3AccessURL: "{{ callback.shop }}/token", NoRefreshToken: true}, true, false},
	} {
		cfg := tc.cfg
		cfg.Step1AuthorizeURL = "https://a.example/auth"
		cfg.CallbackParams = []string{"shop"}
		m, err := Resolve(&schema.Connector{Name: "X", OAuth2: schema.OAuth2{Config: cfg}})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m.ExchangeNeedsCallback != tc.wantExchange || m.RefreshNeedsCallback != tc.wantRefresh {
			t.Errorf("%s: exchange %v refresh %v, want %v %v", tc.name, m.ExchangeNeedsCallback, m.RefreshNeedsCallback, tc.wantExchange, tc.wantRefresh)
		}
	}
	if m := load(t, "../connectors/zoho.json"); !m.ExchangeNeedsCallback || !m.RefreshNeedsCallback {
		t.Errorf("zoho: exchange %v refresh %v", m.ExchangeNeedsCallback, m.RefreshNeedsCallback)
	}
}

// TestStaticAndSlots: every template-valued field of runtime.Flow that a connector
// sets is a slot, and no other field of Static holds a Text (a new flow field that
// reads templates must get a slot in runtimeFlow). Flow fills the slots of a copy:
// Static, which every client shares, is not modified.
func TestStaticAndSlots(t *testing.T) {
	m, err := Parse("x.json", []byte(`{"name": "X", "end_user_hosted": true, "oauth2": {
		"auth_form": [{"name": "host"}, {"name": "client_id"}, {"name": "client_secret"}], "config": {
		"step1_authorize_url": "https://a.example/{{ client_id }}",
		"step3_access_url": "https://{{ host }}/t", "token_refresh_url": "https://a.example/r",
		"revoke_url": "https://a.example/v", "token_request_headers": {"X-T": "t"},
		"device_authorization_url": "https://a.example/d", "scopes": ["s"],
		"client_auth": "private_key_jwt", "client_assertion_audience": "https://a.example/{{ client_id }}",
		"extra_refresh_url": {"k": "v"},
		"userinfo": {"url": "https://a.example/u/{{ client_id }}", "metadata": {"id": "id"},
			"select": {"key": "url", "value": "{{ client_id }}"}}}},
		"header": {"extra_headers": {"X-A": "a"}, "extra_query": {"q": "1"}},
		"test_request": {"method": "POST", "url": "https://a.example/graphql",
			"body": "{\"query\": \"{ viewer { id } }\"}", "headers": {"X-Client": "{{ client_id }}"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range m.Slots {
		got = append(got, s.Field)
	}
	want := "AuthorizeURL AuthorizeArgs TokenURL RefreshURL RevokeURL DeviceAuthURL DeviceArgs Headers AssertionAudience ExchangeArgs RefreshArgs Userinfo.URL Userinfo.Choose API.Value API.Headers API.Query TestBody TestHeaders UserHost"
	if strings.Join(got, " ") != want {
		t.Errorf("slots %s, want %s", strings.Join(got, " "), want)
	}
	// Every Text and []Arg field of runtime.Flow is among them (the connector sets
	// them all), and Static leaves them zero.
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for i := range v.NumField() {
			f, path := v.Field(i), prefix+v.Type().Field(i).Name
			switch f.Type() {
			case reflect.TypeFor[runtime.Text](), reflect.TypeFor[[]runtime.Arg]():
				if !strings.Contains(" "+want+" ", " "+path+" ") {
					t.Errorf("%s holds templates but is no slot", path)
				}
				if !f.IsZero() {
					t.Errorf("Static.%s is set", path)
				}
				continue
			}
			switch {
			case f.Kind() == reflect.Struct:
				walk(f, path+".")
			case f.Kind() == reflect.Pointer && !f.IsNil():
				walk(f.Elem(), path+".")
			}
		}
	}
	walk(reflect.ValueOf(m.Static).Elem(), "")
	a := m.Flow(Values{ClientID: "a"})
	b := m.Flow(Values{ClientID: "b"})
	if u := a.Userinfo.URL.Render(nil); u != "https://a.example/u/a" {
		t.Errorf("userinfo URL %q", u)
	}
	if u := b.Userinfo.URL.Render(nil); u != "https://a.example/u/b" {
		t.Errorf("userinfo URL %q", u)
	}
	if body, h := a.TestBody.Render(nil), b.TestHeaders[0].Value.Render(nil); body != `{"query": "{ viewer { id } }"}` || h != "b" {
		t.Errorf("test request body %q, header %q", body, h)
	}
	if !m.Static.Userinfo.URL.IsZero() || len(m.Static.Userinfo.Fields) != 1 {
		t.Errorf("Static.Userinfo modified: %+v", m.Static.Userinfo)
	}
	if a.Method != "" || a.Body != 0 || a.API.HeaderKey != "Authorization" || a.API.QueryKey != "" {
		t.Errorf("runtime defaults not zero: method %q body %d header %q query %q", a.Method, a.Body, a.API.HeaderKey, a.API.QueryKey)
	}
}

// TestMethods checks the method set and what a client that cannot make a call says.
func TestMethods(t *testing.T) {
	for _, tc := range []struct {
		file string
		want Methods
		// unsupported lists the calls the client cannot make.
		unsupported []string
	}{
		{"zoho", Methods{ExchangeCallback: true, RefreshToken: true, Revoke: true, Verify: true, Metadata: true, BaseURL: true, BaseURLTakesToken: true, Connections: true},
			[]string{CallExchange, CallRefresh, CallToken}},
		{"paypal", Methods{Token: true, Verify: true, BaseURL: true},
			[]string{CallExchange, CallExchangeCallback, CallRefresh, CallRefreshToken, CallRevoke}},
		{"mailchimp", Methods{Exchange: true, Verify: true, Metadata: true, BaseURL: true, BaseURLTakesToken: true, Connections: true},
			[]string{CallRefresh, CallRefreshToken, CallToken, CallRevoke}},
	} {
		m := load(t, "../connectors/"+tc.file+".json")
		if m.Methods != tc.want {
			t.Errorf("%s: methods %+v, want %+v", tc.file, m.Methods, tc.want)
		}
		var got []string
		for _, call := range []string{CallExchange, CallExchangeCallback, CallRefresh, CallRefreshToken, CallToken, CallRevoke, CallVerify} {
			if m.Unsupported(call) != "" {
				got = append(got, call)
			}
		}
		if !reflect.DeepEqual(got, tc.unsupported) {
			t.Errorf("%s: unsupported %q, want %q", tc.file, got, tc.unsupported)
		}
	}
	if m := load(t, "../connectors/zoho.json"); m.Unsupported("Nope") == "" {
		t.Error("an unknown call is supported")
	}
}

// TestUnknownParamHint: an unknown parameter name gets the closest auth_form name, or
// the names there are, as validate and explain do.
func TestUnknownParamHint(t *testing.T) {
	m := load(t, "../connectors/tiktok.json")
	for _, tc := range []struct{ name, want string }{
		{"environmnt", `tiktok: unknown parameter "environmnt"; did you mean "environment"?`},
		{"region", `tiktok: unknown parameter "region"; the connector's auth_form fields are environment`},
	} {
		if _, err := m.CheckParams(map[string]any{tc.name: "x"}); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := load(t, "../connectors/asana.json").CheckParams(map[string]any{"x": 1}); err == nil || err.Error() != `asana: unknown parameter "x"; the connector has no auth_form fields` {
		t.Errorf("asana: %v", err)
	}
}
