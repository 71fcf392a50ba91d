package difftest_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/internal/registry"
)

// Where one dynamic type cannot have the signature of every generated package, it
// has a documented stand-in.
var standIn = map[string]string{
	"BaseURL(*oauth2.Token) string":                   "BaseURLFor",  // a base URL that reads the token
	"TokenSource(context.Context) oauth2.TokenSource": "TokenSource", // client credentials: nil token
	"HTTPClient(context.Context) *http.Client":        "HTTPClient",  // client credentials: nil token
	"Metadata(*oauth2.Token) " + "TokenMetadata":      "Metadata",    // a map by field name
}

// signature renders a method type without its receiver, with the generated package's
// own types by bare name.
func signature(name string, t reflect.Type, skipRecv int) string {
	s := name + "("
	for i := skipRecv; i < t.NumIn(); i++ {
		if i > skipRecv {
			s += ", "
		}
		if t.IsVariadic() && i == t.NumIn()-1 {
			s += "..." + t.In(i).Elem().String()
		} else {
			s += t.In(i).String()
		}
	}
	s += ")"
	var outs []string
	for i := 0; i < t.NumOut(); i++ {
		o := t.Out(i)
		if o.Name() == "TokenMetadata" {
			outs = append(outs, "TokenMetadata")
		} else if o.Kind() == reflect.Pointer && o.Elem().Name() == "Connections" && o.Elem().PkgPath() != "github.com/oauthgen/oauthgen/runtime" {
			outs = append(outs, "*Connections") // the package's own, with its typed Begin
		} else {
			outs = append(outs, o.String())
		}
	}
	switch len(outs) {
	case 0:
	case 1:
		s += " " + outs[0]
	default:
		s += " ("
		for i, o := range outs {
			if i > 0 {
				s += ", "
			}
			s += o
		}
		s += ")"
	}
	return s
}

// TestDynamicHasEveryGeneratedMethod: whatever method a generated package has, the
// dynamic client has it with the same signature (or its documented stand-in), so code
// written against a generated package moves to connectors kept as data.
func TestDynamicHasEveryGeneratedMethod(t *testing.T) {
	dyn := reflect.TypeOf(&dynamic.Client{})
	seen := map[string]bool{}
	key, _ := e2e.ClientKey(t)
	for file, newGen := range registry.Clients {
		m := e2e.Load(t, "../../"+file)
		c, err := newGen(registry.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, PrivateKey: key, Model: m, Params: paramSets(m)[0]})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		gt := reflect.TypeOf(c)
		for i := 0; i < gt.NumMethod(); i++ {
			gm := gt.Method(i)
			sig := signature(gm.Name, gm.Type, 1)
			if seen[sig] {
				continue
			}
			seen[sig] = true
			name := gm.Name
			if s, ok := standIn[sig]; ok {
				name = s
			}
			dm, ok := dyn.MethodByName(name)
			if !ok {
				t.Errorf("%s has %s; dynamic.Client has no %s", file, sig, name)
				continue
			}
			if _, ok := standIn[sig]; ok {
				continue
			}
			if ds := signature(dm.Name, dm.Type, 1); ds != sig {
				t.Errorf("%s has %s; dynamic.Client has %s", file, sig, ds)
			}
		}
	}
	var sigs []string
	for s := range seen {
		sigs = append(sigs, s)
	}
	sort.Strings(sigs)
	if len(sigs) < 10 {
		t.Errorf("only %d generated method signatures seen: %v", len(sigs), sigs)
	}
}
