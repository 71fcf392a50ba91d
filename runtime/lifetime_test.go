package runtime

import (
	"strings"
	"testing"
	"time"
)

// A malformed expires_in (negative, zero, NaN, infinite, hexadecimal, not a number)
// is treated as absent: the connector's default lifetime when it has one, else no
// expiry. Never an expiry in the past, which would renew the token on every use.
func TestMalformedLifetime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := WithClock(func() time.Time { return now })
	noDefault := New(&Flow{Connector: "T"}, Credentials{}, clock)
	withDefault := New(&Flow{Connector: "T", DefaultExpiresIn: time.Hour}, Credentials{}, clock)
	malformed := []string{`-1`, `-3600`, `0`, `0.4`, `"-60"`, `"NaN"`, `"nan"`, `"Inf"`, `"+Inf"`, `"-Infinity"`, `"infinity"`,
		`"0x10p0"`, `"1_000"`, `"soon"`, `""`, `true`, `null`, `{}`, `[60]`, `"-1e400"`}
	for _, v := range malformed {
		for _, form := range []bool{false, true} {
			body, ct := `{"access_token":"a","expires_in":`+v+`}`, "application/json"
			if form {
				body, ct = "access_token=a&expires_in="+strings.Trim(v, `"`), "application/x-www-form-urlencoded"
			}
			p, _, err := parseBody(noDefault, 200, ct, body)
			if err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if !p.tok.Expiry.IsZero() || p.tok.ExpiresIn != 0 {
				t.Errorf("%s, no default: expiry %v (%d s), want none", body, p.tok.Expiry, p.tok.ExpiresIn)
			}
			if noDefault.due(p.tok) || noDefault.expired(p.tok) {
				t.Errorf("%s, no default: the token counts as due or expired", body)
			}
			p, _, err = parseBody(withDefault, 200, ct, body)
			if err != nil {
				t.Fatal(err)
			}
			if want := now.Add(time.Hour); !p.tok.Expiry.Equal(want) || p.tok.ExpiresIn != 3600 {
				t.Errorf("%s, default 1h: expiry %v (%d s), want %v", body, p.tok.Expiry, p.tok.ExpiresIn, want)
			}
		}
	}
	// Well-formed lifetimes are kept; one too large to hold is capped, not wrapped.
	for v, want := range map[string]int64{`60`: 60, `"60"`: 60, `59.9`: 59, `1e3`: 1000, `"1e400"`: 1<<31 - 1, `1e300`: 1<<31 - 1, `99999999999999999999`: 1<<31 - 1} {
		p, _, err := parseBody(withDefault, 200, "application/json", `{"access_token":"a","expires_in":`+v+`}`)
		if err != nil {
			t.Fatal(err)
		}
		if p.tok.ExpiresIn != want || !p.tok.Expiry.After(now) {
			t.Errorf("expires_in %s: %d s, expiry %v; want %d s", v, p.tok.ExpiresIn, p.tok.Expiry, want)
		}
	}
}

// An access or refresh token holding a control character is refused when it arrives,
// without repeating it.
func TestTokenWithControlCharacters(t *testing.T) {
	c := New(&Flow{Connector: "T"}, Credentials{})
	for _, body := range []string{
		`{"access_token":"abc\r\nX-Injected: 1"}`,
		`{"access_token":"abc\u0000def"}`,
		`{"access_token":"abc\u007f"}`,
		`{"access_token":"good","refresh_token":"r\nr"}`,
		`{"access_token":"tab\there"}`,
		"access_token=abc%0D%0Adef",
	} {
		ct := "application/json"
		if !strings.HasPrefix(body, "{") {
			ct = "application/x-www-form-urlencoded"
		}
		p, refused, err := parseBody(c, 200, ct, body)
		if err == nil {
			t.Errorf("%s: accepted as %q", body, p.tok.AccessToken)
			continue
		}
		if !strings.Contains(err.Error(), "control characters") || strings.Contains(err.Error(), "abc") || refused {
			t.Errorf("%s: error %q (refused %v)", body, err, refused)
		}
	}
	if _, _, err := parseBody(c, 200, "application/json", `{"access_token":"a.b-c_d~e+f/g=","refresh_token":"ünï"}`); err != nil {
		t.Errorf("ordinary token refused: %v", err)
	}
}
