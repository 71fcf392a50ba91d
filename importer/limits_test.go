package importer

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/schema"
)

// manyKeysYAML is a getOAuthConfig mapping followed by n more keys, "k0000001: v"
// each, the file of the security review (n = 100,000 gives 1.5 MB).
func manyKeysYAML(n int) []byte {
	var b strings.Builder
	b.WriteString("authorizeUri: https://auth.example.com/authorize\ntokenUri: https://auth.example.com/token\n")
	for i := range n {
		fmt.Fprintf(&b, "k%07d: value\n", i)
	}
	return []byte(b.String())
}

// manyKeysJSON is an oauth object followed by n more keys.
func manyKeysJSON(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"oauth": {"authenticate_url": "https://auth.example.com/authorize", "access_token": {"url": "https://auth.example.com/token"}`)
	for i := range n {
		fmt.Fprintf(&b, `, "k%07d": "value"`, i)
	}
	b.WriteString("}}")
	return []byte(b.String())
}

// refusalBudget is how long refusing a file over the limits may take: a second
// (yaml.v3 took 85 s on the 100,000-key file before the limits), ten with the race
// detector, which slows the YAML parser about tenfold.
func refusalBudget() time.Duration {
	if raceEnabled {
		return 10 * time.Second
	}
	return time.Second
}

// refusedFast runs from on data and requires an error containing want, within
// refusalBudget.
func refusedFast(t *testing.T, name string, from func([]byte) (*schema.Connector, []Warning, error), data []byte, want string) {
	t.Helper()
	start := time.Now()
	c, _, err := from(data)
	took := time.Since(start)
	t.Logf("%s: %d bytes refused in %v", name, len(data), took)
	if err == nil || c != nil {
		t.Fatalf("%s: accepted (connector %v), want an error", name, c != nil)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %q does not contain %q", name, err, want)
	}
	if took > refusalBudget() {
		t.Errorf("%s: refused after %v, want under %v", name, took, refusalBudget())
	}
}

func TestLimitsRefuseHostileFiles(t *testing.T) {
	huge := manyKeysYAML(100_000)
	if len(huge) < 1_500_000 {
		t.Fatalf("generated %d bytes, want the 1.5 MB of the review", len(huge))
	}
	refusedFast(t, "integration-app 100,000 keys", FromIntegrationApp, huge,
		fmt.Sprintf("importer: integration-app: the file has %d bytes, more than the 262144 this importer reads", len(huge)))
	refusedFast(t, "integration-app 6,000 keys", FromIntegrationApp, manyKeysYAML(6_000),
		"importer: integration-app: line 1: the file has more than 5000 keys")

	hugeJSON := manyKeysJSON(100_000)
	refusedFast(t, "chiefonboarding 100,000 keys", FromChiefOnboarding, hugeJSON,
		fmt.Sprintf("importer: chiefonboarding: the file has %d bytes, more than the 262144", len(hugeJSON)))
	refusedFast(t, "chiefonboarding 6,000 keys", FromChiefOnboarding, manyKeysJSON(6_000),
		"the file has more than 5000 keys")

	// Nine aliases of the level before, ten levels deep: 9^10 mappings if expanded.
	var bomb strings.Builder
	bomb.WriteString("authorizeUri: https://a.example.com/\ntokenUri: https://a.example.com/t\nl0: &l0 {a: 1, b: 2}\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&bomb, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	refusedFast(t, "integration-app alias bomb", FromIntegrationApp, []byte(bomb.String()), "the file has more than 5000 keys")

	// The same with lists only: no key, 9^10 values if expanded.
	var lists strings.Builder
	lists.WriteString("authorizeUri: https://a.example.com/\ntokenUri: https://a.example.com/t\nl0: &l0 [a, b]\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&lists, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	refusedFast(t, "integration-app list alias bomb", FromIntegrationApp, []byte(lists.String()), "the file stands for more than 20000 values (aliases expanded)")
}

func TestLimitsAcceptWhatFits(t *testing.T) {
	// Just under the key limit, and aliases that stay under it, are read.
	c, _, err := FromIntegrationApp(manyKeysYAML(4_990))
	if err != nil || c == nil {
		t.Fatalf("4,992 keys refused: %v", err)
	}
	c, _, err = FromIntegrationApp([]byte("base: &b {prompt: consent}\nauthorizeUri: https://a.example.com/\ntokenUri: https://a.example.com/t\nextra: *b\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.OAuth2.Config.ExtraAuthorizationURL["prompt"]; got != "consent" {
		t.Errorf("extra via an alias: prompt = %q, want consent", got)
	}
	if _, _, err := FromChiefOnboarding(manyKeysJSON(4_990)); err != nil {
		t.Fatalf("4,990 extra JSON keys refused: %v", err)
	}
}

func TestParseYAMLErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a: 1\na: 2\n", `importer: x: line 2: duplicate key "a"`},
		{"base: &b {a: 1}\nm:\n  <<: *b\n", "importer: x: line 3: merge keys (<<) are not supported"},
		{"? [a]\n: 1\n", "importer: x: line 1: a key that is a mapping or a list"},
		{"a: [\n", "importer: x: not YAML"},
	} {
		_, err := parseYAML("x", []byte(tc.in), oneConnector)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("parseYAML(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
	v, err := parseYAML("x", []byte("1: one\ntrue: [2, x, null]\n"), oneConnector)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if m["1"] != "one" || fmt.Sprint(m["true"]) != "[2 x <nil>]" {
		t.Errorf("parseYAML = %#v", v)
	}
}

// The counts are exact: a document at the key limit is read, one key more is not.
func TestLimitsCountExactly(t *testing.T) {
	l := limits{bytes: 1 << 10, keys: 4}
	for _, tc := range []struct {
		doc  string
		over bool
	}{
		{`{"a": {"b": 1, "c": [{"d": "e:f"}, 2, [3]]}}`, false},
		{`{"a": {"b": 1, "c": [{"d": "e"}, {"x": {}}]}}`, true},
		{`["a", {"b": 1}, {"c": 2, "d": 3, "e": 4}]`, false},
		{`[{"b": 1}, {"c": 2, "d": 3, "e": 4, "f": 5}]`, true},
	} {
		err := checkJSONKeys("x", []byte(tc.doc), l)
		if (err != nil) != tc.over {
			t.Errorf("JSON %s: error %v, want over the limit %v", tc.doc, err, tc.over)
		}
		_, err = parseYAML("x", []byte(tc.doc), l) // JSON is YAML
		if (err != nil) != tc.over {
			t.Errorf("YAML %s: error %v, want over the limit %v", tc.doc, err, tc.over)
		}
	}
	// Aliases count as what they stand for: a, c, d and b three times are six keys.
	if _, err := parseYAML("x", []byte("a: &a {b: 1}\nc: *a\nd: *a\n"), l); err == nil || !strings.Contains(err.Error(), "more than 4 keys") {
		t.Errorf("aliases: %v, want over 4 keys", err)
	}
	if _, err := parseYAML("x", []byte("a: &a {b: 1}\nc: *a\n"), l); err != nil {
		t.Errorf("4 keys with an alias: %v", err)
	}
}
