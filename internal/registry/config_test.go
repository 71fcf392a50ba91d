package registry

import (
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/model"
)

type environment string

// params has the field kinds generated Params structs have.
type params struct {
	Environment environment
	Port        int
	Verbose     bool
	Consent     *bool
}

func TestSetParams(t *testing.T) {
	m := &model.Connector{Params: []*model.Param{
		{Name: "environment", GoName: "Environment"},
		{Name: "port", GoName: "Port"},
		{Name: "verbose", GoName: "Verbose"},
		{Name: "consent", GoName: "Consent"},
		{Name: "absent", GoName: "Absent"}, // no value given: not looked up
	}}
	var got params
	c := Config{Model: m, Params: map[string]any{"environment": "Sandbox", "port": 8443, "verbose": true, "consent": false}}
	if err := c.SetParams(&got); err != nil {
		t.Fatal(err)
	}
	if got.Environment != "Sandbox" || got.Port != 8443 || !got.Verbose || got.Consent == nil || *got.Consent {
		t.Errorf("SetParams filled %+v", got)
	}

	for _, tc := range []struct {
		name   string
		c      Config
		dst    any
		errHas string
	}{
		{"no field", Config{Model: &model.Connector{Params: []*model.Param{{Name: "x", GoName: "X"}}}, Params: map[string]any{"x": "1"}}, &params{}, "no field X"},
		{"string into int", Config{Model: m, Params: map[string]any{"port": "8443"}}, &params{}, "port: a string for field Port of type int"},
		{"int into string", Config{Model: m, Params: map[string]any{"environment": 1}}, &params{}, "environment: an int"},
		{"bool into int", Config{Model: m, Params: map[string]any{"port": true}}, &params{}, "port: a bool"},
		{"float", Config{Model: m, Params: map[string]any{"port": 1.5}}, &params{}, "port: unexpected value type float64"},
		{"not a pointer", Config{Model: m}, params{}, "pointer to a Params struct"},
		{"nil pointer", Config{Model: m}, (*params)(nil), "pointer to a Params struct"},
		{"no model", Config{}, &params{}, "no Model"},
	} {
		err := tc.c.SetParams(tc.dst)
		if err == nil || !strings.Contains(err.Error(), tc.errHas) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.errHas)
		}
	}
}
