// Package jinja parses, checks and renders the template subset of oauthgen connector
// files, with the semantics of Python Jinja 3 in its default configuration (no
// autoescape, no trim_blocks or lstrip_blocks, trailing newline dropped). It depends
// only on the standard library (and the module's stdlib-only internal/suggest).
//
// # The subset
//
//   - {{ expr }}; {% if %}, {% elif %}, {% else %}, {% endif %}; {# comments #};
//     whitespace control with "-" on any of them ({%- ... -%}, {{- ... -}}).
//   - literals: strings '...' and "..." with Python escapes, adjacent literals joined;
//     decimal integers (1_000 too); true/false/none and True/False/None.
//   - names and dotted names (callback.shop, credentials.team_id).
//   - operators, loosest first: or; and; not; == != in "not in" (not chained); ~; then
//     filters and tests; parentheses group.
//   - tests: is [not] defined, is undefined, is [not] none.
//   - filters: default(value="", boolean=false) alias d, lower, upper, trim(chars=none),
//     replace(old, new), urlencode.
//
// Everything else (for, set, macro, raw, other filters or tests, subscripts, calls,
// arithmetic, floats, inline if) is a parse error: *Error with the byte offset of the
// offending character in the source and a message that says what the subset offers.
//
// # Using it
//
//	t, err := jinja.Parse(src)            // syntax
//	errs := t.Check(scope)                // variables and types at this place
//	s, err := t.Render(map[string]any{...}) // interpreter (dynamic mode, explain, tests)
//
// Package jinja/gocode compiles checked templates to Go instead (generated packages).
//
// Check and Render take the variables of the template's place in the connector. The
// caller builds the Scope (see Scope for the variables of each place) and, for Render,
// the map: auth_form values by field name, client_id, redirect_url, state, and the maps
// "callback" and "credentials" for dotted names, omitting every optional value that is
// empty, since an empty optional value is not defined.
//
// # URL templates
//
// A template used as a URL is escaped by the position of each value, the way
// html/template escapes by context: URL decides, from the literal text alone, whether
// each {{ }} is the origin, the whole host, a host label, a path segment, the query or
// the fragment, and refuses templates where that cannot be decided (an if whose
// branches end in different parts of the URL) or checked (a host or path value that is
// not a single variable). RenderEscaped and gocode.CompileEscaped then pass each value
// through the caller's escaper for its context (package model maps contexts to the
// escapers of package runtime), so that interpreted and compiled URLs agree.
//
// The corpus in testdata (corpus.json, corpus.golden.json made by pyjinja.py with Python
// Jinja) proves that Render, the code of jinja/gocode and Python Jinja agree.
package jinja
