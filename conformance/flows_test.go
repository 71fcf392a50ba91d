package conformance

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
)

// fositeFlow builds the runtime.Flow of a fosite connector by hand, as the generator
// resolves testdata/<c.file>.
func fositeFlow(t testing.TB, s *fositeServer, c fositeCase) *runtime.Flow {
	t.Helper()
	f := &runtime.Flow{
		Connector:  "Fosite",
		Grant:      c.grant,
		TokenURL:   runtime.String(s.TokenURL()),
		RevokeURL:  runtime.String(s.RevokeURL()),
		ClientAuth: c.auth,
		PKCE:       c.pkce,
		API:        runtime.APIAuth{HeaderKey: "Authorization", Value: runtime.Func(func(v *runtime.Vars) string { return "Bearer " + v.Token })},
	}
	if c.grant == runtime.AuthorizationCode {
		f.AuthorizeURL = runtime.String(s.AuthURL())
		f.AuthorizeArgs = []runtime.Arg{{Key: "response_type", Value: runtime.String("code")}, {Key: "scope", Value: runtime.String("read offline")}}
	} else {
		f.ExchangeArgs = []runtime.Arg{{Key: "scope", Value: runtime.String("read")}}
	}
	return f
}
