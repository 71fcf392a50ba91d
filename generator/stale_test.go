package generator

import (
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate fails when generated/ does not match connectors/: run `make
// generate`. (internal/cmd/generate-registry checks the registry of its clients.)
func TestGeneratedUpToDate(t *testing.T) {
	files, err := filepath.Glob("../connectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no connectors: %v", err)
	}
	outs, err := Files(files, "../generated", "..", Options{})
	if err != nil {
		t.Fatal(err)
	}
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
