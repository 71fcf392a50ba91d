package runtime_test

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateAPI = flag.Bool("update-api", false, "rewrite testdata/api.txt with the package's exported identifiers")

// maxExports bounds the package's exported identifiers: types, functions, methods of
// exported types, constants and variables; struct fields not counted. Issue 12 brought
// the package from 108 to 75; what came after is each a decision recorded here:
//   - the device authorization grant: DeviceAuth, DeviceAccessToken, OpDeviceAuth (3);
//   - issue 16's revocation: Revocation and the three revocation authentications of
//     ClientAuth (the Flow contract), and RefreshTokenExpiry (the application API) (5);
//   - issues 13 and 14: RedirectError and its Error, Secret with Format, MarshalJSON
//     and LogValue, Vars' MarshalJSON and LogValue (8);
//   - values escaped by their position in URL templates, which generated code calls
//     (EscapeURL, ValidURLValue, URLPart with its four Part constants and Want,
//     URLValueError with Error: 10);
//   - host sets for every credential (HostError with Error, OpAPI: 3);
//   - issue 16 item 4: AuthPrivateKeyJWT and AuthTLS, client authentication with a
//     key or a TLS certificate (2);
//   - issue 15's Connections: the type and its 7 methods, NewConnections,
//     ConnectionOption and its 4 options, ErrNotConnected, ErrReauthNeeded,
//     ErrUnknownState, RenewBy and Incomplete (19).
const maxExports = 75 + 3 + 5 + 8 + 10 + 3 + 2 + 19

// TestExportedAPI lists what the package exports and compares it with
// testdata/api.txt, so that a new export is a decision made in review, and keeps the
// count within maxExports. go test -run TestExportedAPI -v ./runtime prints the count;
// -update-api rewrites the list.
func TestExportedAPI(t *testing.T) {
	got := exportedIdentifiers(t, ".")
	t.Logf("%d exported identifiers", len(got))
	if len(got) > maxExports {
		t.Errorf("runtime exports %d identifiers, more than %d", len(got), maxExports)
	}
	text := strings.Join(got, "\n") + "\n"
	if *updateAPI {
		if err := os.WriteFile("testdata/api.txt", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("testdata/api.txt")
	if err != nil {
		t.Fatal(err)
	}
	wantList := strings.Split(strings.TrimSpace(string(want)), "\n")
	for _, g := range got {
		if !slices.Contains(wantList, g) {
			t.Errorf("new export %q: add it to testdata/api.txt (go test ./runtime -run TestExportedAPI -update-api) if it is meant", g)
		}
	}
	for _, w := range wantList {
		if !slices.Contains(got, w) {
			t.Errorf("export %q is gone: remove it from testdata/api.txt (-update-api) if that is meant", w)
		}
	}
}

// exportedIdentifiers returns "kind name" for each exported identifier of the
// package's non-test files in dir, sorted: kind is type, func, method (name
// Type.Method, for exported types only), const or var.
func exportedIdentifiers(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					names = append(names, "func "+d.Name.Name)
					continue
				}
				typ := d.Recv.List[0].Type
				if s, ok := typ.(*ast.StarExpr); ok {
					typ = s.X
				}
				if id, ok := typ.(*ast.Ident); ok && id.IsExported() {
					names = append(names, "method "+id.Name+"."+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							names = append(names, "type "+s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								names = append(names, d.Tok.String()+" "+n.Name)
							}
						}
					}
				}
			}
		}
	}
	slices.Sort(names)
	return names
}
