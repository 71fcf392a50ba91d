package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
	"golang.org/x/oauth2"
)

// Example runs a whole flow with TikTok's deviations against the fake provider:
// renamed keys, a JSON body and a nested token. The examples spell out the Flow and
// call New, as a generated package does; an application calls that package's New.
func Example() {
	p := oauthtest.New(oauthtest.Config{
		ClientID: "app", ClientSecret: "s3cret",
		ClientIDKey: "app_id", SecretKey: "secret", CodeKey: "auth_code",
		AcceptJSON: true, AccessTokenPath: "data.access_token", ExpiresIn: 24 * time.Hour,
	})
	defer p.Close()

	flow := &runtime.Flow{
		Connector:     "TikTok",
		AuthorizeURL:  runtime.String(p.AuthorizeURL()),
		AuthorizeArgs: []runtime.Arg{{Key: "response_type", Value: runtime.String("code")}},
		TokenURL:      runtime.String(p.TokenURL()),
		ClientIDKey:   "app_id",
		SecretKey:     "secret",
		CodeKey:       "auth_code",
		Body:          runtime.JSON,
		FallbackBody:  runtime.Form,
		ExchangeArgs:  []runtime.Arg{{Key: "grant_type", Value: runtime.String("authorization_code")}},
		AccessToken:   runtime.Path{"data", "access_token"},
	}
	c := runtime.New(flow, runtime.Credentials{ClientID: "app", ClientSecret: "s3cret", RedirectURL: "https://example.com/cb"},
		runtime.WithHTTPClient(p.Client()))

	state := runtime.NewState()
	callback, _ := p.Authorize(c.AuthCodeURL(state)) // the browser's round trip
	if !runtime.EqualState(callback.Get("state"), state) {
		panic("state mismatch")
	}
	tok, err := c.ExchangeCallback(context.Background(), callback)
	if err != nil {
		panic(err)
	}
	resp, err := c.HTTPClient(context.Background(), tok).Get(p.APIURL("/advertiser/info"))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	r, _ := p.LastRequest("token")
	fmt.Println("body type:", r.BodyType, "keys:", r.Form["app_id"], r.Form["auth_code"] != "")
	fmt.Println("lifetime:", tok.ExpiresIn, "API:", resp.StatusCode)
	// Output:
	// body type: json keys: app true
	// lifetime: 86400 API: 200
}

// ExampleClient_TokenSource keeps tokens in a store and persists each new one
// through the hook; concurrent callers share one refresh.
func ExampleClient_TokenSource() {
	p := oauthtest.New(oauthtest.Config{ExpiresIn: time.Hour})
	defer p.Close()
	flow := &runtime.Flow{Connector: "Example", TokenURL: runtime.String(p.TokenURL())}
	store := &memstore.Store{}
	c := runtime.New(flow, runtime.Credentials{ClientID: "id", ClientSecret: "secret"},
		runtime.WithHTTPClient(p.Client()),
		runtime.WithStore(store, "user-42"),
		runtime.WithTokenHook(func(ctx context.Context, tok *oauth2.Token) { fmt.Println("new token, expires in", tok.ExpiresIn) }))

	issued := p.IssueToken()
	expired := &oauth2.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken, Expiry: time.Now().Add(-time.Minute)}
	src := c.TokenSource(context.Background(), expired) // seeds the empty store
	tok, err := src.Token()
	if err != nil {
		panic(err)
	}
	stored, _ := store.Load(context.Background(), "user-42")
	fmt.Println("refreshed:", tok.AccessToken != expired.AccessToken, "stored:", stored == tok, "refreshes:", p.Stats().Refreshes)
	// Output:
	// new token, expires in 3600
	// refreshed: true stored: true refreshes: 1
}

// ExampleTokenError shows what a provider's error becomes.
func ExampleTokenError() {
	p := oauthtest.New(oauthtest.Config{TokenFaults: []oauthtest.Fault{{Status: 200, Body: `{"code":40001,"message":"Invalid auth_code"}`}}})
	defer p.Close()
	c := runtime.New(&runtime.Flow{Connector: "TikTok", TokenURL: runtime.String(p.TokenURL())},
		runtime.Credentials{ClientID: "id", ClientSecret: "secret"}, runtime.WithHTTPClient(p.Client()))
	_, err := c.Exchange(context.Background(), "some-code")
	fmt.Println(err)
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		fmt.Println(re.ErrorCode, re.ErrorDescription)
	}
	// Output:
	// oauthgen: TikTok: token exchange failed: "40001" "Invalid auth_code" (HTTP 200 OK with an error body)
	// 40001 Invalid auth_code
}

// ExampleClient_HTTPClient makes API calls with a token, carried as the flow's API
// says, over the transport of the client given by WithHTTPClient.
func ExampleClient_HTTPClient() {
	p := oauthtest.New(oauthtest.Config{APIHeader: "X-Access-Token", APIFormat: "{token}"})
	defer p.Close()
	flow := &runtime.Flow{Connector: "Example", TokenURL: runtime.String(p.TokenURL()),
		API: runtime.APIAuth{HeaderKey: "X-Access-Token", Value: runtime.Func(func(v *runtime.Vars) string { return v.Token })}}
	c := runtime.New(flow, runtime.Credentials{ClientID: "id"}, runtime.WithHTTPClient(p.Client()))
	hc := c.HTTPClient(context.Background(), &oauth2.Token{AccessToken: p.IssueToken().AccessToken})
	resp, err := hc.Get(p.APIURL("/me"))
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
	// Output:
	// 200 {"body":"","method":"GET","ok":true,"path":"/api/me"}
}
