package runtime_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// TestRefreshTokenExpiryFromResponse: the lifetime at Flow.RefreshExpiresIn becomes
// an absolute expiry kept with the token, renewed by each response that gives one,
// and MarshalToken/UnmarshalToken keep it.
func TestRefreshTokenExpiryFromResponse(t *testing.T) {
	clk := newClock()
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Rotation: oauthtest.Rotate, Now: clk.Now,
		Extra: map[string]any{"x_refresh_token_expires_in": 8726400}})
	f := stdFlow(p)
	f.RefreshExpiresIn = runtime.Path{"x_refresh_token_expires_in"}
	c := newClient(p, f, runtime.WithClock(clk.Now))
	tok := login(t, p, c)
	want := clk.Now().Add(8726400 * time.Second).Truncate(time.Second)
	if got, ok := runtime.RefreshTokenExpiry(tok); !ok || !got.Equal(want) {
		t.Fatalf("expiry %v %v, want %v", got, ok, want)
	}
	data, err := runtime.MarshalToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	back, err := runtime.UnmarshalToken(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := runtime.RefreshTokenExpiry(back); !ok || !got.Equal(want) {
		t.Errorf("after MarshalToken and UnmarshalToken: %v %v, want %v", got, ok, want)
	}
	clk.Add(24 * time.Hour)
	next, err := c.RefreshToken(context.Background(), back)
	if err != nil {
		t.Fatal(err)
	}
	want = clk.Now().Add(8726400 * time.Second).Truncate(time.Second)
	if got, ok := runtime.RefreshTokenExpiry(next); !ok || !got.Equal(want) {
		t.Errorf("after a refresh: %v %v, want %v", got, ok, want)
	}
}

// TestRefreshTokenExpiryFixed: Flow.RefreshLifetime dates each new refresh token; a
// refresh that issues none, or gives back the one it was sent, keeps the old expiry.
func TestRefreshTokenExpiryFixed(t *testing.T) {
	for _, rot := range []struct {
		name   string
		r      oauthtest.Rotation
		renews bool
	}{{"rotate", oauthtest.Rotate, true}, {"keep same", oauthtest.KeepSame, false}, {"omit", oauthtest.Omit, false}} {
		t.Run(rot.name, func(t *testing.T) {
			clk := newClock()
			p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Rotation: rot.r, Now: clk.Now})
			f := stdFlow(p)
			f.RefreshLifetime = 60 * 24 * time.Hour
			c := newClient(p, f, runtime.WithClock(clk.Now))
			tok := login(t, p, c)
			first := clk.Now().Add(f.RefreshLifetime).Truncate(time.Second)
			if got, ok := runtime.RefreshTokenExpiry(tok); !ok || !got.Equal(first) {
				t.Fatalf("expiry %v %v, want %v", got, ok, first)
			}
			clk.Add(7 * 24 * time.Hour)
			next, err := c.RefreshToken(context.Background(), tok)
			if err != nil {
				t.Fatal(err)
			}
			want := first
			if rot.renews {
				want = clk.Now().Add(f.RefreshLifetime).Truncate(time.Second)
			}
			if got, ok := runtime.RefreshTokenExpiry(next); !ok || !got.Equal(want) {
				t.Errorf("after a refresh: %v %v, want %v", got, ok, want)
			}
		})
	}
}

// TestRefreshTokenExpiryUnknown: no expiry without a modelled lifetime, without a
// refresh token, or with a value that is no time; and none from a provider field
// that is not the runtime's.
func TestRefreshTokenExpiryUnknown(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Extra: map[string]any{"refresh_token_expires_in": 3600, "refresh_token_expiry": "2030-01-01T00:00:00Z"}})
	c := newClient(p, stdFlow(p))
	if exp, ok := runtime.RefreshTokenExpiry(login(t, p, c)); ok {
		t.Errorf("expiry %v for a flow that models no lifetime", exp)
	}
	for name, tok := range map[string]*oauth2.Token{
		"nil":              nil,
		"no refresh token": (&oauth2.Token{AccessToken: "a"}).WithExtra(map[string]any{"oauthgen_refresh_token_expiry": "2030-01-01T00:00:00Z"}),
		"not a time":       (&oauth2.Token{RefreshToken: "r"}).WithExtra(map[string]any{"oauthgen_refresh_token_expiry": "soon"}),
		"not a string":     (&oauth2.Token{RefreshToken: "r"}).WithExtra(map[string]any{"oauthgen_refresh_token_expiry": 1.7e9}),
	} {
		if exp, ok := runtime.RefreshTokenExpiry(tok); ok {
			t.Errorf("%s: expiry %v", name, exp)
		}
	}
	// A malformed lifetime in the response records nothing.
	p2 := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Extra: map[string]any{"refresh_token_expires_in": "soon"}})
	f := stdFlow(p2)
	f.RefreshExpiresIn = runtime.Path{"refresh_token_expires_in"}
	if exp, ok := runtime.RefreshTokenExpiry(login(t, p2, newClient(p2, f))); ok {
		t.Errorf("expiry %v from a lifetime that is no number", exp)
	}
}
