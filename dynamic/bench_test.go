package dynamic_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/connectors"
	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/generated/hubspot"
	"github.com/oauthgen/oauthgen/generated/zoho"
	"github.com/oauthgen/oauthgen/internal/reqrec"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// pair runs the generated client (baseline) and the dynamic one (ours) in one
// benchmark, in alternating chunks, and reports each one's time per operation and the
// median of the chunk ratios ours/baseline.
func pair(b *testing.B, baseline, ours func()) {
	b.Helper()
	for range 20 {
		baseline()
		ours()
	}
	run := func(f func(), n int) time.Duration {
		t0 := time.Now()
		for range n {
			f()
		}
		return time.Since(t0)
	}
	const chunk = 20
	var tBase, tOurs time.Duration
	var ratios []float64
	b.ResetTimer()
	for done, i := 0, 0; done < b.N; i++ {
		n := min(chunk, b.N-done)
		var db, do time.Duration
		if i%2 == 0 {
			db, do = run(baseline, n), run(ours, n)
		} else {
			do, db = run(ours, n), run(baseline, n)
		}
		tBase += db
		tOurs += do
		ratios = append(ratios, float64(do)/float64(db))
		done += n
	}
	b.StopTimer()
	slices.Sort(ratios)
	b.ReportMetric(float64(tBase.Nanoseconds())/float64(b.N), "generated-ns/op")
	b.ReportMetric(float64(tOurs.Nanoseconds())/float64(b.N), "dynamic-ns/op")
	b.ReportMetric(ratios[len(ratios)/2], "dynamic/generated")
}

func benchModel(b *testing.B, name string) *model.Connector {
	data, err := connectors.Files.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	m, err := dynamic.Parse(name, data)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkNewAndAuthCodeURL is what a platform does per end user: build the client
// from the user's values and render the authorize URL (HubSpot's scope template).
func BenchmarkNewAndAuthCodeURL(b *testing.B) {
	m := benchModel(b, "hubspot.json")
	pair(b, func() {
		c, err := hubspot.New(hubspot.Config{ClientID: "id", ClientSecret: "s", RedirectURL: "https://app.example.com/cb", Params: hubspot.Params{Scope: "content"}})
		if err != nil || c.AuthCodeURL("state") == "" {
			b.Fatal(err)
		}
	}, func() {
		c, err := dynamic.New(m, dynamic.Config{ClientID: "id", ClientSecret: "s", RedirectURL: "https://app.example.com/cb", Params: map[string]any{"scope": "content"}})
		if err != nil || c.AuthCodeURL("state") == "" {
			b.Fatal(err)
		}
	})
}

// BenchmarkExchange is a code exchange whose token URL is a template over a callback
// value (Zoho's accounts server), against an in-memory provider: the template is
// compiled in one client and interpreted in the other.
func BenchmarkExchange(b *testing.B) {
	m := benchModel(b, "zoho.json")
	hc := &http.Client{Transport: &reqrec.Recorder{Respond: func(r *http.Request) *http.Response {
		return reqrec.Response(r, 200, "application/json", `{"access_token":"a","refresh_token":"r","expires_in":3600,"api_domain":"https://www.zohoapis.eu"}`)
	}}}
	g, err := zoho.New(zoho.Config{ClientID: "id", ClientSecret: "s", RedirectURL: "https://app.example.com/cb"}, runtime.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	d, err := dynamic.New(m, dynamic.Config{ClientID: "id", ClientSecret: "s", RedirectURL: "https://app.example.com/cb"}, runtime.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	q := map[string][]string{"code": {"c"}, "state": {"s"}, "accounts-server": {"https://accounts.zoho.eu"}, "location": {"eu"}}
	ctx := context.Background()
	pair(b, func() {
		if _, err := g.ExchangeCallback(ctx, q); err != nil {
			b.Fatal(err)
		}
	}, func() {
		if _, err := d.ExchangeCallback(ctx, q); err != nil {
			b.Fatal(err)
		}
	})
}
