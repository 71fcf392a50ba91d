package jinja

import (
	"slices"
	"strings"
)

// URLContext is the part of a URL an output of a URL template sits in. It decides how
// the output's value is escaped or checked, the way html/template decides escaping by
// the context of each action: the literal text of the template alone decides it, so
// generated code and the interpreter escape identically.
type URLContext uint8

// The contexts of an output in a URL template.
const (
	// URLOrigin: the output starts the template ({{ callback.accounts_server }}/oauth):
	// the value must be a whole origin, https://host[:port].
	URLOrigin URLContext = iota + 1
	// URLHost: the output is the whole host (https://{{ domain }}/x): the value must be a
	// host name, with an optional :port.
	URLHost
	// URLLabel: the output is in the host with literal text around it
	// (https://{{ shop }}.myshopify.com): the value must be one DNS label.
	URLLabel
	// URLPath: the output is in the path: the value is one escaped path segment.
	URLPath
	// URLQuery: the output is in the query: the value is query-escaped.
	URLQuery
	// URLFragment: the output is in the fragment: the value is query-escaped.
	URLFragment
)

var urlContextNames = [...]string{"", "origin", "host", "host label", "path segment", "query", "fragment"}

// String returns the context in words: "host label".
func (c URLContext) String() string {
	if int(c) < len(urlContextNames) {
		return urlContextNames[c]
	}
	return "unknown"
}

// URLAnalysis is what the literal text of a URL template says about its outputs.
type URLAnalysis struct {
	// Contexts is the context of every output of the template.
	Contexts map[*Output]URLContext
	// Hosts are the hosts the template can render, one per distinct combination of
	// its if-branches, sorted, with each value in the host written as "{{name}}"
	// ("{{shop}}.myshopify.com", "api.sandbox.ebay.com"). An origin output gives
	// "{{name}}" alone. Nil when the template has no host (a relative URL).
	Hosts []string
	// QueryKeys are the keys of the template's literal query, sorted ("refresh" for
	// "https://x/token?refresh").
	QueryKeys []string
}

// maxHosts bounds the host alternatives a URL template may have.
const maxHosts = 256

type urlState int

const (
	usStart urlState = iota
	usScheme
	usColon  // after "scheme:"
	usSlash  // after "scheme:/"
	usHost   // after "scheme://"
	usOrigin // right after an origin output
	usPath
	usQuery
	usFragment
)

var urlStateNames = [...]string{"start", "scheme", "scheme", "scheme", "host", "origin", "path", "query", "fragment"}

type urlWalk struct {
	a       *URLAnalysis
	queries map[string]bool
	err     *Error
}

// urlPos is the state of the walk at one point of the template.
type urlPos struct {
	st      urlState
	hosts   []string  // the host so far, per path through the if-branches
	pending []*Output // host outputs not yet followed by anything: URLHost unless text follows
	query   string    // the literal query text since the last '&'
}

// URL analyses t as a URL template: it decides the context of every output from the
// literal text before it (scheme, host, path, query, fragment) and checks that the
// template can be escaped by position. An error (a *Error at the offending output or
// if) is a template that cannot be: an output in the scheme or right after an origin
// output, an output in the host, origin or path that is not a single variable
// ({{ name }}: its value is checked, not rewritten), or an if whose branches end in
// different parts of the URL.
func (t *Template) URL() (*URLAnalysis, error) {
	w := &urlWalk{a: &URLAnalysis{Contexts: map[*Output]URLContext{}}, queries: map[string]bool{}}
	end := w.nodes(t.Nodes, urlPos{st: usStart})
	if w.err != nil {
		return nil, w.err
	}
	w.endQuery(&end)
	if end.st >= usHost {
		hosts := slices.Clone(end.hosts)
		slices.Sort(hosts)
		w.a.Hosts = slices.Compact(hosts)
	}
	for k := range w.queries {
		w.a.QueryKeys = append(w.a.QueryKeys, k)
	}
	slices.Sort(w.a.QueryKeys)
	return w.a, nil
}

func (w *urlWalk) fail(off int, msg string) {
	if w.err == nil {
		w.err = &Error{Offset: off, Msg: msg}
	}
}

func (w *urlWalk) nodes(nodes []Node, p urlPos) urlPos {
	for _, n := range nodes {
		if w.err != nil {
			return p
		}
		switch n := n.(type) {
		case *Text:
			p = w.text(n, p)
		case *Output:
			p = w.output(n, p)
		case *If:
			p = w.ifNode(n, p)
		}
	}
	return p
}

func (w *urlWalk) text(n *Text, p urlPos) urlPos {
	for i := 0; i < len(n.Text); i++ {
		c := n.Text[i]
		if p.st == usHost && len(p.pending) > 0 {
			if c != '/' && c != '?' && c != '#' {
				for _, o := range p.pending {
					w.a.Contexts[o] = URLLabel
				}
			}
			p.pending = nil
		}
		switch p.st {
		case usStart, usScheme:
			switch c {
			case ':':
				p.st = usColon
			case '/':
				p.st = usPath
			case '?':
				p.st = usQuery
			case '#':
				p.st = usFragment
			default:
				p.st = usScheme
			}
		case usColon, usSlash:
			if c == '/' {
				p.st++
				if p.st == usHost {
					p.hosts = []string{""}
				}
			} else {
				p.st = usPath
			}
		case usOrigin:
			switch c {
			case '/':
				p.st = usPath
			case '?':
				p.st = usQuery
			case '#':
				p.st = usFragment
			default:
				w.fail(n.Offset, "an origin value ({{ }} at the start of a URL) must be followed by '/', '?' or '#'")
				return p
			}
		case usHost:
			switch c {
			case '/':
				p.st = usPath
			case '?':
				p.st = usQuery
			case '#':
				p.st = usFragment
			default:
				for j := range p.hosts {
					p.hosts[j] += string(c)
				}
			}
		case usPath:
			switch c {
			case '?':
				p.st = usQuery
			case '#':
				p.st = usFragment
			}
		case usQuery:
			switch c {
			case '&', '#':
				w.endQuery(&p)
				if c == '#' {
					p.st = usFragment
				}
			default:
				p.query += string(c)
			}
		}
	}
	return p
}

// endQuery records the key of the literal query parameter that ends here.
func (w *urlWalk) endQuery(p *urlPos) {
	if p.st == usQuery && p.query != "" {
		k, _, _ := strings.Cut(p.query, "=")
		if k != "" && !strings.ContainsRune(k, 0) {
			w.queries[k] = true
		}
	}
	p.query = ""
}

func (w *urlWalk) output(n *Output, p urlPos) urlPos {
	name, isName := n.X.(*Name)
	needName := func(where string) bool {
		if !isName {
			w.fail(n.X.Pos(), "a value in the "+where+" of a URL must be a single variable ({{ name }}), so that it can be checked")
		}
		return isName
	}
	switch p.st {
	case usStart:
		if !needName("origin") {
			return p
		}
		w.a.Contexts[n] = URLOrigin
		p.st = usOrigin
		p.hosts = []string{"{{" + name.Name + "}}"}
	case usScheme, usColon, usSlash:
		w.fail(n.Offset, "a value may not be part of the scheme of a URL")
	case usOrigin:
		w.fail(n.Offset, "a value may not follow an origin value ({{ }} at the start of a URL) directly")
	case usHost:
		if !needName("host") {
			return p
		}
		for _, o := range p.pending {
			w.a.Contexts[o] = URLLabel // two values side by side: each one label at most
		}
		p.pending = nil
		empty := true
		for j := range p.hosts {
			empty = empty && p.hosts[j] == ""
			p.hosts[j] += "{{" + name.Name + "}}"
		}
		if empty && w.a.Contexts[n] != URLLabel {
			w.a.Contexts[n] = URLHost
			p.pending = []*Output{n}
		} else {
			w.a.Contexts[n] = URLLabel
		}
	case usPath:
		if needName("path") {
			w.a.Contexts[n] = URLPath
		}
	case usQuery:
		w.a.Contexts[n] = URLQuery
		p.query += "\x00" // a value in a key makes the key unknown to the literal scan
	case usFragment:
		w.a.Contexts[n] = URLFragment
	}
	return p
}

func (w *urlWalk) ifNode(n *If, p urlPos) urlPos {
	var ends []urlPos
	fork := func(body []Node) {
		q := p
		q.hosts = slices.Clone(p.hosts)
		q.pending = slices.Clone(p.pending)
		ends = append(ends, w.nodes(body, q))
	}
	for _, b := range n.Branches {
		fork(b.Body)
	}
	fork(n.Else) // no else: the empty body
	if w.err != nil {
		return p
	}
	out := urlPos{st: ends[0].st, query: ends[0].query}
	for _, e := range ends {
		if e.st != out.st {
			w.fail(n.Offset, "the branches of this if end in different parts of the URL ("+urlStateNames[out.st]+" and "+urlStateNames[e.st]+"), so the values after it could not be escaped for one")
			return p
		}
		if e.query != out.query {
			out.query = "\x00" // different literal keys: none is known
		}
		out.hosts = append(out.hosts, e.hosts...)
		for _, o := range e.pending {
			if w.a.Contexts[o] != URLLabel && !slices.Contains(out.pending, o) {
				out.pending = append(out.pending, o)
			}
		}
	}
	slices.Sort(out.hosts)
	out.hosts = slices.Compact(out.hosts)
	if len(out.hosts) > maxHosts {
		w.fail(n.Offset, "too many different hosts: split the template's if-branches")
		return p
	}
	return out
}
