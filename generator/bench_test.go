package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/model"
)

// synthesize returns n connector files made from the deviation fixtures and the seed
// connectors, each renamed so that every one is its own package.
func synthesize(b *testing.B, n int) (names []string, data [][]byte) {
	b.Helper()
	var bases [][]byte
	for _, f := range goldenInputs(b) {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		bases = append(bases, d)
	}
	for i := range n {
		var m map[string]any
		if err := json.Unmarshal(bases[i%len(bases)], &m); err != nil {
			b.Fatal(err)
		}
		m["name"] = fmt.Sprintf("%v %d", m["name"], i)
		delete(m, "package")
		d, err := json.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		names = append(names, fmt.Sprintf("synth%03d.json", i))
		data = append(data, d)
	}
	return names, data
}

func load(name string, data []byte) (*model.Connector, error) {
	return model.Parse(name, data)
}

// BenchmarkGenerate generates 500 connectors synthesized from the deviation fixtures
// and the seeds. Sub-benchmarks: load+resolve (parse, validate, resolve into the
// model: the baseline every consumer of a connector pays, the dynamic client too),
// emit (compile templates, emit with jennifer, gofmt, from resolved models), and total
// (both). Each reports the time per connector and for all 500; emit reports its ratio
// to load+resolve, and total the size in lines of each fixture's package
// (lines/plain is the connector without deviation; target under 250).
func BenchmarkGenerate(b *testing.B) {
	const n = 500
	names, data := synthesize(b, n)
	models := make([]*model.Connector, n)
	for i := range names {
		m, err := load(names[i], data[i])
		if err != nil {
			b.Fatal(err)
		}
		models[i] = m
	}
	report := func(b *testing.B, start time.Time) time.Duration {
		per := time.Since(start) / time.Duration(b.N*n)
		b.ReportMetric(float64(per.Nanoseconds()), "ns/connector")
		b.ReportMetric(float64((per*n).Microseconds())/1000, "ms/500-connectors")
		return per
	}
	var base time.Duration
	b.Run("load+resolve", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			for i := range names {
				if _, err := load(names[i], data[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
		base = report(b, start)
	})
	b.Run("emit", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			for i, m := range models {
				if _, err := Generate(m, Options{Source: "connectors/" + names[i]}); err != nil {
					b.Fatal(err)
				}
			}
		}
		per := report(b, start)
		if base > 0 {
			b.ReportMetric(float64(per)/float64(base), "x-load+resolve")
		}
	})
	b.Run("total", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			for i := range names {
				m, err := load(names[i], data[i])
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Generate(m, Options{Source: "connectors/" + names[i]}); err != nil {
					b.Fatal(err)
				}
			}
		}
		report(b, start)
		outs, err := Files(goldenInputs(b), "", "..", Options{})
		if err != nil {
			b.Fatal(err)
		}
		sort.Slice(outs, func(i, j int) bool { return outs[i].Package < outs[j].Package })
		for _, o := range outs {
			b.ReportMetric(float64(bytes.Count(o.Src, []byte("\n"))), "lines/"+o.Package)
		}
	})
}

// TestPlainPackageSize keeps the package of a connector without deviation small, as
// hand-written x/oauth2 code would be.
func TestPlainPackageSize(t *testing.T) {
	_, src, err := File(filepath.Join("testdata", "plain", "connector.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(src, []byte("\n")); n >= 250 {
		t.Errorf("the plain connector's package has %d lines, want under 250", n)
	}
	if bytes.Contains(src, []byte("func New(")) && !bytes.Contains(src, []byte("The flow follows RFC 6749 without deviation.")) {
		t.Error("the plain connector's doc should say it has no deviation")
	}
}
