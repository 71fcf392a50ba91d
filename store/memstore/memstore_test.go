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
