package generator

import (
	"github.com/dave/jennifer/jen"
	"github.com/oauthgen/oauthgen/runtime"
)

// keyFields are the Config fields of the credential that replaces the client secret
// in private_key_jwt and tls_client_auth flows. Connectors that use a secret have
// none, so their Config does not change. The fields are tagged json:"-": a Config
// encoded for a log carries no key.
func keyFields(auth runtime.ClientAuth) []jen.Code {
	switch auth {
	case runtime.AuthPrivateKeyJWT:
		return []jen.Code{
			jen.Comment("PrivateKey signs the client assertions (private_key_jwt, RFC 7523): an"),
			jen.Comment("*rsa.PrivateKey, an *ecdsa.PrivateKey on P-256, or a KMS or HSM key behind"),
			jen.Comment("crypto.Signer. Its public key is registered with the provider. Required."),
			jen.Id("PrivateKey").Qual("crypto", "Signer").Tag(map[string]string{"json": "-"}),
			jen.Line(),
			jen.Comment("KeyID is the key id (kid) the provider knows the public key by; empty: none."),
			jen.Id("KeyID").String().Tag(map[string]string{"json": "-"}),
			jen.Line(),
		}
	case runtime.AuthTLS:
		return []jen.Code{
			jen.Comment("Certificate is the TLS client certificate registered with the provider"),
			jen.Comment("(tls_client_auth, RFC 8705), presented to its token and revocation endpoints."),
			jen.Comment("Nil: the HTTP client's transport presents one itself."),
			jen.Id("Certificate").Op("*").Qual("crypto/tls", "Certificate").Tag(map[string]string{"json": "-"}),
			jen.Line(),
		}
	}
	return nil
}

// keyCredentials are the runtime.Credentials fields New fills from keyFields.
func keyCredentials(auth runtime.ClientAuth) []jen.Code {
	switch auth {
	case runtime.AuthPrivateKeyJWT:
		return []jen.Code{
			field("PrivateKey", jen.Id("cfg").Dot("PrivateKey")),
			field("KeyID", jen.Id("cfg").Dot("KeyID")),
		}
	case runtime.AuthTLS:
		return []jen.Code{field("Certificate", jen.Id("cfg").Dot("Certificate"))}
	}
	return nil
}
