package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// tokenRaw returns a copy of a token's Extra values (its unexported raw field): a
// map[string]any, url.Values (tokens from golang.org/x/oauth2 form responses), or
// nil. Token offers no way to list its Extra keys, so the field is read with
// reflection, which works for any token whatever produced it.
func tokenRaw(t *oauth2.Token) any {
	if t == nil {
		return nil
	}
	f := reflect.ValueOf(t).Elem().FieldByName("raw")
	if !f.IsValid() || f.IsNil() {
		return nil
	}
	e := f.Elem()
	if e.Type() == reflect.TypeFor[url.Values]() {
		q := make(url.Values, e.Len())
		it := e.MapRange()
		for it.Next() {
			vs := it.Value()
			s := make([]string, vs.Len())
			for i := range s {
				s[i] = vs.Index(i).String()
			}
			q[it.Key().String()] = s
		}
		return q
	}
	return copyValue(e)
}

// copyValue copies a read-only reflected JSON-like value into a plain value.
func copyValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return copyValue(v.Elem())
	case reflect.String:
		if v.Type() == reflect.TypeFor[json.Number]() {
			return json.Number(v.String())
		}
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		m := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			k := it.Key()
			if k.Kind() != reflect.String {
				continue
			}
			m[k.String()] = copyValue(it.Value())
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		s := make([]any, v.Len())
		for i := range s {
			s[i] = copyValue(v.Index(i))
		}
		return s
	}
	return nil
}

// wireToken is the storage encoding of a token.
type wireToken struct {
	AccessToken  string         `json:"access_token"`
	TokenType    string         `json:"token_type,omitempty"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	Expiry       *time.Time     `json:"expiry,omitempty"`
	ExpiresIn    int64          `json:"expires_in,omitempty"`
	Extra        map[string]any `json:"extra,omitempty"`
	ExtraForm    url.Values     `json:"extra_form,omitempty"`
}

// MarshalToken encodes a token for a TokenStore, keeping what json.Marshal of an
// oauth2.Token loses: its Extra values (response fields, metadata, callback values).
// UnmarshalToken reverses it.
func MarshalToken(t *oauth2.Token) ([]byte, error) {
	if t == nil {
		return nil, fmt.Errorf("oauthgen: MarshalToken: nil token")
	}
	if !utf8.ValidString(t.AccessToken) || !utf8.ValidString(t.RefreshToken) || !utf8.ValidString(t.TokenType) {
		return nil, fmt.Errorf("oauthgen: MarshalToken: the token is not valid UTF-8 and cannot be encoded losslessly")
	}
	w := wireToken{AccessToken: t.AccessToken, TokenType: t.TokenType, RefreshToken: t.RefreshToken, ExpiresIn: t.ExpiresIn}
	if !t.Expiry.IsZero() {
		e := t.Expiry.Round(0)
		w.Expiry = &e
	}
	switch r := tokenRaw(t).(type) {
	case map[string]any:
		w.Extra = r
	case url.Values:
		w.ExtraForm = r
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&w); err != nil {
		return nil, fmt.Errorf("oauthgen: MarshalToken: the token's extra values cannot be encoded as JSON")
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalToken decodes a token encoded by MarshalToken. Its error never quotes the
// data.
func UnmarshalToken(data []byte) (*oauth2.Token, error) {
	var w wireToken
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("oauthgen: UnmarshalToken: not an encoded token (%d bytes)", len(data))
	}
	t := oauth2.Token{AccessToken: w.AccessToken, TokenType: w.TokenType, RefreshToken: w.RefreshToken, ExpiresIn: w.ExpiresIn}
	if w.Expiry != nil {
		t.Expiry = *w.Expiry
	}
	switch {
	case w.ExtraForm != nil:
		return t.WithExtra(w.ExtraForm), nil
	case w.Extra != nil:
		return t.WithExtra(w.Extra), nil
	}
	return &t, nil
}

// reservedPrefix begins the names of the Extra values the runtime itself keeps with
// a token: oauthgen_values and oauthgen_reauth of a connection, and
// oauthgen_refresh_token_expiry.
const reservedPrefix = "oauthgen_"

// ownExtra reports whether name is an Extra value that the runtime sets and a
// provider's answer must not: a reserved name, or one of the flow's callback values
// (Zoho's accounts_server, where the token is refreshed). A connection rebuilds its
// client and picks its token endpoint from these, so a token or userinfo response
// that set one could re-target the next request.
func (c *Client) ownExtra(name string) bool {
	if strings.HasPrefix(name, reservedPrefix) {
		return true
	}
	for _, f := range c.flow.CallbackParams {
		if f.Name == name {
			return true
		}
	}
	return false
}

// mergeToken keeps old's refresh token when next has none, and old's Extra values
// that next does not replace. The runtime's own values (ownExtra) are old's whatever
// next holds, but for the refresh token's expiry, which next records when its
// response issued a new one.
func (c *Client) mergeToken(old, next *oauth2.Token) *oauth2.Token {
	if old == nil {
		return next
	}
	oldExtra, _ := extraMap(old)
	newExtra, _ := extraMap(next)
	t := *next
	if t.RefreshToken == "" {
		t.RefreshToken = old.RefreshToken
	}
	merged := make(map[string]any, len(oldExtra)+len(newExtra))
	for k, v := range oldExtra {
		merged[k] = v
	}
	for k, v := range newExtra {
		if k == refreshExpiryKey || !c.ownExtra(k) {
			merged[k] = v
		}
	}
	if old.RefreshToken != "" && next.RefreshToken == "" {
		// The response's own "refresh_token" field was absent; keep the map consistent.
		if _, ok := merged["refresh_token"]; ok {
			merged["refresh_token"] = t.RefreshToken
		}
	}
	return t.WithExtra(merged)
}

// extraMap returns a token's Extra values as a map.
func extraMap(t *oauth2.Token) (map[string]any, bool) {
	if t == nil {
		return nil, false
	}
	raw := tokenRaw(t)
	switch r := raw.(type) {
	case map[string]any:
		return r, true
	case url.Values:
		m := make(map[string]any, len(r))
		for k, v := range r {
			if len(v) > 0 {
				m[k] = v[0]
			}
		}
		return m, true
	}
	return nil, false
}
