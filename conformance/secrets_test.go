package conformance

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// leakScan collects every text our code produced during a test (error messages in
// all verb forms, String() values, log lines) and every secret the test used (client
// secret, codes, verifiers, tokens), and fails the test when any text contains any
// secret.
type leakScan struct {
	mu      sync.Mutex
	texts   []string
	secrets map[string]bool
}

func newLeakScan(t testing.TB, secrets ...string) *leakScan {
	l := &leakScan{secrets: map[string]bool{}}
	l.secret(secrets...)
	t.Cleanup(func() { l.check(t) })
	return l
}

// secret adds values that must never appear in output. Values shorter than 6 bytes
// are ignored: they occur in ordinary text by chance.
func (l *leakScan) secret(vs ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, v := range vs {
		if len(v) >= 6 {
			l.secrets[v] = true
		}
	}
}

// text records output to scan.
func (l *leakScan) text(vs ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.texts = append(l.texts, vs...)
}

// err records an error in every form a user might print it.
func (l *leakScan) err(err error) {
	if err == nil {
		return
	}
	l.text(err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err))
}

// value records v printed with %v, %+v and %#v (String and GoString methods).
func (l *leakScan) value(v any) {
	l.text(fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
}

// leaks returns a description of each secret found in the recorded texts.
func (l *leakScan) leaks() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, txt := range l.texts {
		for s := range l.secrets {
			if strings.Contains(txt, s) {
				out = append(out, fmt.Sprintf("secret %.4s… found in %.200q", s, strings.ReplaceAll(txt, s, "<SECRET>")))
			}
		}
	}
	return out
}

func (l *leakScan) check(t testing.TB) {
	for _, leak := range l.leaks() {
		t.Error(leak)
	}
}

// count returns how many texts were scanned and how many secrets they were scanned for.
func (l *leakScan) count() (texts, secrets int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.texts), len(l.secrets)
}

func TestLeakScanFindsSecrets(t *testing.T) {
	l := &leakScan{secrets: map[string]bool{}}
	l.secret("s3cr3t-value", "abc")
	l.err(fmt.Errorf("token endpoint said: bad secret s3cr3t-value"))
	l.text("nothing here", "abc is too short to count")
	if got := l.leaks(); len(got) != 5 { // five printed forms of the one error
		t.Fatalf("leaks = %d %q, want 5", len(got), got)
	}
}
