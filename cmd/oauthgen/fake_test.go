package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a stdout the test reads while the command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestFake serves a connector's fake, runs the authorize line it prints against it
// as a user would in another terminal, and stops it with an interrupt.
func TestFake(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"fake", "testdata/fake/tracker.json", "--param", "workspace=acme"}, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stdout.String(), "Stop with Ctrl-C.") {
		select {
		case code := <-done:
			t.Fatalf("fake exited (%d):\n%s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("fake printed no authorize line:\n%s", stdout.String())
		}
	}
	out := stdout.String()
	fakeURL := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(out)
	copyPath := regexp.MustCompile(`/\S+/tracker\.json`).FindString(out)
	if fakeURL == "" || copyPath == "" {
		t.Fatalf("no fake URL or connector copy in:\n%s", out)
	}
	want := `Fake Tracker provider on FAKE

Routes (the connector's URLs -> the fake's):
  https://acme.tracker.example/api/* -> FAKE/api/
  https://acme.tracker.example/oauth/authorize -> FAKE/authorize
  https://acme.tracker.example/oauth/token -> FAKE/token
  https://acme.tracker.example/oauth/userinfo -> FAKE/userinfo

The connector pointed at the fake (removed on exit): COPY

In another terminal:
  oauthgen authorize COPY --client-id fake-client --param workspace=acme

Stop with Ctrl-C.
`
	if got := strings.ReplaceAll(strings.ReplaceAll(out, fakeURL, "FAKE"), copyPath, "COPY"); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}

	// The printed line, run as printed, gets a token from the fake.
	line := strings.Fields(out[strings.Index(out, "oauthgen authorize"):strings.Index(out, "\n\nStop")])
	c := startAuthorize(t, append(line[2:], "--timeout", "30s")...)
	authURL := c.waitURL(t)
	if !strings.HasPrefix(authURL, fakeURL+"/authorize?") {
		t.Errorf("authorize URL %s is not the fake's", authURL)
	}
	if status, _ := browse(t, authURL); status != 200 {
		t.Errorf("callback page status %d", status)
	}
	if code := c.wait(t); code != exitOK {
		t.Fatalf("authorize exit %d:\n%s", code, c.errText())
	}
	if tok := c.stdout.String(); !strings.Contains(tok, `"access_token"`) {
		t.Errorf("authorize printed no token: %q", tok)
	}
	if e := c.errText(); !strings.Contains(e, "Test request GET "+fakeURL+"/api/me: OK.") {
		t.Errorf("authorize did not report the test request:\n%s", e)
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after the interrupt", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fake did not stop on interrupt")
	}
	if want := "oauthgen fake: stopped (1 token requests, 1 API requests)\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	if _, err := os.Stat(copyPath); !os.IsNotExist(err) {
		t.Errorf("the connector copy %s is still there: %v", copyPath, err)
	}
}

func TestFakeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"fake"}, exitUsage, "oauthgen fake: want one connector FILE, got 0 arguments\n"},
		{[]string{"fake", "testdata/fake/tracker.json", "--param", "workspce=acme"}, exitInvalid,
			`oauthgen fake: testdata/fake/tracker.json: --param workspce: unknown parameter "workspce"; did you mean "workspace"?` + "\n"},
		{[]string{"fake", "testdata/fake/tracker.json"}, exitInvalid, "oauthgen fake: oauthtest: ForConnector: Tracker: tracker: workspace is required\n"},
	} {
		var stdout, stderr strings.Builder
		code := run(context.Background(), tc.args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
		if code != tc.code || !strings.HasPrefix(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant %d:\n%s", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}
