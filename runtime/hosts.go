package runtime

import (
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// OpAPI names API calls (HTTPClient's requests) in a HostError.
const OpAPI Op = "API request"

// HostError is the error of a request that would have carried a credential to a host
// outside the connector's host set (Flow.TokenHosts or Flow.APIHosts): nothing was
// sent. Host is the refused host, which came from a value (an end user's, a
// callback's, a provider response's) or a redirect; it is never a secret.
type HostError struct {
	Connector string
	Op        Op
	Host      string
	api       bool
	scheme    string // non-empty: the scheme was refused, not the host
}

// Error says which host was refused for which operation of which connector.
func (e *HostError) Error() string {
	set := "token"
	if e.api {
		set = "API"
	}
	if e.scheme != "" {
		return "oauthgen: " + e.Connector + ": " + string(e.Op) + ": refused to send credentials to " + quote(e.scheme+"://"+e.Host) + ": use https (http is allowed only on loopback)"
	}
	return "oauthgen: " + e.Connector + ": " + string(e.Op) + ": host " + quote(e.Host) + " is not one of the connector's " + set + " hosts"
}

// hostSet is one credential class's host patterns, prepared by New.
type hostSet struct {
	on    bool     // false: any host (a Flow without host sets)
	api   bool     // the API set (for messages)
	exact []string // lower-case host names
	wild  []string // ".example.com" for "*.example.com"
}

// newHostSet prepares patterns, and the end user's host when there is one.
func newHostSet(patterns []string, userHost string, on, api bool) hostSet {
	s := hostSet{on: on, api: api}
	for _, p := range patterns {
		if !strings.HasPrefix(p, "*") {
			s.exact = append(s.exact, strings.ToLower(p))
			continue
		}
		// Only "*." and a host name is a wildcard: "*okta.com" would match
		// "evilokta.com", and "*" or "*." any one label; such a pattern adds nothing.
		if rest, ok := strings.CutPrefix(p, "*."); ok && isHostName(rest) {
			s.wild = append(s.wild, "."+strings.ToLower(rest))
		}
	}
	if h := hostName(userHost); h != "" {
		s.exact = append(s.exact, strings.ToLower(h))
	}
	return s
}

// hostName returns the host name of hostport (a host name and an optional port of
// digits), or "" when it is anything else: a value that is no host name confines
// nothing, so it adds nothing to a set.
func hostName(hostport string) string {
	h := hostport
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		port := h[i+1:]
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return ""
		}
		h = h[:i]
	}
	if !isHostName(h) {
		return ""
	}
	return h
}

// isHostName reports whether s is DNS labels joined by dots, without a trailing dot.
func isHostName(s string) bool {
	for _, l := range strings.Split(s, ".") {
		if !isLabel(l) {
			return false
		}
	}
	return true
}

// initHosts prepares the client's host sets from its flow.
func (c *Client) initHosts() {
	f := c.flow
	user := f.UserHost.Render(nil)
	c.tokenHosts = newHostSet(f.TokenHosts, user, len(f.TokenHosts) > 0 || user != "", false)
	c.apiHosts = newHostSet(f.APIHosts, user, len(f.APIHosts) > 0 || user != "", true)
}

// allows reports whether host (a host name without port) matches the set: ASCII
// only, compared without regard to ASCII case; a wildcard matches exactly one label
// of letters, digits and hyphens.
func (s *hostSet) allows(host string) bool {
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return false
		}
	}
	for _, e := range s.exact {
		if asciiEqualFold(host, e) {
			return true
		}
	}
	for _, w := range s.wild {
		if len(host) > len(w) && asciiEqualFold(host[len(host)-len(w):], w) && isLabel(host[:len(host)-len(w)]) {
			return true
		}
	}
	return false
}

// check returns a *HostError when u is not an https (or loopback http) URL on a host
// of s; nil when it is, or when s is off.
func (c *Client) checkHost(op Op, u *url.URL, s *hostSet) error {
	if !s.on {
		return nil
	}
	host := u.Hostname()
	switch {
	case u.User != nil || u.Opaque != "" || host == "":
		return &HostError{Connector: c.connector(), Op: op, Host: host, api: s.api}
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(host):
	default:
		return &HostError{Connector: c.connector(), Op: op, Host: host, api: s.api, scheme: u.Scheme}
	}
	if !s.allows(host) {
		return &HostError{Connector: c.connector(), Op: op, Host: host, api: s.api}
	}
	return nil
}

// checkURL is checkHost for a URL not parsed yet. A URL that does not parse is left
// to the request that fails on it.
func (c *Client) checkURL(op Op, raw string, s *hostSet) error {
	if !s.on {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	return c.checkHost(op, u, s)
}

// checkHostValues checks tok's kept values that are whole hosts of API URLs
// (Flow.HostValues) against the API hosts, when they arrive with a new token.
func (c *Client) checkHostValues(op Op, tok *oauth2.Token) error {
	if len(c.flow.HostValues) == 0 || !c.apiHosts.on {
		return nil
	}
	v := c.varsOf(tok)
	for _, name := range c.flow.HostValues {
		var val string
		if n, ok := strings.CutPrefix(name, "credentials."); ok {
			val = v.Credentials[n]
		} else if n, ok := strings.CutPrefix(name, "callback."); ok {
			val = v.Callback[n]
		}
		if val == "" {
			continue
		}
		u, err := url.Parse(val)
		if err != nil || u.Host == "" {
			u = &url.URL{Scheme: "https", Host: val}
		}
		if err := c.checkHost(op, u, &c.apiHosts); err != nil {
			return err
		}
	}
	return nil
}

// isLoopback reports whether host is localhost (in any ASCII case, as the host set
// compares it) or a loopback IP address.
func isLoopback(host string) bool {
	if asciiEqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// isLabel reports whether s is one DNS label: letters, digits and hyphens, not
// starting or ending with a hyphen, at most 63 bytes.
func isLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-') {
			return false
		}
	}
	return true
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
