package runtime

import (
	"net/url"
	"slices"
	"strings"
)

// The escapers of values in URL templates. Where a value sits in a URL template (its
// origin, host, a host label, a path segment, the query or the fragment) is decided
// when the template is compiled (jinja's URL analysis); generated code and the
// dynamic client's interpreter then call the same function here for each value, so
// that a value can never change the URL's shape: it never adds userinfo, a host, a
// path segment, a query or a fragment that the template does not have.
//
// A value that cannot be made safe by escaping (a host, label or origin that is not
// one, a path segment "." or "..") renders as "" and, when v is not nil, is recorded
// in v: the runtime checks v after rendering a URL and returns the *URLValueError
// before sending anything. v is nil for values known when the client is built (the
// end user's auth_form values), which New has already checked with the Valid
// functions below.

// URLValueError is a value that cannot be put where its URL template puts it: a
// callback or token metadata value that is not a host name, a DNS label or an origin,
// or a path segment "." or "..". It names the value, never shows it (a value kept with
// a token may be sensitive).
type URLValueError struct {
	Name string // the template variable: "callback.accounts_server"
	Want string // what the position needs: "an https origin"
}

// Error returns "oauthgen: the value of <name> is not <want>: refused in a URL".
func (e *URLValueError) Error() string { return "oauthgen: " + e.problem() }

func (e *URLValueError) problem() string {
	return "the value of " + e.Name + " is not " + e.Want + ": refused in a URL"
}

// What the positions need, in words.
const (
	WantOrigin  = "an https origin (https://host[:port])"
	WantHost    = "a host name"
	WantLabel   = "a DNS label"
	WantSegment = "one path segment other than . and .."
)

// urlErr records the first value a URL rendered with v refused.
func (v *Vars) urlErr(name, want string) {
	if v != nil && v.badValue == nil {
		v.badValue = &URLValueError{Name: name, Want: want}
	}
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

// URLOrigin returns s, the value that starts a URL template, when it is an origin
// (ValidOrigin); else "".
func URLOrigin(v *Vars, name, s string) string {
	if !ValidOrigin(s) {
		v.urlErr(name, WantOrigin)
		return ""
	}
	return s
}

// URLHost returns s, the whole host of a URL template, when it is a host name
// (ValidHost); else "".
func URLHost(v *Vars, name, s string) string {
	if !ValidHost(s) {
		v.urlErr(name, WantHost)
		return ""
	}
	return s
}

// URLLabel returns s, a value inside the host of a URL template, when it is one DNS
// label (ValidLabel); else "".
func URLLabel(v *Vars, name, s string) string {
	if !ValidLabel(s) {
		v.urlErr(name, WantLabel)
		return ""
	}
	return s
}

// URLSegment returns s, a value in the path of a URL template, escaped as one path
// segment (url.PathEscape: '/', '?', '#' and '%' are escaped); "." and ".." are
// refused (""), since a server would read them as a step in the path.
func URLSegment(v *Vars, name, s string) string {
	if !ValidSegment(s) {
		v.urlErr(name, WantSegment)
		return ""
	}
	return url.PathEscape(s)
}

// URLQuery returns s, a value in the query or fragment of a URL template,
// query-escaped (url.QueryEscape): it can add neither a parameter nor a fragment.
func URLQuery(s string) string { return url.QueryEscape(s) }

// ValidLabel reports whether s is one DNS label of letters, digits and hyphens
// (ASCII only), 1 to 63 long, starting and ending with a letter or digit.
func ValidLabel(s string) bool {
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

// ValidHost reports whether s is a host name with an optional port: DNS labels
// (ValidLabel) joined by dots, at most 253 long, then optionally ':' and a port of 1
// to 5 digits. IP literals are refused (a last label of digits only is an IPv4
// address in some form; IPv6 needs brackets), except the loopback hosts localhost,
// 127.0.0.1 and [::1], which never leave the machine.
func ValidHost(s string) bool {
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
		if !ValidLabel(l) {
			return false
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
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

// ValidOrigin reports whether s is an origin: "https://" and a host (ValidHost), or
// "http://" and a loopback host, with no userinfo, path, query or fragment.
func ValidOrigin(s string) bool {
	switch {
	case strings.HasPrefix(s, "https://"):
		return ValidHost(s[len("https://"):])
	case strings.HasPrefix(s, "http://"):
		h := s[len("http://"):]
		if !ValidHost(h) {
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

// ValidSegment reports whether s may be a path segment: anything but "." and "..".
func ValidSegment(s string) bool { return s != "." && s != ".." }

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
