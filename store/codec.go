package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// Encode returns the bytes a store keeps for t under key: the runtime's lossless
// token encoding (runtime.MarshalToken, which keeps Extra values), sealed by c
// when c is not nil.
func Encode(c Cipher, key string, t *oauth2.Token) ([]byte, error) {
	if t == nil {
		return nil, fmt.Errorf("store: saving key %q: nil token", key)
	}
	b, err := runtime.MarshalToken(t)
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
	t, err := runtime.UnmarshalToken(b)
	if err != nil {
		return nil, fmt.Errorf("store: decoding token for key %q: stored bytes are not a token (%d bytes; sealed by a store with a cipher?)", key, len(b))
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
