package main

import (
	"errors"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

// Every command that loads connectors checks their templates: parsed by package
// jinja, checked against the variables package model defines at each place, with
// problems at the line and column of the character inside the template string.
func init() { schema.SetTemplateChecker(checkTemplates) }

// checkTemplates is the schema.TemplateChecker of oauthgen.
func checkTemplates(in *schema.CheckInput) []*schema.Error {
	var out []*schema.Error
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
		scope, ok := scopes[ts.Place]
		if !ok {
			scope, err = model.Scope(in.Connector, ts.Place)
			if err != nil {
				// The auth_form does not resolve: report it once (if the file has no
				// other problem that explains it) and check syntax only.
				if in.Valid && len(scopes) == 0 {
					out = append(out, in.ErrorAt("/oauth2/auth_form", err.Error()))
				}
				scopes[ts.Place] = nil
				continue
			}
			scopes[ts.Place] = scope
		}
		if scope == nil {
			continue
		}
		for _, je := range t.Check(scope) {
			out = append(out, ts.ErrorAt(je.Offset, "template: "+je.Msg))
		}
	}
	return out
}
