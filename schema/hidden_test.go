package schema

import (
	"errors"
	"strings"
	"testing"
)

// TestHiddenCharactersRejected: every class of invisible or text-reordering character
// is refused in values and keys alike, at the line and column of the character, with
// the pointer and the character escaped in the message.
func TestHiddenCharactersRejected(t *testing.T) {
	tests := []struct {
		name string
		src  string // a file; its problems must be exactly want
		want string
	}{
		{"C1 control, raw", connector(`"description": "a`+"\u0085"+`b"`, ""),
			`t.json:1:19: /description: control character U+0085 is not allowed in a string`},
		{"C1 control, escaped", connector(`"description": "a\u009bb"`, ""),
			`t.json:1:19: /description: control character U+009B is not allowed in a string`},
		{"DEL", connector(`"description": "a\u007f"`, ""),
			`t.json:1:19: /description: control character U+007F is not allowed in a string`},
		{"right-to-left override", connector(`"description": "ok `+"\u202e"+`kcatta"`, ""),
			`t.json:1:21: /description: bidirectional control character U+202E is not allowed in a string`},
		{"isolate", connector(`"description": "x\u2066y"`, ""),
			`t.json:1:19: /description: bidirectional control character U+2066 is not allowed in a string`},
		{"left-to-right mark", connector(`"description": "x\u200ey"`, ""),
			`t.json:1:19: /description: bidirectional control character U+200E is not allowed in a string`},
		{"zero-width space in a URL", connector("", `"revoke_url": "https://e.com/`+"\u200b"+`r"`),
			`t.json:1:149: /oauth2/config/revoke_url: invisible format character U+200B is not allowed in a string`},
		{"byte order mark inside a string", connector(`"description": "\ufeff"`, ""),
			`t.json:1:18: /description: invisible format character U+FEFF is not allowed in a string`},
		{"word joiner", connector(`"description": "a`+"\u2060"+`"`, ""),
			`t.json:1:19: /description: invisible format character U+2060 is not allowed in a string`},
		{"invisible plus", connector(`"description": "a\u2064"`, ""),
			`t.json:1:19: /description: invisible format character U+2064 is not allowed in a string`},
		{"line separator", connector(`"description": "a\u2028b"`, ""),
			`t.json:1:19: /description: line or paragraph separator U+2028 is not allowed in a string`},
		// A key carrying a terminal escape: the key is refused at its own position, and
		// the pointer is printed quoted, so the escape never reaches a terminal.
		{"escape sequence in a key", connector(`"header": {"extra_headers": {"X-\u001b[31mRed": "v"}}`, ""),
			`t.json:1:34: "/header/extra_headers/X-\x1b[31mRed": control character U+001B is not allowed in a key`},
		{"bidi override in a key", connector(`"header": {"extra_headers": {"X-`+"\u202e"+`A": "v"}}`, ""),
			`t.json:1:34: "/header/extra_headers/X-\u202eA": bidirectional control character U+202E is not allowed in a key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.json", []byte(tt.src))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
			if got := errs.Error(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestAllowedText: tab, line feed and carriage return in values, and printable text
// from any script, are fine.
func TestAllowedText(t *testing.T) {
	src := connector(`"description": "tab\tline\nreturn\r é 日本 ‐ — ‘’ ¿"`, "")
	if _, err := Parse("t.json", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"/oauth2/config/step3_access_url": "/oauth2/config/step3_access_url",
		"/a b/é":                          "/a b/é",
		"/x\x1b[2J":                       `"/x\x1b[2J"`,
		"/a\u202eb":                       `"/a\u202eb"`,
		"/a\u200bb":                       `"/a\u200bb"`,
		`/quote"`:                         `"/quote\""`,
		`/back\slash`:                     `"/back\\slash"`,
		"/bad\xffutf8":                    `"/bad\xffutf8"`,
		"/nl\n":                           `"/nl\n"`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %s, want %s", in, got, want)
		}
	}
	e := &Error{File: "f.json", Line: 1, Col: 2, Pointer: "/k\x1b]0;pwned\x07", Msg: "bad"}
	if got, want := e.Error(), `f.json:1:2: "/k\x1b]0;pwned\a": bad`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// A message that echoes file text as it is (a template's source) has its hidden
	// characters escaped; the quoted values of a message are left as they are.
	e = &Error{File: "f.json", Line: 1, Col: 2, Pointer: "/p", Msg: "unexpected string 'a\x1b[2J\u202e\n\xff' \"q\\\"\""}
	if got, want := e.Error(), `f.json:1:2: /p: unexpected string 'a\x1b[2J\u202e\n\xff' "q\""`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestCallbackSlugIsOneSafeSegment: whatever the name, the slug is one path segment
// made of unreserved characters and percent escapes, never a dot segment.
func TestCallbackSlugIsOneSafeSegment(t *testing.T) {
	tests := []struct{ name, pkg, want string }{
		{"HubSpot", "", "hubspot"},
		{"Teamwork CRM", "", "teamwork%20crm"},
		{"monday.com", "", "monday.com"},
		{"../../admin", "", "..%2F..%2Fadmin"},
		{"a/b?c#d%e", "", "a%2Fb%3Fc%23d%25e"},
		{"x\r\nSet-Cookie: y", "", "x%0D%0Aset-cookie%3A%20y"},
		{"Zoë", "", "zo%C3%AB"},
		{"e\u202egnp.exe", "", "e%E2%80%AEgnp.exe"},
		{"..", "dots", "dots"},
		{".", "", "connector"},
		{"...", "Dots!", "dots"},
		{"", "", "connector"},
	}
	for _, tt := range tests {
		got := (&Connector{Name: tt.name, Package: tt.pkg}).CallbackSlug()
		if got != tt.want {
			t.Errorf("CallbackSlug(%q) = %q, want %q", tt.name, got, tt.want)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'F' || strings.ContainsRune("-._~%", r)) {
				t.Errorf("CallbackSlug(%q) = %q holds %q", tt.name, got, r)
			}
		}
		if strings.Trim(got, ".") == "" {
			t.Errorf("CallbackSlug(%q) = %q is a dot segment", tt.name, got)
		}
	}
}
