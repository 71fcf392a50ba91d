package model

import (
	"errors"
	"strings"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/schema"
)

// Every program that resolves connectors (the CLI, dynamic clients) checks their
// templates when it loads them: parsed by package jinja, checked against the
// variables this package defines at each place, with problems at the line and column
// of the character inside the template string. The hook lives in package schema
// because schema cannot import jinja and model without an import cycle.
func init() { schema.SetTemplateChecker(checkTemplates) }

// checkTemplates is the schema.TemplateChecker installed by this package.
func checkTemplates(in *schema.CheckInput) []*schema.Error {
	var out []*schema.Error
	// The auth_form must resolve into Params fields for the scopes to exist. When the
	// file is otherwise valid, say why it does not (a clash of Go names, say); when it
	// is not, the other problems explain it, and only template syntax is checked.
	resolves := true
	if _, err := Scope(in.Connector, schema.PlaceAPI); err != nil {
		resolves = false
		if in.Valid {
			out = append(out, modelError(in, err))
		}
	}
	scopes := map[schema.TemplatePlace]jinja.Scope{}
	for _, ts := range in.Templates {
		t, err := jinja.Parse(ts.Value)
		if err != nil {
			var je *jinja.Error
			if errors.As(err, &je) {
				out = append(out, ts.ErrorAt(je.Offset, "template: "+je.Msg))
			} else {
				out = append(out, ts.ErrorAt(0, "template: "+err.Error()))
			}
			continue
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
			out = append(out, ts.ErrorAt(je.Offset, "template: "+je.Msg))
		}
	}
	// A file that passes every check above must also resolve, or validate would call
	// ok a file that generate and dynamic.Parse reject. Resolve stops at its first
	// problem, and would repeat one of those reported above, so it runs only when
	// there are none.
	if in.Valid && resolves && len(out) == 0 {
		if _, err := resolve(in.Connector); err != nil {
			out = append(out, modelError(in, err))
		}
	}
	return out
}

// modelError places an error of this package, which starts with the JSON pointer
// it is about ("/oauth2/auth_form/1/name: ..."), at that value.
func modelError(in *schema.CheckInput, err error) *schema.Error {
	msg, ptr := err.Error(), "/oauth2/auth_form"
	if p, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(p, "/") && !strings.Contains(p, " ") {
		ptr, msg = p, rest
	}
	return in.ErrorAt(ptr, msg)
}
