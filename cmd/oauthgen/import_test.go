package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

const (
	chiefSeed = "../../importer/testdata/chiefonboarding_google.json"
	iappSeed  = "../../importer/testdata/integrationapp_example.yaml"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	return runOauthgen(args...)
}

func TestImportChiefOnboardingToStdout(t *testing.T) {
	code, out, errs := runCLI("import", "--from", "chiefonboarding", chiefSeed)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	m, err := model.Parse("stdout", []byte(out))
	if err != nil {
		t.Fatalf("output does not validate: %v\n%s", err, out)
	}
	c := m.Source
	if c.Name != "Google" || c.OAuth2.Config.Step3AccessURL != "https://oauth2.googleapis.com/token" {
		t.Errorf("unexpected connector: name %q, token URL %q", c.Name, c.OAuth2.Config.Step3AccessURL)
	}
	if !strings.Contains(errs, chiefSeed+": warning: name: name Google: derived") {
		t.Errorf("derived-name warning missing from stderr:\n%s", errs)
	}
}

func TestImportIntegrationAppToFileWithName(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "example.json")
	code, out, errs := runCLI("import", "--from", "integration-app", "--name", "Example CRM", "-o", dst, iappSeed)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if out != "" {
		t.Errorf("stdout not empty with -o: %q", out)
	}
	m, err := model.Load(dst)
	if err != nil {
		t.Fatalf("written file does not validate: %v", err)
	}
	c := m.Source
	if c.Name != "Example CRM" {
		t.Errorf("name = %q, want Example CRM", c.Name)
	}
	if c.OAuth2.Config.PKCE != "S256" || c.OAuth2.Config.ClientAuth != schema.ClientAuthBody {
		t.Errorf("pkce %q, client_auth %q", c.OAuth2.Config.PKCE, c.OAuth2.Config.ClientAuth)
	}
	if strings.Contains(errs, "derived from") {
		t.Errorf("derived-name warning printed although --name was given:\n%s", errs)
	}
	if !strings.Contains(errs, "warning: indentation:") {
		t.Errorf("indentation warning missing:\n%s", errs)
	}
}

func TestImportUsageAndErrors(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(notJSON, []byte("{oops"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no from", []string{"import", chiefSeed}, exitUsage, "--from is required"},
		{"bad from", []string{"import", "--from", "nango", chiefSeed}, exitUsage, `--from "nango" is not`},
		{"no file", []string{"import", "--from", "chiefonboarding"}, exitUsage, "want exactly one FILE, got 0"},
		{"two files", []string{"import", "--from", "chiefonboarding", chiefSeed, chiefSeed}, exitUsage, "got 2"},
		{"empty name", []string{"import", "--from", "chiefonboarding", "--name", " ", chiefSeed}, exitUsage, "--name is empty"},
		{"bad flag", []string{"import", "--frm", "x"}, exitUsage, "Usage: oauthgen import"},
		{"missing file", []string{"import", "--from", "chiefonboarding", filepath.Join(dir, "nope.json")}, exitInvalid, "no such file"},
		{"not json", []string{"import", "--from", "chiefonboarding", notJSON}, exitInvalid, "importer: chiefonboarding: not a JSON object"},
		{"wrong format", []string{"import", "--from", "integration-app", chiefSeed}, exitInvalid, "importer: integration-app:"},
		{"unwritable output", []string{"import", "--from", "chiefonboarding", "-o", filepath.Join(dir, "no", "such", "dir.json"), chiefSeed}, exitInvalid, "no such file"},
	} {
		code, out, errs := runCLI(tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", tc.name, code, tc.code, errs)
		}
		if !strings.Contains(errs, tc.stderr) {
			t.Errorf("%s: stderr does not contain %q:\n%s", tc.name, tc.stderr, errs)
		}
		if out != "" {
			t.Errorf("%s: stdout not empty: %q", tc.name, out)
		}
	}
}

func TestImportHelp(t *testing.T) {
	code, out, errs := runCLI("import", "--help")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"--from", "--name", "-o, --output", "Exit status"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI("--help")
	if code != exitOK || !strings.Contains(out, "import") {
		t.Errorf("top-level help does not list import (exit %d):\n%s", code, out)
	}
}
