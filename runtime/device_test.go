package runtime_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

// deviceFlow is stdFlow with the device authorization endpoint of p.
func deviceFlow(p *oauthtest.Provider) *runtime.Flow {
	f := stdFlow(p)
	f.DeviceAuthURL = runtime.String(p.DeviceURL())
	f.DeviceArgs = []runtime.Arg{{Key: "scope", Value: runtime.String("read write")}}
	return f
}

// waits records the waits of a device grant's polling without making them.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) after(d time.Duration) <-chan time.Time {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

func TestDeviceGrant(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cfg       oauthtest.Config
		wantWaits []time.Duration // interval 2 s as the provider says
		wantCode  string          // the error's code; "" for a token
	}{
		{"pending then token", oauthtest.Config{DevicePending: 2, DeviceInterval: 2}, []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}, ""},
		{"slow_down adds 5 s each time", oauthtest.Config{DeviceSlowDown: 2, DevicePending: 1, DeviceInterval: 2}, []time.Duration{2 * time.Second, 7 * time.Second, 12 * time.Second, 12 * time.Second}, ""},
		{"denied", oauthtest.Config{DeviceDenied: true, DeviceInterval: 2}, []time.Duration{2 * time.Second}, "access_denied"},
		{"Basic client auth", oauthtest.Config{ClientAuth: oauthtest.AuthBasic, DeviceInterval: 2}, []time.Duration{2 * time.Second}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := provider(t, tc.cfg)
			f := deviceFlow(p)
			if tc.cfg.ClientAuth == oauthtest.AuthBasic {
				f.ClientAuth = runtime.AuthHeader
			}
			w := &waits{}
			var hooked int
			c := newClient(p, f, runtime.WithAfter(w.after), runtime.WithTokenHook(func(context.Context, *oauth2.Token) { hooked++ }))
			ctx := context.Background()
			da, err := c.DeviceAuth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if da.UserCode == "" || !strings.HasPrefix(da.VerificationURI, p.URL) || da.Expiry.IsZero() {
				t.Fatalf("device authorization %+v", da)
			}
			dev := p.RequestsTo("device")[0]
			if dev.Form["scope"] != "read write" {
				t.Errorf("device request scope %q", dev.Form["scope"])
			}
			if tc.cfg.ClientAuth == oauthtest.AuthBasic {
				if !dev.HasBasic || dev.Form["client_secret"] != "" {
					t.Errorf("device request Basic %v, secret in body %v", dev.HasBasic, dev.Form["client_secret"] != "")
				}
			} else if dev.Form["client_id"] != testID {
				t.Errorf("device request client_id %q", dev.Form["client_id"])
			}
			tok, err := c.DeviceAccessToken(ctx, da)
			if tc.wantCode != "" {
				var te *runtime.TokenError
				if !errors.As(err, &te) || te.Code != tc.wantCode {
					t.Fatalf("error %v, want a *runtime.TokenError with code %q", err, tc.wantCode)
				}
				if strings.Contains(err.Error(), da.DeviceCode) || strings.Contains(err.Error(), testSecret) {
					t.Errorf("error carries the device code or the secret: %v", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if tok.AccessToken == "" || tok.RefreshToken == "" || hooked != 1 {
					t.Errorf("token %v, hook called %d times", tok, hooked)
				}
			}
			if !equalDurations(w.d, tc.wantWaits) {
				t.Errorf("waited %v, want %v", w.d, tc.wantWaits)
			}
			for _, r := range p.RequestsTo("token") {
				if r.Form["grant_type"] != "urn:ietf:params:oauth:grant-type:device_code" || r.Form["device_code"] != da.DeviceCode {
					t.Errorf("poll %v", r.Form)
				}
			}
		})
	}
}

func TestDeviceGrantDefaultIntervalAndExpiry(t *testing.T) {
	p := provider(t, oauthtest.Config{DevicePending: 100})
	w := &waits{}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	c := newClient(p, deviceFlow(p), runtime.WithAfter(w.after), runtime.WithClock(func() time.Time {
		w.mu.Lock()
		defer w.mu.Unlock()
		var total time.Duration
		for _, d := range w.d {
			total += d
		}
		return now.Add(total)
	}))
	da, err := c.DeviceAuth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	da.Interval, da.Expiry = 0, now.Add(12*time.Second) // no interval named; 12 s left
	_, err = c.DeviceAccessToken(context.Background(), da)
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("error %v, want the device code's expiry", err)
	}
	// 5 s (no interval), 5 s, then the 2 s left before the expiry.
	if want := []time.Duration{5 * time.Second, 5 * time.Second, 2 * time.Second}; !equalDurations(w.d, want) {
		t.Errorf("waited %v, want %v", w.d, want)
	}
}

func TestDeviceGrantCanceled(t *testing.T) {
	p := provider(t, oauthtest.Config{DevicePending: 100})
	ctx, cancel := context.WithCancel(context.Background())
	c := newClient(p, deviceFlow(p), runtime.WithAfter(func(time.Duration) <-chan time.Time {
		cancel()
		return nil
	}))
	_, err := c.DeviceAccessToken(ctx, &oauth2.DeviceAuthResponse{DeviceCode: "d", Interval: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDeviceAuthRedirectRefused: a device authorization endpoint answering with a
// redirect gets a *RedirectError; the request, which carries the client credentials,
// is not sent again.
func TestDeviceAuthRedirectRefused(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		http.Redirect(w, r, "https://evil.example/device", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	p := provider(t, oauthtest.Config{})
	f := deviceFlow(p)
	f.DeviceAuthURL = runtime.String(srv.URL + "/device")
	_, err := newClient(p, f, runtime.WithHTTPClient(srv.Client())).DeviceAuth(context.Background())
	var re *runtime.RedirectError
	if !errors.As(err, &re) || re.Host != "evil.example" || hits != 1 {
		t.Fatalf("error %v (%d requests), want a *runtime.RedirectError to evil.example after 1 request", err, hits)
	}
}
