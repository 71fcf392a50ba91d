package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store"
)

// Secret returns the test secret of key id, for tests only: derived from the id
// (and thus public), so that every process and store handle of a test agrees on
// it.
func Secret(id uint32) []byte {
	sum := sha256.Sum256([]byte("storetest key " + strconv.FormatUint(uint64(id), 10)))
	return sum[:]
}

// Keyring returns a keyring of test secrets (Secret) whose current key is ids[0]
// and whose older keys are the rest.
func Keyring(tb testing.TB, ids ...uint32) *store.Keyring {
	tb.Helper()
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{ID: id, Secret: Secret(id)}
	}
	r, err := store.NewKeyring(keys[0], keys[1:]...)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// Raw reads and writes the records of a store as it keeps them, past its codec,
// so that tests can look at them and tamper with them.
type Raw interface {
	// Get returns the record and fingerprint kept under key.
	Get(ctx context.Context, key string) (record []byte, fingerprint string, err error)
	// Put keeps record and fingerprint under key, replacing what is there.
	Put(ctx context.Context, key string, record []byte, fingerprint string) error
}

// OpenWith returns a new handle on the store under test that seals its records
// under keys, or keeps them in clear when keys is nil (WithPlaintextTokens). It
// must not cache reads: the tests change records behind its back.
type OpenWith func(tb testing.TB, keys *store.Keyring) Store

// Sealing tests the records a store keeps: nothing in clear, keyed fingerprints,
// key rotation (a record sealed under key 1 opens after rotating to key 2 and is
// saved again under key 2, by a plain save and by a save under a lease), records
// whose store key, version or key id was changed do not open, and the plaintext
// opt-out keeps records apart from sealed ones.
func Sealing(t *testing.T, open OpenWith, raw Raw) {
	t.Run("NothingInClear", func(t *testing.T) { testNothingInClear(t, open, raw) })
	t.Run("Rotation", func(t *testing.T) { testRotation(t, open, raw, false) })
	t.Run("RotationUnderLease", func(t *testing.T) { testRotation(t, open, raw, true) })
	t.Run("StoreKeyChanged", func(t *testing.T) { testStoreKeyChanged(t, open, raw) })
	t.Run("VersionChanged", func(t *testing.T) { testVersionChanged(t, open, raw) })
	t.Run("KeyIDChanged", func(t *testing.T) { testKeyIDChanged(t, open, raw) })
	t.Run("Plaintext", func(t *testing.T) { testPlaintext(t, open, raw) })
}

// KeyID returns the key id in the header of record (0: kept in clear).
func KeyID(record []byte) uint32 {
	if len(record) < 5 {
		return 0
	}
	return binary.BigEndian.Uint32(record[1:5])
}

func mustGet(t *testing.T, raw Raw, key string) ([]byte, string) {
	t.Helper()
	rec, fp, err := raw.Get(ctxT(t), key)
	if err != nil {
		t.Fatalf("reading the raw record: %v", err)
	}
	return rec, fp
}

func testNothingInClear(t *testing.T, open OpenWith, raw Raw) {
	ctx, key := ctxT(t), Key(t)
	s := open(t, Keyring(t, 1))
	tok := Token("access-SECRET-4f1a")
	if err := s.Save(ctx, key, nil, tok); err != nil {
		t.Fatal(err)
	}
	rec, fp := mustGet(t, raw, key)
	if rec[0] != store.RecordVersion || KeyID(rec) != 1 {
		t.Fatalf("record header: version %d, key id %d; want %d, 1", rec[0], KeyID(rec), store.RecordVersion)
	}
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken, "eu.example.test"} {
		if bytes.Contains(rec, []byte(secret)) || strings.Contains(fp, secret) {
			t.Fatalf("the record or its fingerprint holds %q in clear", secret)
		}
	}
	// The fingerprint is keyed: not the plain SHA-256 of the access token, and
	// another key gives another one.
	sum := sha256.Sum256([]byte(tok.AccessToken))
	if strings.Contains(fp, hex.EncodeToString(sum[:])) {
		t.Fatal("the fingerprint is the plain SHA-256 of the access token")
	}
	other := open(t, Keyring(t, 7))
	key2 := Key(t)
	if err := other.Save(ctx, key2, nil, tok); err != nil {
		t.Fatal(err)
	}
	if _, fp2 := mustGet(t, raw, key2); fp2 == fp || strings.TrimPrefix(fp2, "7:") == strings.TrimPrefix(fp, "1:") {
		t.Fatalf("fingerprints under keys 1 and 7 agree (%q, %q): not keyed", fp, fp2)
	}
	// Two saves of the same token seal it under different nonces.
	again := Key(t)
	if err := s.Save(ctx, again, nil, tok); err != nil {
		t.Fatal(err)
	}
	if rec2, _ := mustGet(t, raw, again); bytes.Equal(rec2[5:], rec[5:]) {
		t.Fatal("two seals of the same token are equal: the nonce is not fresh")
	}
	got, err := open(t, Keyring(t, 1)).Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if d := SameToken(got, tok); d != "" {
		t.Fatalf("Load of a sealed record: %s", d)
	}
}

func testRotation(t *testing.T, open OpenWith, raw Raw, leased bool) {
	ctx, key := ctxT(t), Key(t)
	a, b := Token("a-before-rotation"), Token("b-after-rotation")
	if err := open(t, Keyring(t, 1)).Save(ctx, key, nil, a); err != nil {
		t.Fatal(err)
	}
	// Rotate: key 2 is current, key 1 still opens what it sealed.
	rotated := open(t, Keyring(t, 2, 1))
	got, err := rotated.Load(ctx, key)
	if err != nil {
		t.Fatalf("Load after rotating to key 2 of a record sealed under key 1: %v", err)
	}
	if d := SameToken(got, a); d != "" {
		t.Fatalf("Load after rotation: %s", d)
	}
	if rec, _ := mustGet(t, raw, key); KeyID(rec) != 1 {
		t.Fatalf("a Load rewrote the record (key id %d)", KeyID(rec))
	}
	// The next save (compare-and-swap against the fingerprint under key 1)
	// seals under key 2.
	if leased {
		l, err := rotated.Acquire(ctx, key, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		err = l.Save(ctx, got, b)
		l.Release(ctx)
		if err != nil {
			t.Fatalf("Save under a lease, prev sealed under key 1: %v", err)
		}
	} else if err := rotated.Save(ctx, key, got, b); err != nil {
		t.Fatalf("Save after rotation, prev sealed under key 1: %v", err)
	}
	rec, fp := mustGet(t, raw, key)
	if KeyID(rec) != 2 || !strings.HasPrefix(fp, "2:") {
		t.Fatalf("after the save: record under key id %d, fingerprint %.2s…; want key 2", KeyID(rec), fp)
	}
	// Key 1 can be dropped now; a store without key 2 cannot read the record.
	got, err = open(t, Keyring(t, 2)).Load(ctx, key)
	if err != nil {
		t.Fatalf("Load with key 2 only: %v", err)
	}
	if d := SameToken(got, b); d != "" {
		t.Fatalf("Load with key 2 only: %s", d)
	}
	_, err = open(t, Keyring(t, 1)).Load(ctx, key)
	if err == nil || !strings.Contains(err.Error(), "key id 2") {
		t.Fatalf("Load with key 1 only of a record under key 2: err = %v, want one naming key id 2", err)
	}
	noSecretIn(t, err.Error(), a, b)
	// A stale prev still conflicts across a rotation.
	if err := rotated.Save(ctx, key, a, Token("c")); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("Save with a stale prev after rotation: err = %v, want ErrConflict", err)
	}
}

// tampered saves a token under key 1, lets change alter the raw record (and may
// move it to another key), and checks that it no longer opens.
func tampered(t *testing.T, keys *store.Keyring, open OpenWith, raw Raw, change func(rec []byte, key string) ([]byte, string)) {
	ctx, key := ctxT(t), Key(t)
	tok := Token("tampered")
	if err := open(t, keys).Save(ctx, key, nil, tok); err != nil {
		t.Fatal(err)
	}
	rec, fp := mustGet(t, raw, key)
	rec, target := change(bytes.Clone(rec), key)
	if err := raw.Put(ctx, target, rec, fp); err != nil {
		t.Fatal(err)
	}
	_, err := open(t, keys).Load(ctx, target)
	if !errors.Is(err, store.ErrNotAuthentic) {
		t.Fatalf("Load of the changed record: err = %v, want store.ErrNotAuthentic", err)
	}
	noSecretIn(t, err.Error(), tok)
}

func testStoreKeyChanged(t *testing.T, open OpenWith, raw Raw) {
	tampered(t, Keyring(t, 1), open, raw, func(rec []byte, key string) ([]byte, string) {
		return rec, key + "-moved"
	})
}

func testVersionChanged(t *testing.T, open OpenWith, raw Raw) {
	tampered(t, Keyring(t, 1), open, raw, func(rec []byte, key string) ([]byte, string) {
		rec[0]++
		return rec, key
	})
}

// testKeyIDChanged gives ids 1 and 2 the same secret, so that only the
// associated data tells them apart.
func testKeyIDChanged(t *testing.T, open OpenWith, raw Raw) {
	keys, err := store.NewKeyring(store.Key{ID: 1, Secret: Secret(1)}, store.Key{ID: 2, Secret: Secret(1)})
	if err != nil {
		t.Fatal(err)
	}
	tampered(t, keys, open, raw, func(rec []byte, key string) ([]byte, string) {
		binary.BigEndian.PutUint32(rec[1:5], 2)
		return rec, key
	})
}

func testPlaintext(t *testing.T, open OpenWith, raw Raw) {
	ctx := ctxT(t)
	plain, sealed := open(t, nil), open(t, Keyring(t, 1))
	tok := Token("kept-in-clear")
	key := Key(t)
	if err := plain.Save(ctx, key, nil, tok); err != nil {
		t.Fatal(err)
	}
	if rec, _ := mustGet(t, raw, key); KeyID(rec) != 0 || !bytes.Contains(rec, []byte(tok.RefreshToken)) {
		t.Fatal("WithPlaintextTokens did not keep the record in clear under key id 0")
	}
	got, err := plain.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if d := SameToken(got, tok); d != "" {
		t.Fatalf("Load in clear: %s", d)
	}
	// A store with keys refuses a record anyone could have written.
	if _, err := sealed.Load(ctx, key); err == nil || !strings.Contains(err.Error(), "in clear") {
		t.Fatalf("a store with keys loading a record kept in clear: err = %v", err)
	}
	key2 := Key(t)
	if err := sealed.Save(ctx, key2, nil, tok); err != nil {
		t.Fatal(err)
	}
	_, err = plain.Load(ctx, key2)
	if err == nil || !strings.Contains(err.Error(), "key id 1") {
		t.Fatalf("a plaintext store loading a sealed record: err = %v", err)
	}
	noSecretIn(t, err.Error(), tok)
}

// NoLeaks checks that neither the errors of s (opened with Keyring(tb, 1), ideally
// with its read cache on, so that it holds tokens in memory) nor any printout of
// s, its keyring or its keys (fmt with every common verb, JSON, slog's JSON and
// text handlers) shows a token or a secret.
func NoLeaks(t *testing.T, s Store, raw Raw) {
	ctx, key := ctxT(t), Key(t)
	tok := Token("access-LEAK-CHECK-9e2")
	if err := s.Save(ctx, key, nil, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, key); err != nil {
		t.Fatal(err)
	}
	printsNothingSecret(t, s, tok)
	rec, fp := mustGet(t, raw, key)
	var errs []error
	errs = append(errs, s.Save(ctx, key, Token("wrong-prev"), tok))
	broken := bytes.Clone(rec)
	broken[len(broken)-1] ^= 1
	unknown := bytes.Clone(rec)
	binary.BigEndian.PutUint32(unknown[1:5], 99)
	inClear := append([]byte{store.RecordVersion, 0, 0, 0, 0}, `{"access_token":"`+tok.AccessToken+`"}`...)
	for i, r := range [][]byte{broken, unknown, inClear, []byte(`{"access_token":"` + tok.AccessToken + `"}`), rec[:3]} {
		k := key + "-bad-" + strconv.Itoa(i)
		if err := raw.Put(ctx, k, r, fp); err != nil {
			t.Fatal(err)
		}
		_, err := s.Load(ctx, k)
		if err == nil {
			t.Fatalf("Load of bad record %d succeeded", i)
		}
		errs = append(errs, err)
	}
	for _, err := range errs {
		if err == nil {
			t.Fatal("an error case succeeded")
		}
		noSecretIn(t, err.Error(), tok)
	}
}

// printsNothingSecret checks every printout of s (holding tok in its read
// cache), its keyring, keys and codec.
func printsNothingSecret(t *testing.T, s Store, tok *oauth2.Token) {
	t.Helper()
	keys := Keyring(t, 1, 2)
	for what, v := range map[string]any{
		"store": s, "keyring": keys, "key": store.Key{ID: 1, Secret: Secret(1)},
		"keys": []store.Key{{ID: 1, Secret: Secret(1)}}, "codec": mustCodec(t, keys),
	} {
		noSecretIn(t, what+" printed as "+Printed(v), tok)
	}
}

func mustCodec(t *testing.T, keys *store.Keyring) *store.Codec {
	c, err := store.NewCodec(keys, false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Printed returns v as every output that a secret could leak to shows it: fmt
// with the common verbs, encoding/json, and slog's JSON and text handlers (as
// an attribute's value).
func Printed(v any) string {
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		fmt.Fprintf(&b, verb+"\n", v)
	}
	j, err := json.Marshal(v)
	fmt.Fprintf(&b, "%s %v\n", j, err)
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "v", v)
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "v", v)
	return b.String()
}

// noSecretIn fails when s shows an access or refresh token of toks, or a test
// secret (Secret of ids 1 to 9: raw, hex, base64, or as fmt prints a byte slice).
func noSecretIn(t *testing.T, s string, toks ...*oauth2.Token) {
	t.Helper()
	var secrets []string
	for _, tok := range toks {
		secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
	}
	for id := uint32(1); id <= 9; id++ {
		k := Secret(id)
		secrets = append(secrets, string(k), hex.EncodeToString(k), base64.StdEncoding.EncodeToString(k),
			base64.RawURLEncoding.EncodeToString(k), strings.Trim(fmt.Sprint(k), "[]"))
	}
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			t.Fatalf("output shows a token or a secret (%.6s…): %.300s", secret, s)
		}
	}
}
