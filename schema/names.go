package schema

import "strings"

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
// the name lower-cased, with spaces written as %20 ("hubspot", "teamwork%20crm").
func (c *Connector) CallbackSlug() string {
	return strings.ReplaceAll(strings.ToLower(c.Name), " ", "%20")
}
