package store

import (
	"encoding/base64"
	"fmt"

	"golang.org/x/oauth2"
)

// EncodePending returns the record a store keeps for the pending authorization data
// under id (runtime.TokenStore.SavePending): sealed like a token's record (it holds a
// PKCE verifier), with "pending:"+id as its store key, so that it opens under that id
// only.
func EncodePending(c *Codec, id string, data []byte) ([]byte, error) {
	return c.Encode(pendingKey(id), &oauth2.Token{AccessToken: base64.RawURLEncoding.EncodeToString(data)})
}

// DecodePending reverses EncodePending.
func DecodePending(c *Codec, id string, rec []byte) ([]byte, error) {
	t, err := c.Decode(pendingKey(id), rec)
	if err != nil {
		return nil, err
	}
	data, err := base64.RawURLEncoding.DecodeString(t.AccessToken)
	if err != nil {
		return nil, fmt.Errorf("store: a pending authorization's record holds no pending authorization")
	}
	return data, nil
}

func pendingKey(id string) string { return "pending:" + id }
