package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// marshalToken and unmarshalToken are the one place where the encoding of a token
// at rest is chosen.
var (
	marshalToken   = placeholderMarshal
	unmarshalToken = placeholderUnmarshal
)

type placeholderToken struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	ExpiresIn    int64     `json:"expires_in,omitempty"`
}

func placeholderMarshal(t *oauth2.Token) ([]byte, error) {
	return json.Marshal(placeholderToken{t.AccessToken, t.TokenType, t.RefreshToken, t.Expiry, t.ExpiresIn})
}

func placeholderUnmarshal(b []byte) (*oauth2.Token, error) {
	var p placeholderToken
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, errors.New("not a token encoding")
	}
	return &oauth2.Token{AccessToken: p.AccessToken, TokenType: p.TokenType, RefreshToken: p.RefreshToken, Expiry: p.Expiry, ExpiresIn: p.ExpiresIn}, nil
}

// Encode returns the bytes a store keeps for t under key: the runtime's lossless
// token encoding, sealed by c when c is not nil.
func Encode(c Cipher, key string, t *oauth2.Token) ([]byte, error) {
	if t == nil {
		return nil, fmt.Errorf("store: saving key %q: nil token", key)
	}
	b, err := marshalToken(t)
	if err != nil {
		return nil, fmt.Errorf("store: encoding token for key %q: %w", key, err)
	}
	if c == nil {
		return b, nil
	}
	sealed, err := c.Seal(b, []byte(key))
	if err != nil {
		return nil, fmt.Errorf("store: encrypting token for key %q: %w", key, err)
	}
	return sealed, nil
}

// Decode reverses Encode. Its errors name the key, never the content.
func Decode(c Cipher, key string, b []byte) (*oauth2.Token, error) {
	if c != nil {
		plain, err := c.Open(b, []byte(key))
		if err != nil {
			return nil, fmt.Errorf("store: reading token for key %q: %w", key, err)
		}
		b = plain
	}
	t, err := unmarshalToken(b)
	if err != nil {
		return nil, fmt.Errorf("store: decoding token for key %q: stored bytes are not a token (%d bytes)", key, len(b))
	}
	return t, nil
}

// Fingerprint identifies a token by its access token without revealing it: the
// hex SHA-256 of the access token, or "" for nil. Stores keep it beside the
// (possibly encrypted) token so that compare-and-swap works on sealed data.
func Fingerprint(t *oauth2.Token) string {
	if t == nil {
		return ""
	}
	sum := sha256.Sum256([]byte(t.AccessToken))
	return hex.EncodeToString(sum[:])
}
