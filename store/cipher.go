// Package store holds what the shared token stores (store/redisstore and
// store/pgstore, each its own Go module) have in common: the encoding of tokens at
// rest, the optional encryption of that encoding, a per-process gate that lets one
// goroutine per key compete for a distributed lease, and a short-lived read cache.
//
// The stores themselves live in separate modules so that the runtime keeps no
// database dependency; this package depends only on the runtime and the standard
// library.
package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Cipher seals the encoded token before a store writes it and opens it after a
// store reads it, so that refresh tokens are not kept in clear. The additional data
// is the store key: a sealed token copied to another key does not open.
type Cipher interface {
	// Seal encrypts and authenticates plaintext, binding it to additionalData.
	Seal(plaintext, additionalData []byte) ([]byte, error)
	// Open reverses Seal; it fails when the ciphertext or additionalData was altered.
	Open(ciphertext, additionalData []byte) ([]byte, error)
}

// aesGCM is the standard library's AES-GCM with a random 96-bit nonce per message,
// stored in front of the ciphertext.
type aesGCM struct {
	aead cipher.AEAD
}

// NewAESGCM returns a Cipher using AES-GCM with the given key, which must be 16,
// 24 or 32 bytes long (AES-128, AES-192 or AES-256). Keep the key outside the
// database the tokens are stored in.
func NewAESGCM(key []byte) (Cipher, error) {
	switch len(key) {
	case 16, 24, 32:
	default:
		return nil, fmt.Errorf("store: AES-GCM key is %d bytes long, want 16, 24 or 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: AES-GCM key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("store: AES-GCM: %w", err)
	}
	return &aesGCM{aead: aead}, nil
}

// Seal implements Cipher.
func (c *aesGCM) Seal(plaintext, additionalData []byte) ([]byte, error) {
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plaintext)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("store: AES-GCM nonce: %w", err)
	}
	return c.aead.Seal(nonce, nonce, plaintext, additionalData), nil
}

// errOpen is returned for every ciphertext that does not open, without detail.
var errOpen = errors.New("store: stored token does not decrypt with this key (wrong key, or altered or unencrypted data)")

// Open implements Cipher.
func (c *aesGCM) Open(ciphertext, additionalData []byte) ([]byte, error) {
	n := c.aead.NonceSize()
	if len(ciphertext) < n+c.aead.Overhead() {
		return nil, errOpen
	}
	plain, err := c.aead.Open(nil, ciphertext[:n], ciphertext[n:], additionalData)
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}

// String keeps the key out of any printout.
func (c *aesGCM) String() string { return "store.AESGCM{key:redacted}" }

// GoString keeps the key out of %#v.
func (c *aesGCM) GoString() string { return c.String() }
