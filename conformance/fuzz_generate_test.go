package conformance

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/oauthgen/oauthgen/generator"
	"github.com/oauthgen/oauthgen/model"
)

// typeChecker type-checks generated files against the real runtime, jinja/filters and
// x/oauth2 packages, which it imports from source once and keeps (one per process).
var typeChecker = sync.OnceValue(func() *checker {
	fset := token.NewFileSet()
	return &checker{fset: fset, imp: &cachedImporter{imp: importer.ForCompiler(fset, "source", nil), pkgs: map[string]*types.Package{}}}
})

// cachedImporter keeps imported packages by path: the source importer resolves every
// import through go/build (which runs the go command in module mode) before it looks
// at its own cache, which costs tens of milliseconds per import.
type cachedImporter struct {
	imp  types.Importer
	pkgs map[string]*types.Package
}

func (c *cachedImporter) Import(path string) (*types.Package, error) {
	if p, ok := c.pkgs[path]; ok {
		return p, nil
	}
	p, err := c.imp.Import(path)
	if err == nil {
		c.pkgs[path] = p
	}
	return p, err
}

type checker struct {
	mu   sync.Mutex
	fset *token.FileSet
	imp  types.Importer
}

// warm imports the packages generated code uses, so that the first fuzz input does not
// pay for type-checking them from source (which can exceed the fuzzer's hang limit).
func (c *checker) warm(tb testing.TB) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range []string{"context", "errors", "fmt", "net/http", "net/url", "strconv", "strings", "time",
		"golang.org/x/oauth2", "github.com/oauthgen/oauthgen/runtime", "github.com/oauthgen/oauthgen/jinja/filters"} {
		if _, err := c.imp.Import(p); err != nil {
			tb.Fatalf("import %s: %v", p, err)
		}
	}
}

// check parses and type-checks src as package pkg and returns the problems.
func (c *checker) check(pkg string, src []byte) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, err := parser.ParseFile(c.fset, pkg+".go", src, parser.ParseComments)
	if err != nil {
		return []string{"parse: " + err.Error()}
	}
	var problems []string
	conf := types.Config{Importer: c.imp, Error: func(err error) { problems = append(problems, err.Error()) }}
	if _, err := conf.Check(pkg, c.fset, []*ast.File{f}, nil); err != nil && len(problems) == 0 {
		problems = append(problems, err.Error())
	}
	return problems
}

// FuzzGenerateCompile: any connector file that loads and resolves must generate, and
// the generated Go must parse, be gofmt-clean (the generator promises it) and
// type-check against the real runtime.
func FuzzGenerateCompile(f *testing.F) {
	for _, glob := range []string{"../connectors/*.json", "testdata/*.json", "../schema/testdata/valid/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	typeChecker().warm(f)
	f.Fuzz(generateAndCheck)
}

// generateAndCheck runs the whole pipeline on a connector file: nothing is required of
// a file that does not load or resolve; one that does must generate gofmt-clean Go
// that type-checks.
func generateAndCheck(t *testing.T, data []byte) {
	{
		m, err := model.Parse("fuzz.json", data)
		if err != nil {
			return // invalid connectors are the loader's business (FuzzLoad)
		}
		src, err := generator.Generate(m, generator.Options{Source: "connectors/fuzz.json"})
		if err != nil {
			t.Fatalf("a connector that validated and resolved does not generate: %v", err)
		}
		if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
			t.Fatalf("generated code is not gofmt-clean (format error: %v)\n%s", err, numbered(src))
		}
		if problems := typeChecker().check(m.Package, src); len(problems) > 0 {
			t.Fatalf("generated code does not type-check:\n%s\n--- source ---\n%s", strings.Join(problems, "\n"), numbered(src))
		}
	}
}

func numbered(src []byte) string {
	var b bytes.Buffer
	for i, line := range bytes.Split(src, []byte("\n")) {
		b.WriteString(strings.Repeat(" ", 4-len(itoa(i+1))))
		b.WriteString(itoa(i + 1))
		b.WriteString("  ")
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

func TestTypeCheckerCatchesErrors(t *testing.T) {
	src := []byte("package p\n\nimport \"github.com/oauthgen/oauthgen/runtime\"\n\nvar _ runtime.Flow = runtime.String(\"x\")\n")
	if problems := typeChecker().check("p", src); len(problems) == 0 {
		t.Fatal("a Text assigned to a Flow type-checks")
	}
	ok := []byte("package p\n\nimport \"github.com/oauthgen/oauthgen/runtime\"\n\nvar _ runtime.Text = runtime.String(\"x\")\n")
	if problems := typeChecker().check("p", ok); len(problems) != 0 {
		t.Fatalf("valid code: %v", problems)
	}
}

// fieldEdits are the places of a connector where FuzzGenerateFields puts its string:
// a JSON pointer whose last element is replaced, or, with key set, a map under the
// pointer that gets the string as a new key (value key).
var fieldEdits = []struct {
	ptr string
	key string // when not empty: add the fuzzed string as a key with this value
}{
	{ptr: "/name"}, {ptr: "/description"}, {ptr: "/docs_url"}, {ptr: "/base_url"},
	{ptr: "/oauth2/auth_form/0/name"}, {ptr: "/oauth2/auth_form/0/title"}, {ptr: "/oauth2/auth_form/0/info"},
	{ptr: "/oauth2/auth_form/0/placeholder"}, {ptr: "/oauth2/auth_form/1/enum/0"}, {ptr: "/oauth2/auth_form/1/enum/1"},
	{ptr: "/oauth2/auth_form/1/default"}, {ptr: "/oauth2/auth_form/1/name"}, {ptr: "/oauth2/auth_form/2/name"},
	{ptr: "/oauth2/auth_form/3/name"}, {ptr: "/oauth2/auth_form/4/name"}, {ptr: "/oauth2/auth_form/1/title"},
	{ptr: "/oauth2/config/step1_authorize_url"}, {ptr: "/oauth2/config/step3_access_url"},
	{ptr: "/oauth2/config/token_refresh_url"}, {ptr: "/oauth2/config/revoke_url"},
	{ptr: "/oauth2/config/extra_authorization_url/prompt"}, {ptr: "/oauth2/config/extra_access_url/grant_type"},
	{ptr: "/oauth2/config/extra_refresh_url/grant_type"},
	{ptr: "/oauth2/config/alternative_client_id_key"}, {ptr: "/oauth2/config/alternative_client_secret_key"},
	{ptr: "/oauth2/config/alternative_code_key"}, {ptr: "/oauth2/config/accept_header"}, {ptr: "/oauth2/config/content_type"},
	{ptr: "/oauth2/config/access_token_path"}, {ptr: "/oauth2/config/refresh_token_path"},
	{ptr: "/oauth2/config/expires_in_path"}, {ptr: "/oauth2/config/token_type_path"},
	{ptr: "/oauth2/config/scope_separator"}, {ptr: "/oauth2/config/scopes/0"},
	{ptr: "/oauth2/config/userinfo/url"}, {ptr: "/oauth2/config/userinfo/metadata/email"},
	{ptr: "/oauth2/config/token_request_headers/X-Region"}, {ptr: "/oauth2/config/callback_params/0"},
	{ptr: "/oauth2/config/token_metadata/team_id"},
	{ptr: "/header/token_format"}, {ptr: "/header/token_prefix"}, {ptr: "/header/header_key"}, {ptr: "/header/query_key"},
	{ptr: "/header/extra_headers/X-Api-Version"}, {ptr: "/header/extra_query/region"}, {ptr: "/test_request/path"},
	{ptr: "/oauth2/config/extra_authorization_url", key: "x"}, {ptr: "/oauth2/config/extra_access_url", key: "{{ region }}"},
	{ptr: "/header/extra_headers", key: "1"}, {ptr: "/header/extra_query", key: "{{ subdomain }}"},
	{ptr: "/oauth2/config/token_metadata", key: "a.b"}, {ptr: "/oauth2/config/userinfo/metadata", key: "id"},
	{ptr: "/oauth2/config/token_request_headers", key: "v"},
}

// editJSON returns doc with the string v placed as edit e says; false when the
// pointer does not exist in doc.
func editJSON(doc []byte, ptr, key, v string) ([]byte, bool) {
	var root any
	if json.Unmarshal(doc, &root) != nil {
		return nil, false
	}
	parts := strings.Split(ptr, "/")[1:]
	last := len(parts)
	if key == "" {
		last--
	}
	cur := root
	for _, p := range parts[:last] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	switch c := cur.(type) {
	case map[string]any:
		if key != "" {
			c[v] = key
		} else {
			if _, ok := c[parts[last]]; !ok {
				return nil, false
			}
			c[parts[last]] = v
		}
	case []any:
		if key != "" {
			return nil, false
		}
		i, err := strconv.Atoi(parts[last])
		if err != nil || i >= len(c) {
			return nil, false
		}
		c[i] = v
	default:
		return nil, false
	}
	out, err := json.Marshal(root)
	return out, err == nil
}

// FuzzGenerateFields puts arbitrary strings into one field of a valid connector (names,
// titles, enum values, templates, keys, paths) and requires, as FuzzGenerateCompile
// does, that whatever still validates generates Go that type-checks. Raw JSON mutation
// rarely keeps a file valid; this reaches the generator on every input.
func FuzzGenerateFields(f *testing.F) {
	base, err := os.ReadFile("../schema/testdata/valid/every_key.json")
	if err != nil {
		f.Fatal(err)
	}
	for i := range fieldEdits {
		f.Add(uint8(i), "Sandbox Mode")
		f.Add(uint8(i), "{{ region }}-{{ subdomain | upper }}")
	}
	f.Add(uint8(4), "type")
	f.Add(uint8(8), "func")
	f.Add(uint8(8), "9lives")
	f.Add(uint8(0), "`\"\\\n")
	typeChecker().warm(f)
	f.Fuzz(func(t *testing.T, which uint8, v string) {
		e := fieldEdits[int(which)%len(fieldEdits)]
		doc, ok := editJSON(base, e.ptr, e.key, v)
		if !ok {
			t.Fatalf("edit %s does not apply to the base connector", e.ptr)
		}
		generateAndCheck(t, doc)
	})
}
