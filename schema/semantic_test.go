package schema

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url string
		bad string // substring of the message, "" when the URL is fine
	}{
		{"https://api.example.com/token", ""},
		{"HTTPS://api.example.com/token", ""},
		{"http://localhost:8080/token", ""},
		{"http://127.0.0.1/token", ""},
		{"http://[::1]:9000/token", ""},
		{"http://user@localhost/token", ""},
		{"http://localhost", ""},
		{"{{ base }}/token", ""},
		{"{% if x %}http://a{% endif %}", ""},
		{"https://{{ subdomain }}.example.com/token", ""},
		{"http{{ s }}://example.com", ""},
		{"http://localhost:{{ port }}/token", ""},
		{"http://127.0.0.1:{{ port }}/token", ""},
		{"http://[::1]:{{ port }}", ""},
		{"http://user@127.0.0.1:{{ port }}/token", ""},
		{"http://127.0.0.1{{ port }}/token", `this host comes from a template`},
		{"http://127.0.0.{{ n }}/token", `this host comes from a template`},
		{"http://localhost{{ suffix }}:8080/token", `this host comes from a template`},
		{"http://api.example.com:{{ port }}/token", `public host "api.example.com"`},
		{"http://{{ host }}:{{ port }}/token", "comes from a template"},
		{"http://api.example.com/token", `public host "api.example.com"`},
		{"http://localhost.example.com/", `public host "localhost.example.com"`},
		{"http://{{ host }}/token", "comes from a template"},
		{"http://example.com", `public host "example.com"`},
		{"ftp://example.com/token", `scheme "ftp"`},
		{"/oauth/token", "not an absolute URL"},
		{"example.com/token", "not an absolute URL"},
	}
	for _, tt := range tests {
		got := checkURL(tt.url)
		if (tt.bad == "") != (got == "") || !strings.Contains(got, tt.bad) {
			t.Errorf("checkURL(%q) = %q, want %q", tt.url, got, tt.bad)
		}
	}
}

// problems returns the "pointer: message" lines of a file's problems.
func problems(t *testing.T, src string) []string {
	t.Helper()
	_, err := Parse("t.json", []byte(src))
	if err == nil {
		return nil
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %T: %v", err, err)
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Pointer+": "+e.Msg)
	}
	return out
}

// connector builds a minimal valid file with extra top-level and config members.
func connector(top, config string) string {
	if top != "" {
		top += ","
	}
	if config != "" {
		config = "," + config
	}
	return `{` + top + `"name": "Test", "oauth2": {"config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"` + config + `}}}`
}

func TestSemanticChecks(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings, one per expected problem, in order
	}{
		{"valid", connector("", ""), nil},
		{"client credentials needs no authorize url",
			`{"name": "CC", "oauth2": {"config": {"flow": "client_credentials", "step3_access_url": "https://e.com/t"}}}`, nil},
		{"client credentials with authorization keys",
			`{"name": "CC", "oauth2": {"config": {"flow": "client_credentials", "step3_access_url": "https://e.com/t", "pkce": "S256", "step1_authorize_url": "https://e.com/a"}}}`,
			[]string{`/oauth2/config/pkce: "pkce" is not used by the client_credentials flow`, `/oauth2/config/step1_authorize_url: "step1_authorize_url" is not used`}},
		{"authorization code without authorize url",
			`{"name": "AC", "oauth2": {"config": {"step3_access_url": "https://e.com/t"}}}`,
			[]string{`/oauth2/config: missing required key "step1_authorize_url"`}},
		{"empty authorize url", connector("", "")[:0] + `{"name": "AC", "oauth2": {"config": {"step1_authorize_url": "", "step3_access_url": "https://e.com/t"}}}`,
			[]string{"/oauth2/config/step1_authorize_url: must not be empty"}},
		{"client_auth agrees with headers", connector("", `"client_id_and_secret_in_headers": true, "client_auth": "header"`), nil},
		{"client_auth both contradicts headers", connector("", `"client_id_and_secret_in_headers": true, "client_auth": "both"`),
			[]string{`/oauth2/config/client_auth: "both" contradicts`}},
		{"assertion keys with private_key_jwt", connector("", `"client_auth": "private_key_jwt", "client_assertion_alg": "PS256", "client_assertion_audience": "https://e.com"`), nil},
		{"assertion keys without private_key_jwt", connector("", `"client_auth": "tls_client_auth", "client_assertion_alg": "PS256"`),
			[]string{`/oauth2/config/client_assertion_alg: "client_assertion_alg" is used only with client_auth "private_key_jwt"; remove it`}},
		{"assertion audience without client_auth", connector("", `"client_assertion_audience": "https://e.com"`),
			[]string{`/oauth2/config/client_assertion_audience: "client_assertion_audience" is used only with client_auth "private_key_jwt"`}},
		{"assertion alg outside the enum", connector("", `"client_auth": "private_key_jwt", "client_assertion_alg": "HS256"`),
			[]string{`/oauth2/config/client_assertion_alg`}},
		{"key auth contradicts headers", connector("", `"client_id_and_secret_in_headers": true, "client_auth": "private_key_jwt"`),
			[]string{`/oauth2/config/client_auth: "private_key_jwt" contradicts`}},
		{"same fallback encoding", connector("", `"exchange_request_body_type": "json", "or_exchange_request_body_type": "json"`),
			[]string{`/oauth2/config/or_exchange_request_body_type: the fallback encoding "json" is the same`}},
		{"default fallback encoding", connector("", `"or_exchange_request_body_type": "data"`),
			[]string{`the fallback encoding "data" is the same`}},
		{"scopes alone", connector("", `"scopes": ["a", "b"]`), nil},
		{"duplicate scopes", connector("", `"scopes": ["a", "a"]`), []string{`/oauth2/config/scopes/1: duplicate item "a" (also at index 0)`}},
		{"reserved field name", `{"name": "R", "oauth2": {"auth_form": [{"name": "state"}], "config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}}}`,
			[]string{`/oauth2/auth_form/0/name: "state" is reserved`}},
		{"default types", `{"name": "D", "oauth2": {"auth_form": [{"name": "n", "type": "number", "default": "3"}, {"name": "c", "type": "checkbox", "default": true}, {"name": "t", "default": 1}], "config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}}}`,
			[]string{`/oauth2/auth_form/0/default: the default of a "number" field must be a number, not a string`, `/oauth2/auth_form/2/default: the default of a "text" field must be a string, not a number`}},
		{"default of a wrong shape", `{"name": "D", "oauth2": {"auth_form": [{"name": "n", "default": [1]}], "config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}}}`,
			[]string{`/oauth2/auth_form/0/default: must be a string, a number or a boolean, not an array`}},
		{"auth_form keeps UI hints", `{"name": "U", "oauth2": {"auth_form": [{"name": "n", "hint": {"x": 1}}], "config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}}}`, nil},
		{"test_request path needs base_url", connector(`"test_request": {"path": "me"}`, ""), []string{`/test_request/path: a path needs "base_url"`}},
		{"test_request both", connector(`"base_url": "https://e.com/", "test_request": {"path": "me", "url": "https://e.com/me"}`, ""), []string{`/test_request/url: give either "path"`}},
		{"test_request neither", connector(`"test_request": {"method": "GET"}`, ""), []string{`/test_request: needs "path"`}},
		{"test_request body without a method", connector(`"test_request": {"url": "https://e.com/graphql", "body": "{}"}`, ""), []string{`/test_request/body: a body needs a method that sends one: set "method" to "POST" (GraphQL), "PUT" or "PATCH"`}},
		{"test_request body with GET", connector(`"test_request": {"method": "GET", "url": "https://e.com/graphql", "body": "{}"}`, ""), []string{`/test_request/body: a body needs a method`}},
		{"test_request body and headers", connector(`"test_request": {"method": "POST", "url": "https://e.com/graphql", "body": "{}", "headers": {"X-V": "1"}}`, ""), nil},
		{"empty path segment", connector("", `"access_token_path": "data..token"`), []string{`/oauth2/config/access_token_path: "data..token" is not a dot path`}},
		{"path ending in a dot", connector("", `"token_metadata": {"id": "data."}`), []string{`/oauth2/config/token_metadata/id: "data." is not a dot path`}},
		{"path with a space", connector("", `"userinfo": {"url": "https://e.com/u", "metadata": {"a/b": " id"}}`), []string{`/oauth2/config/userinfo/metadata/a~1b: " id" is not a dot path`}},
		{"dot paths", connector("", `"access_token_path": "data.access_token", "token_metadata": {"id": "accounts.0.id"}`), nil},
		{"keyword package", connector(`"package": "func"`, ""), []string{`/package: "func" is a Go keyword`}},
		{"bad package", connector(`"package": "Hub-Spot"`, ""), []string{`/package: "Hub-Spot" does not match the pattern`}},
		{"name without letters", `{"name": "!!!", "oauth2": {"config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}}}`, []string{`/name: "!!!" has no letters or digits`}},
		{"name starting with a digit", `{"name": "42 Go", "oauth2": {"config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}}}`, []string{`starts with a digit`}},
		{"duplicate key", connector(`"base_url": "https://a.com/", "base_url": "https://b.com/"`, ""), []string{`/base_url: duplicate key "base_url" (first at line 1)`}},
		{"not an object", `[]`, []string{`: a connector file holds a JSON object, not an array`}},
		{"bad docs url", connector(`"docs_url": "not a url"`, ""), []string{`/docs_url: "not a url" is not a valid uri`}},
		{"expires range", connector("", `"default_expires_in": 0`), []string{`/oauth2/config/default_expires_in: must be at least 1, not 0`}},
		{"missing everything", `{}`, []string{`: missing required key "name"`, `: missing required key "oauth2"`}},
		{"unknown config key far from any", connector("", `"zzzzzzzz": 1`), []string{`/oauth2/config/zzzzzzzz: unknown key "zzzzzzzz" (see schema/connector.schema.json`}},
		{"unknown top key lists the keys", connector(`"zzzzzzzz": 1`, ""), []string{`/zzzzzzzz: unknown key "zzzzzzzz"; allowed keys: $schema, api_hosts, base_url, description, docs_url, end_user_hosted, header, name, oauth2, package, test_request`}},
		{"unknown key in a small object", connector(`"test_request": {"path": "x", "methd": "GET"}, "base_url": "https://e.com/"`, ""), []string{`/test_request/methd: unknown key "methd"; did you mean "method"?`}},
		{"unknown key with no close match lists keys", `{"name": "U", "oauth2": {"config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t", "userinfo": {"url": "https://e.com/me", "zzzzzz": 1}}}}`,
			[]string{`/oauth2/config/userinfo/zzzzzz: unknown key "zzzzzz"; allowed keys: metadata, select, url`}},
		{"enum of two, wrong type", connector("", `"pkce": true`), []string{`/oauth2/config/pkce: must be "S256" or "plain", not a boolean (true)`}},
		{"enum of many, wrong type", connector("", `"client_auth": ["body"]`), []string{`/oauth2/config/client_auth: must be one of "body", "header", "both", "private_key_jwt", "tls_client_auth", not an array`}},
		{"enum, null", connector("", `"flow": null`), []string{`/oauth2/config/flow: must be "authorization_code" or "client_credentials", not null`}},
		{"wrong nested type", connector("", `"extra_access_url": {"grant_type": 5}`), []string{`/oauth2/config/extra_access_url/grant_type: must be a string, not a number (5)`}},
		{"misspelt auth_form key", `{"name": "M", "oauth2": {"auth_form": [{"name": "n", "requried": true, "tooltip": "x"}], "config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}}}`,
			[]string{`/oauth2/auth_form/0/requried: unknown key "requried"; did you mean "required"?`}},
		{"control character", connector(`"description": "ok\tok\nok \u0000 bad"`, ""), []string{`/description: control character U+0000 is not allowed in a string`}},
		{"select with empty enum", `{"name": "S", "oauth2": {"auth_form": [{"name": "s", "type": "select", "enum": []}], "config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}}}`,
			[]string{`/oauth2/auth_form/0/enum: must have at least 1 item(s)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, tt.src)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("problem %d: %q does not contain %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestDecodeMatchesEncodingJSON checks that the connector built from the parse tree
// equals what encoding/json (with Field's UnmarshalJSON) decodes from the same file.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	files, _ := filepath.Glob("../connectors/*.json")
	extra, _ := filepath.Glob("testdata/valid/*.json")
	files = append(files, extra...)
	if len(files) < 3 {
		t.Fatalf("only %d files", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(f, data)
		if err != nil {
			t.Fatalf("%v", err)
		}
		var want Connector
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("%s: tree decode\n%+v\nencoding/json\n%+v", f, got, &want)
		}
	}
}

// TestFieldJSONKeepsExtra round-trips an auth_form entry with UI hints.
func TestFieldJSONKeepsExtra(t *testing.T) {
	in := `{"name":"env","type":"select","default":"A","enum":["A","B"],"hideInEmbed":true,"order":2,"widget":{"kind":"radio"}}`
	var f Field
	if err := json.Unmarshal([]byte(in), &f); err != nil {
		t.Fatal(err)
	}
	if f.Name != "env" || f.Type != FieldSelect || !f.HideInEmbed || f.Extra["order"] != 2.0 || f.Extra["widget"].(map[string]any)["kind"] != "radio" || len(f.Extra) != 2 {
		t.Fatalf("decoded %+v", f)
	}
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	json.Unmarshal([]byte(in), &a)
	json.Unmarshal(out, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("round trip\n in %s\nout %s", in, out)
	}
	// Extra never overrides an own key.
	f.Extra["name"] = "other"
	out, _ = json.Marshal(f)
	if strings.Count(string(out), `"name"`) != 1 {
		t.Errorf("own key duplicated: %s", out)
	}
	if out, _ := json.Marshal(Field{Name: "x", Extra: map[string]any{"k": 1}}); string(out) != `{"name":"x","k":1}` {
		t.Errorf("got %s", out)
	}
}

func TestTemplatesCollected(t *testing.T) {
	src := "{\n" +
		`  "name": "T", "base_url": "https://{{ sub }}.e.com/",` + "\n" +
		`  "oauth2": {"config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t",` + "\n" +
		`    "extra_authorization_url": {"scope": "a \"q\" {{ bad }}", "response_type": "code"}}},` + "\n" +
		`  "header": {"token_prefix": "Bearer {{token_format}}"}` + "\n}"
	ts, err := Templates("t.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tpl := range ts {
		got = append(got, string(tpl.Place)+" "+tpl.Pointer)
	}
	want := []string{
		"api /base_url",
		"authorize /oauth2/config/step1_authorize_url",
		"token /oauth2/config/step3_access_url",
		"authorize /oauth2/config/extra_authorization_url/scope",
		"authorize /oauth2/config/extra_authorization_url/response_type",
		"header /header/token_prefix",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	scope := ts[3]
	if scope.Value != `a "q" {{ bad }}` {
		t.Fatalf("value %q", scope.Value)
	}
	i := strings.Index(scope.Value, "bad")
	e := scope.ErrorAt(i, "unknown variable bad")
	// Line 4 is `    "extra_authorization_url": {"scope": "a \"q\" {{ bad }}", ...`.
	line4 := strings.Split(src, "\n")[3]
	wantCol := strings.Index(line4, "bad") + 1
	if e.Line != 4 || e.Col != wantCol || e.Pointer != "/oauth2/config/extra_authorization_url/scope" {
		t.Errorf("got %v, want 4:%d", e, wantCol)
	}
	if e.Error() != "t.json:4:"+itoa(wantCol)+": /oauth2/config/extra_authorization_url/scope: unknown variable bad" {
		t.Errorf("formatted %q", e.Error())
	}
	if _, err := Templates("bad.json", []byte("{")); err == nil {
		t.Error("malformed JSON accepted")
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestCheck checks what Check gives a loader that checks more: the templates, a way
// to place a problem at any value, and Err, which joins its problems with the file's.
func TestCheck(t *testing.T) {
	src := connector(`"base_url": "https://e.com/{% for x in y %}{% endfor %}"`, `"zzz_unknown": 1`)
	in := Check("t.json", []byte(src))
	if in.Connector == nil || in.Connector.Name != "Test" {
		t.Fatalf("connector %+v", in.Connector)
	}
	var seen []string
	var more []*Error
	for _, tpl := range in.Templates {
		seen = append(seen, tpl.Pointer)
		if i := strings.Index(tpl.Value, "{% for"); i >= 0 {
			more = append(more, tpl.ErrorAt(i, "unsupported tag for"))
		}
	}
	more = append(more, in.ErrorAt("/oauth2/config/nothing/here", "placed at the nearest ancestor"))
	var got []string
	for _, e := range in.Err(more...).(Errors) {
		got = append(got, e.Pointer+": "+e.Msg)
	}
	want := []string{
		"/base_url: unsupported tag for",
		"/oauth2/config/nothing/here: placed at the nearest ancestor",
		"/oauth2/config/zzz_unknown: unknown key",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d: %q, want %q", i, got[i], want[i])
		}
	}
	if len(seen) != 3 {
		t.Errorf("templates %q", seen)
	}
	ok := Check("t.json", []byte(connector("", "")))
	if err := ok.Err(); len(ok.Errors) != 0 || err != nil {
		t.Errorf("valid file: %v", err)
	}
	// Parse checks no template: an unknown variable is model.Parse's business.
	if _, err := Parse("t.json", []byte(connector(`"base_url": "https://e.com/{{ tokn }}"`, ""))); err != nil {
		t.Errorf("Parse checked a template: %v", err)
	}
	if bad := Check("t.json", []byte("[1]")); bad.Connector != nil || bad.Templates != nil || bad.Err() == nil {
		t.Errorf("not an object: %+v", bad)
	}
}

// TestErrorFormat checks the printed forms.
func TestErrorFormat(t *testing.T) {
	es := Errors{
		{File: "f.json", Line: 1, Col: 2, Msg: "invalid JSON: x"},
		{File: "f.json", Line: 3, Col: 4, Pointer: "/a/b", Msg: "bad"},
		{File: "f.json", Line: 5, Col: 6, Pointer: "/c", Msg: "odd", Warning: true},
	}
	if got := es.Error(); got != "f.json:1:2: invalid JSON: x\nf.json:3:4: /a/b: bad\nf.json:5:6: warning: /c: odd" {
		t.Errorf("got %q", got)
	}
}

// TestFieldKeysMatchTheType keeps the auth_form key lists in step with Field's tags.
func TestFieldKeysMatchTheType(t *testing.T) {
	var tags []string
	ft := reflect.TypeOf(Field{})
	for i := 0; i < ft.NumField(); i++ {
		if name, _, _ := strings.Cut(ft.Field(i).Tag.Get("json"), ","); name != "-" {
			tags = append(tags, name)
		}
	}
	sort.Strings(tags)
	if !reflect.DeepEqual(tags, fieldKeyList) {
		t.Errorf("Field's keys %q, fieldKeyList %q", tags, fieldKeyList)
	}
	if len(fieldKeys) != len(tags) {
		t.Errorf("fieldKeys has %d keys, Field %d", len(fieldKeys), len(tags))
	}
	for _, k := range tags {
		if !fieldKeys[k] {
			t.Errorf("fieldKeys lacks %q", k)
		}
	}
}

// A field's pattern is RE2, anchored, on a text or password field, and its default
// matches it; the problem is reported at the pattern or the default.
func TestFieldPattern(t *testing.T) {
	file := func(field string) string {
		return `{"name": "P", "oauth2": {"auth_form": [` + field + `], "config": {"flow": "client_credentials", "step3_access_url": "https://p.example/token"}}}`
	}
	for field, want := range map[string]string{
		`{"name": "shop", "pattern": "[a-z]+"}`:                          "",
		`{"name": "key", "type": "password", "pattern": "[a-f0-9]{32}"}`: "",
		`{"name": "shop", "pattern": "[a-z]+", "default": "acme"}`:       "",
		`{"name": "shop", "pattern": "[a-z"}`:                            "/oauth2/auth_form/0/pattern: not an RE2 regular expression: missing closing ]",
		`{"name": "shop", "pattern": "(?<=a)b"}`:                         "/oauth2/auth_form/0/pattern: not an RE2 regular expression",
		`{"name": "shop", "pattern": "[a-z]+)|(.*"}`:                     "/oauth2/auth_form/0/pattern: not an RE2 regular expression: unexpected )",
		`{"name": "shop", "pattern": "[a-z]+", "default": "acme.evil"}`:  `/oauth2/auth_form/0/default: default "acme.evil" does not match the pattern "[a-z]+"`,
		`{"name": "n", "type": "number", "pattern": "[0-9]+"}`:           `/oauth2/auth_form/0/pattern: a pattern applies to text and password fields, not to a "number" field`,
		`{"name": "s", "type": "select", "enum": ["a"], "pattern": "a"}`: `/oauth2/auth_form/0/pattern: a pattern applies to text and password fields, not to a "select" field`,
		`{"name": "shop", "pattern": "[a-z]+|", "default": "x"}`:         "",
		`{"name": "shop", "pattern": "a", "default": "aa"}`:              `/oauth2/auth_form/0/default: default "aa" does not match the pattern "a"`,
	} {
		got := strings.Join(problems(t, file(field)), "\n")
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%s: problems %q, want %q", field, got, want)
		}
	}
	// Anchored: a partial match is no match.
	re, err := CompilePattern("[a-z]+")
	if err != nil || re.MatchString("acme.evil") || !re.MatchString("acme") || re.MatchString("acme\n") {
		t.Errorf("CompilePattern: %v, %v", re, err)
	}
}
