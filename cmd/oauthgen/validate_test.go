package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

// runOauthgen runs oauthgen in-process, with an empty environment and stdin.
func runOauthgen(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, noEnv, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// noEnv is an environment without variables.
func noEnv(string) string { return "" }

func TestValidateConnectorsDir(t *testing.T) {
	code, out, errOut := runOauthgen("validate", "../../connectors/")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	files, _ := filepath.Glob("../../connectors/*.json")
	if !strings.Contains(out, "../../connectors/hubspot.json: ok\n") || !strings.HasSuffix(out, "\n"+itoa(len(files))+" files valid\n") {
		t.Errorf("stdout:\n%s", out)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestValidateBrokenFiles(t *testing.T) {
	dir := "../../schema/testdata/invalid/"
	tests := []struct {
		file string
		want []string // lines of stderr, the summary excluded
	}{
		{"malformed.json", []string{dir + "malformed.json:6:54: invalid JSON: trailing comma: remove it, or add a member after it"}},
		{"missing_step3.json", []string{dir + `missing_step3.json:4:15: /oauth2/config: missing required key "step3_access_url"`}},
		{"misspelt_key.json", []string{dir + `misspelt_key.json:7:7: /oauth2/config/acess_token_path: unknown key "acess_token_path"; did you mean "access_token_path"?`}},
		{"select_without_enum.json", []string{dir + `select_without_enum.json:8:17: /oauth2/auth_form/0/type: a "select" field needs "enum" with its allowed values`}},
		{"body_type_xml.json", []string{dir + `body_type_xml.json:7:37: /oauth2/config/exchange_request_body_type: "xml" is not allowed here; use one of "data", "json"`}},
		{"request_method_put.json", []string{dir + `request_method_put.json:7:25: /oauth2/config/request_method: "PUT" is not allowed here; use one of "GET", "POST"`}},
		{"http_token_url.json", []string{dir + `http_token_url.json:6:27: /oauth2/config/step3_access_url: uses http:// on the public host "api.example.com": use https (http is allowed only for localhost, 127.0.0.1 and [::1])`}},
		{"duplicate_auth_form.json", []string{dir + `duplicate_auth_form.json:6:17: /oauth2/auth_form/1/name: duplicate auth_form name "subdomain" (first at line 5); names must be unique`}},
		{"wrong_type.json", []string{dir + `wrong_type.json:7:42: /oauth2/config/client_id_and_secret_in_headers: must be a boolean, not a string ("yes")`}},
		{"enum_wrong_type.json", []string{dir + `enum_wrong_type.json:7:15: /oauth2/config/pkce: must be "S256" or "plain", not a boolean (true)`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			code, out, errOut := runOauthgen("validate", dir+tt.file)
			if code != exitInvalid {
				t.Errorf("exit %d, want %d", code, exitInvalid)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			want := strings.Join(tt.want, "\n") + "\n1 of 1 file invalid, 1 problem\n"
			if errOut != want {
				t.Errorf("stderr:\n%s\nwant:\n%s", errOut, want)
			}
		})
	}
}

func TestValidateManyProblemsInOneRun(t *testing.T) {
	code, _, errOut := runOauthgen("validate", "--quiet", "../../schema/testdata/invalid/many_problems.json", "../../connectors/tiktok.json")
	if code != exitInvalid {
		t.Fatalf("exit %d", code)
	}
	golden, err := os.ReadFile("../../schema/testdata/invalid/many_problems.golden")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(string(golden), "testdata/invalid/", "../../schema/testdata/invalid/")
	if errOut != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, want)
	}
}

func TestValidateTemplates(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "t.json")
	src := `{
  "name": "T",
  "base_url": "https://{{ subdomian }}.example.com/",
  "oauth2": {
    "auth_form": [{ "name": "subdomain", "required": true }],
    "config": {
      "step1_authorize_url": "https://e.com/a",
      "step3_access_url": "https://e.com/t",
      "token_refresh_url": "https://e.com/{{ subdomain | shout }}",
      "extra_authorization_url": { "scope": "a \"b\" {% for s in x %}{% endfor %}" }
    }
  }
}`
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runOauthgen("validate", f)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != exitInvalid || len(lines) != 4 {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	if !strings.HasPrefix(lines[0], f+":3:27: /base_url: template: unknown variable 'subdomian'") {
		t.Errorf("line 0: %s", lines[0])
	}
	if !strings.HasPrefix(lines[1], f+":9:58: /oauth2/config/token_refresh_url: template: unknown filter 'shout'") {
		t.Errorf("line 1: %s", lines[1])
	}
	if !strings.HasPrefix(lines[2], f+":10:57: /oauth2/config/extra_authorization_url/scope: template: unsupported tag 'for'") {
		t.Errorf("line 2: %s", lines[2])
	}
}

func TestValidateUsage(t *testing.T) {
	if code, _, errOut := runOauthgen("validate"); code != exitUsage || !strings.Contains(errOut, "no FILE or DIR given") || !strings.Contains(errOut, "Usage: oauthgen validate") {
		t.Errorf("no args: %d %q", code, errOut)
	}
	if code, _, errOut := runOauthgen("validate", "--bogus", "x"); code != exitUsage || !strings.Contains(errOut, "unknown flag: --bogus") {
		t.Errorf("bad flag: %d %q", code, errOut)
	}
	code, out, errOut := runOauthgen("validate", "--help")
	if code != exitOK || !strings.Contains(out, "Usage: oauthgen validate [flags] FILE|DIR...") || !strings.Contains(out, "--quiet") || errOut != "" {
		t.Errorf("--help: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runOauthgen("validate", "does/not/exist.json"); code != exitInvalid || !strings.Contains(errOut, "does/not/exist.json") {
		t.Errorf("missing file: %d %q", code, errOut)
	}
	if code, _, errOut := runOauthgen("validate", t.TempDir()); code != exitInvalid || !strings.Contains(errOut, "no connector files (*.json but *.schema.json)") {
		t.Errorf("empty dir: %d %q", code, errOut)
	}
}

func TestSchemaCommand(t *testing.T) {
	code, out, errOut := runOauthgen("schema")
	if code != exitOK || errOut != "" || out != string(schema.JSON()) {
		t.Fatalf("exit %d, %d bytes, stderr %q", code, len(out), errOut)
	}
	committed, err := os.ReadFile("../../schema/connector.schema.json")
	if err != nil || out != string(committed) {
		t.Errorf("output differs from the committed schema (%v)", err)
	}
	if code, out, _ := runOauthgen("schema", "--help"); code != exitOK || !strings.Contains(out, "Usage: oauthgen schema") {
		t.Errorf("--help: %d %q", code, out)
	}
	if code, _, errOut := runOauthgen("schema", "extra"); code != exitUsage || !strings.Contains(errOut, `unexpected argument "extra"`) {
		t.Errorf("extra arg: %d %q", code, errOut)
	}
}

func TestTopLevelUsage(t *testing.T) {
	if code, _, errOut := runOauthgen(); code != exitUsage || !strings.Contains(errOut, "validate") || !strings.Contains(errOut, "schema") {
		t.Errorf("no args: %d %q", code, errOut)
	}
	if code, out, _ := runOauthgen("--help"); code != exitOK || !strings.Contains(out, "Commands:") {
		t.Errorf("--help: %d %q", code, out)
	}
	if code, _, errOut := runOauthgen("nope"); code != exitUsage || !strings.Contains(errOut, `unknown command "nope"`) {
		t.Errorf("unknown: %d %q", code, errOut)
	}
}

// TestValidateReportsParamsClash checks that validate reports what the generator
// would refuse (two auth_form names that become one Go field), at the second name.
func TestValidateReportsParamsClash(t *testing.T) {
	f := filepath.Join(t.TempDir(), "clash.json")
	src := `{
  "name": "Clash",
  "oauth2": {
    "auth_form": [{ "name": "my_field" }, { "name": "myField" }],
    "config": { "step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t" }
  }
}`
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runOauthgen("validate", f)
	want := f + `:4:53: /oauth2/auth_form/1/name: "my_field" and "myField" both become the Params field MyField` + "\n"
	if code != exitInvalid || !strings.HasPrefix(errOut, want) {
		t.Errorf("exit %d:\n%s\nwant:\n%s", code, errOut, want)
	}
}

// TestValidateRunsResolve: a file that generate and dynamic.Parse reject (model.Resolve
// fails) is not ok for validate either, and the problem is placed at its value.
func TestValidateRunsResolve(t *testing.T) {
	const head = `{
  "name": "R",
  "oauth2": {
    "config": {
      "step1_authorize_url": "https://e.com/a",
      "step3_access_url": "https://e.com/t",
`
	tests := []struct{ name, src, want string }{
		{"scope", head + `      "scopes": ["ok", "a{b"]
    }
  }
}`, `:7:24: /oauth2/config/scopes/1: a scope contains '{'`},
		{"token_format", head + `      "scopes": ["ok"]
    }
  },
  "header": { "token_format": "x{{ token_format }}" }
}`, `:10:31: /header/token_format: token_format cannot read itself`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), tc.name+".json")
			if err := os.WriteFile(f, []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := runOauthgen("validate", f)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if code != exitInvalid || len(lines) != 2 || lines[0] != f+tc.want {
				t.Errorf("exit %d:\n%s\nwant first line:\n%s", code, errOut, f+tc.want)
			}
		})
	}
}

// TestValidateCallbackParams: callback parameters that give the same template name, or
// none, are reported at the offending item.
func TestValidateCallbackParams(t *testing.T) {
	for _, tc := range []struct{ params, want string }{
		{`["a-b", "a_b"]`, `:6:34: /oauth2/config/callback_params/1: "a-b" and "a_b" both become callback.a_b`},
		{`["ok", ""]`, `:6:33: /oauth2/config/callback_params/1: the name is empty`},
	} {
		f := filepath.Join(t.TempDir(), "cb.json")
		src := `{
  "name": "CB",
  "oauth2": {
    "config": {
      "step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t",
      "callback_params": ` + tc.params + `
    }
  }
}`
		if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runOauthgen("validate", f)
		if lines := strings.Split(errOut, "\n"); code != exitInvalid || lines[0] != f+tc.want {
			t.Errorf("exit %d:\n%s\nwant first line:\n%s", code, errOut, f+tc.want)
		}
	}
}

// A directory stands for its connectors: the JSON Schema placed beside them
// (*.schema.json) is not one.
func TestValidateDirSkipsSchema(t *testing.T) {
	dir := t.TempDir()
	conn, err := os.ReadFile("../../connectors/tiktok.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tiktok.json"), conn, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "connector.schema.json"), schema.JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runOauthgen("validate", dir)
	if want := filepath.Join(dir, "tiktok.json") + ": ok\n1 file valid\n"; code != exitOK || out != want || errOut != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want stdout %q", code, out, errOut, want)
	}
	// A file named on the command line is validated whatever its name.
	code, _, errOut = runOauthgen("validate", "-q", filepath.Join(dir, "connector.schema.json"))
	if code != exitInvalid || errOut == "" {
		t.Errorf("a schema file named explicitly: exit %d, stderr %q", code, errOut)
	}
	if err := os.Remove(filepath.Join(dir, "tiktok.json")); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runOauthgen("validate", dir)
	if want := "oauthgen validate: " + dir + ": no connector files (*.json but *.schema.json) in this directory\n"; code != exitInvalid || errOut != want {
		t.Errorf("only a schema: exit %d, stderr %q, want %q", code, errOut, want)
	}
}

// TestValidateLoopbackPort: http with a literal loopback host is accepted when only the
// port is a template; a host that continues into a template is not.
func TestValidateLoopbackPort(t *testing.T) {
	const ok = "../../schema/testdata/valid/loopback_port.json"
	code, out, errOut := runOauthgen("validate", ok)
	if want := ok + ": ok\n1 file valid\n"; code != exitOK || out != want || errOut != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want stdout %q", code, out, errOut, want)
	}
	f := filepath.Join(t.TempDir(), "host.json")
	src := `{
  "name": "Loopback",
  "oauth2": {
    "auth_form": [{ "name": "port", "type": "number", "default": 8080 }],
    "config": { "step1_authorize_url": "https://e.com/a", "step3_access_url": "http://127.0.0.1{{ port }}/token" }
  }
}`
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runOauthgen("validate", f)
	want := f + ":5:79: /oauth2/config/step3_access_url: http:// is allowed only for localhost, 127.0.0.1 and [::1], and this host comes from a template; use https\n1 of 1 file invalid, 1 problem\n"
	if code != exitInvalid || errOut != want {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", code, errOut, want)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files: testdata/validate, and the Nango import's expected output")

// TestValidateGolden runs validate on each file of testdata/validate and compares its
// exit status, stdout and stderr with the file's golden output (go test -update
// rewrites them).
func TestValidateGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/validate/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, out, errOut := runOauthgen("validate", f)
			got := fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", code, out, errOut)
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("validate %s:\n got:\n%s\nwant:\n%s", f, got, want)
			}
		})
	}
}

// TestValidateQuietKeepsWarnings: --quiet drops the ok lines and the summary, not the
// warnings; warnings do not change the exit status.
func TestValidateQuietKeepsWarnings(t *testing.T) {
	const f = "testdata/validate/unused_field.json"
	code, out, errOut := runOauthgen("validate", "-q", f, "../../connectors/tiktok.json")
	want := f + `:8:7: warning: /oauth2/auth_form/2: field "workspace" is read by no template: the value the end user gives goes nowhere; use it in a template or remove it` + "\n"
	if code != exitOK || out != "" || errOut != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, errOut, want)
	}
}

// TestValidateOutputHidesNothing: a file whose keys and template strings carry terminal
// escapes and bidi controls gets them reported, and none reaches the terminal: the
// output holds no control or format character but the line feeds between problems.
func TestValidateOutputHidesNothing(t *testing.T) {
	f := filepath.Join(t.TempDir(), "hostile.json")
	src := `{
  "name": "Hostile",
  "header": { "extra_headers": { "X-\u001b]0;owned\u0007": "v" } },
  "oauth2": {
    "config": {
      "step1_authorize_url": "https://e.com/a{{ client_id 'x\u001b[2J\u202e' }}",
      "step3_access_url": "https://e.com/t"
    }
  }
}`
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runOauthgen("validate", f)
	want := f + `:3:37: "/header/extra_headers/X-\x1b]0;owned\a": control character U+001B is not allowed in a key
` + f + `:6:59: /oauth2/config/step1_authorize_url: template: unexpected string 'x\x1b[2J\u202e': expected the end of the tag (see https://github.com/oauthgen/oauthgen/blob/main/docs/templates.md)
` + f + `:6:61: /oauth2/config/step1_authorize_url: control character U+001B is not allowed in a string
1 of 1 file invalid, 3 problems
`
	if code != exitInvalid || out != "" || errOut != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, errOut, want)
	}
	for _, r := range errOut {
		if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x202e) {
			t.Errorf("stderr holds %U", r)
		}
	}
}

// TestValidateUnconfinedHost (issue 13): a token URL whose host is entirely an end
// user's value, with no declared hosts, is refused at the value, saying what could
// leak where and the two ways out; declaring allowed_hosts makes it valid.
func TestValidateUnconfinedHost(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "u.json")
	src := `{
  "name": "U",
  "oauth2": {
    "auth_form": [{ "name": "domain", "required": true }],
    "config": {
      "step1_authorize_url": "https://login.example.com/authorize",
      "step3_access_url": "https://{{ domain }}/oauth/token"
    }
  }
}`
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runOauthgen("validate", f)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != exitInvalid || len(lines) != 2 {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	want := f + ":7:36: /oauth2/config/step3_access_url: the host of the token URL is entirely the end user's value domain: whoever chooses it receives the client secret, the code, the PKCE verifier and the refresh token; declare the hosts it may be in oauth2.config.allowed_hosts"
	if !strings.HasPrefix(lines[0], want) || !strings.Contains(lines[0], "end_user_hosted: true") {
		t.Errorf("got  %s\nwant %s ... end_user_hosted: true ...", lines[0], want)
	}
	declared := strings.Replace(src, `/oauth/token"`, `/oauth/token",
      "allowed_hosts": ["*.okta.com"]`, 1)
	if err := os.WriteFile(f, []byte(declared), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runOauthgen("validate", f); code != 0 {
		t.Errorf("with allowed_hosts: exit %d:\n%s", code, errOut)
	}
}

// TestValidateEndUserHostedCallbackHost: end_user_hosted confines only hosts an
// auth_form value names; a token URL whose origin is a callback value, or a base URL
// whose origin is a response value, is still unconfined (whoever edits the callback,
// or answers the token request, chooses it) and validate says so at the value.
func TestValidateEndUserHostedCallbackHost(t *testing.T) {
	f := filepath.Join(t.TempDir(), "cb.json")
	src := `{
  "name": "Cb",
  "base_url": "{{ credentials.api }}/v1/",
  "end_user_hosted": true,
  "oauth2": {
    "auth_form": [
      {"name": "client_id", "title": "Client ID", "type": "text", "required": true},
      {"name": "client_secret", "title": "Client secret", "type": "password", "required": true}
    ],
    "config": {
      "step1_authorize_url": "https://login.example.com/authorize",
      "step3_access_url": "{{ callback.server }}/token",
      "callback_params": ["server"],
      "token_metadata": {"api": "api"}
    }
  }
}`
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runOauthgen("validate", f)
	const tail = ` (such as "accounts.example.com" or "*.example.com"); end_user_hosted does not confine it: only an auth_form value may name the end user's host`
	want := []string{
		f + `:3:16: /base_url: the origin of the base URL is entirely the provider's response value credentials.api: whoever chooses it receives the access token; declare the hosts it may be in api_hosts` + tail,
		f + `:12:28: /oauth2/config/step3_access_url: the origin of the token URL is entirely the callback value callback.server (anyone can edit a callback): whoever chooses it receives the client secret, the code, the PKCE verifier and the refresh token; declare the hosts it may be in oauth2.config.allowed_hosts` + tail,
		"1 of 1 file invalid, 2 problems",
	}
	if got := strings.Split(strings.TrimSpace(errOut), "\n"); code != exitInvalid || !slices.Equal(got, want) {
		t.Errorf("exit %d:\n%s\nwant exit %d:\n%s", code, errOut, exitInvalid, strings.Join(want, "\n"))
	}
	declared := strings.Replace(src, `"callback_params"`, `"allowed_hosts": ["login.example.com"], "callback_params"`, 1)
	declared = strings.Replace(declared, `"end_user_hosted"`, `"api_hosts": ["api.example.com"], "end_user_hosted"`, 1)
	if err := os.WriteFile(f, []byte(declared), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runOauthgen("validate", f); code != 0 {
		t.Errorf("with allowed_hosts and api_hosts: exit %d:\n%s", code, errOut)
	}
}
