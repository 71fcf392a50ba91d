package runtime

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestLookupPath(t *testing.T) {
	cases := []struct {
		name  string
		json  string
		path  string
		want  any // compared as JSON
		found bool
	}{
		{"object key", `{"a":{"b":"x"}}`, "a.b", "x", true},
		{"empty path is the root", `[1]`, "", []any{1}, true},
		{"first element", `[{"id":"c1"},{"id":"c2"}]`, "0.id", "c1", true},
		{"second element", `[{"id":"c1"},{"id":"c2"}]`, "1.id", "c2", true},
		{"array inside objects", `{"data":{"items":[{"name":"a"},{"name":"b"}]}}`, "data.items.1.name", "b", true},
		{"nested arrays", `[[1,2],[3,[4,5]]]`, "1.1.0", 4, true},
		{"whole element", `{"a":[{"k":1}]}`, "a.0", map[string]any{"k": 1}, true},
		{"index with two digits", `[0,1,2,3,4,5,6,7,8,9,10,"eleven"]`, "11", "eleven", true},
		{"null element", `[null]`, "0", nil, true},
		{"key 0 of an object", `{"0":"zero","1":{"id":"one"}}`, "1.id", "one", true},
		{"object lookup first", `{"items":{"0":"key"}}`, "items.0", "key", true},
		{"form dotted key", `{"data.access_token":"a"}`, "data.access_token", "a", true},

		{"index out of range", `[{"id":"c1"}]`, "1.id", nil, false},
		{"index far out of range", `[1]`, "999999999", nil, false},
		{"index too long to be one", `[1]`, "99999999999999999999", nil, false},
		{"empty array", `{"a":[]}`, "a.0", nil, false},
		{"negative index", `[1,2]`, "-1", nil, false},
		{"signed index", `[1,2]`, "+1", nil, false},
		{"leading zero", `[1,2]`, "01", nil, false},
		{"name on an array", `[{"id":"c1"}]`, "id", nil, false},
		{"spaces", `[1,2]`, " 1", nil, false},
		{"exponent", `[1,2]`, "1e0", nil, false},
		{"hex", `[1,2]`, "0x1", nil, false},
		{"index into a string", `{"a":"xyz"}`, "a.0", nil, false},
		{"index into a number", `{"a":12}`, "a.0", nil, false},
		{"index into null", `{"a":null}`, "a.0", nil, false},
		{"missing key in an object", `{"a":{}}`, "a.0", nil, false},
		{"past the leaf", `[{"id":"c1"}]`, "0.id.x", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root, err := decodeJSON([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			var p Path
			if tc.path != "" {
				p = Path(strings.Split(tc.path, "."))
			}
			got, found := lookup(root, p)
			if found != tc.found {
				t.Fatalf("lookup(%s, %q) found %t, want %t (value %v)", tc.json, tc.path, found, tc.found, got)
			}
			if !found {
				if got != nil {
					t.Errorf("not found but value %v", got)
				}
				return
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tc.want)
			if string(gj) != string(wj) {
				t.Errorf("lookup(%s, %q) = %s, want %s", tc.json, tc.path, gj, wj)
			}
		})
	}
}

func TestArrayIndex(t *testing.T) {
	for k, want := range map[string]int{"0": 0, "7": 7, "10": 10, "123456789": 123456789} {
		if n, ok := arrayIndex(k); !ok || n != want {
			t.Errorf("arrayIndex(%q) = %d, %t; want %d", k, n, ok, want)
		}
	}
	for _, k := range []string{"", "-0", "-1", "+1", "00", "01", "1.5", "1e3", "x", "1x", "١", "0 ", "1234567890"} {
		if n, ok := arrayIndex(k); ok {
			t.Errorf("arrayIndex(%q) = %d, want no index", k, n)
		}
	}
}

// TestParseArrayPaths reads the token, its siblings and metadata through arrays in
// the token response.
func TestParseArrayPaths(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := WithClock(func() time.Time { return now })

	inArray := New(&Flow{Connector: "T", AccessToken: Path{"data", "0", "access_token"}, Metadata: []Field{
		{Name: "second_account", Path: Path{"accounts", "1", "id"}},
		{Name: "grid", Path: Path{"grid", "1", "0"}},
		{Name: "missing", Path: Path{"accounts", "2", "id"}},
		{Name: "by_name", Path: Path{"accounts", "id"}},
	}}, Credentials{}, clock)
	p, _, err := parseBody(inArray, 200, "application/json", `{"data":[{"access_token":"a","refresh_token":"r","expires_in":60,"token_type":"bearer","scope":"s"},{"access_token":"other"}],
		"accounts":[{"id":"acc-1"},{"id":"acc-2"}],"grid":[[1,2],[3.50,4]]}`)
	if err != nil {
		t.Fatal(err)
	}
	tok := p.tok
	if tok.AccessToken != "a" || tok.RefreshToken != "r" || tok.ExpiresIn != 60 || tok.TokenType != "bearer" {
		t.Errorf("token %q %q %d %q", tok.AccessToken, tok.RefreshToken, tok.ExpiresIn, tok.TokenType)
	}
	for k, want := range map[string]any{"scope": "s", "second_account": "acc-2", "grid": "3.50", "missing": nil, "by_name": nil} {
		if got := tok.Extra(k); got != want {
			t.Errorf("Extra(%s) = %#v, want %#v", k, got, want)
		}
	}

	// The whole response is an array.
	root := New(&Flow{Connector: "T", AccessToken: Path{"0", "access_token"}, ExpiresIn: Path{"1", "lifetime"}}, Credentials{}, clock)
	p, _, err = parseBody(root, 200, "application/json", `[{"access_token":"a","refresh_token":"r"},{"lifetime":"90"}]`)
	if err != nil {
		t.Fatal(err)
	}
	if p.tok.AccessToken != "a" || p.tok.RefreshToken != "r" || p.tok.ExpiresIn != 90 {
		t.Errorf("token %q %q %d", p.tok.AccessToken, p.tok.RefreshToken, p.tok.ExpiresIn)
	}

	// An index past the end finds no token; the error names the path and the shape.
	_, refused, err := parseBody(root, 200, "application/json", `[]`)
	if err == nil || !refused {
		t.Fatalf("empty array: err %v refused %t", err, refused)
	}
	if want := `no access token at "0.access_token" in the response (it has no fields: it is an array of length 0)`; !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %q, want it to end with %q", err, want)
	}
	std := New(&Flow{Connector: "T"}, Credentials{}, clock)
	if _, _, err := parseBody(std, 200, "application/json", `[{"access_token":"a"}]`); err == nil || !strings.Contains(err.Error(), "it is an array of length 1") {
		t.Errorf("array answer to a flow without indexes: %v", err)
	}
}
