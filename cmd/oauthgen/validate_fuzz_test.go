package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

// FuzzValidate loads arbitrary files with oauthgen's template checker installed (the
// whole validation pipeline: parser, schema, semantic checks, jinja, model scopes).
// No input may make a check panic (the loader turns a panic into an "internal error"
// problem) or report a position outside the file.
func FuzzValidate(f *testing.F) {
	for _, glob := range []string{"../../connectors/*.json", "../../schema/testdata/valid/*.json", "../../schema/testdata/invalid/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := model.Parse("fuzz.json", data)
		if err == nil {
			return
		}
		errs, ok := err.(schema.Errors)
		if !ok {
			t.Fatalf("error of type %T: %v", err, err)
		}
		for _, e := range errs {
			if strings.Contains(e.Msg, "internal error") {
				t.Fatalf("a check panicked: %v", e)
			}
			if e.Offset < 0 || e.Offset > len(data) || e.Line < 1 || e.Col < 1 {
				t.Fatalf("position outside the file: %+v", e)
			}
		}
	})
}
