package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"access_token_path", "step3_access_url", "scope", "scopes", "header_key", "GET", "POST", "json", "data"}
	tests := map[string]string{
		"acess_token_path":  "access_token_path",
		"step3_acces_url":   "step3_access_url",
		"Step3_Access_URL":  "step3_access_url",
		"header_ky":         "header_key",
		"post":              "POST",
		"PUT":               "",
		"xml":               "",
		"completely_random": "",
		"access_token":      "access_token_path",
	}
	for in, want := range tests {
		if got := Closest(in, keys); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}
