// Package importer turns connector definitions of other integration platforms into
// oauthgen connectors: the oauth object of a ChiefOnboarding integration
// (FromChiefOnboarding), the getOAuthConfig mapping of an Integration.app
// connector (FromIntegrationApp), and the OAuth2 entries of a Nango providers.yaml
// (FromNango).
//
// Every feature of the source that has no equivalent in the connector format is
// reported as a Warning rather than dropped silently. Warnings name keys and
// template variables but never quote values from the source, so a client secret
// pasted into a source file cannot leak through them.
//
// Input is untrusted: every importer refuses a file over its size and key limits
// before parsing it (see limits).
package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/oauthgen/oauthgen/schema"
)

// Warning is one part of the source that could not be mapped, or was mapped with a
// change of meaning the user should know about.
type Warning struct {
	// Path locates the part in the source document, as dot-separated keys
	// ("oauth.refresh.headers.X-Custom").
	Path string
	// What names the feature or value found there.
	What string
	// Why says why it was not mapped, or how it was mapped instead.
	Why string
}

// String formats the warning as "path: what: why", leaving out an empty path or
// what.
func (w Warning) String() string {
	s := w.Why
	if w.What != "" {
		s = w.What + ": " + s
	}
	if w.Path != "" {
		s = w.Path + ": " + s
	}
	return s
}

// warnings collects Warnings in the order they are found.
type warnings []Warning

func (ws *warnings) add(path, what, why string) {
	*ws = append(*ws, Warning{Path: path, What: what, Why: why})
}

// NameFromURL derives a display name from the host of rawURL: the registered
// domain's label, capitalised ("https://accounts.google.com/o/oauth2/v2/auth" gives
// "Google"). Template parts of the host are ignored. It returns "" when no name can
// be derived.
func NameFromURL(rawURL string) string {
	s := templateRe.ReplaceAllString(rawURL, "")
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	var labels []string
	for _, l := range strings.Split(host, ".") {
		if l != "" {
			labels = append(labels, l)
		}
	}
	if len(labels) < 2 {
		return ""
	}
	labels = labels[:len(labels)-1] // top-level domain
	// Second-level registries such as co.uk, com.au.
	if n := len(labels); n >= 2 {
		switch labels[n-1] {
		case "co", "com", "org", "net", "gov", "ac":
			labels = labels[:n-1]
		}
	}
	label := labels[len(labels)-1]
	if label == "" || !unicode.IsLetter(rune(label[0])) {
		return ""
	}
	return strings.ToUpper(label[:1]) + label[1:]
}

// templateRe matches one {{ ... }} expression or {% ... %} tag.
var templateRe = regexp.MustCompile(`\{\{.*?\}\}|\{%.*?%\}`)

// identRe matches a dotted name.
var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// fieldName turns a source variable name into an auth_form field name: lower-case,
// characters other than letters, digits and underscores replaced by underscores.
func fieldName(s string) string {
	var b strings.Builder
	for i, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "param"
	}
	return b.String()
}

// splitURL separates a URL from its query string and returns the query parameters
// in their order. Values are unescaped; a malformed escape keeps the raw text.
// Template expressions may contain characters a URL parser rejects, so the split is
// done by hand.
func splitURL(raw string) (base string, params []param) {
	base, query, found := strings.Cut(raw, "?")
	if !found {
		return raw, nil
	}
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query = query[:i]
	}
	for _, part := range strings.Split(query, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		params = append(params, param{key: unescape(k), value: unescape(v)})
	}
	return base, params
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// param is one query or body parameter of the source.
type param struct {
	key   string
	value string
}

// sortedKeys returns the keys of m in sorted order, for deterministic warnings.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// setParam adds key=value to *m, creating the map when needed.
func setParam(m *map[string]string, key, value string) {
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[key] = value
}

// hasField reports whether c already has an auth_form field called name.
func hasField(c *schema.Connector, name string) bool {
	for _, f := range c.OAuth2.AuthForm {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Marshal encodes c as a connector file: indented JSON, URLs left unescaped, with a
// trailing newline. $schema is written only when c.Schema is set: the importers
// cannot know where the user keeps the schema file (oauthgen schema prints it), and
// a path that does not exist for them only makes their editor complain.
func Marshal(c *schema.Connector) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("importer: encoding connector %q: %w", c.Name, err)
	}
	return buf.Bytes(), nil
}
