package oauthtest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"golang.org/x/oauth2"
)

// Example tests a golang.org/x/oauth2 client against the fake provider.
func Example() {
	p := oauthtest.New(oauthtest.Config{ClientID: "app", ClientSecret: "s3cret", ExpiresIn: time.Hour})
	defer p.Close()

	cfg := &oauth2.Config{
		ClientID: "app", ClientSecret: "s3cret", RedirectURL: "https://example.com/cb",
		Endpoint: oauth2.Endpoint{AuthURL: p.AuthorizeURL(), TokenURL: p.TokenURL()},
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, p.Client())

	callback, err := p.Authorize(cfg.AuthCodeURL("state-1")) // what the browser brings back
	if err != nil {
		panic(err)
	}
	tok, err := cfg.Exchange(ctx, callback.Get("code"))
	if err != nil {
		panic(err)
	}
	resp, err := cfg.Client(ctx, tok).Get(p.APIURL("/me"))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	r, _ := p.LastRequest("token")
	fmt.Println("state:", callback.Get("state"))
	fmt.Println("token request:", r.Method, r.Form["grant_type"], "basic user:", r.BasicUser)
	fmt.Println("API status:", resp.StatusCode)
	fmt.Printf("%+v\n", p.Stats())
	// Output:
	// state: state-1
	// token request: POST authorization_code basic user: app
	// API status: 200
	// {Authorizations:1 Exchanges:1 Refreshes:0 ClientCredentials:0 InvalidGrants:0 Revocations:0 APICalls:1 APIRejected:0 Userinfo:0 DeviceCodes:0 DevicePolls:0}
}

func post(t *testing.T, p *oauthtest.Provider, ct, body string, mod func(*http.Request)) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", p.TokenURL(), strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	if mod != nil {
		mod(req)
	}
	resp, err := p.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestTokenEndpointQuirks(t *testing.T) {
	form := "application/x-www-form-urlencoded"
	t.Run("JSON only answers 415 to forms", func(t *testing.T) {
		p := oauthtest.New(oauthtest.Config{AcceptJSON: true})
		defer p.Close()
		if st, _ := post(t, p, form, "grant_type=client_credentials&client_id=x", nil); st != 415 {
			t.Errorf("status %d", st)
		}
		if st, body := post(t, p, "application/json", `{"grant_type":"client_credentials","client_id":"x"}`, nil); st != 200 || !strings.Contains(body, "access_token") {
			t.Errorf("status %d %s", st, body)
		}
	})
	t.Run("Basic required, renamed keys, nested answer", func(t *testing.T) {
		p := oauthtest.New(oauthtest.Config{ClientID: "id", ClientSecret: "sec", ClientAuth: oauthtest.AuthBasic, AccessTokenPath: "data.access_token", ExpiresIn: time.Minute, ExpiresAsString: true})
		defer p.Close()
		if st, body := post(t, p, form, "grant_type=client_credentials&client_id=id&client_secret=sec", nil); st != 401 || !strings.Contains(body, "invalid_client") {
			t.Errorf("body auth accepted: %d", st)
		}
		st, body := post(t, p, form, "grant_type=client_credentials", func(r *http.Request) { r.SetBasicAuth("id", "sec") })
		if st != 200 || !strings.Contains(body, `"data":{`) || !strings.Contains(body, `"expires_in":"60"`) || !strings.Contains(body, `"code":0`) {
			t.Errorf("%d %s", st, body)
		}
	})
	t.Run("method", func(t *testing.T) {
		p := oauthtest.New(oauthtest.Config{Method: "GET"})
		defer p.Close()
		if st, _ := post(t, p, form, "grant_type=client_credentials&client_id=x", nil); st != 405 {
			t.Errorf("POST to a GET endpoint: %d", st)
		}
		resp, err := p.Client().Get(p.TokenURL() + "?grant_type=client_credentials&client_id=x")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET: %v", err)
		}
		resp.Body.Close()
	})
	t.Run("form answer", func(t *testing.T) {
		p := oauthtest.New(oauthtest.Config{FormResponse: true, Extra: map[string]any{"uid": 5}})
		defer p.Close()
		_, body := post(t, p, form, "grant_type=client_credentials&client_id=x", nil)
		q, err := url.ParseQuery(body)
		if err != nil || q.Get("access_token") == "" || q.Get("uid") != "5" {
			t.Errorf("form answer %s", body)
		}
	})
	t.Run("faults in order, then normal answers", func(t *testing.T) {
		p := oauthtest.New(oauthtest.Config{TokenFaults: []oauthtest.Fault{{Status: 503, Body: "<html>", Times: 2}, {Status: 200, Body: `{"code":1}`, Times: 1}}})
		defer p.Close()
		var got []int
		for range 4 {
			st, _ := post(t, p, form, "grant_type=client_credentials&client_id=x", nil)
			got = append(got, st)
		}
		if fmt.Sprint(got) != "[503 503 200 200]" {
			t.Errorf("statuses %v", got)
		}
		if len(p.RequestsTo("token")) != 4 {
			t.Error("faulted requests not logged")
		}
	})
}

func TestRotationAndReuse(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{Rotation: oauthtest.Rotate})
	defer p.Close()
	is := p.IssueToken()
	form := "application/x-www-form-urlencoded"
	st, body := post(t, p, form, "grant_type=refresh_token&client_id=x&refresh_token="+is.RefreshToken, nil)
	if st != 200 || strings.Contains(body, is.RefreshToken) {
		t.Fatalf("rotation: %d %s", st, body)
	}
	st, body = post(t, p, form, "grant_type=refresh_token&client_id=x&refresh_token="+is.RefreshToken, nil)
	if st != 400 || !strings.Contains(body, "reused") {
		t.Errorf("reuse: %d %s", st, body)
	}
	if s := p.Stats(); s.Refreshes != 2 || s.InvalidGrants != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestAuthorizeErrors(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{ClientID: "app", RequirePKCE: true, CodeKey: "auth_code", CallbackArgs: map[string]string{"shop": "s1"}})
	defer p.Close()
	q, err := p.Authorize(p.AuthorizeURL() + "?client_id=other&redirect_uri=https://x.example/cb&state=s")
	if err != nil || q.Get("error") != "unauthorized_client" || q.Get("state") != "s" {
		t.Errorf("unknown client: %v %v", q, err)
	}
	q, _ = p.Authorize(p.AuthorizeURL() + "?client_id=app&redirect_uri=https://x.example/cb")
	if q.Get("error") != "invalid_request" {
		t.Errorf("PKCE not required: %v", q)
	}
	q, _ = p.Authorize(p.AuthorizeURL() + "?client_id=app&redirect_uri=https://x.example/cb&code_challenge=abc&code_challenge_method=S256")
	if q.Get("auth_code") == "" || q.Get("shop") != "s1" || q.Has("code") {
		t.Errorf("callback %v", q)
	}
	if _, err := p.Authorize(p.AuthorizeURL() + "?client_id=app"); err == nil {
		t.Error("missing redirect_uri accepted")
	}
}

func TestAPIFormatsAndLog(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{APIQuery: "key"})
	defer p.Close()
	is := p.IssueToken()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := p.APIURL("/x") + "?key=" + is.AccessToken
			if i%2 == 1 {
				u = p.APIURL("/x") + "?key=wrong"
			}
			resp, err := p.Client().Get(u)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
	if s := p.Stats(); s.APICalls != 20 || s.APIRejected != 10 {
		t.Errorf("stats %+v", s)
	}
	if n := len(p.RequestsTo("api")); n != 20 {
		t.Errorf("%d logged", n)
	}
	p.ResetLog()
	if len(p.Requests()) != 0 {
		t.Error("log not reset")
	}
	// Expired tokens are refused.
	now := time.Now()
	p.Update(func(c *oauthtest.Config) { c.ExpiresIn = time.Minute; c.Now = func() time.Time { return now } })
	is = p.IssueToken()
	now = now.Add(2 * time.Minute)
	resp, _ := p.Client().Get(p.APIURL("/x") + "?key=" + is.AccessToken)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("expired token accepted: %d", resp.StatusCode)
	}
}
