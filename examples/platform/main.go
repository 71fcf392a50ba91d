// Command platform is a small web service that lets its users connect their HubSpot
// account and their Shopify store, and then calls each provider's API on their
// behalf: the shape of a platform serving many end users with one OAuth app per
// provider.
//
//	GET  /connect/{provider}     starts a connection (Shopify: ?shop=acme)
//	GET  /callback/{provider}    the redirect URL registered with the provider
//	GET  /api/{provider}         one API call with the user's connection
//	POST /disconnect/{provider}  revokes and forgets the connection
//
// Each user is told apart by a cookie (a real service has its own login); a
// connection's key is "<provider>/<user id>". Connections live in an in-memory store
// here: with several replicas, use store/redisstore or store/pgstore instead, and
// every replica shares them (one refresh per token across all of them).
//
// Run it with the apps' credentials in the environment:
//
//	HUBSPOT_CLIENT_ID=... HUBSPOT_CLIENT_SECRET=... \
//	SHOPIFY_CLIENT_ID=... SHOPIFY_CLIENT_SECRET=... \
//	BASE_URL=https://platform.example.com go run ./examples/platform
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/oauthgen/oauthgen/generated/hubspot"
	"github.com/oauthgen/oauthgen/generated/shopify"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// Config is what the service needs: where it is reachable and each app's
// credentials, plus options for the clients (tests pass their transport).
type Config struct {
	BaseURL                        string // the service's public URL, without a trailing slash
	HubSpotClientID, HubSpotSecret string
	ShopifyClientID, ShopifySecret string
	Store                          runtime.TokenStore
	Logger                         *slog.Logger
	ClientOptions                  []runtime.Option
}

// provider is what the service does differently per provider: read the end user's
// values from the connect request, and say which API URL to call.
type provider struct {
	conns *runtime.Connections // one map of connections for every provider: the same type
	begin func(ctx context.Context, key string, r *http.Request) (string, error)
	api   func(user string) string
}

// App is the service.
type App struct {
	providers map[string]*provider

	mu    sync.Mutex
	shops map[string]string // user id -> Shopify shop: the service's own record
}

// shopName is what a Shopify shop name may be: it becomes part of a host name, so it
// is checked before it goes anywhere (an end user's value is attacker-controlled).
var shopName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,59}$`)

// NewApp returns the service.
func NewApp(cfg Config) (*App, error) {
	if cfg.Store == nil {
		cfg.Store = &memstore.Store{}
	}
	var opts []runtime.ConnectionOption
	if cfg.Logger != nil {
		opts = append(opts, runtime.WithLogger(cfg.Logger))
		opts = append(opts, runtime.OnReauthNeeded(func(ctx context.Context, key string, err error) {
			// A real service would mark the user's integration as broken and email them.
			cfg.Logger.WarnContext(ctx, "connection needs the user again", "key", key)
		}))
	}
	a := &App{providers: map[string]*provider{}, shops: map[string]string{}}

	hs, err := hubspot.New(hubspot.Config{ClientID: cfg.HubSpotClientID, ClientSecret: runtime.Secret(cfg.HubSpotSecret),
		RedirectURL: cfg.BaseURL + "/callback/hubspot"}, cfg.ClientOptions...)
	if err != nil {
		return nil, err
	}
	hsConns := hs.Connections(cfg.Store, opts...)
	a.providers["hubspot"] = &provider{
		conns: hsConns.Connections,
		begin: func(ctx context.Context, key string, r *http.Request) (string, error) {
			return hsConns.Begin(ctx, key, hubspot.Params{})
		},
		api: func(string) string { return hs.BaseURL() + "crm/v3/objects/contacts?limit=1" },
	}

	// Shopify's shop is the end user's value: the Config has none, Begin takes it.
	sh, err := shopify.New(shopify.Config{ClientID: cfg.ShopifyClientID, ClientSecret: runtime.Secret(cfg.ShopifySecret),
		RedirectURL: cfg.BaseURL + "/callback/shopify"}, cfg.ClientOptions...)
	if err != nil {
		return nil, err
	}
	shConns := sh.Connections(cfg.Store, opts...)
	a.providers["shopify"] = &provider{
		conns: shConns.Connections,
		begin: func(ctx context.Context, key string, r *http.Request) (string, error) {
			shop := r.URL.Query().Get("shop")
			if !shopName.MatchString(shop) {
				return "", errBadRequest
			}
			a.mu.Lock()
			a.shops[strings.TrimPrefix(key, "shopify/")] = shop
			a.mu.Unlock()
			return shConns.Begin(ctx, key, shopify.Params{Shop: shop})
		},
		api: func(user string) string {
			a.mu.Lock()
			defer a.mu.Unlock()
			return "https://" + a.shops[user] + ".myshopify.com/admin/api/2025-10/shop.json"
		},
	}
	return a, nil
}

var errBadRequest = errors.New("bad request")

// Handler returns the service's routes.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /connect/{provider}", a.connect)
	mux.HandleFunc("GET /callback/{provider}", a.callback)
	mux.HandleFunc("GET /api/{provider}", a.api)
	mux.HandleFunc("POST /disconnect/{provider}", a.disconnect)
	return mux
}

// user returns the id of the user the request is from, giving a new one a cookie.
func user(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie("uid"); err == nil && c.Value != "" {
		return c.Value
	}
	id := rand.Text()
	http.SetCookie(w, &http.Cookie{Name: "uid", Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return id
}

func (a *App) provider(w http.ResponseWriter, r *http.Request) (*provider, string, bool) {
	name := r.PathValue("provider")
	p := a.providers[name]
	if p == nil {
		http.NotFound(w, r)
		return nil, "", false
	}
	return p, name, true
}

func (a *App) connect(w http.ResponseWriter, r *http.Request) {
	p, name, ok := a.provider(w, r)
	if !ok {
		return
	}
	u, err := p.begin(r.Context(), name+"/"+user(w, r), r)
	if err != nil {
		http.Error(w, "cannot connect: "+err.Error(), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, u, http.StatusFound)
}

func (a *App) callback(w http.ResponseWriter, r *http.Request) {
	p, name, ok := a.provider(w, r)
	if !ok {
		return
	}
	key, _, err := p.conns.Complete(r.Context(), r.URL.Query())
	var ce *runtime.CallbackError
	switch {
	case errors.As(err, &ce):
		http.Error(w, "the provider said: "+ce.Code, http.StatusForbidden)
		return
	case err != nil:
		http.Error(w, "connection failed", http.StatusBadRequest)
		return
	}
	// The state names the connection; the cookie says who is here. They must agree,
	// or a callback begun by one user could be completed in another's browser.
	if key != name+"/"+user(w, r) {
		p.conns.Disconnect(r.Context(), key)
		http.Error(w, "this connection was started by someone else", http.StatusForbidden)
		return
	}
	fmt.Fprintf(w, "connected to %s\n", name)
}

func (a *App) api(w http.ResponseWriter, r *http.Request) {
	p, name, ok := a.provider(w, r)
	if !ok {
		return
	}
	uid := user(w, r)
	resp, err := p.conns.HTTPClient(r.Context(), name+"/"+uid).Get(p.api(uid))
	switch {
	case errors.Is(err, runtime.ErrNotConnected):
		http.Error(w, "not connected to "+name, http.StatusNotFound)
		return
	case errors.Is(err, runtime.ErrReauthNeeded):
		http.Error(w, "connect to "+name+" again", http.StatusUnauthorized)
		return
	case err != nil:
		http.Error(w, "the provider is unreachable", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, io.LimitReader(resp.Body, 1<<20))
}

func (a *App) disconnect(w http.ResponseWriter, r *http.Request) {
	p, name, ok := a.provider(w, r)
	if !ok {
		return
	}
	if err := p.conns.Disconnect(r.Context(), name+"/"+user(w, r)); err != nil && !errors.Is(err, runtime.ErrNotConnected) {
		http.Error(w, "disconnect failed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// refreshLoop keeps idle connections alive: every few minutes it refreshes the
// tokens that expire within the next ten (once across replicas).
func (a *App) refreshLoop(ctx context.Context) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		for name, p := range a.providers {
			if n, err := p.conns.RefreshDue(ctx, 10*time.Minute); err != nil {
				log.Printf("%s: refreshed %d, then: %v", name, n, err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func main() {
	app, err := NewApp(Config{
		BaseURL:         os.Getenv("BASE_URL"),
		HubSpotClientID: os.Getenv("HUBSPOT_CLIENT_ID"),
		HubSpotSecret:   os.Getenv("HUBSPOT_CLIENT_SECRET"),
		ShopifyClientID: os.Getenv("SHOPIFY_CLIENT_ID"),
		ShopifySecret:   os.Getenv("SHOPIFY_CLIENT_SECRET"),
		Logger:          slog.New(slog.NewJSONHandler(os.Stderr, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	go app.refreshLoop(context.Background())
	log.Fatal(http.ListenAndServe(":8080", app.Handler()))
}
