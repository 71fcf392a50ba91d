package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/dynamic"
)

// FuzzExplain runs `oauthgen explain` on any connector the loader accepts, with any
// value for every auth_form field: model, interpreted templates and the runtime's
// request building must never panic, and the client secret stand-in never appear
// unmasked. Seeds: the catalog with plain and awkward values, and small connectors
// in testdata/fuzz/FuzzExplain.
func FuzzExplain(f *testing.F) {
	files, _ := filepath.Glob("../../connectors/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "acme")
		f.Add(data, "a b&c=d/é")
	}
	f.Fuzz(func(t *testing.T, data []byte, value string) {
		m, err := dynamic.Parse("fuzz.json", data)
		if err != nil {
			return
		}
		params := map[string]any{}
		for _, p := range m.Params {
			params[p.Name] = value
		}
		ex, err := explain(m, dynamic.Config{ClientID: "CLIENT_ID", ClientSecret: explainSecret, RedirectURL: "https://app.example.com/cb", Params: params}, "STATE", nil)
		if err != nil {
			if strings.Contains(err.Error(), explainSecret) {
				t.Fatalf("error carries the secret: %v", err)
			}
			return
		}
		for _, r := range []*explainRequest{ex.TokenRequest, ex.TokenFallback, ex.RefreshRequest, ex.RevokeRequest, ex.UserinfoRequest, ex.APIRequest} {
			if r == nil {
				continue
			}
			all := r.URL + r.Body
			for _, v := range r.Headers {
				all += v
			}
			if strings.Contains(all, explainSecret) {
				t.Fatalf("request shows the secret unmasked: %+v", r)
			}
		}
	})
}
