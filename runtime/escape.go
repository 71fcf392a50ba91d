package runtime

import (
	"net/url"
	"slices"
	"strings"
)

// Values in URL templates. Where a value sits in a URL template (its origin, host, a
// host label, a path segment, the query or the fragment) is decided when the template
// is compiled (jinja's URL analysis); generated code and the dynamic client's
// interpreter then call the same function for each value (EscapeURL, or
// url.QueryEscape in the query and fragment), so that a value can never change the
// URL's shape: it never adds userinfo, a host, a path segment, a query or a fragment
// that the template does not have.
//
// A value that cannot be made safe by escaping (a host, label or origin that is not
// one, a path segment "." or "..") renders as "" and, when v is not nil, is recorded
// in v: the runtime checks v after rendering a URL and returns the *URLValueError
// before sending anything. v is nil for values known when the client is built (the
// end user's auth_form values), which New has already checked with ValidURLValue.

// URLPart is where a URL template puts a value that escaping alone cannot make safe,
// so that it is checked. (Query and fragment values are url.QueryEscape'd: that
// makes every value safe there.)
type URLPart uint8

// The checked parts of a URL.
const (
	// PartOrigin: the value starts the template ({{ callback.accounts_server }}/oauth):
	// an https origin (https://host[:port]; http only on a loopback host, an optional
	// trailing "/"), no userinfo, path, query or fragment.
	PartOrigin URLPart = iota + 1
	// PartHost: the value is the whole host (https://{{ domain }}/x): a host name,
	// DNS labels joined by dots with an optional :port; no IP literal but loopback.
	PartHost
	// PartLabel: the value is in the host with literal text around it
	// (https://{{ shop }}.myshopify.com): one DNS label
	// (letters, digits and hyphens, ASCII only).
	PartLabel
	// PartSegment: the value is in the path: one segment, url.PathEscape'd ('/', '?',
	// '#' and '%' escaped), not "." or "..".
	PartSegment
)

var partWants = [...]string{
	PartOrigin:  "an https origin (https://host[:port])",
	PartHost:    "a host name",
	PartLabel:   "a DNS label",
	PartSegment: "one path segment other than . and ..",
}

// Want says what a value in part p must be: "a DNS label".
func (p URLPart) Want() string {
	if int(p) < len(partWants) {
		return partWants[p]
	}
	return "valid"
}

// URLValueError is a value that cannot be put where its URL template puts it: a
// callback or token metadata value that is not an origin, a host name or a DNS label,
// or a path segment "." or "..". It names the value, never shows it (a value kept with
// a token may be sensitive).
type URLValueError struct {
	Name string  // the template variable: "callback.accounts_server"
	Part URLPart // where the template puts it
}

// Error returns "oauthgen: the value of <name> is not <what its part needs>: refused in a URL".
func (e *URLValueError) Error() string { return "oauthgen: " + e.problem() }

func (e *URLValueError) problem() string {
	return "the value of " + e.Name + " is not " + e.Part.Want() + ": refused in a URL"
}

// renderURL renders the URL template t of operation op with v; a value the template
// refused is a *TokenError of op wrapping the *URLValueError, and nothing is sent.
func (c *Client) renderURL(op Op, t Text, v *Vars) (string, error) {
	if t.f == nil {
		return t.s, nil
	}
	if v == nil {
		v = &Vars{}
	}
	v.badValue = nil
	s := t.f(v)
	if bad := v.badValue; bad != nil {
		v.badValue = nil
		return "", c.newTokenError(op, 0, "", "", bad.problem(), bad)
	}
	return s, nil
}

// EscapeURL returns s, the value named name (the template variable) that a URL template
// puts in part, made safe there: an origin, host or label unchanged when valid
// (ValidURLValue), a segment url.PathEscape'd. A value that is not valid there renders
// as "" and is recorded in v, unless v is nil (a value New checked).
func EscapeURL(v *Vars, part URLPart, name, s string) string {
	if !ValidURLValue(part, s) {
		if v != nil && v.badValue == nil {
			v.badValue = &URLValueError{Name: name, Part: part}
		}
		return ""
	}
	if part == PartSegment {
		return url.PathEscape(s)
	}
	return s
}

// ValidURLValue reports whether s may be put in part (see the parts' constants).
func ValidURLValue(part URLPart, s string) bool {
	switch part {
	case PartOrigin:
		return validOrigin(s)
	case PartHost:
		return validHost(s)
	case PartLabel:
		return validLabel(s)
	case PartSegment:
		return s != "." && s != ".."
	}
	return false
}

// validLabel reports whether s is one DNS label of letters, digits and hyphens
// (ASCII only), 1 to 63 long, starting and ending with a letter or digit.
func validLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validHost reports whether s is a host name with an optional port: DNS labels
// (validLabel) joined by dots, at most 253 long, then optionally ':' and a port of 1
// to 5 digits. IP literals are refused (a last label of digits only is an IPv4
// address in some form; IPv6 needs brackets), except the loopback hosts localhost,
// 127.0.0.1 and [::1], which never leave the machine.
func validHost(s string) bool {
	if rest, ok := strings.CutPrefix(s, "[::1]"); ok {
		return rest == "" || rest[0] == ':' && validPort(rest[1:])
	}
	host, port, hasPort := strings.Cut(s, ":")
	if hasPort && !validPort(port) {
		return false
	}
	if loopbackHost(host) {
		return true
	}
	if len(host) == 0 || len(host) > 253 {
		return false
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if !validLabel(l) {
			return false
		}
	}
	return !numericLabel(labels[len(labels)-1])
}

// numericLabel reports whether a host's last label is a number, decimal or 0x hex:
// such a host is an IPv4 address in one of the forms resolvers accept (127.1,
// 2130706433, 0x7f000001, 0x7f.1), never a name, and IP literals are refused.
func numericLabel(l string) bool {
	digits := "0123456789"
	if h, ok := strings.CutPrefix(strings.ToLower(l), "0x"); ok {
		l, digits = h, "0123456789abcdef"
	}
	return strings.Trim(l, digits) == ""
}

func validPort(p string) bool {
	if len(p) == 0 || len(p) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
		n = n*10 + int(p[i]-'0')
	}
	return n > 0 && n <= 65535
}

func loopbackHost(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "[::1]" }

// validOrigin reports whether s is an origin: "https://" and a host (validHost), or
// "http://" and a loopback host, with no userinfo, path, query or fragment. One
// trailing "/" is allowed: providers send instance URLs both ways
// ("https://acme.my.salesforce.com/"), and a "//" in the path moves nothing.
func validOrigin(s string) bool {
	s = strings.TrimSuffix(s, "/")
	switch {
	case strings.HasPrefix(s, "https://"):
		return validHost(s[len("https://"):])
	case strings.HasPrefix(s, "http://"):
		h := s[len("http://"):]
		if !validHost(h) {
			return false
		}
		if strings.HasPrefix(h, "[::1]") {
			return true
		}
		name, _, _ := strings.Cut(h, ":")
		return loopbackHost(name)
	}
	return false
}

// withoutQueryKeys returns rawURL without the parameters of its query whose key is
// one of keys: the runtime's own authorize parameters win over a literal one (which
// the model refuses in connector files anyway), so none is sent twice.
func withoutQueryKeys(rawURL string, keys ...string) string {
	base, query, ok := strings.Cut(rawURL, "?")
	if !ok {
		return rawURL
	}
	query, frag, hasFrag := strings.Cut(query, "#")
	var kept []string
	for _, kv := range strings.Split(query, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil && slices.Contains(keys, uk) {
			continue
		}
		kept = append(kept, kv)
	}
	out := base + "?" + strings.Join(kept, "&")
	if hasFrag {
		out += "#" + frag
	}
	return out
}
