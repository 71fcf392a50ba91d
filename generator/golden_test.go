package generator

import (
	"bytes"
	"flag"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files testdata/<case>/want.go.golden")

// A golden case is a folder testdata/<case> holding want.go.golden, the source
// generated from the case's connector: testdata/<case>/connector.json (a deviation
// fixture) or, for the seed cases, connectors/<case>.json of the catalog.
type goldenCase struct {
	name      string
	connector string // path of the connector file
}

// seedCases are the golden cases whose connector is a catalog file.
var seedCases = []string{"hubspot", "tiktok"}

func (c goldenCase) golden() string { return filepath.Join("testdata", c.name, "want.go.golden") }

// goldenCases returns the seed cases and the fixture cases, in that order.
func goldenCases(t testing.TB) []goldenCase {
	var cases []goldenCase
	for _, name := range seedCases {
		cases = append(cases, goldenCase{name, filepath.Join("..", "connectors", name+".json")})
	}
	fixtures, err := filepath.Glob(filepath.Join("testdata", "*", "connector.json"))
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range fixtures {
		cases = append(cases, goldenCase{filepath.Base(filepath.Dir(f)), f})
	}
	return cases
}

// goldenInputs are the connector files of the golden cases.
func goldenInputs(t testing.TB) []string {
	var files []string
	for _, c := range goldenCases(t) {
		files = append(files, c.connector)
	}
	return files
}

// TestGolden compares the generated source of each case with its golden file; run
// `go test ./generator -update` to refresh them. Each output must also be gofmt-clean
// and byte-stable.
func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	outs, err := Files(goldenInputs(t), "", "..", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != len(cases) {
		t.Fatalf("%d outputs for %d cases", len(outs), len(cases))
	}
	for i, o := range outs {
		golden := cases[i].golden()
		formatted, err := format.Source(o.Src)
		if err != nil {
			t.Errorf("%s: does not parse: %v", o.Connector, err)
		} else if !bytes.Equal(formatted, o.Src) {
			t.Errorf("%s: output is not gofmt-clean", o.Connector)
		}
		_, again, err := File(o.Connector, Options{Source: sourceName(o.Connector, "..")})
		if err != nil || !bytes.Equal(again, o.Src) {
			t.Errorf("%s: a second run gives different bytes (%v)", o.Connector, err)
		}
		if *update {
			if err := os.WriteFile(golden, o.Src, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s: %v (run go test ./generator -update)", o.Connector, err)
			continue
		}
		if !bytes.Equal(want, o.Src) {
			n, first := diffLines(want, o.Src)
			t.Errorf("%s: differs from %s in %d lines, first at line %d (run go test ./generator -update after checking the change)", o.Connector, golden, n, first)
		}
	}
}

// TestGoldenCompiles builds and vets every golden output as a package of this module.
func TestGoldenCompiles(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the generated packages: %v", err)
	}
	outs, err := Files(goldenInputs(t), "", "..", Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", "build")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var pkgs []string
	for _, o := range outs {
		p := filepath.Join(dir, o.Package)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, o.Package+".go"), o.Src, 0o644); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(p))
	}
	cmd := exec.Command(goTool, append([]string{"vet"}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet of the generated packages: %v\n%s", err, strings.TrimSpace(string(out)))
	}
}

// TestHostileText: connector text lands in comments and literals; control characters,
// invalid UTF-8 and comment terminators must give valid Go all the same, even when
// the connector did not come through the loader (which rejects control characters).
func TestHostileText(t *testing.T) {
	c := &schema.Connector{
		Name:        "Evil \x00 */ Name\u2028",
		Description: "line\nbreak \a \"quoted\" */ \xff",
		OAuth2: schema.OAuth2{
			AuthForm: []schema.Field{{Name: "x", Title: "T\x00", Info: "a\x00b */ c", Type: schema.FieldSelect, Enum: []string{"a\x00", "*/"}}},
			Config: schema.Config{
				Step1AuthorizeURL:     "https://a.example/",
				Step3AccessURL:        "https://a.example/t",
				TokenMetadata:         map[string]string{"m": "p\x00q"},
				ExtraAuthorizationURL: map[string]string{"k\x00": "{{ x }}"},
			},
		},
	}
	m, err := model.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	src, err := Generate(m, Options{Source: "connectors/evil.json"})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "evil.go", src, parser.AllErrors); err != nil {
		t.Fatalf("generated source does not parse: %v", err)
	}
	if bytes.ContainsRune(src, 0) {
		t.Error("a NUL reached the source")
	}
}

// TestMetadataNames: values whose names give the same Go name get distinct fields; a
// value named by both token_metadata and userinfo gets one.
func TestMetadataNames(t *testing.T) {
	c := &schema.Connector{Name: "Meta", OAuth2: schema.OAuth2{Config: schema.Config{
		Step1AuthorizeURL: "https://a.example/", Step3AccessURL: "https://a.example/t",
		TokenMetadata: map[string]string{"team_id": "team.id"},
		Userinfo:      &schema.Userinfo{URL: "https://a.example/me", Metadata: map[string]string{"teamId": "team", "team_id": "team.id"}},
	}}}
	m, err := model.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	src, err := Generate(m, Options{Source: "meta.json"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`TeamID:  v.Credentials["team_id"]`, `TeamID2: v.Credentials["teamId"]`} {
		if !bytes.Contains(src, []byte(want)) {
			t.Errorf("Metadata lacks %s", want)
		}
	}
	if bytes.Count(src, []byte(`v.Credentials["team_id"]`)) != 1 {
		t.Error("team_id should have one field")
	}
}

// TestUnusedLocals: templates whose variables fold away must not leave unused locals
// (a compile error) in the generated code.
func TestUnusedLocals(t *testing.T) {
	c := &schema.Connector{Name: "Folded", BaseURL: "https://{{ region }}{% if false %}{{ credentials.x }}{% endif %}.api.example/",
		OAuth2: schema.OAuth2{AuthForm: []schema.Field{{Name: "region", Type: schema.FieldText, Default: "eu"}}, Config: schema.Config{Step1AuthorizeURL: "https://a.example/", Step3AccessURL: "https://a.example/t",
			TokenMetadata: map[string]string{"x": "x"}}},
		Header: &schema.Header{Encode: true, TokenPrefix: "Bearer {{ token }}"},
	}
	m, err := model.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	src, err := Generate(m, Options{Source: "folded.json"})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"BaseURL(tok *oauth2.Token) string {\n\tv :=", "tf :="} {
		if bytes.Contains(src, []byte(bad)) {
			t.Errorf("unused local %q in:\n%s", bad, src)
		}
	}
	if !bytes.Contains(src, []byte(`return "Bearer " + v.Token`)) {
		t.Error("the header value should read the token directly")
	}
}
