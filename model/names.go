package model

import (
	"go/token"
	"sort"
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names (Go's naming conventions).
var initialisms = map[string]string{
	"id": "ID", "url": "URL", "uri": "URI", "api": "API", "http": "HTTP", "https": "HTTPS",
	"json": "JSON", "ip": "IP", "sql": "SQL", "html": "HTML", "xml": "XML", "ui": "UI",
	"oauth": "OAuth", "sso": "SSO", "dc": "DC", "eu": "EU", "us": "US", "uk": "UK",
}

// GoName turns a name such as "client_id", "accounts-server", "realmId" or "EU West"
// into an exported Go identifier ("ClientID", "AccountsServer", "RealmID", "EUWest").
// Parts are split at characters other than letters and digits and at camel-case
// humps; initialisms are written in capitals; a name starting with a digit gets an
// "X" prefix. It returns "" when s has no letter or digit.
func GoName(s string) string {
	var b strings.Builder
	for _, field := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII
	}) {
		for _, part := range camelParts(field) {
			if up, ok := initialisms[strings.ToLower(part)]; ok {
				b.WriteString(up)
				continue
			}
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	out := b.String()
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "X" + out
	}
	return out
}

// camelParts splits "realmId" into "realm" and "Id": before each upper-case letter
// that follows a lower-case letter or a digit.
func camelParts(s string) []string {
	var parts []string
	start := 0
	for i := 1; i < len(s); i++ {
		prev, cur := s[i-1], s[i]
		if cur >= 'A' && cur <= 'Z' && (prev >= 'a' && prev <= 'z' || prev >= '0' && prev <= '9') {
			parts = append(parts, s[start:i])
			start = i
		}
	}
	return append(parts, s[start:])
}

// callbackName is the template name of a callback parameter: characters other than
// letters, digits and underscores become underscores ("accounts-server" ->
// "accounts_server").
func callbackName(param string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '_'
	}, param)
}

// validPackage reports whether name can be the package name of generated code.
func validPackage(name string) bool {
	if name == "" || token.IsKeyword(name) || !token.IsIdentifier(name) {
		return false
	}
	return name != "main" && name != "runtime" && name != "oauth2"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
