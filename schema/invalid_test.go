package schema_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/invalid")

// TestInvalidFixtures checks every broken file of testdata/invalid against its golden
// output: the full list of problems, each with line, column, pointer and message.
func TestInvalidFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.json")
	if err != nil || len(files) < 10 {
		t.Fatalf("want at least 10 fixtures, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, err := schema.Load(f)
			if err == nil {
				t.Fatalf("%s loaded without error: %+v", f, c)
			}
			if c != nil {
				t.Errorf("an invalid file returned a connector")
			}
			var errs schema.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, want schema.Errors: %v", err, err)
			}
			got := errs.Error() + "\n"
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
				t.Errorf("problems of %s:\n got:\n%s\nwant:\n%s", f, got, want)
			}
		})
	}
}

// TestMustShow spells out the position and pointer of each problem the foundation
// issue lists, independently of the golden files.
func TestMustShow(t *testing.T) {
	tests := []struct {
		file      string
		line, col int
		pointer   string
		msg       string
	}{
		{"malformed", 6, 54, "", "trailing comma"},
		{"missing_step3", 4, 15, "/oauth2/config", `missing required key "step3_access_url"`},
		{"misspelt_key", 7, 7, "/oauth2/config/acess_token_path", `did you mean "access_token_path"?`},
		{"select_without_enum", 8, 17, "/oauth2/auth_form/0/type", `needs "enum"`},
		{"body_type_xml", 7, 37, "/oauth2/config/exchange_request_body_type", `"xml" is not allowed here; use one of "data", "json"`},
		{"request_method_put", 7, 25, "/oauth2/config/request_method", `"PUT" is not allowed here; use one of "GET", "POST"`},
		{"http_token_url", 6, 27, "/oauth2/config/step3_access_url", `http:// on the public host "api.example.com"`},
		{"duplicate_auth_form", 6, 17, "/oauth2/auth_form/1/name", `duplicate auth_form name "subdomain" (first at line 5)`},
		{"wrong_type", 7, 42, "/oauth2/config/client_id_and_secret_in_headers", "must be a boolean, not a string"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := schema.Load("testdata/invalid/" + tt.file + ".json")
			var errs schema.Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("want exactly one problem, got %v", err)
			}
			e := errs[0]
			if e.Line != tt.line || e.Col != tt.col || e.Pointer != tt.pointer || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %d:%d %q %q\nwant %d:%d %q containing %q", e.Line, e.Col, e.Pointer, e.Msg, tt.line, tt.col, tt.pointer, tt.msg)
			}
		})
	}
}

// TestAllProblemsAtOnce checks that one file with many problems reports all of them,
// from the parser's schema validation and the semantic checks alike, in file order.
func TestAllProblemsAtOnce(t *testing.T) {
	_, err := schema.Load("testdata/invalid/many_problems.json")
	var errs schema.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v", err)
	}
	want := []string{
		"/oauth2/auth_form/0/default",                  // default outside enum
		"/oauth2/auth_form/1/name",                     // duplicate name
		"/oauth2/auth_form/1/type",                     // enum violation
		"/oauth2/config",                               // missing step3_access_url
		"/oauth2/config/step1_authorize_url",           // http
		"/oauth2/config/step3_acces_url",               // misspelt
		"/oauth2/config/request_method",                // PUT
		"/oauth2/config/exchange_request_body_type",    // xml
		"/oauth2/config/extra_authorization_url/scope", // scope twice
		"/oauth2/config/client_auth",                   // contradiction
		"/oauth2/config/default_expires_in",            // wrong type
		"/header/token_in_header",                      // wrong type
		"/header/header_ky",                            // misspelt
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, e := range errs {
		if e.Pointer != want[i] {
			t.Errorf("problem %d at %s, want %s (%v)", i, e.Pointer, want[i], e)
		}
		if i > 0 && e.Offset < errs[i-1].Offset {
			t.Errorf("problem %d is before problem %d in the file", i, i-1)
		}
	}
}
