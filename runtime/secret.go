package runtime

import (
	"fmt"
	"log/slog"
)

// Secret is a string that never shows itself: fmt under every verb, encoding/json and
// log/slog all print "[redacted]" for it (an empty Secret prints as ""), so a struct
// holding one, printed, marshalled or logged whole, keeps it. It is the type of every
// client secret (Credentials, the Config of generated packages and of package
// dynamic) and of the end user's password fields in generated Params. string(s) is
// the value.
type Secret string

// shown is what s prints as.
func (s Secret) shown() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// Format prints "[redacted]" (or "" when s is empty) under every verb.
func (s Secret) Format(f fmt.State, verb rune) { formatRedacted(f, verb, s.shown()) }

// MarshalJSON encodes s as the JSON string "[redacted]" (or "" when s is empty).
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.shown() + `"`), nil }

// LogValue logs s as "[redacted]" (or "" when s is empty).
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }
