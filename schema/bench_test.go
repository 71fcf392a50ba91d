package schema_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/schema"
)

// BenchmarkParse measures loading connectors/tiktok.json (parse with positions,
// schema validation, semantic checks, typed decoding) against the baseline of
// encoding/json decoding the same bytes into a Connector without any check. The
// "x-json" metric is how many times slower the full load is; ns/op and allocs cover
// both together.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("../connectors/tiktok.json")
	if err != nil {
		b.Fatal(err)
	}
	var base, ours time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		var c schema.Connector
		if err := json.Unmarshal(data, &c); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := schema.Parse("tiktok.json", data); err != nil {
			b.Fatal(err)
		}
		base += t1.Sub(t0)
		ours += time.Since(t1)
	}
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "json-ns/op")
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "parse-ns/op")
	b.ReportMetric(float64(ours)/float64(base), "x-json")
}
