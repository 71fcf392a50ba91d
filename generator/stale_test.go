package generator

import (
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate fails when generated/ does not match connectors/: run
// `make generate` (oauthgen generate -o generated connectors/).
func TestGeneratedUpToDate(t *testing.T) {
	files, err := filepath.Glob("../connectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no connectors: %v", err)
	}
	outs, err := Files(files, "../generated", "..", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Check(outs) {
		t.Errorf("%s; run make generate", s)
	}
}
