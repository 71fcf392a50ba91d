package pgstore

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthgen/oauthgen/store/storetest"
)

// counter counts the queries sent to PostgreSQL.
type counter struct{ n atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func counted(tb testing.TB, opts ...Option) (*Store, *counter) {
	cfg, err := pgxpool.ParseConfig(storetest.URL(tb, "OAUTHGEN_PG_URL"))
	if err != nil {
		tb.Fatal(err)
	}
	c := &counter{}
	cfg.ConnConfig.Tracer = c
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	if err := Migrate(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
	s, err := New(p, append([]Option{WithKeys(storetest.Keyring(tb, 1))}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, c
}

// BenchmarkValidToken: what a call on a valid token costs (queries per call, time
// beside the in-memory store), without and with the local cache.
func BenchmarkValidToken(b *testing.B) {
	for _, v := range []struct {
		name string
		opts []Option
	}{{"load", nil}, {"cache1s", []Option{WithCache(time.Second)}}} {
		b.Run(v.name, func(b *testing.B) {
			s, c := counted(b, v.opts...)
			storetest.BenchValidToken(b, func(testing.TB) storetest.Store { return s }, c.n.Load)
		})
	}
}

// BenchmarkHandOff200: time to hand a refreshed token to 200 waiting callers.
func BenchmarkHandOff200(b *testing.B) {
	storetest.BenchHandOff(b, func(tb testing.TB) storetest.Store { return open(tb) }, 200)
}

// BenchmarkRefreshDue: Connections.RefreshDue over b.N due connections, against an
// in-process provider (refreshes/s; target 500/s).
func BenchmarkRefreshDue(b *testing.B) {
	storetest.BenchRefreshDue(b, func(tb testing.TB) storetest.Store { return open(tb) })
}
