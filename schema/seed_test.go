package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

// seedFile is a verbatim copy of seeds/001 (the Locoia connector documentation).
const seedFile = "testdata/seeds/001_28ce1e765bcab734.txt"

// seedExamples extracts the ```json blocks of the seed that are complete connector
// examples (an "oauth2" object with a non-empty auth_form): HubSpot and TikTok.
func seedExamples(t *testing.T) [][]byte {
	t.Helper()
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range regexp.MustCompile("(?s)```json\n(.*?)\n```").FindAllSubmatch(data, -1) {
		block := m[1]
		if bytes.HasPrefix(block, []byte("{\n  \"oauth2\"")) && !bytes.Contains(block, []byte(`"auth_form": []`)) {
			out = append(out, block)
		}
	}
	if len(out) != 2 {
		t.Fatalf("found %d connector examples in %s, want 2 (HubSpot, TikTok)", len(out), seedFile)
	}
	return out
}

// TestSeedCopyIsVerbatim checks the copy in testdata against the shared seed when the
// shared directory is present (it is not part of a clone).
func TestSeedCopyIsVerbatim(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "shared", "seeds", filepath.Base(seedFile)))
	if err != nil {
		t.Logf("shared seeds not present (%v); the testdata copy stands alone", err)
		return
	}
	cp, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(orig, cp) {
		t.Errorf("%s differs from the shared seed", seedFile)
	}
}

// TestSeedExamplesValidateUnmodified wraps each example with a name, byte for byte
// otherwise, and checks that it validates, and that connectors/<name>.json holds the
// same oauth2 block.
func TestSeedExamplesValidateUnmodified(t *testing.T) {
	for i, ex := range seedExamples(t) {
		name := []string{"HubSpot", "TikTok"}[i]
		t.Run(name, func(t *testing.T) {
			if !bytes.Contains(ex, []byte(strings.ToLower(name))) {
				t.Fatalf("example %d is not the %s one", i, name)
			}
			wrapped := append([]byte(`{"name": "`+name+`",`), bytes.TrimPrefix(ex, []byte("{"))...)
			c, err := schema.Parse(name+" example", wrapped)
			if err != nil {
				t.Fatalf("the seed example does not validate:\n%v", err)
			}
			if c.Name != name || c.OAuth2.Config.Step3AccessURL == "" || len(c.OAuth2.AuthForm) != 1 {
				t.Errorf("decoded %+v", c)
			}

			file := filepath.Join("..", "connectors", strings.ToLower(name)+".json")
			fileConn, err := schema.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fileConn.OAuth2, c.OAuth2) {
				t.Errorf("%s: oauth2 differs from the seed example:\n file %+v\n seed %+v", file, fileConn.OAuth2, c.OAuth2)
			}
			// And textually: the file carries the example's oauth2 block verbatim.
			var seedDoc, fileDoc map[string]json.RawMessage
			if err := json.Unmarshal(ex, &seedDoc); err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(file)
			if err := json.Unmarshal(raw, &fileDoc); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(seedDoc["oauth2"], fileDoc["oauth2"]) {
				t.Errorf("%s: the oauth2 block is not the seed's text", file)
			}
		})
	}
}

// TestConnectorsValid loads every connector of the repository.
func TestConnectorsValid(t *testing.T) {
	files, _ := filepath.Glob("../connectors/*.json")
	if len(files) < 2 {
		t.Fatalf("found %d connectors", len(files))
	}
	for _, f := range files {
		if _, err := schema.Load(f); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// TestTikTokDecoded checks the typed values the generator builds on.
func TestTikTokDecoded(t *testing.T) {
	c, err := schema.Load("../connectors/tiktok.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.OAuth2.Config
	if cfg.AlternativeClientIDKey != "app_id" || cfg.AlternativeCodeKey != "auth_code" || cfg.AccessTokenPath != "data.access_token" ||
		cfg.ExchangeRequestBodyType != schema.BodyJSON || cfg.OrExchangeRequestBodyType != schema.BodyForm {
		t.Errorf("config %+v", cfg)
	}
	f := c.OAuth2.AuthForm[0]
	if f.Type != schema.FieldSelect || f.Default != "Production" || !reflect.DeepEqual(f.Enum, []string{"Production", "Sandbox"}) {
		t.Errorf("field %+v", f)
	}
	if c.Header == nil || c.Header.TokenInHeader == nil || !*c.Header.TokenInHeader || c.Header.TokenPrefix != "Bearer {{token_format}}" {
		t.Errorf("header %+v", c.Header)
	}
	if !strings.Contains(c.BaseURL, "sandbox{% else %}business{% endif %}-api.tiktok.com") {
		t.Errorf("base_url %q", c.BaseURL)
	}
	if c.GoPackage() != "tiktok" || c.CallbackSlug() != "tiktok" {
		t.Errorf("package %q slug %q", c.GoPackage(), c.CallbackSlug())
	}
}

// TestParseConcurrently runs loads in parallel (the compiled schema is shared), for
// the race detector.
func TestParseConcurrently(t *testing.T) {
	good, err := os.ReadFile("../connectors/tiktok.json")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := os.ReadFile("testdata/invalid/many_problems.json")
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 16)
	for i := 0; i < 8; i++ {
		go func() {
			_, err := schema.Parse("tiktok.json", good)
			errc <- err
		}()
		go func() {
			_, err := schema.Parse("bad.json", bad)
			if err == nil {
				err = errors.New("bad file accepted")
			} else {
				err = nil
			}
			errc <- err
		}()
	}
	for i := 0; i < 16; i++ {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}
