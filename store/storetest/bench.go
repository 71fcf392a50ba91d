package storetest

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// RoundTrips returns how many commands or queries the stores under benchmark
// have sent to their server so far.
type RoundTrips func() int64

// BenchValidToken measures what a call costs on a valid token, in the pattern
// of a service that builds a TokenSource per request from the shared store
// (store.Load, then no refresh), beside the same with the runtime's in-memory
// store in the same run. It reports ns/call for both, the ratio, and the server
// round trips per call (one read or less is the goal; a cache gives less).
// The "long-lived" variant keeps one TokenSource, as a service that keeps one per
// connection in memory does: no round trip at all.
func BenchValidToken(b *testing.B, open Open, trips RoundTrips) {
	ctx := context.Background()
	key := Key(b)
	tok := Token("valid-" + key)
	s := open(b)
	if err := s.Save(ctx, key, nil, tok); err != nil {
		b.Fatal(err)
	}
	mem := &memstore.Store{}
	if err := mem.Save(ctx, key, nil, tok); err != nil {
		b.Fatal(err)
	}
	// One client per store, bound to the connection's key.
	clients := map[runtime.TokenStore]*runtime.Client{}
	for _, st := range []runtime.TokenStore{s, mem} {
		clients[st] = runtime.New(replicaFlow("http://127.0.0.1:1/token"), runtime.Credentials{ClientID: replicaID}, runtime.WithStore(st, key))
	}
	perRequest := func(st runtime.TokenStore) {
		if _, err := clients[st].TokenSource(ctx, nil).Token(); err != nil {
			b.Fatal(err)
		}
	}
	ts := clients[s].TokenSource(ctx, nil)
	longLived := func(runtime.TokenStore) {
		if _, err := ts.Token(); err != nil {
			b.Fatal(err)
		}
	}
	memTS := clients[mem].TokenSource(ctx, nil)
	memLongLived := func(runtime.TokenStore) {
		if _, err := memTS.Token(); err != nil {
			b.Fatal(err)
		}
	}
	for _, v := range []struct {
		name       string
		ours, base func(runtime.TokenStore)
	}{
		{"per-request", perRequest, perRequest},
		{"long-lived", longLived, memLongLived},
	} {
		b.Run(v.name, func(b *testing.B) {
			v.ours(s) // warm up (connections, first load)
			b.ResetTimer()
			t0 := time.Now()
			for range b.N {
				v.base(mem)
			}
			base := time.Since(t0)
			r0 := trips()
			t0 = time.Now()
			for range b.N {
				v.ours(s)
			}
			ours := time.Since(t0)
			r := trips() - r0
			n := float64(b.N)
			b.ReportMetric(float64(ours.Nanoseconds())/n, "ns/call")
			b.ReportMetric(float64(base.Nanoseconds())/n, "memstore-ns/call")
			b.ReportMetric(float64(ours)/float64(max(base, 1)), "x-memstore")
			b.ReportMetric(float64(r)/n, "roundtrips/call")
		})
	}
}

// BenchHandOff measures how long it takes to hand a refreshed token to waiters
// callers that all hold the same expired token, each through its own
// TokenSource on the shared store (the worst case: every caller goes through the
// store's lease protocol): from the moment the one refresh is obtained until the
// last caller has the new token ("handoff-ms"), and from the start ("total-ms"),
// beside the runtime's in-memory store in the same run.
func BenchHandOff(b *testing.B, open Open, waiters int) {
	p := oauthtest.New(oauthtest.Config{ClientID: replicaID, ClientSecret: replicaSecret, Rotation: oauthtest.Rotate, ExpiresIn: time.Hour})
	defer p.Close()
	s := open(b)
	mem := &memstore.Store{}
	var sumOurs, sumBase, totOurs, totBase time.Duration
	b.ResetTimer()
	for range b.N {
		h, t := handOff(b, p, mem, waiters)
		sumBase += h
		totBase += t
		h, t = handOff(b, p, s, waiters)
		sumOurs += h
		totOurs += t
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / n }
	b.ReportMetric(ms(sumOurs), "handoff-ms")
	b.ReportMetric(ms(totOurs), "total-ms")
	b.ReportMetric(ms(sumBase), "memstore-handoff-ms")
	b.ReportMetric(ms(totBase), "memstore-total-ms")
	b.ReportMetric(float64(sumOurs)/float64(max(sumBase, 1)), "x-memstore")
	b.ReportMetric(float64(sumOurs.Microseconds())/n/float64(waiters), "µs/caller")
}

// handOff runs one round and returns the time from the new token to the last
// caller, and the total time.
func handOff(b *testing.B, p *oauthtest.Provider, st runtime.TokenStore, waiters int) (handoff, total time.Duration) {
	ctx := context.Background()
	key := Key(b)
	start := p.IssueToken()
	expired := &oauth2.Token{AccessToken: start.AccessToken, RefreshToken: start.RefreshToken, TokenType: "Bearer", Expiry: time.Now().Add(-time.Hour)}
	if err := st.Save(ctx, key, nil, expired); err != nil {
		b.Fatal(err)
	}
	var got atomic.Int64 // when the refreshed token arrived, in ns since t0
	var refreshes atomic.Int32
	t0 := time.Now()
	c := runtime.New(replicaFlow(p.TokenURL()), runtime.Credentials{ClientID: replicaID, ClientSecret: replicaSecret},
		runtime.WithHTTPClient(p.Client()), runtime.WithStore(st, key),
		runtime.WithTokenHook(func(context.Context, *oauth2.Token) {
			refreshes.Add(1)
			got.Store(int64(time.Since(t0)))
		}))
	gate := make(chan struct{})
	var wg sync.WaitGroup
	var last atomic.Int64
	var failed atomic.Int32
	for range waiters {
		ts := c.TokenSource(ctx, expired)
		wg.Go(func() {
			<-gate
			if _, err := ts.Token(); err != nil {
				failed.Add(1)
			}
			d := int64(time.Since(t0))
			for {
				l := last.Load()
				if d <= l || last.CompareAndSwap(l, d) {
					break
				}
			}
		})
	}
	t0 = time.Now()
	close(gate)
	wg.Wait()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d callers failed", f, waiters)
	}
	if r := refreshes.Load(); r != 1 {
		b.Fatalf("%d refreshes for %d callers, want 1", r, waiters)
	}
	return time.Duration(last.Load() - got.Load()), time.Duration(last.Load())
}

// BenchRefreshDue measures Connections.RefreshDue against the store with an
// in-process provider (oauthtest, rotating refresh tokens): b.N connections whose
// tokens expire within the window are refreshed by one call, each exactly once
// (checked against the provider's count, with no invalid_grant). It reports
// refreshes/s.
func BenchRefreshDue(b *testing.B, open Open) {
	ctx := context.Background()
	p := oauthtest.New(oauthtest.Config{ClientID: replicaID, ClientSecret: replicaSecret, Rotation: oauthtest.Rotate, ExpiresIn: time.Hour})
	defer p.Close()
	s := open(b)
	prefix := Key(b)
	// The clients' clock is far in the past, and earlier the later the run (30 s per
	// second), so that other tests' keys (due now or later) and the keys left by
	// earlier runs are all after this run's 10-second window.
	soon := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(-30 * time.Since(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	for i := range b.N {
		tok := &oauth2.Token{TokenType: "Bearer", Expiry: soon.Add(time.Duration(i%5000) * time.Millisecond)}
		iss := p.IssueToken()
		tok.AccessToken, tok.RefreshToken = iss.AccessToken, iss.RefreshToken
		if err := s.Save(ctx, prefix+"/"+strconv.Itoa(i), nil, tok); err != nil {
			b.Fatal(err)
		}
	}
	build := func(map[string]any) (*runtime.Client, error) {
		return runtime.New(replicaFlow(p.TokenURL()), runtime.Credentials{ClientID: replicaID, ClientSecret: replicaSecret},
			runtime.WithHTTPClient(p.Client()), runtime.WithClock(func() time.Time { return soon })), nil
	}
	cs := runtime.NewConnections("Bench", build, s)
	if _, err := cs.Begin(ctx, "clock", nil); err != nil { // RefreshDue reads the clients' clock
		b.Fatal(err)
	}
	before := p.Stats()
	b.ResetTimer()
	start := time.Now()
	n, err := cs.RefreshDue(ctx, 10*time.Second)
	took := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	st := p.Stats()
	if got := st.Refreshes - before.Refreshes; n != b.N || got != b.N || st.InvalidGrants != before.InvalidGrants {
		b.Fatalf("RefreshDue refreshed %d of %d connections; the provider saw %d refreshes, %d invalid_grant", n, b.N, got, st.InvalidGrants-before.InvalidGrants)
	}
	b.ReportMetric(float64(n)/took.Seconds(), "refreshes/s")
}
