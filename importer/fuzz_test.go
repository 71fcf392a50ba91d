package importer

import "testing"

// FuzzFromChiefOnboarding checks that any input either fails with an error or gives
// a connector that marshals; it never panics.
func FuzzFromChiefOnboarding(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := FromChiefOnboarding(data)
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
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := FromIntegrationApp(data)
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
