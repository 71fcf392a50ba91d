package schema

import "strings"

// TemplatePlace says where in a connector a template is used, which decides the
// variables it may refer to.
type TemplatePlace string

// The places of templates.
const (
	// PlaceAuthorize: step1_authorize_url and the values of extra_authorization_url.
	PlaceAuthorize TemplatePlace = "authorize"
	// PlaceToken: step3_access_url, token_refresh_url, revoke_url, revoke.url,
	// device_authorization_url and the values of extra_access_url, extra_refresh_url,
	// token_request_headers and revoke.headers.
	PlaceToken TemplatePlace = "token"
	// PlaceRevoke: the values of revoke.params, which may also use token (the token
	// revoked).
	PlaceRevoke TemplatePlace = "revoke"
	// PlaceAPI: base_url, userinfo.url, userinfo.select.value, test_request.url,
	// test_request.body and the values of header.extra_headers, header.extra_query and
	// test_request.headers.
	PlaceAPI TemplatePlace = "api"
	// PlaceHeader: header.token_format and header.token_prefix, which may also use
	// token and token_format.
	PlaceHeader TemplatePlace = "header"
)

// TemplateString is one template-valued string of a connector file, with what is
// needed to report a problem at a character inside it.
type TemplateString struct {
	// Pointer is the JSON pointer of the string ("/oauth2/config/step3_access_url").
	Pointer string
	// Place decides the variables the template may use.
	Place TemplatePlace
	// Value is the decoded string: the template source.
	Value string

	file  string
	data  []byte
	lines *lineIndex
	quote int // offset of the opening quote in data
}

// Offset returns the byte offset in the file of the character that produced byte i
// of Value (JSON escapes such as \" or \u00e9 are accounted for).
func (t TemplateString) Offset(i int) int {
	if t.data == nil {
		return 0
	}
	return rawOffset(t.data, t.quote, i)
}

// Position returns the 1-based line and column in the file of byte i of Value.
func (t TemplateString) Position(i int) (line, col int) {
	if t.lines == nil {
		return 0, 0
	}
	return t.lines.position(t.Offset(i))
}

// ErrorAt returns a problem of the template located at byte i of Value, ready to be
// reported with the loader's other errors.
func (t TemplateString) ErrorAt(i int, msg string) *Error {
	off := t.Offset(i)
	line, col := t.Position(i)
	return &Error{File: t.file, Line: line, Col: col, Offset: off, Pointer: t.Pointer, Msg: msg}
}

// Checked is a connector file after the checks of Parse, for a loader that checks
// more (package model checks the templates and resolves the connector): the
// connector, its problems so far, its templates, and a way to place a further problem
// at any value of the file.
type Checked struct {
	// Connector is decoded leniently: when the file has problems, values of the wrong
	// type are zero. It is nil when the file is not a JSON object.
	Connector *Connector
	// Errors are the problems Parse reports, in file order.
	Errors Errors
	// Templates are every template-valued string of the file, in file order; nil
	// when Connector is.
	Templates []TemplateString

	doc *document
}

// Check runs the checks of Parse on data and returns what they found; it never fails
// and never panics. Parse is Check with its Errors as the error.
func Check(name string, data []byte) *Checked {
	d := check(name, data)
	c := &Checked{Connector: d.conn, Errors: d.errs, doc: d}
	if d.conn != nil {
		c.Templates = d.templates()
	}
	return c
}

// ErrorAt returns a problem located at the value at pointer (at its nearest existing
// ancestor when pointer names nothing in the file).
func (c *Checked) ErrorAt(pointer, msg string) *Error {
	d := c.doc
	ptr := pointer
	for {
		if n := d.root.lookup(ptr); n != nil {
			return d.errorAt(n.start, pointer, msg)
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return d.errorAt(0, pointer, msg)
		}
		ptr = ptr[:i]
	}
}

// Err returns the file's Errors and more in file order, without duplicates, as an
// Errors; nil when there are none.
func (c *Checked) Err(more ...*Error) error {
	if len(c.Errors) == 0 && len(more) == 0 {
		return nil
	}
	return sortErrors(append(append(Errors{}, c.Errors...), more...))
}

// templateKeys lists the template-valued keys; "*" stands for every member of a map.
var templateKeys = []struct {
	path  []string
	place TemplatePlace
}{
	{[]string{"base_url"}, PlaceAPI},
	{[]string{"oauth2", "config", "step1_authorize_url"}, PlaceAuthorize},
	{[]string{"oauth2", "config", "extra_authorization_url", "*"}, PlaceAuthorize},
	{[]string{"oauth2", "config", "step3_access_url"}, PlaceToken},
	{[]string{"oauth2", "config", "token_refresh_url"}, PlaceToken},
	{[]string{"oauth2", "config", "extra_access_url", "*"}, PlaceToken},
	{[]string{"oauth2", "config", "extra_refresh_url", "*"}, PlaceToken},
	{[]string{"oauth2", "config", "token_request_headers", "*"}, PlaceToken},
	{[]string{"oauth2", "config", "revoke_url"}, PlaceToken},
	{[]string{"oauth2", "config", "device_authorization_url"}, PlaceToken},
	{[]string{"oauth2", "config", "revoke", "url"}, PlaceToken},
	{[]string{"oauth2", "config", "revoke", "params", "*"}, PlaceRevoke},
	{[]string{"oauth2", "config", "revoke", "headers", "*"}, PlaceToken},
	{[]string{"oauth2", "config", "userinfo", "url"}, PlaceAPI},
	{[]string{"oauth2", "config", "userinfo", "select", "value"}, PlaceAPI},
	{[]string{"header", "token_format"}, PlaceHeader},
	{[]string{"header", "token_prefix"}, PlaceHeader},
	{[]string{"header", "extra_headers", "*"}, PlaceAPI},
	{[]string{"header", "extra_query", "*"}, PlaceAPI},
	{[]string{"test_request", "url"}, PlaceAPI},
	{[]string{"test_request", "body"}, PlaceAPI},
	{[]string{"test_request", "headers", "*"}, PlaceAPI},
}

// templates collects every template-valued string of the document, in file order.
func (d *document) templates() []TemplateString {
	var out []TemplateString
	add := func(n *node, ptr string, place TemplatePlace) {
		if n == nil || n.kind != kindString {
			return
		}
		out = append(out, TemplateString{Pointer: ptr, Place: place, Value: n.str,
			file: d.file, data: d.data, lines: d.lines, quote: n.start})
	}
	for _, tk := range templateKeys {
		last := len(tk.path) - 1
		if tk.path[last] != "*" {
			add(d.root.path(tk.path...), pointerJoin("", tk.path...), tk.place)
			continue
		}
		m := d.root.path(tk.path[:last]...)
		if m == nil || m.kind != kindObject {
			continue
		}
		for i, k := range m.keys {
			add(m.kids[i], pointerJoin("", append(tk.path[:last:last], k)...), tk.place)
		}
	}
	// File order keeps reports stable and readable.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].quote < out[j-1].quote; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Templates returns every template-valued string of a connector file, for tools that
// work on templates. The
// file must be valid JSON; other problems are not reported here (use Parse).
func Templates(name string, data []byte) ([]TemplateString, error) {
	root, serr := parseJSON(data)
	d := &document{file: name, data: data, lines: newLineIndex(data), root: root}
	if serr != nil {
		return nil, Errors{d.errorAt(serr.off, "", "invalid JSON: "+serr.msg)}
	}
	return d.templates(), nil
}
