package filters_test

import (
	"math"
	"testing"

	"github.com/oauthgen/oauthgen/jinja/filters"
)

// The expected values below were printed by CPython 3.11: urllib.parse.quote(s,
// safe="/") (what Jinja's urlencode does to a string), repr(float), str.lower/upper/strip.

func TestURLEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"abc":            "abc",
		"a b":            "a%20b",
		"/a/b?c=d&e":     "/a/b%3Fc%3Dd%26e",
		"$&+,/:;=?@~_.-": "%24%26%2B%2C/%3A%3B%3D%3F%40~_.-",
		"é":              "%C3%A9",
		"日本":             "%E6%97%A5%E6%9C%AC",
		"\U0001F600":     "%F0%9F%98%80",
		"%":              "%25",
		"\x00\x7f":       "%00%7F",
		"A-Z_a.z~0/9":    "A-Z_a.z~0/9",
	} {
		if got := filters.URLEncode(in); got != want {
			t.Errorf("URLEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFloat(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{1, "1.0"}, {0.5, "0.5"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
		{123456789012345.6, "123456789012345.6"}, {1e-4, "0.0001"}, {1e-5, "1e-05"},
		{0.1, "0.1"}, {-2.5, "-2.5"}, {1.5e300, "1.5e+300"}, {3.0e-310, "3e-310"}, {100, "100.0"},
		{math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {math.NaN(), "nan"},
	} {
		if got := filters.Float(tt.f); got != tt.want {
			t.Errorf("Float(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestCaseAndTrim(t *testing.T) {
	for _, tt := range []struct{ f, in, want string }{
		{"lower", "MiXed ASCII", "mixed ascii"},
		{"lower", "İSTANBUL", "i\u0307stanbul"},
		{"lower", "ΟΔΟΣ ΟΔΟΣ.", "οδος οδος."},
		{"lower", "ΣΑ", "σα"},
		{"upper", "straße", "STRASSE"},
		{"upper", "ﬁ ŉ", "FI ʼN"},
		{"upper", "mixed", "MIXED"},
		{"trim", "\x1c\u00a0 a b \u3000\t\n", "a b"},
		{"trim", "\u200b a", "\u200b a"}, // U+200B is not whitespace for Python
	} {
		var got string
		switch tt.f {
		case "lower":
			got = filters.Lower(tt.in)
		case "upper":
			got = filters.Upper(tt.in)
		case "trim":
			got = filters.Trim(tt.in)
		}
		if got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.f, tt.in, got, tt.want)
		}
	}
}

func TestReplaceAndCond(t *testing.T) {
	if got := filters.Replace("abc", "", "-"); got != "-a-b-c-" {
		t.Errorf("Replace with empty old = %q, Python gives -a-b-c-", got)
	}
	if got := filters.TrimChars("xxaxbxx", "x"); got != "axb" {
		t.Errorf("TrimChars = %q", got)
	}
	if filters.Cond(true, 1, 2) != 1 || filters.Cond(false, "a", "b") != "b" {
		t.Error("Cond")
	}
	if filters.Bool(true) != "True" || filters.Bool(false) != "False" || filters.Int(-12) != "-12" {
		t.Error("Bool/Int")
	}
}
