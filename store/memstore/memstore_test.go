package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

func TestCAS(t *testing.T) {
	ctx := context.Background()
	s := &memstore.Store{}
	a, b, c := &oauth2.Token{AccessToken: "a"}, &oauth2.Token{AccessToken: "b"}, &oauth2.Token{AccessToken: "c"}
	if _, err := s.Load(ctx, "k"); !errors.Is(err, runtime.ErrNotFound) {
		t.Error(err)
	}
	if err := s.Save(ctx, "k", nil, a); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "k", nil, b); !errors.Is(err, runtime.ErrConflict) {
		t.Errorf("save over existing with nil prev: %v", err)
	}
	if err := s.Save(ctx, "k", c, b); !errors.Is(err, runtime.ErrConflict) {
		t.Errorf("stale prev: %v", err)
	}
	if err := s.Save(ctx, "k", a, b); err != nil {
		t.Fatal(err)
	}
	l, err := s.Acquire(ctx, "k", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// A second holder waits until the first releases or expires.
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := s.Acquire(short, "k", time.Second); err == nil {
		t.Error("lease taken twice")
	}
	time.Sleep(60 * time.Millisecond)
	l2, err := s.Acquire(ctx, "k", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Save(ctx, b, c); !errors.Is(err, runtime.ErrConflict) {
		t.Errorf("expired lease saved: %v", err)
	}
	if err := l2.Save(ctx, b, c); err != nil {
		t.Error(err)
	}
	l.Release(ctx)
	l2.Release(ctx)
	if got, _ := s.Load(ctx, "k"); got != c {
		t.Error("wrong token stored")
	}
}

// The store prints neither its keys' tokens nor their fields, under any verb, and
// reading it to print takes its lock (the race detector would see fmt read the map).
func TestFormatShowsNoToken(t *testing.T) {
	ctx := context.Background()
	s := &memstore.Store{}
	tok := &oauth2.Token{AccessToken: "access-secret", RefreshToken: "refresh-secret"}
	if err := s.Save(ctx, "k", nil, tok); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			s.Save(ctx, fmt.Sprint("other", i), nil, tok)
		}
	}()
	printed := fmt.Sprintf("%v %+v %#v %s %d %x %q", s, s, s, s, s, s, s)
	<-done
	if strings.Contains(printed, "secret") {
		t.Errorf("printing the store shows a token: %s", printed)
	}
	if !strings.HasPrefix(printed, "memstore.Store{") || !strings.Contains(printed, " tokens}") {
		t.Errorf("printed %s, want the store's description", printed)
	}
}

// DueKeys lists the keys due before a time, earliest first, from the index Save and
// Delete keep; tokens that cannot be renewed are not in it.
func TestDueKeys(t *testing.T) {
	ctx := context.Background()
	var s memstore.Store // the zero value is ready
	base := time.Now().Add(time.Hour)
	for _, k := range []string{"c", "a", "e", "b", "d"} {
		off := map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}[k]
		tok := &oauth2.Token{AccessToken: "at-" + k, RefreshToken: "rt-" + k, Expiry: base.Add(time.Duration(off) * time.Minute)}
		if err := s.Save(ctx, k, nil, tok); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(ctx, "permanent", nil, &oauth2.Token{AccessToken: "p"}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.DueKeys(ctx, base.Add(4*time.Minute), 10)
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("due before +4m: %v, want a,b,c", got)
	}
	got, _ = s.DueKeys(ctx, base.Add(time.Hour), 2)
	if strings.Join(got, ",") != "a,b" {
		t.Errorf("limit 2: %v", got)
	}
	// Renewing a moves it to the end; deleting b takes it out.
	a, _ := s.Load(ctx, "a")
	if err := s.Save(ctx, "a", a, &oauth2.Token{AccessToken: "at-a2", RefreshToken: "rt", Expiry: base.Add(9 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	s.Delete(ctx, "b")
	got, _ = s.DueKeys(ctx, base.Add(time.Hour), 10)
	if strings.Join(got, ",") != "c,d,e,a" {
		t.Errorf("after renewal and delete: %v, want c,d,e,a", got)
	}
}

// A pending authorization is taken once, and not after its ttl.
func TestPending(t *testing.T) {
	ctx := context.Background()
	var s memstore.Store
	if err := s.SavePending(ctx, "id1", []byte("data"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if d, err := s.TakePending(ctx, "id1"); err != nil || string(d) != "data" {
		t.Fatalf("take: %q %v", d, err)
	}
	if _, err := s.TakePending(ctx, "id1"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("second take: %v, want ErrNotFound", err)
	}
	s.SavePending(ctx, "id2", []byte("x"), time.Nanosecond)
	time.Sleep(time.Millisecond)
	if _, err := s.TakePending(ctx, "id2"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("expired take: %v, want ErrNotFound", err)
	}
}
