package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/store"
	"github.com/oauthgen/oauthgen/store/storetest"
)

func codec(t *testing.T, keys *store.Keyring) *store.Codec {
	t.Helper()
	c, err := store.NewCodec(keys, keys == nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func token(access string) *oauth2.Token {
	return (&oauth2.Token{AccessToken: access, RefreshToken: "rt-" + access, TokenType: "Bearer", Expiry: time.Unix(1800000000, 0)}).
		WithExtra(map[string]any{"instance_url": "https://x.test"})
}

func TestNewKeyring(t *testing.T) {
	good := store.Key{ID: 1, Secret: storetest.Secret(1)}
	for _, tc := range []struct {
		name    string
		current store.Key
		older   []store.Key
		want    string
	}{
		{"id 0", store.Key{ID: 0, Secret: storetest.Secret(1)}, nil, "the current key has id 0"},
		{"short", store.Key{ID: 3, Secret: make([]byte, 16)}, nil, "key id 3 (the current key): secret is 16 bytes long, want 32"},
		{"older long", good, []store.Key{{ID: 2, Secret: make([]byte, 33)}}, "key id 2 (older key 1 of 1): secret is 33 bytes long"},
		{"twice", good, []store.Key{{ID: 2, Secret: storetest.Secret(2)}, {ID: 1, Secret: storetest.Secret(3)}}, "key id 1 (older key 2 of 2) is given twice"},
	} {
		_, err := store.NewKeyring(tc.current, tc.older...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to say %q", tc.name, err, tc.want)
		}
	}
	secret := storetest.Secret(2)
	r, err := store.NewKeyring(store.Key{ID: 2, Secret: secret}, good)
	if err != nil {
		t.Fatal(err)
	}
	if r.Current() != 2 || len(r.IDs()) != 2 || r.IDs()[0] != 2 || r.IDs()[1] != 1 {
		t.Fatalf("Current %d, IDs %v; want 2, [2 1]", r.Current(), r.IDs())
	}
	// The keyring does not keep the caller's slice: clearing it changes nothing.
	c := codec(t, r)
	rec, err := c.Encode("k", token("a"))
	if err != nil {
		t.Fatal(err)
	}
	clear(secret)
	if _, err := c.Decode("k", rec); err != nil {
		t.Fatalf("Decode after the caller cleared its secret: %v", err)
	}
}

func TestNewCodec(t *testing.T) {
	_, err := store.NewCodec(nil, false)
	if err == nil || !strings.Contains(err.Error(), "WithKeys(") || !strings.Contains(err.Error(), "WithPlaintextTokens()") {
		t.Fatalf("no keys, no opt-out: err = %v, want one naming both options", err)
	}
	if _, err := store.NewCodec(&store.Keyring{}, false); err == nil {
		t.Fatal("a zero Keyring was taken for keys")
	}
	if _, err := store.NewCodec(storetest.Keyring(t, 1), true); err == nil || !strings.Contains(err.Error(), "choose one") {
		t.Fatalf("keys and plaintext: err = %v", err)
	}
	if !codec(t, nil).Plaintext() || codec(t, storetest.Keyring(t, 1)).Plaintext() {
		t.Fatal("Plaintext reports the wrong mode")
	}
	// The zero Codec does not fall back to keeping tokens in clear.
	var zero store.Codec
	if rec, err := zero.Encode("k", token("at-zero")); err == nil || rec != nil {
		t.Fatalf("the zero Codec encoded a token (%d bytes)", len(rec))
	}
	plainRec, _ := codec(t, nil).Encode("k", token("at-zero"))
	if _, err := zero.Decode("k", plainRec); err == nil || !strings.Contains(err.Error(), "NewCodec") {
		t.Fatalf("the zero Codec decoding: err = %v", err)
	}
}

func TestCodecRoundTrip(t *testing.T) {
	tok := token("at-1")
	for name, c := range map[string]*store.Codec{"in clear": codec(t, nil), "sealed": codec(t, storetest.Keyring(t, 1))} {
		rec, err := c.Encode("key", tok)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rec[0] != store.RecordVersion {
			t.Fatalf("%s: version %d", name, rec[0])
		}
		if sealed := !c.Plaintext(); sealed == bytes.Contains(rec, []byte("rt-at-1")) {
			t.Fatalf("%s: refresh token in clear: %v", name, !sealed)
		}
		got, err := c.Decode("key", rec)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.AccessToken != "at-1" || got.RefreshToken != "rt-at-1" || !got.Expiry.Equal(tok.Expiry) || got.Extra("instance_url") != "https://x.test" {
			t.Fatalf("%s: token changed on the way", name)
		}
	}
	c := codec(t, storetest.Keyring(t, 1))
	a, _ := c.Encode("key", tok)
	b, _ := c.Encode("key", tok)
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same token are equal: the nonce is not fresh")
	}
	if _, err := c.Encode("key", nil); err == nil {
		t.Fatal("Encode of a nil token succeeded")
	}
}

// TestCodecRotation: a record sealed under key 1 opens after rotating to key 2,
// and is sealed under key 2 when saved again; the fingerprints let the save's
// compare-and-swap match the record written before the rotation.
func TestCodecRotation(t *testing.T) {
	tok := token("at-rotate")
	old := codec(t, storetest.Keyring(t, 1))
	rec1, _ := old.Encode("k", tok)
	rotated := codec(t, storetest.Keyring(t, 2, 1))
	got, err := rotated.Decode("k", rec1)
	if err != nil {
		t.Fatalf("Decode after rotation: %v", err)
	}
	if got.RefreshToken != tok.RefreshToken {
		t.Fatal("token changed across the rotation")
	}
	fps := rotated.Fingerprints(got)
	if len(fps) != 2 || fps[1] != old.Fingerprint(tok) || !strings.HasPrefix(fps[0], "2:") {
		t.Fatalf("Fingerprints after rotation: %v, want the key 2 one first and the key 1 one (%s)", fps, old.Fingerprint(tok))
	}
	rec2, _ := rotated.Encode("k", got)
	if id := binary.BigEndian.Uint32(rec2[1:5]); id != 2 {
		t.Fatalf("saved again under key id %d, want 2", id)
	}
	if _, err := codec(t, storetest.Keyring(t, 2)).Decode("k", rec2); err != nil {
		t.Fatalf("Decode with key 2 only: %v", err)
	}
	_, err = old.Decode("k", rec2)
	if err == nil || !strings.Contains(err.Error(), "key id 2") || !strings.Contains(err.Error(), "does not hold") {
		t.Fatalf("Decode without key 2: err = %v", err)
	}
	if rotated.Fingerprints(nil) != nil || rotated.Fingerprint(nil) != "" {
		t.Fatal("a nil token has fingerprints")
	}
}

// TestCodecBindsHeaderAndStoreKey: a record whose store key, version or key id
// was changed does not open.
func TestCodecBindsHeaderAndStoreKey(t *testing.T) {
	// Ids 1 and 2 share a secret, so only the associated data tells them apart.
	keys, err := store.NewKeyring(store.Key{ID: 1, Secret: storetest.Secret(1)}, store.Key{ID: 2, Secret: storetest.Secret(1)})
	if err != nil {
		t.Fatal(err)
	}
	c := codec(t, keys)
	rec, _ := c.Encode("user/1", token("at-bound"))
	if _, err := c.Decode("user/1", rec); err != nil {
		t.Fatal(err)
	}
	version := bytes.Clone(rec)
	version[0] = 2
	keyID := bytes.Clone(rec)
	binary.BigEndian.PutUint32(keyID[1:5], 2)
	flipped := bytes.Clone(rec)
	flipped[len(flipped)-1] ^= 1
	for name, tc := range map[string]struct {
		key string
		rec []byte
	}{
		"store key": {"user/2", rec}, "version": {"user/1", version}, "key id": {"user/1", keyID}, "ciphertext": {"user/1", flipped},
	} {
		_, err := c.Decode(tc.key, tc.rec)
		if !errors.Is(err, store.ErrNotAuthentic) {
			t.Errorf("%s changed: err = %v, want ErrNotAuthentic", name, err)
		}
	}
}

func TestCodecRefuses(t *testing.T) {
	sealed, plain := codec(t, storetest.Keyring(t, 1)), codec(t, nil)
	tok := token("at-refused")
	sealedRec, _ := sealed.Encode("k", tok)
	plainRec, _ := plain.Encode("k", tok)
	unversioned := []byte(`{"access_token":"at-refused"}`)
	future := bytes.Clone(plainRec)
	future[0] = 9
	for _, tc := range []struct {
		name string
		c    *store.Codec
		rec  []byte
		want string
	}{
		{"in clear, to a store with keys", sealed, plainRec, "kept in clear"},
		{"sealed, to a plaintext store", plain, sealedRec, "sealed under key id 1"},
		{"unversioned", sealed, unversioned, "no version header"},
		{"future version", plain, future, "format version 9"},
		{"short", sealed, sealedRec[:3], "shorter than its header"},
		{"truncated", sealed, sealedRec[:20], "too short"},
	} {
		_, err := tc.c.Decode("k", tc.rec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to say %q", tc.name, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "at-refused") {
			t.Errorf("%s: error quotes the token: %v", tc.name, err)
		}
	}
}

func TestFingerprintIsKeyed(t *testing.T) {
	tok := token("at-fp")
	c1, c1again, c7 := codec(t, storetest.Keyring(t, 1)), codec(t, storetest.Keyring(t, 1)), codec(t, storetest.Keyring(t, 7))
	sum := sha256.Sum256([]byte(tok.AccessToken))
	fp := c1.Fingerprint(tok)
	switch {
	case fp != c1again.Fingerprint(tok):
		t.Fatal("the same key gives two fingerprints")
	case strings.Contains(fp, hex.EncodeToString(sum[:])):
		t.Fatal("the fingerprint is the plain SHA-256 of the access token")
	case strings.TrimPrefix(fp, "1:") == strings.TrimPrefix(c7.Fingerprint(tok), "7:"):
		t.Fatal("keys 1 and 7 give the same fingerprint: not keyed")
	case fp == c1.Fingerprint(token("at-other")):
		t.Fatal("two access tokens share a fingerprint")
	case strings.Contains(fp, tok.AccessToken):
		t.Fatal("the fingerprint shows the access token")
	}
}

func TestNothingSecretPrinted(t *testing.T) {
	keys := storetest.Keyring(t, 2, 1)
	c := codec(t, keys)
	cache := &store.Cache{TTL: time.Minute}
	cache.Set("k", token("at-cached-secret"))
	for what, v := range map[string]any{
		"key": store.Key{ID: 1, Secret: storetest.Secret(1)}, "key pointer": &store.Key{ID: 1, Secret: storetest.Secret(1)},
		"keys": []store.Key{{ID: 1, Secret: storetest.Secret(1)}}, "keyring": keys, "codec": c, "cache": cache,
	} {
		out := storetest.Printed(v)
		k := storetest.Secret(1)
		for _, secret := range []string{string(k), hex.EncodeToString(k), strings.Trim(fmt.Sprint(k), "[]"), "at-cached-secret"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s printed shows a secret: %.400s", what, out)
			}
		}
		if what == "keyring" && !strings.Contains(out, "current: 2, older: 1") {
			t.Errorf("keyring printed without its key ids: %.200s", out)
		}
	}
}

// BenchmarkCodec: what sealing adds to a save (Encode and the fingerprints of
// prev and next) and to a load (Decode), for a token of the usual size.
func BenchmarkCodec(b *testing.B) {
	tok := token(strings.Repeat("a", 200))
	keys, err := store.NewKeyring(store.Key{ID: 2, Secret: storetest.Secret(2)}, store.Key{ID: 1, Secret: storetest.Secret(1)})
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct {
		name string
		keys *store.Keyring
	}{{"sealed", keys}, {"clear", nil}} {
		name := v.name
		c, err := store.NewCodec(v.keys, v.keys == nil)
		if err != nil {
			b.Fatal(err)
		}
		rec, _ := c.Encode("user/1", tok)
		b.Run(name+"/save", func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Encode("user/1", tok); err != nil {
					b.Fatal(err)
				}
				_, _ = c.Fingerprint(tok), c.Fingerprints(tok)
			}
		})
		b.Run(name+"/load", func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Decode("user/1", rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
