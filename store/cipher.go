// Package store holds what the shared token stores (store/redisstore and
// store/pgstore, each its own Go module) have in common: the records tokens are
// kept in (versioned, sealed under a Keyring's current key, see Codec), a
// per-process gate that lets one goroutine per key compete for a distributed
// lease, and a short-lived read cache.
//
// The stores themselves live in separate modules so that the runtime keeps no
// database dependency; this package depends only on the runtime, the standard
// library and golang.org/x/crypto (XChaCha20-Poly1305).
package store

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the length in bytes of a Key's Secret.
const KeySize = 32

// Key is one secret that a store seals its records under, with the id that each
// record carries to say which key sealed it.
type Key struct {
	// ID names the key in every record it seals, so that a store can still open
	// records sealed under an older key after a rotation. Give every secret its
	// own id and never reuse an id for another secret; 0 is not an id (it marks
	// records kept in clear).
	ID uint32
	// Secret is KeySize random bytes from a secret manager (for example
	// `openssl rand -base64 32`, decoded), never kept beside the tokens.
	Secret []byte
}

// String shows the key's id only.
func (k Key) String() string {
	return "store.Key{ID: " + strconv.FormatUint(uint64(k.ID), 10) + ", Secret: redacted}"
}

// Format prints String for every verb (%d or %x of the struct would otherwise
// print the secret's bytes).
func (k Key) Format(f fmt.State, _ rune) { io.WriteString(f, k.String()) }

// MarshalJSON keeps the secret out of JSON.
func (k Key) MarshalJSON() ([]byte, error) {
	return []byte(`{"id":` + strconv.FormatUint(uint64(k.ID), 10) + `,"secret":"redacted"}`), nil
}

// LogValue keeps the secret out of structured logs.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.Uint64("id", uint64(k.ID)), slog.String("secret", "redacted"))
}

// Keyring is the keys of a store: the current one seals every record saved, the
// older ones only open the records sealed under them until those are saved again
// (and thereby sealed under the current key). Its zero value holds no key; build
// one with NewKeyring. A Keyring is safe for concurrent use.
type Keyring struct {
	current *sealKey
	byID    map[uint32]*sealKey
	ids     []uint32 // current first, then the older keys as given
}

// sealKey is what a Key is used as: an XChaCha20-Poly1305 AEAD and an HMAC key
// for fingerprints, each derived from the Key's secret with HKDF-SHA256 under its
// own label, so that no key material serves two purposes.
type sealKey struct {
	id   uint32
	aead cipher.AEAD
	mac  []byte
}

// HKDF labels of the two keys derived from each Key's secret.
const (
	encryptionLabel  = "oauthgen store v1: record encryption"
	fingerprintLabel = "oauthgen store v1: access token fingerprint"
)

// NewKeyring returns the keyring whose current key is current, and which also
// opens records sealed under the older keys (a rotation in progress). The
// secrets themselves are not kept, only the keys derived from them.
func NewKeyring(current Key, older ...Key) (*Keyring, error) {
	r := &Keyring{byID: make(map[uint32]*sealKey, 1+len(older))}
	for i, k := range append([]Key{current}, older...) {
		where := "the current key"
		if i > 0 {
			where = fmt.Sprintf("older key %d of %d", i, len(older))
		}
		switch {
		case k.ID == 0:
			return nil, fmt.Errorf("store: NewKeyring: %s has id 0; ids start at 1 (0 marks records kept in clear)", where)
		case len(k.Secret) != KeySize:
			return nil, fmt.Errorf("store: NewKeyring: key id %d (%s): secret is %d bytes long, want %d random bytes", k.ID, where, len(k.Secret), KeySize)
		case r.byID[k.ID] != nil:
			return nil, fmt.Errorf("store: NewKeyring: key id %d (%s) is given twice", k.ID, where)
		}
		sk, err := deriveKey(k)
		if err != nil {
			return nil, fmt.Errorf("store: NewKeyring: key id %d (%s): %w", k.ID, where, err)
		}
		r.byID[k.ID] = sk
		r.ids = append(r.ids, k.ID)
		if i == 0 {
			r.current = sk
		}
	}
	return r, nil
}

func deriveKey(k Key) (*sealKey, error) {
	enc, err := hkdf.Key(sha256.New, k.Secret, nil, encryptionLabel, chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	mac, err := hkdf.Key(sha256.New, k.Secret, nil, fingerprintLabel, sha256.Size)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(enc)
	if err != nil {
		return nil, err
	}
	return &sealKey{id: k.ID, aead: aead, mac: mac}, nil
}

// Current returns the id of the key that seals new records.
func (r *Keyring) Current() uint32 {
	if r == nil || r.current == nil {
		return 0
	}
	return r.current.id
}

// IDs returns the ids of the keys held, the current one first.
func (r *Keyring) IDs() []uint32 {
	if r == nil {
		return nil
	}
	return slices.Clone(r.ids)
}

// String shows the key ids only.
func (r *Keyring) String() string {
	if r == nil || r.current == nil {
		return "store.Keyring{}"
	}
	var b strings.Builder
	b.WriteString("store.Keyring{current: ")
	b.WriteString(strconv.FormatUint(uint64(r.current.id), 10))
	if len(r.ids) > 1 {
		b.WriteString(", older:")
		for _, id := range r.ids[1:] {
			b.WriteString(" ")
			b.WriteString(strconv.FormatUint(uint64(id), 10))
		}
	}
	b.WriteString(", secrets: redacted}")
	return b.String()
}

// Format prints String for every verb, so no derived key is ever printed.
func (r *Keyring) Format(f fmt.State, _ rune) { io.WriteString(f, r.String()) }

// MarshalJSON shows the key ids only.
func (r *Keyring) MarshalJSON() ([]byte, error) {
	ids := make([]string, 0, len(r.IDs()))
	for _, id := range r.IDs() {
		ids = append(ids, strconv.FormatUint(uint64(id), 10))
	}
	return []byte(`{"current":` + strconv.FormatUint(uint64(r.Current()), 10) + `,"ids":[` + strings.Join(ids, ",") + `]}`), nil
}

// LogValue shows the key ids only.
func (r *Keyring) LogValue() slog.Value { return slog.StringValue(r.String()) }
