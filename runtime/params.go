package runtime

import (
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// param is one request parameter; params keeps request order.
type param struct{ k, v string }

type params []param

// set replaces the value of k in place, or appends k.
func (p *params) set(k, v string) {
	for i := range *p {
		if (*p)[i].k == k {
			(*p)[i].v = v
			return
		}
	}
	*p = append(*p, param{k, v})
}

func (p params) get(k string) (string, bool) {
	for _, x := range p {
		if x.k == k {
			return x.v, true
		}
	}
	return "", false
}

func (p *params) del(k string) {
	q := (*p)[:0]
	for _, x := range *p {
		if x.k != k {
			q = append(q, x)
		}
	}
	*p = q
}

// appendForm appends p form-encoded (application/x-www-form-urlencoded).
func (p params) appendForm(b []byte) []byte {
	for i, x := range p {
		if i > 0 {
			b = append(b, '&')
		}
		b = appendQueryEscape(b, x.k)
		b = append(b, '=')
		b = appendQueryEscape(b, x.v)
	}
	return b
}

// appendJSON appends p as a JSON object of strings.
func (p params) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, x := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, x.k)
		b = append(b, ':')
		b = appendJSONString(b, x.v)
	}
	return append(b, '}')
}

func shouldEscape(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return false
	}
	switch c {
	case '-', '_', '.', '~':
		return false
	}
	return true
}

// appendQueryEscape is url.QueryEscape appending to b.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b = append(b, '+')
		case shouldEscape(c):
			b = append(b, '%', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendJSONString appends s as a JSON string (invalid UTF-8 becomes U+FFFD, as
// encoding/json does).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				switch c {
				case '\n':
					b = append(b, '\\', 'n')
				case '\r':
					b = append(b, '\\', 'r')
				case '\t':
					b = append(b, '\\', 't')
				default:
					b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
				}
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&15])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// optionValues renders AuthCodeOptions into parameters. AuthCodeOption's method is
// unexported, so the options are applied by oauth2.Config.AuthCodeURL on an empty
// endpoint and read back from the query. The defaults that AuthCodeURL adds itself
// (response_type=code and an empty client_id) are told apart from options that set
// them with a sentinel client id.
func optionValues(opts []oauth2.AuthCodeOption) params {
	if len(opts) == 0 {
		return nil
	}
	cfg := oauth2.Config{ClientID: optionSentinel}
	raw := cfg.AuthCodeURL("", opts...)
	q, err := url.ParseQuery(strings.TrimPrefix(raw, "?"))
	if err != nil {
		return nil
	}
	if q.Get("client_id") == optionSentinel {
		delete(q, "client_id")
	}
	if q.Get("response_type") == "code" {
		// Indistinguishable from AuthCodeURL's default; flows set their own.
		delete(q, "response_type")
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	p := make(params, 0, len(keys))
	for _, k := range keys {
		p = append(p, param{k, q.Get(k)})
	}
	return p
}

const optionSentinel = "\x00oauthgen-unset\x00"

// urlWithParams appends p to the query of base, after a '?' or '&' as base needs. It
// adds every parameter of p: callers leave out the keys base already has (queryHas).
func urlWithParams(base string, p params) string {
	if len(p) == 0 {
		return base
	}
	b := make([]byte, 0, len(base)+64*len(p))
	b = append(b, base...)
	switch {
	case strings.HasSuffix(base, "?") || strings.HasSuffix(base, "&"):
	case strings.Contains(base, "?"):
		b = append(b, '&')
	default:
		b = append(b, '?')
	}
	return string(p.appendForm(b))
}

// queryHas reports whether the query of rawURL has key k.
func queryHas(rawURL, k string) bool {
	i := strings.IndexByte(rawURL, '?')
	if i < 0 {
		return false
	}
	q, _ := url.ParseQuery(rawURL[i+1:])
	_, ok := q[k]
	return ok
}
