package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestXOAuth2Parity runs oauth2.Config and our clients of the standard connectors
// (generated and dynamic) against the same recording server, for every response shape
// x/oauth2 itself handles, and requires equivalent requests and equal tokens (or equal
// errors).
func TestXOAuth2Parity(t *testing.T) {
	const (
		clientID = "parity-client"
		secret   = "parity-secret-9b1e77c0d2"
		code     = "parity-code-5d8e2f"
		refresh  = "parity-refresh-41ac9e"
	)
	type shape struct {
		name   string
		status int
		ctype  string
		body   string
		// expiresOnlyOurs: x/oauth2 v0.37 no longer reads "expires" (the old Facebook
		// field); ours does. Everything else must be equal.
		expiresOnlyOurs bool
	}
	shapes := []shape{
		{"json", 200, "application/json", `{"access_token":"at-json-1","token_type":"Bearer","refresh_token":"rt-json-1","expires_in":3600,"scope":"read write"}`, false},
		{"json-charset", 200, "application/json; charset=utf-8", `{"access_token":"at-json-2","token_type":"bearer","expires_in":60}`, false},
		{"json-expires_in-string", 200, "application/json", `{"access_token":"at-str-1","token_type":"Bearer","expires_in":"7200"}`, false},
		{"json-no-expiry", 200, "application/json", `{"access_token":"at-perm-1","token_type":"Bearer","scope":"repo"}`, false},
		{"form-github", 200, "application/x-www-form-urlencoded", `access_token=gho_form123&scope=repo%2Cgist&token_type=bearer`, false},
		{"form-text-plain", 200, "text/plain", `access_token=at-plain-1&token_type=bearer&expires_in=3600&refresh_token=rt-plain-1`, false},
		{"form-expires", 200, "application/x-www-form-urlencoded", `access_token=at-fb-1&expires=5183999`, true},
		{"json-expires", 200, "application/json", `{"access_token":"at-fb-2","expires":3600}`, true},
		{"error-400-json", 400, "application/json", `{"error":"invalid_grant","error_description":"The code has expired","error_uri":"https://example.com/e"}`, false},
		{"error-401-json", 401, "application/json", `{"error":"invalid_client"}`, false},
		{"error-200-json", 200, "application/json", `{"error":"invalid_request","error_description":"missing code"}`, false},
		{"error-200-form-github", 200, "application/x-www-form-urlencoded", `error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.&error_uri=https%3A%2F%2Fdocs.github.com`, false},
		{"error-500-text", 500, "text/plain", `internal error`, false},
	}
	type call struct {
		name string
		run  func(ctx context.Context, x *oauth2.Config, ours *fositeAPI) (xt, ot *oauth2.Token, xerr, oerr error)
	}
	verifier := oauth2.GenerateVerifier()
	calls := []call{
		{"exchange", func(ctx context.Context, x *oauth2.Config, ours *fositeAPI) (*oauth2.Token, *oauth2.Token, error, error) {
			xt, xerr := x.Exchange(ctx, code)
			ot, oerr := ours.exchange(ctx, code)
			return xt, ot, xerr, oerr
		}},
		{"exchange-pkce", func(ctx context.Context, x *oauth2.Config, ours *fositeAPI) (*oauth2.Token, *oauth2.Token, error, error) {
			xt, xerr := x.Exchange(ctx, code, oauth2.VerifierOption(verifier))
			ot, oerr := ours.exchange(ctx, code, oauth2.VerifierOption(verifier))
			return xt, ot, xerr, oerr
		}},
		{"refresh", func(ctx context.Context, x *oauth2.Config, ours *fositeAPI) (*oauth2.Token, *oauth2.Token, error, error) {
			old := &oauth2.Token{AccessToken: "expired-at-0", RefreshToken: refresh, Expiry: time.Now().Add(-time.Hour)}
			xt, xerr := x.TokenSource(ctx, old).Token()
			ot, oerr := ours.refresh(ctx, refresh)
			return xt, ot, xerr, oerr
		}},
	}
	// The standard connectors: fosite_basic.json (HTTP Basic) and fosite_post.json
	// (client id and secret in the body), generated and dynamic.
	styles := []struct {
		c fositeCase
		x oauth2.AuthStyle
	}{{fositeCases[1], oauth2.AuthStyleInHeader}, {fositeCases[2], oauth2.AuthStyleInParams}}

	l := newLeakScan(t, secret, code, refresh, verifier)
	for _, sh := range shapes {
		for _, mode := range fositeModes {
			for _, st := range styles {
				for _, cl := range calls {
					t.Run(sh.name+"/"+mode+"/"+st.c.name+"/"+cl.name, func(t *testing.T) {
						rec := &recorder{status: sh.status, ctype: sh.ctype, body: sh.body}
						srv := httptest.NewServer(rec)
						defer srv.Close()
						x := &oauth2.Config{ClientID: clientID, ClientSecret: secret, RedirectURL: redirectURL,
							Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/oauth2/auth", TokenURL: srv.URL + "/oauth2/token", AuthStyle: st.x}}
						c := st.c
						c.id = clientID
						ours := newFositeAPI(t, &fositeServer{Server: srv}, c, mode, secret)
						ctx := context.Background()
						xt, ot, xerr, oerr := cl.run(ctx, x, ours)
						l.err(oerr)

						// Equivalent requests.
						if len(rec.reqs) != 2 {
							t.Fatalf("server saw %d requests, want 2 (one each)", len(rec.reqs))
						}
						if d := diffRequests(rec.reqs[0], rec.reqs[1]); d != "" {
							t.Errorf("requests differ (x/oauth2 vs ours): %s", d)
						}

						// Equal outcomes.
						if (xerr == nil) != (oerr == nil) {
							t.Fatalf("x/oauth2 err = %v, ours = %v", xerr, oerr)
						}
						if xerr != nil {
							var xre, ore *oauth2.RetrieveError
							xIs, oIs := errors.As(xerr, &xre), errors.As(oerr, &ore)
							if xIs != oIs {
								t.Fatalf("RetrieveError: x/oauth2 %v (%v), ours %v (%v)", xIs, xerr, oIs, oerr)
							}
							if xIs && (xre.ErrorCode != ore.ErrorCode || xre.ErrorDescription != ore.ErrorDescription || xre.ErrorURI != ore.ErrorURI || xre.Response.StatusCode != ore.Response.StatusCode) {
								t.Errorf("RetrieveError differs:\n x/oauth2 %q %q %q %d\n ours     %q %q %q %d", xre.ErrorCode, xre.ErrorDescription, xre.ErrorURI, xre.Response.StatusCode, ore.ErrorCode, ore.ErrorDescription, ore.ErrorURI, ore.Response.StatusCode)
							}
							return
						}
						if d := diffTokens(xt, ot, sh.expiresOnlyOurs); d != "" {
							t.Errorf("tokens differ: %s", d)
						}
					})
				}
			}
		}
	}
}

// recorder answers every request with one fixed response and keeps the requests.
type recorder struct {
	status int
	ctype  string
	body   string
	reqs   []recordedRequest
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	req.ParseForm()
	r.reqs = append(r.reqs, recordedRequest{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Query: req.URL.Query(), Form: req.PostForm})
	w.Header().Set("Content-Type", r.ctype)
	w.WriteHeader(r.status)
	w.Write([]byte(r.body))
}

// diffRequests compares two token requests the way a server sees them: method, path,
// query, form fields (order-free), Content-Type and Authorization. Accept is not
// compared: x/oauth2 sends none, ours says application/json.
func diffRequests(x, o recordedRequest) string {
	if x.Method != o.Method || x.Path != o.Path {
		return fmt.Sprintf("%s %s vs %s %s", x.Method, x.Path, o.Method, o.Path)
	}
	if fmt.Sprint(x.Query) != fmt.Sprint(o.Query) {
		return fmt.Sprintf("query %v vs %v", x.Query, o.Query)
	}
	if fmt.Sprint(x.Form) != fmt.Sprint(o.Form) { // fmt sorts map keys
		return fmt.Sprintf("form %v vs %v", redactForm(x.Form), redactForm(o.Form))
	}
	for _, h := range []string{"Content-Type", "Authorization"} {
		if x.Header.Get(h) != o.Header.Get(h) {
			return fmt.Sprintf("%s set %v vs %v, or values differ", h, x.Header.Get(h) != "", o.Header.Get(h) != "")
		}
	}
	return ""
}

func redactForm(f map[string][]string) map[string]int {
	out := map[string]int{}
	for k, v := range f {
		out[k] = len(v)
	}
	return out
}

// diffTokens compares the fields a user reads from a token.
func diffTokens(x, o *oauth2.Token, expiresOnlyOurs bool) string {
	if x.AccessToken != o.AccessToken || x.RefreshToken != o.RefreshToken || x.TokenType != o.TokenType {
		return fmt.Sprintf("access %v refresh %v type %q vs %q", x.AccessToken == o.AccessToken, x.RefreshToken == o.RefreshToken, x.TokenType, o.TokenType)
	}
	if expiresOnlyOurs {
		if !x.Expiry.IsZero() || o.Expiry.IsZero() {
			return fmt.Sprintf("expires: x/oauth2 expiry %v (want zero), ours %v (want set)", x.Expiry, o.Expiry)
		}
	} else if d := x.Expiry.Sub(o.Expiry); d > 2*time.Second || d < -2*time.Second || x.Expiry.IsZero() != o.Expiry.IsZero() {
		return fmt.Sprintf("expiry %v vs %v", x.Expiry, o.Expiry)
	}
	// x/oauth2 fills ExpiresIn from a JSON expires_in only (not from a form body);
	// ours fills it whenever it knows the lifetime.
	if x.ExpiresIn != 0 && x.ExpiresIn != o.ExpiresIn {
		return fmt.Sprintf("ExpiresIn %d vs %d", x.ExpiresIn, o.ExpiresIn)
	}
	for _, k := range []string{"scope", "expires_in"} {
		xv := x.Extra(k)
		if xv == nil || xv == "" {
			// x/oauth2 answers "" for a key missing from a form-encoded response and
			// nil for one missing from JSON; ours answers nil for both.
			continue
		}
		if fmt.Sprint(xv) != fmt.Sprint(o.Extra(k)) {
			return fmt.Sprintf("Extra(%q) %v vs %v", k, x.Extra(k), o.Extra(k))
		}
	}
	return ""
}

// TestXOAuth2ParityAuthCodeURL: the authorize URL of the standard connectors carries
// the same parameters as oauth2.Config.AuthCodeURL's, with and without PKCE.
func TestXOAuth2ParityAuthCodeURL(t *testing.T) {
	s := &fositeServer{Server: httptest.NewServer(http.NotFoundHandler())}
	defer s.Close()
	verifier := oauth2.GenerateVerifier()
	for _, mode := range fositeModes {
		for _, c := range fositeCases[1:3] {
			for _, pkce := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/pkce=%v", mode, c.name, pkce), func(t *testing.T) {
					x := &oauth2.Config{ClientID: c.id, ClientSecret: c.secret, RedirectURL: redirectURL, Scopes: []string{"read", "offline"},
						Endpoint: oauth2.Endpoint{AuthURL: s.AuthURL(), TokenURL: s.TokenURL()}}
					ours := newFositeAPI(t, s, c, mode, c.secret)
					var opts []oauth2.AuthCodeOption
					if pkce {
						opts = append(opts, oauth2.S256ChallengeOption(verifier))
					}
					xu, err1 := url.Parse(x.AuthCodeURL("state-abcdefgh", opts...))
					ou, err2 := url.Parse(ours.authCodeURL("state-abcdefgh", opts...))
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					if xu.Scheme+xu.Host+xu.Path != ou.Scheme+ou.Host+ou.Path {
						t.Errorf("endpoint %s vs %s", xu.Redacted(), ou.Redacted())
					}
					if fmt.Sprint(xu.Query()) != fmt.Sprint(ou.Query()) {
						t.Errorf("query differs:\n x/oauth2 %v\n ours     %v", xu.Query(), ou.Query())
					}
				})
			}
		}
	}
}
