package difftest_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/oauthgen/oauthgen/generator"
)

var update = flag.Bool("update", false, "rewrite clients_test.go")

const registryFile = "clients_test.go"

// registry returns what clients_test.go must hold: the generator's registry of the
// packages in generated/, in this package.
func registry(t *testing.T) []byte {
	t.Helper()
	files, err := filepath.Glob("../../connectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("connector files: %v", err)
	}
	outs, err := generator.Files(files, "../../generated", "../..", generator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := generator.Registry(outs, generator.DefaultModulePath+"/generated")
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Replace(src, []byte("\npackage generated_test\n"), []byte("\npackage difftest_test\n"), 1)
}

// TestRegistryFresh fails when clients_test.go does not list every connector's
// generated package (run go generate ./internal/difftest).
func TestRegistryFresh(t *testing.T) {
	want := registry(t)
	if *update {
		if err := os.WriteFile(registryFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(registryFile)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is stale or missing (%v): run go generate ./internal/difftest", registryFile, err)
	}
}
