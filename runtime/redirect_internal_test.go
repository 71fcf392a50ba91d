package runtime

import (
	"net/http"
	"net/url"
	"testing"
)

// redirectKeepsToken keeps the token on the first request's host and scheme (and
// from http to https there), nowhere else, however long the chain.
func TestRedirectKeepsToken(t *testing.T) {
	chain := func(urls ...string) *http.Request {
		var prev *http.Request
		for _, s := range urls {
			u, _ := url.Parse(s)
			r := &http.Request{URL: u}
			if prev != nil {
				r.Response = &http.Response{Request: prev}
			}
			prev = r
		}
		return prev
	}
	c := New(&Flow{}, Credentials{})
	for _, tc := range []struct {
		urls []string
		keep bool
	}{
		{[]string{"https://api.example/a", "https://api.example/b"}, true},
		{[]string{"https://api.example/a", "https://API.example/b"}, true},
		{[]string{"http://api.example/a", "https://api.example/b"}, true},
		{[]string{"https://api.example/a", "http://api.example/b"}, false},
		{[]string{"https://api.example/a", "https://evil.example/b"}, false},
		{[]string{"https://api.example/a", "https://api.example:8443/b"}, false},
		{[]string{"https://api.example/a", "https://evil.example/b", "https://api.example/c"}, true},
		{[]string{"https://api.example/a", "https://evil.api.example/b"}, false},
	} {
		if got := c.redirectKeepsToken(chain(tc.urls...)); got != tc.keep {
			t.Errorf("%v: keeps the token %v, want %v", tc.urls, got, tc.keep)
		}
	}
}
