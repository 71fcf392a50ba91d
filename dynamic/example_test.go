package dynamic_test

import (
	"context"
	"fmt"
	"log"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/connectors"
	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// A connector kept as data (here a file; Parse takes bytes from a database) becomes a
// client at run time, with the methods of a generated package.
func Example() {
	provider := oauthtest.New(oauthtest.Config{ClientID: "my-app", ClientSecret: "s3cret", RequirePKCE: true})
	defer provider.Close()

	conn, err := dynamic.Load("testdata/provider.json") // load once, serve every end user
	if err != nil {
		log.Fatal(err)
	}
	client, err := dynamic.New(conn, dynamic.Config{
		ClientID:     "my-app",
		ClientSecret: "s3cret",
		RedirectURL:  "https://app.example.com/oauth/callback",
		Params:       map[string]any{"issuer": provider.URL, "region": "EU"},
	}, runtime.WithHTTPClient(provider.Client()))
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	state, verifier := runtime.NewState(), oauth2.GenerateVerifier()
	authURL := client.AuthCodeURL(state, oauth2.VerifierOption(verifier))
	callback, err := provider.Authorize(authURL) // what the browser brings back
	if err != nil || !runtime.EqualState(callback.Get("state"), state) {
		log.Fatal("bad callback")
	}
	code, err := client.CodeFromCallback(callback)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := client.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.HTTPClient(ctx, tok).Get(client.BaseURL() + "me")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("base URL:", strings.TrimPrefix(client.BaseURL(), provider.URL))
	fmt.Println("API call:", resp.Status)
	fmt.Println("verify:", client.Verify(ctx, tok))

	// A value outside the connector's choices is refused as generated New refuses it.
	_, err = dynamic.New(conn, dynamic.Config{ClientID: "my-app", Params: map[string]any{"issuer": provider.URL, "region": "APAC"}})
	fmt.Println(err)
	// Output:
	// base URL: /api/eu/
	// API call: 200 OK
	// verify: <nil>
	// fakeprovider: region "APAC" is not one of US, EU
}

// The end user's values select what the connector's templates render: TikTok's
// environment picks the API host, and its authorize URL names the client app_id.
func ExampleNew() {
	data, err := connectors.Files.ReadFile("tiktok.json") // or a row of your database
	if err != nil {
		log.Fatal(err)
	}
	conn, err := dynamic.Parse("tiktok.json", data)
	if err != nil {
		log.Fatal(err)
	}
	for _, env := range []string{"Production", "Sandbox", "Staging"} {
		c, err := dynamic.New(conn, dynamic.Config{ClientID: "my-app", Params: map[string]any{"environment": env}})
		if err != nil {
			fmt.Println(err)
			continue
		}
		u, _ := url.Parse(c.AuthCodeURL("state-1"))
		fmt.Println(c.BaseURL(), "app_id="+u.Query().Get("app_id"))
	}
	// Output:
	// https://business-api.tiktok.com/open_api/v1.2/ app_id=my-app
	// https://sandbox-api.tiktok.com/open_api/v1.2/ app_id=my-app
	// tiktok: environment "Staging" is not one of Production, Sandbox
}
