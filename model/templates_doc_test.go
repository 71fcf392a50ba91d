package model_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

// docTable returns the rows of the markdown table between <!-- name:begin --> and
// <!-- name:end --> in docs/templates.md, without the header and separator rows, as
// cells trimmed of spaces.
func docTable(t *testing.T, name string) [][]string {
	t.Helper()
	data, err := os.ReadFile("../docs/templates.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- "+name+":begin -->")
	table, _, ok2 := strings.Cut(rest, "<!-- "+name+":end -->")
	if !ok || !ok2 {
		t.Fatalf("docs/templates.md has no %s table", name)
	}
	var rows [][]string
	for i, line := range strings.Split(strings.TrimSpace(table), "\n") {
		if i < 2 {
			continue
		}
		var cells []string
		for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
			cells = append(cells, strings.TrimSpace(c))
		}
		rows = append(rows, cells)
	}
	return rows
}

var code = regexp.MustCompile("`([^`]*)`")

// allTemplates is a connector with every template-valued key set, maps with one
// member named "*", so that the JSON pointers schema reports are the table's.
const allTemplates = `{
  "name": "All",
  "base_url": "https://api.example.com/",
  "oauth2": {
    "auth_form": [{"name": "f", "title": "F", "type": "text", "required": false}],
    "config": {
      "step1_authorize_url": "https://example.com/a",
      "extra_authorization_url": {"*": "x"},
      "step3_access_url": "https://example.com/t",
      "token_refresh_url": "https://example.com/r",
      "revoke_url": "https://example.com/v",
      "revoke": {"url": "https://example.com/v2", "params": {"*": "x"}, "headers": {"*": "x"}},
      "device_authorization_url": "https://example.com/d",
      "extra_access_url": {"*": "x"},
      "extra_refresh_url": {"*": "x"},
      "token_request_headers": {"*": "x"},
      "callback_params": ["cb"],
      "token_metadata": {"m": "m"},
      "userinfo": {"url": "https://example.com/u", "metadata": {"u": "u"}, "select": {"key": "k", "value": "x"}}
    }
  },
  "header": {"token_format": "{{ token }}", "token_prefix": "Bearer {{ token_format }}",
    "extra_headers": {"*": "x"}, "extra_query": {"*": "x"}},
  "test_request": {"method": "POST", "url": "https://api.example.com/me", "body": "x", "headers": {"*": "x"}}
}`

// docs/templates.md's tables of places and variables are those of the code: the
// template-valued keys of each place (package schema) and the variables of each
// place (model.Scope).
func TestTemplatesDoc(t *testing.T) {
	checked := schema.Check("all.json", []byte(allTemplates))
	if checked.Connector == nil {
		t.Fatal(checked.Err())
	}
	got := map[string]string{}
	for _, ts := range checked.Templates {
		got[ts.Pointer] = string(ts.Place)
	}
	doc := map[string]string{}
	var places []schema.TemplatePlace
	for _, row := range docTable(t, "places") {
		place := strings.Trim(row[0], "`")
		places = append(places, schema.TemplatePlace(place))
		for _, m := range code.FindAllStringSubmatch(row[2], -1) {
			doc[m[1]] = place
		}
	}
	for ptr, place := range got {
		if doc[ptr] != place {
			t.Errorf("%s is a template of place %q; docs/templates.md says %q", ptr, place, doc[ptr])
		}
	}
	for ptr, place := range doc {
		if _, ok := got[ptr]; !ok {
			t.Errorf("docs/templates.md lists %s (place %s), which is no template key", ptr, place)
		}
	}

	rowOf := func(name string) string {
		switch {
		case name == "f":
			return "<auth_form name>"
		case strings.HasPrefix(name, model.PrefixCallback):
			return "callback.<name>"
		case strings.HasPrefix(name, model.PrefixCreds):
			return "credentials.<name>"
		}
		return name
	}
	want := map[string][]string{} // row -> places where the code defines it
	for _, place := range places {
		scope, err := model.Scope(checked.Connector, place)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range scope {
			r := rowOf(v.Name)
			if !slices.Contains(want[r], string(place)) {
				want[r] = append(want[r], string(place))
			}
		}
	}
	seen := map[string]bool{}
	for _, row := range docTable(t, "variables") {
		name := strings.Trim(row[0], "`")
		seen[name] = true
		var yes []string
		for i, place := range places {
			if row[1+i] == "yes" {
				yes = append(yes, string(place))
			}
		}
		if !slices.Equal(yes, want[name]) {
			t.Errorf("docs/templates.md: %s is read in %v; the code defines it in %v", name, yes, want[name])
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("docs/templates.md has no row for the variable %s", name)
		}
	}

	// The filters are those the parser's error lists.
	_, err := jinja.Parse("{{ x | nope }}")
	if err == nil {
		t.Fatal("an unknown filter parsed")
	}
	_, list, ok := strings.Cut(err.Error(), "supported: ")
	if !ok {
		t.Fatalf("unknown filter error %q lists no filters", err)
	}
	var docFilters []string
	for _, row := range docTable(t, "filters") {
		name := code.FindStringSubmatch(row[0])[1]
		name, _, _ = strings.Cut(name, "(")
		if alias := code.FindAllStringSubmatch(row[0], -1); len(alias) > 1 {
			name += " (alias " + alias[1][1] + ")"
		}
		docFilters = append(docFilters, name)
	}
	if d := strings.Join(docFilters, ", "); d != list {
		t.Errorf("docs/templates.md filters %q; the parser supports %q", d, list)
	}
}
