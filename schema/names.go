package schema

import (
	"fmt"
	"strings"
)

// PackageName derives a Go package name from a connector's display name: the name
// lower-cased, letters a-z and digits only ("Teamwork CRM" gives "teamworkcrm"). The
// result may be empty or start with a digit; the loader reports such names.
func PackageName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// GoPackage is the Go package name of the generated code: Package when set, else
// derived from Name with PackageName.
func (c *Connector) GoPackage() string {
	if c.Package != "" {
		return c.Package
	}
	return PackageName(c.Name)
}

// CallbackSlug is the redirect path segment of the connector, as Locoia builds it:
// the name lower-cased and percent-encoded, spaces as %20 ("hubspot", "teamwork%20crm",
// "monday.com"). It is always one safe path segment, whatever the name: every byte
// but the unreserved characters of RFC 3986 (letters, digits, '-', '.', '_', '~') is
// percent-encoded, so no '/', '?', '#', '%' or control character survives; and a
// name that would give "", "." or ".." (which a URL resolver treats as a path step)
// gives the Go package name instead, or "connector".
func (c *Connector) CallbackSlug() string {
	var b strings.Builder
	dots := true
	for _, x := range []byte(strings.ToLower(c.Name)) {
		switch {
		case x >= 'a' && x <= 'z', x >= '0' && x <= '9', x == '-', x == '_', x == '~':
			b.WriteByte(x)
			dots = false
		case x == '.':
			b.WriteByte(x)
		default:
			fmt.Fprintf(&b, "%%%02X", x)
			dots = false
		}
	}
	if !dots {
		return b.String()
	}
	if pkg := PackageName(c.GoPackage()); pkg != "" {
		return pkg
	}
	return "connector"
}
