package runtime_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

// pair runs baseline and ours within one benchmark and reports each one's time and
// allocations per operation and the ratios ours/baseline. Time is measured in small
// alternating chunks and the time ratio is the median of the chunk ratios, so that
// load from other processes on the machine hits both sides alike. Allocations are
// counted over a fixed number of calls of each.
func pair(b *testing.B, baseline, ours func()) {
	b.Helper()
	for range 20 { // warm up connections and caches
		baseline()
		ours()
	}
	const allocRuns = 400
	allocs := func(f func()) float64 {
		var ms goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&ms)
		m0 := ms.Mallocs
		for range allocRuns {
			f()
		}
		goruntime.ReadMemStats(&ms)
		return float64(ms.Mallocs-m0) / allocRuns
	}
	aBase, aOurs := allocs(baseline), allocs(ours)

	const chunk = 10
	var tBase, tOurs time.Duration
	var ratios []float64
	run := func(f func(), n int) time.Duration {
		t0 := time.Now()
		for range n {
			f()
		}
		return time.Since(t0)
	}
	b.ResetTimer()
	for done, i := 0, 0; done < b.N; i++ {
		n := min(chunk, b.N-done)
		var db, do time.Duration
		if i%2 == 0 {
			db = run(baseline, n)
			do = run(ours, n)
		} else {
			do = run(ours, n)
			db = run(baseline, n)
		}
		tBase += db
		tOurs += do
		ratios = append(ratios, float64(do)/float64(db))
		done += n
	}
	b.StopTimer()
	slices.Sort(ratios)
	n := float64(b.N)
	b.ReportMetric(float64(tBase.Nanoseconds())/n, "base-ns/op")
	b.ReportMetric(float64(tOurs.Nanoseconds())/n, "ours-ns/op")
	b.ReportMetric(aBase, "base-allocs/op")
	b.ReportMetric(aOurs, "ours-allocs/op")
	b.ReportMetric(ratios[len(ratios)/2], "time-ratio")
	b.ReportMetric(aOurs/aBase, "allocs-ratio")
}

func benchToken() *oauth2.Token {
	return &oauth2.Token{AccessToken: "at-0123456789abcdef0123456789abcdef", TokenType: "Bearer", RefreshToken: "rt-0123456789", Expiry: time.Now().Add(time.Hour), ExpiresIn: 3600}
}

// BenchmarkAPICall compares a GET through our Transport with one through
// oauth2.Transport (Config.Client), on the same loopback server and base transport.
func BenchmarkAPICall(b *testing.B) {
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
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	tok := benchToken()

	xo := (&oauth2.Config{Endpoint: oauth2.Endpoint{TokenURL: srv.URL + "/token"}}).Client(ctx, tok)
	// The host check is in place: API calls go only to the flow's API hosts.
	rc := runtime.New(&runtime.Flow{Connector: "Bench", TokenURL: runtime.String(srv.URL + "/token"),
		TokenHosts: []string{"127.0.0.1"}, APIHosts: []string{"127.0.0.1"}}, runtime.Credentials{ClientID: "id"}, runtime.WithHTTPClient(hc))
	ours := rc.HTTPClient(context.Background(), tok)
	get := func(c *http.Client) func() {
		return func() {
			resp, err := c.Get(srv.URL + "/api")
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("%v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	pair(b, get(xo), get(ours))
}

// nopRT answers every request at once, to measure the transports alone.
type nopRT struct{}

func (nopRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

// BenchmarkAPITransportOverhead compares the RoundTrip of our Transport with that of
// oauth2.Transport over a base that answers at once: the cost the transports add.
func BenchmarkAPITransportOverhead(b *testing.B) {
	tok := benchToken()
	xo := &oauth2.Transport{Source: oauth2.ReuseTokenSource(tok, oauth2.StaticTokenSource(tok)), Base: nopRT{}}
	rc := runtime.New(&runtime.Flow{Connector: "Bench", APIHosts: []string{"auth.example", "*.example"}}, runtime.Credentials{ClientID: "id"}, runtime.WithHTTPClient(&http.Client{Transport: nopRT{}}))
	ours := rc.HTTPClient(context.Background(), tok).Transport
	req, _ := http.NewRequest("GET", "https://api.example/v1/items?limit=10", nil)
	rt := func(t http.RoundTripper) func() {
		return func() {
			resp, err := t.RoundTrip(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err)
			}
		}
	}
	pair(b, rt(xo), rt(ours))
}

const benchTokenBody = `{"access_token":"at-0123456789abcdef0123456789abcdef","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-0123456789abcdef","scope":"read write"}`

// BenchmarkExchange compares Client.Exchange with oauth2.Config.Exchange for a flow
// without deviations, on the same loopback server.
func BenchmarkExchange(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.PostForm.Get("code") == "" {
			w.WriteHeader(400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchTokenBody)
	}))
	defer srv.Close()
	base := &http.Transport{MaxIdleConnsPerHost: 4}
	defer base.CloseIdleConnections()
	hc := &http.Client{Transport: base}
	benchExchange(b, srv.URL+"/token", hc)
}

// BenchmarkExchangeOverhead is BenchmarkExchange over a transport that answers at
// once: the cost of building the request and parsing the response.
func BenchmarkExchangeOverhead(b *testing.B) {
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(benchTokenBody)), Request: r}, nil
	})}
	benchExchange(b, "https://auth.example/token", hc)
}

func benchExchange(b *testing.B, tokenURL string, hc *http.Client) {
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	xo := &oauth2.Config{ClientID: "client-id", ClientSecret: "client-secret", RedirectURL: "https://app.example/cb",
		Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	f := &runtime.Flow{
		Connector:    "Bench",
		TokenURL:     runtime.String(tokenURL),
		ExchangeArgs: []runtime.Arg{{Key: "grant_type", Value: runtime.String("authorization_code")}},
	}
	rc := runtime.New(f, runtime.Credentials{ClientID: "client-id", ClientSecret: "client-secret", RedirectURL: "https://app.example/cb"})
	pair(b, func() {
		if tok, err := xo.Exchange(ctx, "code-123"); err != nil || tok.AccessToken == "" {
			b.Fatal(err)
		}
	}, func() {
		if tok, err := rc.Exchange(ctx, "code-123"); err != nil || tok.AccessToken == "" {
			b.Fatal(err)
		}
	})
}
