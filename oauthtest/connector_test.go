package oauthtest_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// linearLike is a connector in the shape a user writes in their own module.
const linearLike = `{
  "name": "Tracker",
  "base_url": "https://api.tracker.example/",
  "oauth2": {
    "config": {
      "step1_authorize_url": "https://tracker.example/oauth/authorize",
      "step3_access_url": "https://api.tracker.example/oauth/token",
      "client_auth": "header",
      "pkce": "S256",
      "scopes": ["read"]
    }
  },
  "test_request": { "path": "me" }
}`

// The fake of a connector needs no endpoint copied by hand: build the client with
// the connector's real URLs and the fake's HTTP client.
func ExampleForConnector() {
	conn, err := model.Parse("tracker.json", []byte(linearLike)) // model.Load("connectors/tracker.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	fake, err := oauthtest.ForConnector(conn, oauthtest.ConnectorOptions{ClientID: "app", ClientSecret: "secret"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fake.Close()
	for _, e := range fake.Endpoints() {
		fmt.Println(strings.ReplaceAll(e, fake.URL, "FAKE"))
	}

	c, err := dynamic.New(conn, dynamic.Config{ClientID: "app", ClientSecret: "secret", RedirectURL: "https://app.example.com/cb"},
		runtime.WithHTTPClient(fake.HTTPClient())) // a generated package's New takes the same option
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	callback, err := fake.Authorize(c.AuthCodeURL(runtime.NewState(), oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := c.ExchangeCallback(ctx, callback, oauth2.VerifierOption(verifier))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verify:", c.Verify(ctx, tok))
	r, _ := fake.LastRequest("token")
	fmt.Println("client authentication by HTTP Basic:", r.HasBasic)
	// Output:
	// https://api.tracker.example/* -> FAKE/api/
	// https://api.tracker.example/oauth/token -> FAKE/token
	// https://tracker.example/oauth/authorize -> FAKE/authorize
	// verify: <nil>
	// client authentication by HTTP Basic: true
}

// requiredParams gives each required auth_form field of m a value: a select its first
// choice, a number 1, a checkbox true, text "example".
func requiredParams(m *model.Connector) map[string]any {
	out := map[string]any{}
	for _, p := range m.Params {
		if !p.Required || p.Default != nil {
			continue
		}
		switch {
		case len(p.Enum) > 0:
			out[p.Name] = p.Enum[0].Value
		case p.Kind == jinja.Number:
			out[p.Name] = 1
		case p.Kind == jinja.Bool:
			out[p.Name] = true
		default:
			out[p.Name] = "example"
		}
	}
	return out
}

// urlValues are values for the token metadata that connectors of the catalog use
// as the start of a URL, on hosts their api_hosts allow (issue 13).
var urlValues = map[string]string{
	"instance_url":              "https://na1.my.salesforce.com",
	"api_domain":                "https://www.zohoapis.eu",
	"api_endpoint":              "https://us1.api.mailchimp.com",
	"base_uri":                  "https://demo.docusign.net",
	"api_base_url_for_customer": "https://us-1.api.gong.io",
}

// metadataFor is urlValues for conn: Pipedrive's api_domain is its own.
func metadataFor(conn *model.Connector) map[string]string {
	if conn.Package != "pipedrive" {
		return urlValues
	}
	m := maps.Clone(urlValues)
	m["api_domain"] = "https://acme.pipedrive.com"
	return m
}

// Every connector of the catalog runs its flow with the dynamic client against its
// fake, with nothing configured but the client's values: authorize (PKCE when the
// connector uses it), exchange, the test request, refresh and revocation.
func TestForConnectorCatalog(t *testing.T) {
	files, err := filepath.Glob("../connectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no connectors: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			conn, err := model.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			opts := oauthtest.ConnectorOptions{ClientID: "app-1", ClientSecret: "secret-1", RedirectURL: "https://app.example.com/cb",
				Params: requiredParams(conn), Metadata: metadataFor(conn), Callback: map[string]string{"accounts_server": "https://accounts.zoho.eu"},
				ClientKeyAuth: oauthtest.ClientKeyAuth{ClientKey: catalogKey.Public()}} // private_key_jwt connectors
			fake, err := oauthtest.ForConnector(conn, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			fake.Redirect.Unrouted = func(r *http.Request) { t.Errorf("unrouted request %s %s", r.Method, r.URL) }
			c, err := dynamic.New(conn, dynamic.AsEndUser(conn, dynamic.Config{ClientID: opts.ClientID, ClientSecret: runtime.Secret(opts.ClientSecret), RedirectURL: opts.RedirectURL, Params: opts.Params, PrivateKey: catalogKey}),
				runtime.WithHTTPClient(fake.HTTPClient()))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			var tok *oauth2.Token
			if conn.Grant == runtime.ClientCredentials {
				if tok, err = c.Token(ctx); err != nil {
					t.Fatalf("token: %v", err)
				}
			} else {
				var authOpts, exOpts []oauth2.AuthCodeOption
				if conn.PKCE != runtime.NoPKCE {
					v := oauth2.GenerateVerifier()
					authOpts, exOpts = []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(v)}, []oauth2.AuthCodeOption{oauth2.VerifierOption(v)}
					if conn.PKCE == runtime.PKCEPlain {
						authOpts = []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge", v), oauth2.SetAuthURLParam("code_challenge_method", "plain")}
					}
				}
				callback, err := fake.Authorize(c.AuthCodeURL(runtime.NewState(), authOpts...))
				if err != nil {
					t.Fatalf("authorize: %v", err)
				}
				if e := callback.Get("error"); e != "" {
					t.Fatalf("authorize refused: %s %s", e, callback.Get("error_description"))
				}
				if tok, err = c.ExchangeCallback(ctx, callback, exOpts...); err != nil {
					t.Fatalf("exchange: %v", err)
				}
			}
			// Token metadata the fake answers reaches the client (but for a field nested
			// under the key of the token fields, which the fake does not answer).
			meta := c.Metadata(tok)
			for _, f := range conn.Metadata {
				want, ok := metadataFor(conn)[f.Name]
				if !ok {
					want = f.Name + "-1"
				}
				if len(conn.AccessToken) > 1 && f.Path[0] == conn.AccessToken[0] {
					continue
				}
				if meta[f.Name] != want {
					t.Errorf("metadata %s = %q, want %q", f.Name, meta[f.Name], want)
				}
			}
			if conn.TestRequest != nil {
				if err := c.Verify(ctx, tok); err != nil {
					t.Errorf("verify: %v", err)
				}
			}
			if tok.RefreshToken != "" && !conn.Permanent && !conn.RefreshNeedsCallback {
				if _, err := c.RefreshToken(ctx, tok); err != nil {
					t.Errorf("refresh: %v", err)
				}
			}
			if conn.RevokeURL != nil {
				if err := c.Revoke(ctx, tok); err != nil {
					t.Errorf("revoke: %v", err)
				}
			}
		})
	}
}

// A connector whose URL reads a value the options do not give fails with the place
// and the names to give.
func TestForConnectorErrors(t *testing.T) {
	conn, err := model.Parse("crm.json", []byte(`{
  "name": "CRM",
  "base_url": "{{ credentials.instance_url }}/api/",
  "api_hosts": ["*.crm.example"],
  "oauth2": { "config": {
    "step1_authorize_url": "https://login.crm.example/authorize",
    "step3_access_url": "https://login.crm.example/token",
    "token_metadata": { "instance_url": "instance_url" }
  } }
}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = oauthtest.ForConnector(conn, oauthtest.ConnectorOptions{})
	want := `oauthtest: ForConnector: CRM: the base URL "/api/" (/base_url) is not an absolute URL with these options; give the values it reads (credentials.instance_url) in ConnectorOptions`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	if _, err := oauthtest.ForConnector(conn, oauthtest.ConnectorOptions{Params: map[string]any{"nope": "x"}}); err == nil || !strings.Contains(err.Error(), `unknown parameter "nope"`) {
		t.Errorf("unknown param: %v", err)
	}
}
