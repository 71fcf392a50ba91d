package runtime_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// hostile are values an end user, a forged callback or a token response may give.
var hostile = []string{
	"evil.example/x?", "a@evil.example/", "evil.example#", "evil.example:443@x", "../", "..", ".", "%2e%2e",
	"%2F", "?client_id=ATTACKER&redirect_uri=x#", "127.0.0.1", "0x7f.1", "2130706433", "0x7f000001", "0X7F000001", "127.1", "[::1]", "[2001:db8::1]",
	"xn--80ak6aa92e", "аpple", "ｅｖｉｌ.example", "evil\u2024example", "a b", "a\tb", "a\nb", "", "-a", "a-",
	"evil.example.", "https://evil.example", "https://evil.example/x", "https://u:p@evil.example",
	"https://evil.example?x", "https://evil.example#x", "http://evil.example", "javascript:alert(1)",
	"acme", "acme-1", "Acme", "accounts.zoho.eu", "https://accounts.zoho.eu", "https://localhost:8443", strings.Repeat("a", 64),
}

func TestValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(string) bool
		ok   []string
	}{
		{"label", valid(runtime.PartLabel), []string{"acme", "acme-1", "Acme", "xn--80ak6aa92e", "2130706433", "0x7f000001", "0X7F000001"}},
		{"host", valid(runtime.PartHost), []string{"acme", "acme-1", "Acme", "xn--80ak6aa92e", "accounts.zoho.eu", "127.0.0.1", "[::1]"}},
		// An origin is checked for its form here; whether its host is one the
		// connector may send to is the host set's check.
		{"origin", valid(runtime.PartOrigin), []string{"https://accounts.zoho.eu", "https://localhost:8443", "https://evil.example"}},
		{"segment", valid(runtime.PartSegment), nil},
	} {
		for _, v := range hostile {
			want := false
			for _, ok := range tc.ok {
				want = want || v == ok
			}
			if tc.name == "segment" {
				want = v != "." && v != ".."
			}
			if got := tc.f(v); got != want {
				t.Errorf("Valid %s(%q) = %v, want %v", tc.name, v, got, want)
			}
		}
	}
	for _, v := range []string{"a.b:1", "a.b:65535", "localhost:1", "127.0.0.1:8080", "[::1]:8080"} {
		if !runtime.ValidURLValue(runtime.PartHost, v) {
			t.Errorf("ValidHost(%q) = false", v)
		}
	}
	for _, v := range []string{"https://a.example//", "https://a.example/x", "https:///"} {
		if runtime.ValidURLValue(runtime.PartOrigin, v) {
			t.Errorf("origin %q accepted", v)
		}
	}
	for _, v := range []string{"a.b:0", "a.b:65536", "a.b:", "a.b:x", "a:1:2", "[::1]x", "1.2.3.4", "a.123"} {
		if runtime.ValidURLValue(runtime.PartHost, v) {
			t.Errorf("ValidHost(%q) = true", v)
		}
	}
	for _, v := range []string{"http://127.0.0.1:9", "http://[::1]:9", "http://localhost", "https://acme.my.salesforce.com/"} {
		if !runtime.ValidURLValue(runtime.PartOrigin, v) {
			t.Errorf("ValidOrigin(%q) = false", v)
		}
	}
}

// render is a URL template with a value in every position, as compiled code renders
// it: the origin, a label, a path segment, a query value and the fragment.
func render(v *runtime.Vars, origin, label, seg, q string) string {
	return runtime.EscapeURL(v, runtime.PartOrigin, "o", origin) + "/x/" + runtime.EscapeURL(v, runtime.PartSegment, "p", seg) + "/y?k=" + url.QueryEscape(q) +
		"&host=" + runtime.EscapeURL(v, runtime.PartLabel, "l", label) + ".example.com#f=" + url.QueryEscape(q)
}

// checkShape asserts that the URL s has the shape of render's template whatever the
// values: the origin's scheme and host and no userinfo, the path /x/<seg>/y with seg
// one segment (seg is the value it holds), exactly the query parameters k (holding
// q) and host, the fragment f=<q>.
func checkShape(t *testing.T, s, origin, seg, q string) {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("%q does not parse: %v", s, err)
	}
	if o, _ := url.Parse(origin); u.Host != o.Host || u.User != nil || u.Scheme != o.Scheme {
		t.Fatalf("%q: origin %q, want %q", s, u.Scheme+"://"+u.Host, origin)
	}
	path := u.EscapedPath()
	if strings.HasSuffix(origin, "/") {
		path = strings.TrimPrefix(path, "/") // the origin's own trailing slash
	}
	parts := strings.Split(path, "/")
	if len(parts) != 4 || parts[1] != "x" || parts[3] != "y" {
		t.Fatalf("%q: path %q, want /x/<one segment>/y", s, u.EscapedPath())
	}
	if got, err := url.PathUnescape(parts[2]); err != nil || got != seg {
		t.Fatalf("%q: segment %q (%v), want %q", s, got, err, seg)
	}
	qv, err := url.ParseQuery(u.RawQuery)
	if err != nil || len(qv) != 2 || len(qv["k"]) != 1 || qv.Get("k") != q || len(qv["host"]) != 1 {
		t.Fatalf("%q: query %v (%v), want k=%q and host", s, qv, err, q)
	}
	if want := "f=" + url.QueryEscape(q); u.EscapedFragment() != want {
		t.Fatalf("%q: fragment %q, want %q", s, u.EscapedFragment(), want)
	}
}

func TestEscapeByPosition(t *testing.T) {
	for _, val := range hostile {
		v := &runtime.Vars{}
		s := render(v, "https://ok.example", "ok", val, val)
		seg := val
		if val == "." || val == ".." {
			seg = ""
		}
		checkShape(t, s, "https://ok.example", seg, val)
		// Each refusing position refuses what its Valid function refuses, and the
		// refusal renders "".
		for _, pos := range []struct {
			got, want string
			valid     bool
		}{
			{runtime.EscapeURL(nil, runtime.PartOrigin, "x", val), val, runtime.ValidURLValue(runtime.PartOrigin, val)},
			{runtime.EscapeURL(nil, runtime.PartHost, "x", val), val, runtime.ValidURLValue(runtime.PartHost, val)},
			{runtime.EscapeURL(nil, runtime.PartLabel, "x", val), val, runtime.ValidURLValue(runtime.PartLabel, val)},
			{runtime.EscapeURL(nil, runtime.PartSegment, "x", val), url.PathEscape(val), runtime.ValidURLValue(runtime.PartSegment, val)},
		} {
			if want := map[bool]string{true: pos.want, false: ""}[pos.valid]; pos.got != want {
				t.Errorf("escaping %q: %q, want %q", val, pos.got, want)
			}
		}
	}
}

func TestEscapedPathHasNoDotSegments(t *testing.T) {
	for _, val := range []string{"%2e%2e", "%2E%2E", "..%2f", "%2e", "a/../b", "./"} {
		s := runtime.EscapeURL(nil, runtime.PartSegment, "p", val)
		if strings.Contains(s, "/") || s == "." || s == ".." || !strings.Contains(s, "%25") && strings.Contains(val, "%") {
			t.Errorf("URLSegment(%q) = %q", val, s)
		}
	}
}

// TestRefusedValueIsATypedError: a call-time value the URL refuses fails the request
// before anything is sent, with a *runtime.URLValueError naming the value.
func TestRefusedValueIsATypedError(t *testing.T) {
	sent := 0
	hc := &http.Client{Transport: roundTrip(func(*http.Request) (*http.Response, error) { sent++; return nil, errors.New("sent") })}
	f := &runtime.Flow{
		Connector: "T",
		TokenURL: runtime.Func(func(v *runtime.Vars) string {
			return runtime.EscapeURL(v, runtime.PartOrigin, "callback.server", v.Callback["server"]) + "/token"
		}),
	}
	f.CallbackParams = []runtime.Field{{Name: "server", Path: runtime.Path{"server"}}}
	c := runtime.New(f, runtime.Credentials{ClientID: "id", ClientSecret: "secret"}, runtime.WithHTTPClient(hc))
	for _, bad := range []string{"https://evil.example/x?", "https://a@evil.example", "evil.example", ""} {
		_, err := c.ExchangeCallback(t.Context(), url.Values{"code": {"c"}, "server": {bad}})
		var ve *runtime.URLValueError
		if !errors.As(err, &ve) || ve.Name != "callback.server" || ve.Part != runtime.PartOrigin {
			t.Errorf("%q: error %v, want a *URLValueError for callback.server", bad, err)
		}
		if err != nil && bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("the error shows the value: %v", err)
		}
	}
	// A stored token whose kept callback value is hostile (older than the rule, or
	// written by someone else) is refused again on refresh and revocation.
	f.RevokeURL = f.TokenURL
	c = runtime.New(f, runtime.Credentials{ClientID: "id", ClientSecret: "secret"}, runtime.WithHTTPClient(hc))
	tok := (&oauth2.Token{AccessToken: "at", RefreshToken: "rt"}).WithExtra(map[string]any{"server": "https://evil.example/x?"})
	var ve *runtime.URLValueError
	if _, err := c.RefreshToken(t.Context(), tok); !errors.As(err, &ve) {
		t.Errorf("refresh: %v, want a *URLValueError", err)
	}
	if err := c.Revoke(t.Context(), tok); !errors.As(err, &ve) {
		t.Errorf("revoke: %v, want a *URLValueError", err)
	}
	if sent != 0 {
		t.Errorf("%d requests sent", sent)
	}
}

// FuzzURLEscape checks that no value, in any position, changes the shape of a URL:
// its origin, userinfo, path segments, query parameters and fragment.
func FuzzURLEscape(f *testing.F) {
	for _, v := range hostile {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, val string) {
		v := &runtime.Vars{}
		origin := val
		if !runtime.ValidURLValue(runtime.PartOrigin, val) {
			origin = ""
		}
		seg := val
		if !runtime.ValidURLValue(runtime.PartSegment, val) {
			seg = ""
		}
		s := render(v, val, val, val, val)
		if origin != "" {
			checkShape(t, s, origin, seg, val)
		} else if u, err := url.Parse(s); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
			t.Fatalf("%q: a refused origin left %v (%v)", s, u, err)
		}
		if h := runtime.EscapeURL(nil, runtime.PartLabel, "l", val); h != "" {
			if hu, err := url.Parse("https://" + h + ".example.com/"); err != nil || hu.Hostname() != strings.ToLower(h)+".example.com" && hu.Hostname() != h+".example.com" {
				t.Fatalf("label %q moved the host: %v %v", h, hu, err)
			}
		}
		if h := runtime.EscapeURL(nil, runtime.PartHost, "h", val); h != "" {
			if hu, err := url.Parse("https://" + h + "/p"); err != nil || hu.Host != h || hu.User != nil || hu.Path != "/p" {
				t.Fatalf("host %q moved the URL: %v %v", h, hu, err)
			}
		}
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func valid(p runtime.URLPart) func(string) bool {
	return func(s string) bool { return runtime.ValidURLValue(p, s) }
}
