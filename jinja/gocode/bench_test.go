package gocode_test

import (
	"testing"
	"time"

	"github.com/nikolalohinski/gonja/v2"
	gexec "github.com/nikolalohinski/gonja/v2/exec"

	"github.com/oauthgen/oauthgen/jinja"
)

type benchSeed struct {
	name     string
	src      string
	params   seedParams
	vars     map[string]any
	compiled func(*seedParams) string
}

var benchSeeds = []benchSeed{
	{"HubSpotScope/with-scope", hubspotScope, seedParams{Scope: "content"}, map[string]any{"scope": "content"}, compiledHubSpotScope},
	{"HubSpotScope/without-scope", hubspotScope, seedParams{}, map[string]any{}, compiledHubSpotScope},
	{"TikTokBaseURL/Sandbox", tiktokBaseURL, seedParams{Environment: EnvironmentSandbox}, map[string]any{"environment": "Sandbox"}, compiledTikTokBaseURL},
	{"ExampleHost", exampleHost, seedParams{Host: "eu1"}, map[string]any{"host": "eu1"}, compiledExampleHost},
}

// measure times a baseline over a fixed number of renders and counts its allocations.
// (testing.Benchmark cannot run inside a benchmark.)
func measure(f func()) (nsPerOp, allocsPerOp float64) {
	const n = 20000
	for range 100 { // warm up
		f()
	}
	start := time.Now()
	for range n {
		f()
	}
	nsPerOp = float64(time.Since(start).Nanoseconds()) / n
	return nsPerOp, testing.AllocsPerRun(100, f)
}

// BenchmarkRender renders the seed templates with the compiled code (the measured
// ns/op and allocs/op), and, in the same run, with the interpreter and with gonja; it
// reports how many times faster the compiled code is, and the baselines' own figures.
func BenchmarkRender(b *testing.B) {
	for _, s := range benchSeeds {
		b.Run(s.name, func(b *testing.B) {
			tpl := jinja.MustParse(s.src)
			gtpl, err := gonja.FromString(s.src)
			if err != nil {
				b.Fatal(err)
			}
			want, _ := tpl.Render(s.vars)
			if got := s.compiled(&s.params); got != want {
				b.Fatalf("compiled %q, interpreted %q", got, want)
			}
			if got, err := gtpl.ExecuteToString(gexec.NewContext(s.vars)); err != nil || got != want {
				b.Fatalf("gonja %q (%v), interpreted %q", got, err, want)
			}
			interpNs, interpAllocs := measure(func() { sink, _ = tpl.Render(s.vars) })
			gonjaNs, gonjaAllocs := measure(func() { sink, _ = gtpl.ExecuteToString(gexec.NewContext(s.vars)) })
			p := s.params
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				sink = s.compiled(&p)
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(interpNs/ns, "x-vs-interpreter")
			b.ReportMetric(gonjaNs/ns, "x-vs-gonja")
			b.ReportMetric(interpNs, "interpreter-ns/op")
			b.ReportMetric(interpAllocs, "interpreter-allocs/op")
			b.ReportMetric(gonjaNs, "gonja-ns/op")
			b.ReportMetric(gonjaAllocs, "gonja-allocs/op")
		})
	}
}
