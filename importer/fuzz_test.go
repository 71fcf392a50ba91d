package importer

import (
	"os"
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

// FuzzFromNango checks that any providers.yaml either fails with an error or gives
// entries in key order whose connectors marshal; with the limits shrunk, that a file
// over them is refused; it never panics.
func FuzzFromNango(f *testing.F) {
	saved := providerFile
	providerFile = limits{bytes: 8 << 10, keys: 100}
	f.Cleanup(func() { providerFile = saved })
	if data, err := os.ReadFile("testdata/nango/providers.yaml"); err == nil {
		f.Add(data)
	}
	f.Add(nangoFile(20)) // 100 keys: at the limit
	f.Add(nangoFile(21))
	f.Add([]byte("a: {alias: b}\nb: {alias: c, auth_mode: OAUTH2}\nc: {auth_mode: OAUTH2_CC, token_url: {OAUTH2CC: 'https://${connectionConfig.x}/t || https://t'}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := FromNango(data)
		if err == nil && len(data) > providerFile.bytes {
			t.Fatalf("%d bytes accepted", len(data))
		}
		if err != nil {
			if res != nil {
				t.Fatal("result returned with an error")
			}
			return
		}
		for i, e := range res.Entries {
			if i > 0 && res.Entries[i-1].Key >= e.Key {
				t.Fatalf("entries out of order: %q before %q", res.Entries[i-1].Key, e.Key)
			}
			if e.Connector == nil {
				if len(e.Warnings) == 0 {
					t.Fatalf("%s: no connector and no warning", e.Key)
				}
				continue
			}
			if _, err := Marshal(e.Connector); err != nil {
				t.Fatalf("Marshal: %v", err)
			}
		}
	})
}
