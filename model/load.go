package model

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/schema"
)

// Load reads the connector file at path and loads it completely; see Parse.
func Load(path string) (*Connector, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse loads connector file data completely (name is used in error positions): it is
// the one loader of every program that reads connectors (the generator, the dynamic
// client, oauthgen validate). It runs, in order:
//
//   - the checks of schema.Parse: JSON syntax, the JSON Schema, the semantic checks;
//   - the template checks: every template is parsed by package jinja and checked
//     against the variables of its place, with problems at the line and column of the
//     character inside the template string;
//   - resolution (Resolve), so that a file Parse accepts is one the generator and the
//     dynamic client accept.
//
// When the file has problems the error is a schema.Errors holding every one, each
// with its line and column. Parse never panics.
func Parse(name string, data []byte) (m *Connector, err error) {
	in := schema.Check(name, data)
	if in.Connector == nil {
		return nil, in.Err()
	}
	var more []*schema.Error
	defer func() {
		// Defence in depth, as in package schema: a bug in a check must surface as an
		// error of the file, never as a crash of the caller.
		if r := recover(); r != nil {
			m, err = nil, in.Err(in.ErrorAt("", fmt.Sprintf("internal error while checking this file (please report): %v", r)))
		}
	}()
	more, m = check(in)
	if err := in.Err(more...); err != nil {
		return nil, err
	}
	return m, nil
}

// check checks the templates of a file that schema has checked and, when it has no
// problem so far, resolves it. It returns the problems it found and the model (nil
// when there are problems).
func check(in *schema.Checked) ([]*schema.Error, *Connector) {
	var out []*schema.Error
	valid := len(in.Errors) == 0
	// The auth_form must resolve into Params fields for the scopes to exist. When the
	// file is otherwise valid, say why it does not (a clash of Go names, say); when it
	// is not, the other problems explain it, and only template syntax is checked.
	resolves := true
	if _, err := Scope(in.Connector, schema.PlaceAPI); err != nil {
		resolves = false
		if valid {
			out = append(out, modelError(in, err))
		}
	}
	scopes := map[schema.TemplatePlace]jinja.Scope{}
	read := map[string]bool{} // the variables the file's templates read
	for _, ts := range in.Templates {
		t, err := jinja.Parse(ts.Value)
		if err != nil {
			var je *jinja.Error
			if !errors.As(err, &je) {
				je = &jinja.Error{Msg: err.Error()}
			}
			out = append(out, ts.ErrorAt(je.Offset, templateMsg(nil, ts.Place, nil, je)))
			continue
		}
		for _, n := range t.Names() {
			read[n] = true
		}
		if !resolves {
			continue
		}
		scope, ok := scopes[ts.Place]
		if !ok {
			if scope, err = Scope(in.Connector, ts.Place); err != nil {
				continue // reported above
			}
			scopes[ts.Place] = scope
		}
		for _, je := range t.Check(scope) {
			out = append(out, ts.ErrorAt(je.Offset, templateMsg(t, ts.Place, scope, je)))
		}
	}
	// A file that passes every check above must also resolve. Resolve stops at its
	// first problem, and would repeat one of those reported above, so it runs only
	// when there are none.
	if !valid || !resolves || len(out) > 0 {
		return out, nil
	}
	m, err := resolve(in.Connector)
	if err != nil {
		return append(out, modelError(in, err)), nil
	}
	if bad := checkHosts(in, m, m.unconfined); len(bad) > 0 {
		return bad, nil
	}
	m.Warnings = warnings(in, m, read)
	return nil, m
}

// warnings finds the problems of a valid file that do not stop it from working. read
// holds the variables the file's template strings read; the templates of the model
// are added to it, for those the model makes itself (the scope, which reads
// alternative_scope; the test request URL, base_url joined with test_request.path).
func warnings(in *schema.Checked, m *Connector, read map[string]bool) schema.Errors {
	ts := []*Template{m.BaseURL}
	if m.TestRequest != nil {
		ts = append(ts, m.TestRequest.URL)
	}
	for _, s := range m.Slots {
		ts = append(ts, s.Text)
		ts = append(ts, argTemplates(s.Args)...)
		if s.API != nil {
			ts = append(ts, s.API.Format, s.API.Prefix)
		}
	}
	for _, t := range ts {
		if t != nil {
			for _, n := range t.Names() {
				read[n] = true
			}
		}
	}
	var out schema.Errors
	for _, p := range m.Params {
		if !read[p.Name] {
			w := in.ErrorAt("/oauth2/auth_form/"+strconv.Itoa(p.index), fmt.Sprintf("field %q is read by no template: the value the end user gives goes nowhere; use it in a template or remove it", p.Name))
			w.Warning = true
			out = append(out, w)
		}
	}
	return out
}

func argTemplates(args []Arg) []*Template {
	out := make([]*Template, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// modelError places an error of this package, which starts with the JSON pointer
// it is about ("/oauth2/auth_form/1/name: ..."), at that value.
func modelError(in *schema.Checked, err error) *schema.Error {
	var te *TemplateError
	if errors.As(err, &te) {
		// A template problem found by resolution (a URL template that cannot be
		// escaped by position): at its character, as Check's problems are.
		for _, ts := range in.Templates {
			if ts.Pointer == te.Pointer && te.Offset <= len(ts.Value) {
				return ts.ErrorAt(te.Offset, "template: "+te.Msg)
			}
		}
	}
	msg, ptr := err.Error(), "/oauth2/auth_form"
	if p, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(p, "/") && !strings.Contains(p, " ") {
		ptr, msg = p, rest
	}
	return in.ErrorAt(ptr, msg)
}
