package store

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// A record is what a store keeps for one store key:
//
//	byte 0      format version (RecordVersion)
//	bytes 1..4  key id, big-endian; 0 for a record kept in clear
//	then        sealed: 24-byte random nonce, then XChaCha20-Poly1305 of the
//	            payload under the key's derived encryption key, with the header
//	            (bytes 0..4) and the store key as associated data;
//	            in clear: the payload itself
//
// The payload of version 1 is the runtime's token encoding (runtime.MarshalToken).
// A later format takes the next version; the header layout stays, so every
// version's key id can be read, and its version is authenticated before the
// payload is interpreted.
const (
	// RecordVersion is the format version of the records this package writes.
	RecordVersion = 1
	headerSize    = 5
	plaintextID   = 0
)

// ErrNotAuthentic is returned (wrapped) for a sealed record that does not open:
// its store key, version, key id or bytes were changed, or it was sealed under
// another secret with the same key id.
var ErrNotAuthentic = errors.New("record does not authenticate (altered, moved from another store key, or sealed under another secret with this key id)")

// Codec turns tokens into the records a store keeps and back: sealed under the
// current key of a Keyring, or in clear when the store's user chose so. It also
// computes the fingerprints by which the stores compare tokens (compare-and-swap)
// without reading the records. Build one with NewCodec: the zero Codec encodes
// nothing (it must not mean "in clear" by omission). A Codec is safe for
// concurrent use.
type Codec struct {
	keys      *Keyring // nil: records in clear, when plaintext
	plaintext bool
}

// errZeroCodec is the error of every use of a Codec not built by NewCodec.
var errZeroCodec = errors.New("store: Codec not built by NewCodec: it has neither keys nor the plaintext opt-out")

// NewCodec returns the codec of a store given keys, or given plaintext (its user
// chose to keep tokens in clear); exactly one of the two must be given. The
// errors name the stores' options (WithKeys, WithPlaintextTokens).
func NewCodec(keys *Keyring, plaintext bool) (*Codec, error) {
	switch {
	case keys != nil && plaintext:
		return nil, errors.New("both WithKeys and WithPlaintextTokens given: choose one")
	case plaintext:
		return &Codec{plaintext: true}, nil
	case keys == nil || keys.current == nil:
		return nil, errors.New("no keys to seal tokens with: give WithKeys(keyring) (see store.NewKeyring) " +
			"so that tokens are encrypted at rest, or WithPlaintextTokens() to keep refresh tokens in clear")
	}
	return &Codec{keys: keys}, nil
}

// Plaintext reports whether the codec keeps records in clear.
func (c *Codec) Plaintext() bool { return c.plaintext }

// Encode returns the record that keeps t under store key key: sealed under the
// current key, or in clear.
func (c *Codec) Encode(key string, t *oauth2.Token) ([]byte, error) {
	if c.keys == nil && !c.plaintext {
		return nil, errZeroCodec
	}
	if t == nil {
		return nil, fmt.Errorf("store: saving key %q: nil token", key)
	}
	payload, err := runtime.MarshalToken(t)
	if err != nil {
		return nil, fmt.Errorf("store: encoding token for key %q: %w", key, err)
	}
	if c.keys == nil {
		rec := make([]byte, headerSize, headerSize+len(payload))
		putHeader(rec, plaintextID)
		return append(rec, payload...), nil
	}
	k := c.keys.current
	rec := make([]byte, headerSize+chacha20poly1305.NonceSizeX, headerSize+chacha20poly1305.NonceSizeX+len(payload)+k.aead.Overhead())
	putHeader(rec, k.id)
	nonce := rec[headerSize:]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("store: sealing token for key %q: nonce: %w", key, err)
	}
	return k.aead.Seal(rec, nonce, payload, associatedData(rec[:headerSize], key)), nil
}

func putHeader(rec []byte, id uint32) {
	rec[0] = RecordVersion
	binary.BigEndian.PutUint32(rec[1:headerSize], id)
}

// associatedData binds a sealed record to its header (version and key id) and to
// the store key it is kept under. The header has a fixed length, so the
// concatenation is unambiguous.
func associatedData(header []byte, key string) []byte {
	ad := make([]byte, 0, len(header)+len(key))
	return append(append(ad, header...), key...)
}

// Decode reverses Encode for the record kept under store key key. A record sealed
// under an older key of the keyring opens; the next Save seals it under the
// current one. Its errors name the key and the key id, never the content.
func (c *Codec) Decode(key string, rec []byte) (*oauth2.Token, error) {
	if c.keys == nil && !c.plaintext {
		return nil, errZeroCodec
	}
	if len(rec) > 0 && rec[0] == '{' {
		return nil, fmt.Errorf("store: reading key %q: the record has no version header (written by an oauthgen from before versioned records); connect again to replace it", key)
	}
	if len(rec) < headerSize {
		return nil, fmt.Errorf("store: reading key %q: record of %d bytes is shorter than its header", key, len(rec))
	}
	version, id := rec[0], binary.BigEndian.Uint32(rec[1:headerSize])
	payload := rec[headerSize:]
	switch {
	case id == plaintextID && c.keys != nil:
		return nil, fmt.Errorf("store: reading key %q: the record is kept in clear (saved by a store with WithPlaintextTokens); this store has keys and opens only sealed records", key)
	case id != plaintextID && c.keys == nil:
		return nil, fmt.Errorf("store: reading key %q: the record is sealed under key id %d, but this store keeps tokens in clear (WithPlaintextTokens) and holds no keys", key, id)
	case id != plaintextID:
		k := c.keys.byID[id]
		if k == nil {
			return nil, fmt.Errorf("store: reading key %q: the record is sealed under key id %d, which the store's keyring (%s) does not hold: was the key dropped before every record was saved again?", key, id, c.keys)
		}
		n := chacha20poly1305.NonceSizeX
		if len(payload) < n+k.aead.Overhead() {
			return nil, fmt.Errorf("store: reading key %q: sealed record of %d bytes is too short", key, len(rec))
		}
		plain, err := k.aead.Open(nil, payload[:n], payload[n:], associatedData(rec[:headerSize], key))
		if err != nil {
			return nil, fmt.Errorf("store: reading key %q sealed under key id %d: %w", key, id, ErrNotAuthentic)
		}
		payload = plain
	}
	// A sealed record's version is authentic by now: a changed version byte
	// fails to open above, it is not read as another format.
	if version != RecordVersion {
		return nil, fmt.Errorf("store: reading key %q: record format version %d is not one this oauthgen reads (%d)", key, version, RecordVersion)
	}
	t, err := runtime.UnmarshalToken(payload)
	if err != nil {
		return nil, fmt.Errorf("store: decoding token for key %q: the record's payload (%d bytes) is not a token", key, len(payload))
	}
	return t, nil
}

// Fingerprint identifies a token by its access token without revealing it, for
// compare-and-swap on sealed records: "<key id>:<hex HMAC-SHA256 of the access
// token>" under the current key's fingerprint key (derived apart from its
// encryption key), or "0:<hex SHA-256>" in clear, where the token itself is
// readable anyway; "" for nil.
func (c *Codec) Fingerprint(t *oauth2.Token) string {
	if t == nil {
		return ""
	}
	if c.keys == nil {
		sum := sha256.Sum256([]byte(t.AccessToken))
		return "0:" + hex.EncodeToString(sum[:])
	}
	return fingerprint(c.keys.current, t)
}

// Fingerprints returns the fingerprints that t's record may carry: one under each
// key held, the current one first (a record saved before a rotation carries the
// older key's). A save whose previous token is t succeeds when the stored
// fingerprint is any of them. It returns nil for nil (nothing may be stored).
func (c *Codec) Fingerprints(t *oauth2.Token) []string {
	if t == nil {
		return nil
	}
	if c.keys == nil {
		return []string{c.Fingerprint(t)}
	}
	fps := make([]string, 0, len(c.keys.ids))
	for _, id := range c.keys.ids {
		fps = append(fps, fingerprint(c.keys.byID[id], t))
	}
	return fps
}

func fingerprint(k *sealKey, t *oauth2.Token) string {
	m := hmac.New(sha256.New, k.mac)
	m.Write([]byte(t.AccessToken))
	return strconv.FormatUint(uint64(k.id), 10) + ":" + hex.EncodeToString(m.Sum(nil))
}

// String says how the codec keeps records, naming key ids only.
func (c *Codec) String() string {
	switch {
	case c == nil || c.keys == nil && !c.plaintext:
		return "store.Codec{unusable: not built by NewCodec}"
	case c.keys == nil:
		return "store.Codec{in clear}"
	}
	return "store.Codec{sealed: " + c.keys.String() + "}"
}

// Format prints String for every verb.
func (c *Codec) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// LogValue says how the codec keeps records, naming key ids only.
func (c *Codec) LogValue() slog.Value { return slog.StringValue(c.String()) }
