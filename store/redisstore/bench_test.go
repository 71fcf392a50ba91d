package redisstore

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oauthgen/oauthgen/store/storetest"
)

// counter counts the commands sent to Redis.
type counter struct{ n atomic.Int64 }

func (c *counter) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (c *counter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *counter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

func counted(tb testing.TB, opts ...Option) (*Store, *counter) {
	rdb := client(tb)
	c := &counter{}
	rdb.AddHook(c)
	s, err := New(rdb, append([]Option{WithKeys(storetest.Keyring(tb, 1))}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, c
}

// BenchmarkValidToken: what a call on a valid token costs (Redis round trips per
// call, time beside the in-memory store), without and with the local cache.
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
// in-process provider (refreshes/s; target 1,000/s).
func BenchmarkRefreshDue(b *testing.B) {
	storetest.BenchRefreshDue(b, func(tb testing.TB) storetest.Store { return open(tb) })
}
