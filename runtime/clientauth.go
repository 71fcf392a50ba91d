package runtime

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"time"
)

// clientAssertionType is the client_assertion_type of a JWT client assertion (RFC
// 7523 2.2).
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is how long a client assertion is valid: long enough for clock
// skew and a slow token endpoint, short enough that a copy is soon worthless (each
// carries a fresh jti, which servers accept once).
const assertionLifetime = 2 * time.Minute

// addKeyAuth completes the client authentication of the flows that prove the client
// with a key instead of a secret: private_key_jwt adds a signed client assertion;
// tls_client_auth adds nothing, since the certificate is presented by the transport
// (tokenHTTPClient). A failure is kept in tc.err, which the request returns.
func (c *Client) addKeyAuth(tc *tokenCall) {
	if c.flow.ClientAuth != AuthPrivateKeyJWT {
		return
	}
	aud := c.flow.AssertionAudience
	if aud.IsZero() {
		aud = c.flow.TokenURL
	}
	jwt, err := c.clientAssertion(stripQuery(aud.Render(tc.vars)))
	if err != nil {
		tc.err = c.newTokenError(tc.op, 0, "", "", "private_key_jwt: "+err.Error(), err)
		return
	}
	tc.params.set("client_assertion_type", clientAssertionType)
	tc.params.set("client_assertion", jwt)
	tc.sec.add(jwt)
}

// assertionClaims are the claims of a client assertion (RFC 7523 3, OpenID Connect
// Core 9), in the order they are encoded.
type assertionClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	ID       string `json:"jti"`
	IssuedAt int64  `json:"iat"`
	Expiry   int64  `json:"exp"`
}

// clientAssertion returns a compact JWS of the claims iss = sub = the client id,
// aud, a random jti, iat now and exp shortly after, signed with the private key.
func (c *Client) clientAssertion(aud string) (string, error) {
	key := c.creds.PrivateKey
	if key == nil {
		return "", errors.New("the credentials have no private key")
	}
	alg, err := assertionAlg(key.Public(), c.flow.AssertionAlg)
	if err != nil {
		return "", err
	}
	now := c.now()
	claims, err := json.Marshal(assertionClaims{
		Issuer: c.creds.ClientID, Subject: c.creds.ClientID, Audience: aud, ID: rand.Text(),
		IssuedAt: now.Unix(), Expiry: now.Add(assertionLifetime).Unix(),
	})
	if err != nil {
		return "", err
	}
	header, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid,omitempty"`
	}{alg, "JWT", c.creds.KeyID})
	if err != nil {
		return "", err
	}
	return signJWS(key, alg, header, claims)
}

// assertionAlg is the JWS algorithm for a key: want when the key can make it, else
// the key type's own (RS256 for RSA, ES256 for P-256).
func assertionAlg(pub crypto.PublicKey, want string) (string, error) {
	var have []string
	switch k := pub.(type) {
	case *rsa.PublicKey:
		have = []string{"RS256", "PS256"}
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			have = []string{"ES256"}
		}
	}
	if len(have) == 0 {
		return "", errors.New("the private key must be RSA or ECDSA on P-256 (RS256, PS256, ES256)")
	}
	if want == "" {
		return have[0], nil
	}
	for _, a := range have {
		if a == want {
			return a, nil
		}
	}
	return "", errors.New("the connector signs with " + want + ", which the private key cannot make (it makes " + have[0] + ")")
}

// signJWS returns the compact serialization of a JWS (RFC 7515 7.1) of payload with
// header, signed by key with alg. ES256 signatures are R||S, 32 bytes each (RFC 7518
// 3.4), not the ASN.1 form crypto.Signer returns.
func signJWS(key crypto.Signer, alg string, header, payload []byte) (string, error) {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(input))
	var opts crypto.SignerOpts = crypto.SHA256
	if alg == "PS256" {
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	}
	sig, err := key.Sign(rand.Reader, digest[:], opts)
	if err != nil {
		return "", errors.New("signing failed: " + err.Error())
	}
	if alg == "ES256" {
		var rs struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) > 0 || rs.R == nil || rs.S == nil || rs.R.BitLen() > 256 || rs.S.BitLen() > 256 {
			return "", errors.New("the signer returned an ECDSA signature that is not ASN.1 (r, s)")
		}
		sig = make([]byte, 64)
		rs.R.FillBytes(sig[:32])
		rs.S.FillBytes(sig[32:])
	}
	return input + "." + enc.EncodeToString(sig), nil
}
