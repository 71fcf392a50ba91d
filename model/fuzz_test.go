package model

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/schema"
)

// FuzzResolve: any connector the loader accepts resolves without panicking, or with
// an error naming a JSON pointer; a resolved connector gives a flow for default
// values, and its templates render.
func FuzzResolve(f *testing.F) {
	f.Add([]byte(`{"name": "X", "oauth2": {"config": {"step1_authorize_url": "https://a.example/", "step3_access_url": "https://a.example/t"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := schema.Parse("fuzz.json", data)
		if err != nil {
			return
		}
		m, err := Resolve(c)
		if err != nil {
			return
		}
		params, err := m.CheckParams(nil)
		if err != nil {
			return // a required value is missing
		}
		fl := m.Flow(Values{Params: params, ClientID: "id", RedirectURL: "https://app.example/cb"})
		v := &runtime.Vars{State: "s", Token: "t", Callback: map[string]string{}, Credentials: map[string]string{}}
		fl.AuthorizeURL.Render(v)
		fl.TokenURL.Render(v)
		fl.API.Value.Render(v)
		for _, a := range append(append(fl.AuthorizeArgs, fl.ExchangeArgs...), fl.RefreshArgs...) {
			a.Value.Render(v)
		}
		if m.BaseURL != nil {
			m.Render(m.BaseURL, Values{Params: params, ClientID: "id"}, v)
		}
	})
}
