package conformance

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"

	"go.uber.org/goleak"
)

// matrix is the harness of the fault matrices (and of any matrix of that shape): rows
// are cases (a fault, a hostile value), each run in its own subtest over every
// subject (a connector flow); a row's cell is how many subjects ended in each
// outcome. A row fails when a run reports an error, a goroutine outlives the row, or
// a secret shows up in what the row's leak scan saw. The table is logged at the end
// (go test -v -run FaultMatrix ./conformance prints them).
type matrix[S any] struct {
	t        *testing.T
	subjects []S
	// parallel is how many subjects of a row run at once (0 or 1: one at a time).
	parallel int
	// header names the columns: the rows' column, the outcome counts, then the extra
	// cells a row adds.
	header []string
	// leaks, when not empty, is the header of a column saying whether the row leaked
	// a goroutine ("none" or "LEAK") and how many secrets its leak scan found.
	leaks string
	// result adds a RESULT column: ok, or FAIL when the row's subtest failed.
	result bool
	// secrets are the values the leak scan of each row looks for.
	secrets []string

	rows    [][]string
	scanned atomic.Int64 // texts the rows' leak scans looked at
}

// matrixRow is one row of a matrix.
type matrixRow[S any] struct {
	name string
	// run runs the row's case on one subject and returns its outcome for the counts;
	// it reports problems with t.Errorf and feeds what the code under test printed
	// (errors, String values, logs) to l.
	run func(t *testing.T, s S, l *leakScan) string
	// cells, when not nil, gives the row's extra cells once every subject has run.
	cells func() []string
}

// row runs r over every subject in a subtest and records its line of the table.
func (m *matrix[S]) row(r matrixRow[S]) {
	m.t.Run(r.name, func(t *testing.T) {
		ignore := goleak.IgnoreCurrent()
		l := newLeakScan(t, m.secrets...)
		var mu sync.Mutex
		outcomes := map[string]int{}
		var wg sync.WaitGroup
		sem := make(chan struct{}, max(m.parallel, 1))
		for _, s := range m.subjects {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				o := r.run(t, s, l)
				mu.Lock()
				outcomes[o]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		leak := "none"
		if err := goleak.Find(ignore); err != nil {
			t.Errorf("goroutine leak: %v", err)
			leak = "LEAK"
		}
		secrets := len(l.leaks()) // the scan's cleanup reports each one
		if secrets > 0 {
			leak += fmt.Sprintf(", %d secret(s) printed", secrets)
		}
		n, _ := l.count()
		m.scanned.Add(int64(n))
		var counts []string
		for o, n := range outcomes {
			counts = append(counts, fmt.Sprintf("%s (%d)", o, n))
		}
		sort.Strings(counts)
		line := []string{r.name, strings.Join(counts, "; ")}
		if r.cells != nil {
			line = append(line, r.cells()...)
		}
		if m.leaks != "" {
			line = append(line, leak)
		}
		if m.result {
			res := "ok"
			if t.Failed() || secrets > 0 {
				res = "FAIL"
			}
			line = append(line, res)
		}
		m.rows = append(m.rows, line)
	})
}

// log logs the title (a format and its arguments) followed by the table.
func (m *matrix[S]) log(format string, args ...any) {
	header := append([]string{}, m.header...)
	if m.leaks != "" {
		header = append(header, m.leaks)
	}
	if m.result {
		header = append(header, "RESULT")
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\n%s\n", strings.Join(header, "\t"))
	for _, r := range m.rows {
		fmt.Fprintf(tw, "%s\n", strings.Join(r, "\t"))
	}
	tw.Flush()
	m.t.Helper()
	m.t.Logf(format+":%s", append(args, b.String())...)
}
