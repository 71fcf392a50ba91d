package generator

import (
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate fails when generated/ or the registry of its clients
// (internal/registry/clients.go) does not match connectors/: run `make generate`.
func TestGeneratedUpToDate(t *testing.T) {
	files, err := filepath.Glob("../connectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no connectors: %v", err)
	}
	outs, err := Files(files, "../generated", "..", Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := Registry(outs, DefaultModulePath+"/generated", "registry")
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, Output{Connector: "(all)", Path: "../internal/registry/clients.go", Src: reg})
	orphans, err := Orphans("../generated", outs)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orphans {
		t.Errorf("%s is generated from no connector in connectors/; run make generate", o)
	}
	for _, s := range Check(outs) {
		t.Errorf("%s; run make generate", s)
	}
}
