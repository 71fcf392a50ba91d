package runtime

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// FuzzHostSet: the host-set check, for a set of patterns (comma-separated, as
// "*.okta.com,accounts.zoho.eu"), an end user's host and a URL, agrees with a
// label-by-label reading of the patterns; a token request or an API call is sent only
// to a URL whose host (as net/url parses it, the same parse net/http dials) is in the
// set, and one outside is refused with a *HostError that names that host and no
// secret. Besides: a wildcard match has exactly one label more than the pattern's
// suffix, an IP literal and a URL with userinfo never match a name pattern, the check
// ignores ASCII case, and a wildcard never matches a host with a trailing dot.
func FuzzHostSet(f *testing.F) {
	for _, s := range [][3]string{
		{"*.okta.com", "", "https://acme.okta.com/oauth2/v1/token"},
		{"*.okta.com", "", "https://okta.com/t"},
		{"*.okta.com", "", "https://a.b.okta.com/t"},
		{"*.okta.com", "", "https://ACME.Okta.COM/t"},
		{"*.okta.com", "", "https://acme.okta.com./t"},
		{"*.okta.com", "", "https://-acme.okta.com/t"},
		{"*.okta.com", "", "https://user@acme.okta.com/t"},
		{"*.okta.com", "", "https://acme.okta.com@evil.example/t"},
		{"*.okta.com", "", "https://evil.example#.okta.com"},
		{"*.okta.com", "", "https://evil.example\\.okta.com/t"},
		{"*.okta.com", "", "http://acme.okta.com/t"},
		{"*.okta.com", "", "https://[::1]/t"},
		{"*.okta.com", "", "https://[acme.okta.com]/t"},
		{"*.okta.com", "", "https://0x7f.1/t"},
		{"*.okta.com", "", "https://a\u212a.okta.com/t"},
		{"*.okta.com", "", "https://a%C3%A9.okta.com/t"},
		{"*.okta.com", "", "https://xn--80ak6aa92e.okta.com/t"},
		{"*.okta.com", "", "//acme.okta.com/t"},
		{"*.okta.com", "", "https:acme.okta.com"},
		{"accounts.zoho.eu,*.zohoapis.eu", "", "https://accounts.zoho.eu/oauth/v2/token"},
		{"accounts.zoho.eu,*.zohoapis.eu", "", "https://www.zohoapis.eu/crm/v6/"},
		{"accounts.zoho.eu", "", "https://accounts.zoho.eu.evil.example/t"},
		{"accounts.zoho.eu", "", "https://accounts.zoho.eu:443/t"},
		{"accounts.zoho.eu", "", "https://accounts%2ezoho.eu/t"},
		{"127.0.0.1", "", "http://127.0.0.1:8080/t"},
		{"127.0.0.1", "", "http://127.0.0.1.nip.io/t"},
		{"*.0.1", "", "https://127.0.0.1/t"},
		{"localhost", "", "http://LOCALHOST:8080/t"},
		{"", "acme.okta.com:8443", "https://acme.okta.com:8443/oauth2/v1/token"},
		{"", "evil.example/x?", "https://evil.example/x?/t"},
		{"", "https://evil.example", "https://https://evil.example/t"},
		{"", "", "https://anywhere.example/t"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, patterns, user, raw string) {
		var pats []string
		if patterns != "" {
			pats = strings.Split(patterns, ",")
		}
		rec := &recordingTransport{}
		flow := &Flow{Connector: "Fuzz", TokenURL: String(raw), TokenHosts: pats, APIHosts: pats, UserHost: String(user)}
		c := New(flow, Credentials{ClientID: "id", ClientSecret: "s3cret-value"}, WithHTTPClient(&http.Client{Transport: rec}))
		on := len(pats) > 0 || user != ""
		if c.tokenHosts.on != on || c.apiHosts.on != on {
			t.Fatalf("sets on: token %v, API %v, want %v", c.tokenHosts.on, c.apiHosts.on, on)
		}

		// The check before sending, against the reference.
		u, perr := url.Parse(raw)
		err := c.checkURL(OpExchange, raw, &c.tokenHosts)
		switch {
		case !on || perr != nil:
			if err != nil {
				t.Fatalf("%q: %v, want nil (set off, or a URL left to the request)", raw, err)
			}
		case refAllowsURL(pats, user, u) != (err == nil):
			t.Fatalf("patterns %q, user host %q, %q (host %q): check says %v, the reference %v", pats, user, raw, u.Hostname(), err, refAllowsURL(pats, user, u))
		}

		// Sending: a token request and an API call to raw go out only within the set.
		_, xerr := c.Exchange(context.Background(), "c0de-value")
		resp, aerr := c.HTTPClient(context.Background(), &oauth2.Token{AccessToken: "acc3ss-value"}).Get(raw)
		if aerr == nil {
			resp.Body.Close()
		}
		for _, r := range rec.sent {
			if on && !refAllowsURL(pats, user, r.URL) {
				t.Fatalf("patterns %q, user host %q: sent to %s (host %q)", pats, user, r.URL, r.URL.Hostname())
			}
		}
		if on && perr == nil && !refAllowsURL(pats, user, u) {
			if len(rec.sent) != 0 {
				t.Fatalf("%q: %d requests sent outside the set", raw, len(rec.sent))
			}
			// The token request is checked on url.Parse's URL, the API call on
			// net/http's, which drops an empty port ("//::" has host ":", "").
			apiHost := u.Hostname()
			if req, err := http.NewRequest(http.MethodGet, raw, nil); err == nil {
				apiHost = req.URL.Hostname()
			}
			for i, e := range []error{xerr, aerr} {
				want := u.Hostname()
				if i == 1 {
					want = apiHost
				}
				var he *HostError
				if !errors.As(e, &he) || he.Host != want {
					t.Fatalf("%q: error %v, want a *HostError for host %q", raw, e, want)
				}
				if msg := e.Error(); strings.Contains(msg, "s3cret-value") || strings.Contains(msg, "c0de-value") || strings.Contains(msg, "acc3ss-value") {
					t.Fatalf("message %q repeats a secret", msg)
				}
			}
		}

		if !on || perr != nil {
			return
		}
		host := u.Hostname()
		s := &c.tokenHosts
		if u.User != nil && err == nil {
			t.Fatalf("%q: a URL with userinfo allowed", raw)
		}
		if ip := strings.Trim(host, "[]"); net.ParseIP(ip) != nil && namePatternsOnly(pats, user) && s.allows(host) {
			t.Fatalf("IP literal %q matches the name patterns %q", host, pats)
		}
		if s.allows(host) != s.allows(swapCase(host)) {
			t.Fatalf("%q and %q differ", host, swapCase(host))
		}
		if s.allows(host+".") && !hasExactFold(pats, host+".") {
			t.Fatalf("%q matches %q with a trailing dot", host+".", pats)
		}
		for _, p := range pats {
			suffix, ok := strings.CutPrefix(p, "*.")
			one := newHostSet([]string{p}, "", true, false)
			if ok && one.allows(host) && strings.Count(host, ".") != strings.Count(suffix, ".")+1 {
				t.Fatalf("%q matches %q without exactly one more label", host, p)
			}
		}
	})
}

// recordingTransport records the requests sent, and answers each with an error so
// that no redirect is followed.
type recordingTransport struct{ sent []*http.Request }

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.sent = append(rt.sent, r)
	if r.Body != nil {
		r.Body.Close()
	}
	return nil, errors.New("not sent anywhere")
}

// refAllowsURL is the documented rule, read label by label: an https URL (http on
// loopback) without userinfo whose host, ASCII only and compared without regard to
// case, is a pattern, or the end user's host name, or one DNS label and the host name
// after a pattern's "*.".
func refAllowsURL(pats []string, user string, u *url.URL) bool {
	host := u.Hostname()
	if u.User != nil || u.Opaque != "" || host == "" {
		return false
	}
	if !(u.Scheme == "https" || u.Scheme == "http" && refLoopback(host)) {
		return false
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return false
		}
	}
	h := lowerASCII(host)
	if name := refUserHost(user); name != "" && h == lowerASCII(name) {
		return true
	}
	labels := strings.Split(h, ".")
	for _, p := range pats {
		p = lowerASCII(p)
		suffix, wild := strings.CutPrefix(p, "*.")
		switch {
		case !wild && !strings.HasPrefix(p, "*"):
			if h == p {
				return true
			}
		case wild && refHostName(suffix):
			if len(labels) == strings.Count(suffix, ".")+2 && strings.Join(labels[1:], ".") == suffix && refLabel(labels[0]) {
				return true
			}
		}
	}
	return false
}

// refUserHost returns the host name of an end user's host ("acme.okta.com:8443"), or
// "" for anything else.
func refUserHost(user string) string {
	name, port, hasPort := strings.Cut(user, ":")
	if hasPort && (port == "" || strings.Trim(port, "0123456789") != "") {
		return ""
	}
	if !refHostName(name) {
		return ""
	}
	return name
}

func refHostName(s string) bool {
	for _, l := range strings.Split(s, ".") {
		if !refLabel(l) {
			return false
		}
	}
	return true
}

func refLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
		return false
	}
	return strings.Trim(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == ""
}

func refLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, _, _ := strings.Cut(host, "%") // an IPv6 zone
	a := net.ParseIP(ip)
	return a != nil && a.IsLoopback()
}

// namePatternsOnly reports whether every pattern (and the end user's host) is a name
// whose last label starts with a letter, as every top-level domain does.
func namePatternsOnly(pats []string, user string) bool {
	if n := refUserHost(user); n != "" {
		pats = append(pats[:len(pats):len(pats)], n)
	}
	for _, p := range pats {
		last := p[strings.LastIndexByte(p, '.')+1:]
		if last == "" || !('a' <= last[0] && last[0] <= 'z' || 'A' <= last[0] && last[0] <= 'Z') {
			return false
		}
	}
	return true
}

func hasExactFold(pats []string, host string) bool {
	for _, p := range pats {
		if lowerASCII(p) == lowerASCII(host) {
			return true
		}
	}
	return false
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// TestHostSetPatterns: what fuzzing found. Only "*." and a host name is a wildcard
// ("*oA" matched "0oA", as "*okta.com" matched "evilokta.com"); and localhost is
// loopback in any case, as the set compares it.
func TestHostSetPatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern, url string
		ok           bool
	}{
		{"*.okta.com", "https://acme.okta.com/t", true},
		{"*okta.com", "https://evilokta.com/t", false},
		{"*oA", "https://0oA/t", false},
		{"*", "https://intranet/t", false},
		{"*.", "https://x./t", false},
		{"*..com", "https://a..com/t", false},
		{"localhost", "http://localhost:8080/t", true},
		{"localhost", "http://LOCALHOST:8080/t", true},
		{"localhost", "http://LOCALHOST.:8080/t", false},
	} {
		c := New(&Flow{Connector: "P", TokenHosts: []string{tc.pattern}}, Credentials{ClientID: "id"})
		if err := c.checkURL(OpExchange, tc.url, &c.tokenHosts); tc.ok != (err == nil) {
			t.Errorf("pattern %q, %s: %v, want allowed %v", tc.pattern, tc.url, err, tc.ok)
		}
	}
}

// TestServerTextCleanedAsWritten: what FuzzTokenResponse found. A provider's error
// text is cleaned of the secrets sent, and so is the message as written, where
// quoting may spell one ("\x7f" then the code without its "f"); a userinfo error's
// code is cleaned like its description.
func TestServerTextCleanedAsWritten(t *testing.T) {
	const code, at = "fuzz-auth-code-6f5e4d3c", "at-s3cret-token"
	for _, tc := range []struct{ token, userinfo string }{
		{`{"error":"000\u007f` + code[1:] + `"}`, ""},
		{`{"access_token":"` + at + `"}`, `{"error":"` + at + `"}`},
	} {
		hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			status, body := http.StatusBadRequest, tc.token
			if r.URL.Path == "/userinfo" {
				body = tc.userinfo
			} else if tc.userinfo != "" {
				status = http.StatusOK
			}
			return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})}
		f := &Flow{Connector: "S", TokenURL: String("https://p.example/token"), Userinfo: &Userinfo{URL: String("https://p.example/userinfo")}}
		_, err := New(f, Credentials{ClientID: "id"}, WithHTTPClient(hc)).Exchange(context.Background(), code)
		if err == nil || strings.Contains(err.Error(), code) || strings.Contains(err.Error(), at) {
			t.Errorf("error %v, want one without the code or the token", err)
		}
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
