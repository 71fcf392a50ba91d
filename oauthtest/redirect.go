package oauthtest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// ErrUnrouted is the error of a Redirect's RoundTrip (and URL) for a URL that no
// route matches; such a request is never sent anywhere.
var ErrUnrouted = errors.New("oauthtest: Redirect has no route")

// A Redirect is an http.RoundTripper that sends the requests a client makes to a real
// provider's URLs to the fake provider's endpoints instead, so that a client built
// with the real URLs (a generated package's, for one) runs unchanged against a
// Provider: give it to the client as the Transport of its http.Client.
//
// Each route maps a real URL to a URL of the fake provider (p.TokenURL(),
// p.RevokeURL(), p.UserinfoURL(), p.APIURL(path), ...). A request matches a route by
// its scheme, host and path; its query is kept, whatever the route's URLs carry. A
// real URL that ends in "*" is a prefix: every URL that starts with the rest of it
// matches, and what follows the prefix is appended to the fake URL, which is how a
// whole API is routed:
//
//	"https://api.example.com/v1/*": p.APIURL("") // .../v1/me -> p.URL+"/api/me"
//
// An exact route wins over a prefix, and a longer prefix over a shorter one. A
// request that matches no route fails with ErrUnrouted, and Unrouted is called.
//
// It is safe for concurrent use once its Unrouted field is set.
type Redirect struct {
	exact  map[string]string // scheme://host/path -> fake URL
	prefix []prefixRoute     // longest first
	base   http.RoundTripper

	// Unrouted, when not nil, is called with each request that no route matches,
	// before RoundTrip returns ErrUnrouted. A test sets it to a function calling
	// t.Errorf, so that a request to an unexpected URL fails the test even where the
	// client drops the error.
	Unrouted func(*http.Request)
}

type prefixRoute struct{ from, to string }

// Redirect returns a transport that sends requests for the real URLs in routes (keys)
// to the fake provider's URLs (values), as Redirect describes; the requests reach p
// through p.Client()'s transport. It fails when a key is not an absolute URL or two
// keys match the same URLs but route them to different places.
func (p *Provider) Redirect(routes map[string]string) (*Redirect, error) {
	r := &Redirect{exact: map[string]string{}, base: p.Client().Transport}
	prefixes := map[string]string{}
	froms := map[string]string{} // key of exact or prefixes -> the route's own spelling
	for from, to := range routes {
		isPrefix := strings.HasSuffix(from, "*")
		u, err := url.Parse(strings.TrimSuffix(from, "*"))
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("oauthtest: Redirect: route %q is not an absolute URL", from)
		}
		if _, err := url.Parse(to); err != nil {
			return nil, fmt.Errorf("oauthtest: Redirect: route %q: target %q is not a URL", from, to)
		}
		key := u.Scheme + "://" + u.Host + u.Path
		into := r.exact
		if isPrefix {
			into = prefixes
		}
		if old, ok := into[key]; ok && old != to {
			a, b := [2]string{froms[key], old}, [2]string{from, to}
			if a[0] > b[0] {
				a, b = b, a
			}
			return nil, fmt.Errorf("oauthtest: Redirect: routes %q and %q match the same URLs but go to %q and %q", a[0], b[0], a[1], b[1])
		}
		into[key], froms[key] = to, from
	}
	for from, to := range prefixes {
		r.prefix = append(r.prefix, prefixRoute{from, to})
	}
	sort.Slice(r.prefix, func(i, j int) bool {
		a, b := r.prefix[i].from, r.prefix[j].from
		return len(a) > len(b) || len(a) == len(b) && a < b
	})
	return r, nil
}

// target returns the fake URL of u, without a query, and whether a route matches.
func (r *Redirect) target(u *url.URL) (string, bool) {
	key := u.Scheme + "://" + u.Host + u.Path
	if to, ok := r.exact[key]; ok {
		return to, true
	}
	for _, p := range r.prefix {
		if rest, ok := strings.CutPrefix(key, p.from); ok {
			// One slash where the fake's prefix ends in one and the rest starts with
			// one (a base URL without a path): a double slash would be redirected.
			if strings.HasSuffix(p.to, "/") {
				rest = strings.TrimPrefix(rest, "/")
			}
			return p.to + rest, true
		}
	}
	return "", false
}

// rewrite returns u routed: the fake URL with u's query.
func (r *Redirect) rewrite(u *url.URL) (*url.URL, error) {
	to, ok := r.target(u)
	if !ok {
		return nil, ErrUnrouted
	}
	out, err := url.Parse(to)
	if err != nil {
		return nil, fmt.Errorf("oauthtest: Redirect: target %q: %w", to, err)
	}
	out.RawQuery = u.RawQuery
	return out, nil
}

// where names u for an error without its query, which may carry a code or a token.
func where(u *url.URL) string { return u.Scheme + "://" + u.Host + u.Path }

// URL returns the fake URL a request for rawURL goes to, with rawURL's query: pass an
// authorize URL built for the real provider through it (with a route for the real
// authorize endpoint to p.AuthorizeURL()) before Provider.Authorize.
func (r *Redirect) URL(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", errors.New("oauthtest: Redirect.URL: the URL does not parse")
	}
	out, err := r.rewrite(u)
	if err != nil {
		return "", fmt.Errorf("%w for %s", err, where(u))
	}
	return out.String(), nil
}

// RoundTrip sends a copy of req, addressed to the fake URL its route gives, to the
// fake provider.
func (r *Redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	u, err := r.rewrite(req.URL)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		if errors.Is(err, ErrUnrouted) && r.Unrouted != nil {
			r.Unrouted(req)
		}
		return nil, fmt.Errorf("%w for %s %s", err, req.Method, where(req.URL))
	}
	out := req.Clone(req.Context())
	out.URL, out.Host = u, u.Host
	return r.base.RoundTrip(out)
}
