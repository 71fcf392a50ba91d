package importer

import (
	"strings"
	"testing"
)

// fuzzLimits shrinks the one-connector limits while a fuzz target runs, so that
// small inputs reach them (and mutations of inputs at the real limits, hundreds of
// kilobytes each, do not slow the fuzzer down), and adds seeds just over them.
func fuzzLimits(f *testing.F, yaml bool) {
	saved := oneConnector
	oneConnector = limits{bytes: 4 << 10, keys: 100}
	f.Cleanup(func() { oneConnector = saved })
	if yaml {
		f.Add(manyKeysYAML(99))
		f.Add([]byte(strings.Repeat("#", oneConnector.bytes-30) + "\nauthorizeUri: a\ntokenUri: t\n"))
	} else {
		f.Add(manyKeysJSON(99))
		f.Add([]byte(`{"oauth": {"access_token": {"url": "t"}}}` + strings.Repeat(" ", oneConnector.bytes)))
	}
}

// overLimit reports whether data is larger than the one-connector limit, which
// every importer of one connector must refuse.
func overLimit(data []byte) bool { return len(data) > oneConnector.bytes }

// FuzzFromChiefOnboarding checks that any input either fails with an error or gives
// a connector that marshals; it never panics.
func FuzzFromChiefOnboarding(f *testing.F) {
	fuzzLimits(f, false)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := FromChiefOnboarding(data)
		if err == nil && overLimit(data) {
			t.Fatalf("%d bytes accepted", len(data))
		}
		if err != nil {
			if c != nil {
				t.Fatal("connector returned with an error")
			}
			return
		}
		if _, err := Marshal(c); err != nil {
			t.Fatalf("Marshal: %v", err)
		}
	})
}

// FuzzFromIntegrationApp is FuzzFromChiefOnboarding for Integration.app mappings.
func FuzzFromIntegrationApp(f *testing.F) {
	fuzzLimits(f, true)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := FromIntegrationApp(data)
		if err == nil && overLimit(data) {
			t.Fatalf("%d bytes accepted", len(data))
		}
		if err != nil {
			if c != nil {
				t.Fatal("connector returned with an error")
			}
			return
		}
		if c.OAuth2.Config.Step3AccessURL == "" {
			t.Fatal("connector without a token URL")
		}
		if _, err := Marshal(c); err != nil {
			t.Fatalf("Marshal: %v", err)
		}
	})
}
