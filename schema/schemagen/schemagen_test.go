package schemagen

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

// TestCommittedSchemaIsFresh fails when schema/connector.schema.json no longer matches
// the Go types and their doc comments. Fix: make generate.
func TestCommittedSchemaIsFresh(t *testing.T) {
	want, err := Generate("..")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../connector.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("schema/connector.schema.json is stale: run `make generate` (go run ./schema/gen) and commit it")
	}
	if !bytes.Equal(schema.JSON(), want) {
		t.Fatal("the embedded schema differs from the generated one")
	}
}

// TestSchemaContent checks what editors and the loader rely on: descriptions from
// doc comments, enums, defaults, examples, and closed objects except auth_form
// entries.
func TestSchemaContent(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(schema.JSON(), &s); err != nil {
		t.Fatal(err)
	}
	defs := s["$defs"].(map[string]any)
	prop := func(def, name string) map[string]any {
		t.Helper()
		d, ok := defs[def].(map[string]any)
		if !ok {
			t.Fatalf("no $defs/%s", def)
		}
		p, ok := d["properties"].(map[string]any)[name].(map[string]any)
		if !ok {
			t.Fatalf("no %s.%s", def, name)
		}
		return p
	}
	atp := prop("Config", "access_token_path")
	if !strings.HasPrefix(atp["description"].(string), "access_token_path is the dot path of the access token") || atp["default"] != "access_token" {
		t.Errorf("access_token_path: %v", atp)
	}
	if ex := prop("Config", "alternative_client_id_key")["examples"].([]any); ex[0] != "app_id" {
		t.Errorf("examples %v", ex)
	}
	if e := prop("Config", "exchange_request_body_type")["enum"].([]any); len(e) != 2 || e[0] != "data" || e[1] != "json" {
		t.Errorf("enum %v", e)
	}
	if prop("Config", "grant_type")["deprecated"] != true {
		t.Error("grant_type is not deprecated")
	}
	if sep := prop("Config", "scope_separator")["default"]; sep != " " {
		t.Errorf("scope_separator default %q", sep)
	}
	for name, d := range defs {
		ap, has := d.(map[string]any)["additionalProperties"]
		if name == "Field" {
			if has {
				t.Errorf("auth_form entries must allow UI hints, got additionalProperties %v", ap)
			}
			continue
		}
		if ap != false {
			t.Errorf("$defs/%s: additionalProperties %v, want false", name, ap)
		}
	}
	if s["additionalProperties"] != false || s["description"] == nil {
		t.Errorf("root: %v %v", s["additionalProperties"], s["description"])
	}
	if !strings.Contains(s["description"].(string), "Connector is one connector file") {
		t.Errorf("root description %q", s["description"])
	}
}
