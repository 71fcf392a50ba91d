package runtime_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"strconv"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// benchConnections returns Connections over a memory store holding a warm connection
// under "user-1", and the client built for it.
func benchConnections(b *testing.B, hc *http.Client) (*runtime.Connections, *runtime.Client, *memstore.Store) {
	st := &memstore.Store{}
	f := &runtime.Flow{Connector: "Bench", TokenURL: runtime.String("https://auth.example/token")}
	build := func(map[string]any) (*runtime.Client, error) {
		return runtime.New(f, runtime.Credentials{ClientID: "id"}, runtime.WithHTTPClient(hc)), nil
	}
	tok := benchToken().WithExtra(map[string]any{"oauthgen_values": map[string]any{"shop": "acme"}})
	if err := st.Save(context.Background(), "user-1", nil, tok); err != nil {
		b.Fatal(err)
	}
	rc, _ := build(nil)
	return runtime.NewConnections("Bench", build, st), rc, st
}

// BenchmarkConnectionsHTTPClient compares an API call through HTTPClient(ctx, key),
// made anew for each call with a warm connection, with one through a long-lived
// client of a TokenSource, on the same loopback server (target: at most 1.1 times).
func BenchmarkConnectionsHTTPClient(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(401)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	base := &http.Transport{MaxIdleConnsPerHost: 4}
	defer base.CloseIdleConnections()
	hc := &http.Client{Transport: base}
	cs, rc, _ := benchConnections(b, hc)
	ctx := context.Background()
	longLived := rc.HTTPClient(ctx, benchToken())
	get := func(c func() *http.Client) func() {
		return func() {
			resp, err := c().Get(srv.URL + "/api")
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("%v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	pair(b, get(func() *http.Client { return longLived }), get(func() *http.Client { return cs.HTTPClient(ctx, "user-1") }))
}

// BenchmarkConnectionsHTTPClientOverhead is the same over a transport that answers at
// once: what HTTPClient(ctx, key) per call adds to the transport itself.
func BenchmarkConnectionsHTTPClientOverhead(b *testing.B) {
	hc := &http.Client{Transport: nopRT{}}
	cs, rc, _ := benchConnections(b, hc)
	ctx := context.Background()
	longLived := rc.HTTPClient(ctx, benchToken())
	req, _ := http.NewRequest("GET", "https://api.example/v1/items?limit=10", nil)
	do := func(c func() *http.Client) func() {
		return func() {
			resp, err := c().Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err)
			}
		}
	}
	pair(b, do(func() *http.Client { return longLived }), do(func() *http.Client { return cs.HTTPClient(ctx, "user-1") }))
}

// BenchmarkConnectionsMemory reports the heap kept per connection in use (its client
// and current token, in the bounded cache; keys not in use keep nothing in the
// process beyond the store), and what touching many more keys than the cache holds
// leaves behind. It measures once; b.N calls of a cached connection follow.
func BenchmarkConnectionsMemory(b *testing.B) {
	ctx := context.Background()
	heap := func() uint64 {
		var ms goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	cs, _, st := benchConnections(b, &http.Client{Transport: nopRT{}})
	const n, many = 1000, 20000
	for i := range many {
		tok := benchToken().WithExtra(map[string]any{"oauthgen_values": map[string]any{"shop": "shop-" + strconv.Itoa(i)}})
		st.Save(ctx, "k"+strconv.Itoa(i), nil, tok)
	}
	h0 := heap()
	for i := range n {
		if _, err := cs.Token(ctx, "k"+strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
	}
	h1 := heap()
	for i := range many {
		cs.Token(ctx, "k"+strconv.Itoa(i))
	}
	h2 := heap()
	b.ResetTimer()
	for range b.N {
		if _, err := cs.Token(ctx, "k19999"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(int64(h1)-int64(h0))/n, "B/cached-conn")
	b.ReportMetric(float64(int64(h2)-int64(h0))/1e6, "MB-after-20000-keys")
	goruntime.KeepAlive(cs)
	goruntime.KeepAlive(st)
}
