// Package registry builds the client of every generated package in generated/ by
// connector file, so that one test binary can run all of them: the end-to-end test in
// generated/ and the differential test in internal/difftest both use it.
//
// clients.go is written by internal/cmd/generate-registry, run with generated/ by
// `make generate` (or go generate ./generated); a test there fails when it is stale.
// This file is hand-written.
package registry

import (
	"crypto"
	"crypto/tls"
	"fmt"
	"reflect"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// Config is what Clients builds a generated client from.
type Config struct {
	ClientID     string
	ClientSecret runtime.Secret
	RedirectURL  string
	// PrivateKey, KeyID and Certificate are the credentials of the connectors that
	// authenticate with a key or a certificate; SetKeys copies them into the
	// generated Configs that have such fields.
	PrivateKey  crypto.Signer
	KeyID       string
	Certificate *tls.Certificate

	// Model is the connector's model: SetParams reads the Go names of its
	// parameters from it.
	Model *model.Connector
	// Params are the auth_form values by name, typed as model.CheckParams returns
	// them.
	Params map[string]any
}

// SetKeys copies PrivateKey, KeyID and Certificate into the fields of the same
// names of dst, a pointer to a generated Config, that it has (a connector's Config
// has only the credential it uses).
func (c Config) SetKeys(dst any) {
	v := reflect.ValueOf(dst).Elem()
	for name, val := range map[string]any{"PrivateKey": c.PrivateKey, "KeyID": c.KeyID, "Certificate": c.Certificate} {
		if f := v.FieldByName(name); f.IsValid() && val != nil && reflect.ValueOf(val).IsValid() {
			f.Set(reflect.ValueOf(val).Convert(f.Type()))
		}
	}
}

// SetParams fills dst, a pointer to a generated Params struct, from c.Params by the
// Go field names the model decided.
func (c Config) SetParams(dst any) error {
	if c.Model == nil {
		return fmt.Errorf("registry: Config has no Model to name the fields of %T", dst)
	}
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("registry: SetParams needs a pointer to a Params struct, not %T", dst)
	}
	v = v.Elem()
	type field struct{ name, goName string } // auth_form name, Go field name
	var fields []field
	for _, p := range c.Model.Params {
		fields = append(fields, field{p.Name, p.GoName})
	}
	if c.Model.EndUserCredentials() {
		// The end user's own client credentials are Params fields there (and the
		// generated New refuses Config's).
		fields = append(fields, field{"client_id", "ClientID"}, field{"client_secret", "ClientSecret"})
	}
	for _, fd := range fields {
		name, goName := fd.name, fd.goName
		val, ok := c.Params[name]
		if !ok {
			continue
		}
		f := v.FieldByName(goName)
		if !f.IsValid() {
			return fmt.Errorf("Params has no field %s", goName)
		}
		if x, ok := val.(runtime.Secret); ok {
			val = string(x)
		}
		switch x := val.(type) {
		case string:
			if f.Kind() != reflect.String {
				return fmt.Errorf("%s: a string for field %s of type %s", name, goName, f.Type())
			}
			f.SetString(x)
		case int:
			if !f.CanInt() {
				return fmt.Errorf("%s: an int for field %s of type %s", name, goName, f.Type())
			}
			f.SetInt(int64(x))
		case bool:
			switch {
			case f.Kind() == reflect.Bool:
				f.SetBool(x)
			case f.Type() == reflect.TypeFor[*bool]():
				f.Set(reflect.ValueOf(&x))
			default:
				return fmt.Errorf("%s: a bool for field %s of type %s", name, goName, f.Type())
			}
		default:
			return fmt.Errorf("%s: unexpected value type %T", name, val)
		}
	}
	return nil
}
