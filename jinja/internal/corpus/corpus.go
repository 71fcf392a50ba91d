// Package corpus loads the template test corpus (jinja/testdata/corpus.golden.json):
// templates, the variables they may read, assignments of those variables, and what
// Python Jinja rendered for each assignment. Tests of package jinja and jinja/gocode
// share it.
package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/oauthgen/oauthgen/jinja"
)

// Var is a variable of a case, as written in the corpus.
type Var struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"` // string, select, number, bool
	Enum   []string `json:"enum"`
	Always bool     `json:"always"`
}

// Output is what Python Jinja produced for one assignment: Out, or an Error.
type Output struct {
	Out   *string `json:"out"`
	Error string  `json:"error"`
}

// Case is one template with its variables, assignments and Python outputs.
type Case struct {
	Name     string           `json:"name"`
	Template string           `json:"template"`
	Vars     []Var            `json:"vars"`
	Envs     []map[string]any `json:"envs"`
	Outputs  []Output         `json:"outputs"`
}

// Scope returns the case's variables as a jinja.Scope.
func (c *Case) Scope() jinja.Scope {
	var s jinja.Scope
	for _, v := range c.Vars {
		k := map[string]jinja.Kind{"string": jinja.String, "select": jinja.Select, "number": jinja.Number, "bool": jinja.Bool}[v.Kind]
		s = append(s, jinja.Var{Name: v.Name, Kind: k, Enum: v.Enum, AlwaysDefined: v.Always})
	}
	return s
}

// Dir is the directory of the corpus files.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

// Load reads the golden corpus and checks that its hand-written part matches
// corpus.json, so that an edit of corpus.json without rerunning pyjinja.py fails.
func Load() ([]*Case, error) {
	var golden struct {
		Cases []*Case `json:"cases"`
	}
	if err := decode(filepath.Join(Dir(), "corpus.golden.json"), &golden); err != nil {
		return nil, err
	}
	var hand []*Case
	if err := decode(filepath.Join(Dir(), "corpus.json"), &hand); err != nil {
		return nil, err
	}
	if len(hand) > len(golden.Cases) {
		return nil, fmt.Errorf("corpus.golden.json is stale: run python3 jinja/testdata/pyjinja.py")
	}
	for i, h := range hand {
		g := golden.Cases[i]
		a, _ := json.Marshal([]any{h.Name, h.Template, h.Vars, h.Envs})
		b, _ := json.Marshal([]any{g.Name, g.Template, g.Vars, g.Envs})
		if !bytes.Equal(a, b) {
			return nil, fmt.Errorf("corpus.golden.json is stale at case %q: run python3 jinja/testdata/pyjinja.py", h.Name)
		}
	}
	for _, c := range golden.Cases {
		if len(c.Outputs) != len(c.Envs) {
			return nil, fmt.Errorf("case %q: %d outputs for %d assignments", c.Name, len(c.Outputs), len(c.Envs))
		}
	}
	return golden.Cases, nil
}

func decode(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Values converts a JSON assignment to the values Render takes: json.Number to int64,
// objects to map[string]any.
func Values(env map[string]any) map[string]any {
	out := make(map[string]any, len(env))
	for k, v := range env {
		out[k] = value(v)
	}
	return out
}

func value(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		return Values(v)
	}
	return v
}
