package e2e

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// NoSecretShown fails t when v, printed with fmt under the usual verbs (%v, %+v, %#v,
// %s, %q, %d, %x, %X), encoded by encoding/json, or logged by log/slog's JSON and
// text handlers, as a value or a pointer, shows one of secrets (or its hexadecimal
// form). what names v in messages.
func NoSecretShown(t testing.TB, what string, v any, secrets ...string) {
	t.Helper()
	outputs := map[string]string{}
	for _, x := range []struct {
		name string
		v    any
	}{{"value", v}, {"pointer", pointerTo(v)}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X"} {
			outputs[x.name+" "+verb] = fmt.Sprintf(verb, x.v)
		}
		b, err := json.Marshal(x.v)
		if err != nil {
			t.Errorf("%s: json.Marshal(%s): %v", what, x.name, err)
		}
		outputs[x.name+" json.Marshal"] = string(b)
		var jb, tb bytes.Buffer
		slog.New(slog.NewJSONHandler(&jb, nil)).Info("x", "cfg", x.v)
		slog.New(slog.NewTextHandler(&tb, nil)).Info("x", "cfg", x.v)
		outputs[x.name+" slog JSON"] = jb.String()
		outputs[x.name+" slog text"] = tb.String()
	}
	for how, out := range outputs {
		for _, s := range secrets {
			lower := strings.ToLower(out)
			if strings.Contains(out, s) || strings.Contains(lower, hex.EncodeToString([]byte(s))) {
				t.Errorf("%s: %s shows a secret: %s", what, how, out)
			}
		}
	}
}

// pointerTo returns a pointer to a copy of v (v itself when it is a pointer or nil).
func pointerTo(v any) any {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Kind() == reflect.Pointer {
		return v
	}
	p := reflect.New(rv.Type())
	p.Elem().Set(rv)
	return p.Interface()
}
