package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

const (
	cliClientID  = "cli-app"
	cliSecret    = "cli-top-secret-value"
	cliSecretEnv = "OAUTHGEN_TEST_CLIENT_SECRET"
)

// cli is one `oauthgen authorize` run in-process.
type cli struct {
	stdout bytes.Buffer // read only after done is closed
	stderr stderrWatch
	code   int
	done   chan struct{}
}

// startAuthorize runs `oauthgen authorize args...` in a goroutine, with the client
// secret in its environment. The test ends it (cancelling its context) and waits for
// it when it is over.
func startAuthorize(t *testing.T, args ...string) *cli {
	t.Helper()
	c := &cli{done: make(chan struct{})}
	c.stderr.authURL = make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	getenv := func(k string) string {
		if k == cliSecretEnv {
			return cliSecret
		}
		return ""
	}
	go func() {
		defer close(c.done)
		c.code = run(ctx, append([]string{"authorize"}, args...), getenv, strings.NewReader(""), &c.stdout, &c.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		<-c.done
	})
	return c
}

// stderrWatch records what the command writes to stderr and passes on the first
// authorize URL it prints.
type stderrWatch struct {
	mu      sync.Mutex
	text    strings.Builder
	authURL chan string
	sent    bool
}

func (w *stderrWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.text.Write(p)
	lines := strings.Split(w.text.String(), "\n")
	for _, line := range lines[:len(lines)-1] { // complete lines only
		if u := strings.TrimSpace(line); !w.sent && strings.HasPrefix(u, "http") && strings.Contains(u, "state=") {
			w.authURL <- u
			w.sent = true
		}
	}
	return len(p), nil
}

func (w *stderrWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.text.String()
}

// waitURL returns the authorize URL the command printed on stderr.
func (c *cli) waitURL(t *testing.T) string {
	t.Helper()
	select {
	case u := <-c.stderr.authURL:
		return u
	case <-c.done:
		t.Fatalf("authorize exited (%d) before printing a URL:\n%s", c.code, c.errText())
	case <-time.After(30 * time.Second):
		t.Fatalf("no authorize URL printed:\n%s", c.errText())
	}
	return ""
}

// wait returns the exit code.
func (c *cli) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-c.done:
		return c.code
	case <-time.After(30 * time.Second):
		t.Fatalf("authorize did not exit:\n%s", c.errText())
	}
	return -1
}

func (c *cli) errText() string { return c.stderr.String() }

// browse does what the browser does with the authorize URL: the fake provider
// redirects to the command's loopback callback, which answers.
func browse(t *testing.T, u string) (status int, page string) {
	t.Helper()
	return browseHost(t, u, "")
}

// browseHost is browse with the Host header set to host (unless empty).
func browseHost(t *testing.T, u, host string) (status int, page string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func freePort(t *testing.T) int { return freePortOn(t, "127.0.0.1") }

// freePortOn returns a port free on host (an IP address).
func freePortOn(t *testing.T, host string) int {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestAuthorizeFlow drives `oauthgen authorize` as a user would, against oauthtest:
// the printed authorize URL is opened, the provider redirects to the command's
// callback server, and the command prints the token.
func TestAuthorizeFlow(t *testing.T) {
	newProvider := func(t *testing.T) *oauthtest.Provider {
		p := oauthtest.New(oauthtest.Config{ClientID: cliClientID, ClientSecret: cliSecret, ClientAuth: oauthtest.AuthBasic,
			RequirePKCE: true, ExpiresIn: time.Hour})
		t.Cleanup(p.Close)
		return p
	}
	noSecret := func(t *testing.T, c *cli) {
		t.Helper()
		if strings.Contains(c.stdout.String(), cliSecret) || strings.Contains(c.errText(), cliSecret) {
			t.Error("the client secret was printed")
		}
	}

	t.Run("token on stdout", func(t *testing.T) {
		p := newProvider(t)
		port := freePort(t)
		c := startAuthorize(t, "testdata/authorize/provider.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL, "--port", strconv.Itoa(port), "--timeout", "30s")
		authURL := c.waitURL(t)
		u, err := url.Parse(authURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if want := "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"; q.Get("redirect_uri") != want {
			t.Errorf("redirect_uri %q, want %q", q.Get("redirect_uri"), want)
		}
		if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" || q.Get("client_id") != cliClientID {
			t.Errorf("authorize URL query %v: want the client id and an S256 challenge", q)
		}
		// A callback with another state is refused and the command keeps waiting.
		if status, _ := browse(t, q.Get("redirect_uri")+"?code=forged&state=forged"); status != http.StatusBadRequest {
			t.Errorf("forged callback answered %d", status)
		}
		// The page tells the outcome once the code was exchanged.
		want := "<!doctype html><title>oauthgen</title><p>Loopback Provider is connected: the code was exchanged for a token. You can close this window and return to the terminal.</p>\n"
		if status, page := browse(t, authURL); status != http.StatusOK || page != want {
			t.Errorf("callback page %d %q, want 200 %q", status, page, want)
		}
		if code := c.wait(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, c.errText())
		}
		tok, err := runtime.UnmarshalToken(c.stdout.Bytes())
		if err != nil {
			t.Fatalf("stdout is not a token: %v\n%s", err, c.stdout.String())
		}
		var raw map[string]any
		if err := json.Unmarshal(c.stdout.Bytes(), &raw); err != nil || raw["access_token"] != tok.AccessToken {
			t.Errorf("stdout JSON %v (%v)", raw, err)
		}
		if !strings.HasPrefix(tok.AccessToken, "access-") || tok.RefreshToken == "" || tok.Expiry.IsZero() {
			t.Errorf("token %+v", tok)
		}
		st := p.Stats()
		if st.Exchanges != 1 || st.APICalls != 1 {
			t.Errorf("provider saw %d exchanges and %d API calls, want 1 and 1", st.Exchanges, st.APICalls)
		}
		if r, _ := p.LastRequest("token"); !r.HasBasic || r.Form["code_verifier"] == "" {
			t.Errorf("exchange without Basic auth or verifier: %+v", r.Form)
		}
		if !strings.Contains(c.errText(), "Ignored a callback whose state does not match") || !strings.Contains(c.errText(), "Test request GET "+p.URL+"/api/me: OK") {
			t.Errorf("stderr:\n%s", c.errText())
		}
		noSecret(t, c)
	})

	t.Run("output file", func(t *testing.T) {
		p := newProvider(t)
		out := filepath.Join(t.TempDir(), "token.json")
		if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		c := startAuthorize(t, "testdata/authorize/provider.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL, "--output", out)
		browse(t, c.waitURL(t))
		if code := c.wait(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, c.errText())
		}
		if c.stdout.Len() != 0 {
			t.Errorf("stdout %q, want nothing", c.stdout.String())
		}
		st, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("token file mode %v, want 0600", st.Mode().Perm())
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
			t.Errorf("%d files beside the token file, want none (a temporary file left?)", len(entries)-1)
		}
		data, _ := os.ReadFile(out)
		if tok, err := runtime.UnmarshalToken(data); err != nil || tok.AccessToken == "" {
			t.Errorf("token file: %v\n%s", err, data)
		}
		noSecret(t, c)
	})

	t.Run("registered redirect URL", func(t *testing.T) {
		p := newProvider(t)
		redirect := "http://127.0.0.1:" + strconv.Itoa(freePort(t)) + "/oauth/cb"
		c := startAuthorize(t, "testdata/authorize/provider.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL, "--redirect-url", redirect)
		authURL := c.waitURL(t)
		u, _ := url.Parse(authURL)
		if got := u.Query().Get("redirect_uri"); got != redirect {
			t.Errorf("redirect_uri %q, want %q", got, redirect)
		}
		if status, page := browse(t, authURL); status != http.StatusOK {
			t.Errorf("callback page %d %s", status, page)
		}
		if code := c.wait(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, c.errText())
		}
		if r, _ := p.LastRequest("token"); r.Form["redirect_uri"] != redirect {
			t.Errorf("exchange redirect_uri %q", r.Form["redirect_uri"])
		}
	})

	t.Run("exchange fails", func(t *testing.T) {
		p := oauthtest.New(oauthtest.Config{ClientID: cliClientID, ClientSecret: cliSecret, ClientAuth: oauthtest.AuthBasic, RequirePKCE: true,
			TokenFaults: []oauthtest.Fault{{Status: http.StatusBadRequest, Body: `{"error":"invalid_grant","error_description":"<script>alert(1)</script>"}`}}})
		t.Cleanup(p.Close)
		c := startAuthorize(t, "testdata/authorize/provider.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL)
		// The page waits for the exchange, and says it failed with the provider's
		// error, escaped.
		status, page := browse(t, c.waitURL(t))
		if status != http.StatusBadGateway || !strings.Contains(page, "<p>The connection failed: ") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") ||
			strings.Contains(page, "<script>") || strings.Contains(page, "connected") {
			t.Errorf("callback page %d %q", status, page)
		}
		if code := c.wait(t); code != exitInvalid || c.stdout.Len() != 0 || !strings.Contains(c.errText(), "invalid_grant") {
			t.Errorf("exit %d, stdout %q, stderr:\n%s", code, c.stdout.String(), c.errText())
		}
		noSecret(t, c)
	})

	t.Run("host header", func(t *testing.T) {
		p := newProvider(t)
		port := strconv.Itoa(freePort(t))
		c := startAuthorize(t, "testdata/authorize/provider.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL, "--port", port)
		authURL := c.waitURL(t)
		u, _ := url.Parse(authURL)
		q := u.Query()
		// A request for another host (DNS rebinding) is refused, whatever it carries,
		// and does not use up the callback.
		status, page := browseHost(t, q.Get("redirect_uri")+"?code=x&state="+url.QueryEscape(q.Get("state")), "rebind.example:"+port)
		if want := "<!doctype html><title>oauthgen</title><p>This server answers only 127.0.0.1:" + port + ".</p>\n"; status != http.StatusMisdirectedRequest || page != want {
			t.Errorf("callback for another host: %d %q, want 421 %q", status, page, want)
		}
		if status, page := browse(t, authURL); status != http.StatusOK {
			t.Errorf("callback page %d %s", status, page)
		}
		if code := c.wait(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, c.errText())
		}
	})

	t.Run("localhost on both address families", func(t *testing.T) {
		p := newProvider(t)
		port := strconv.Itoa(freePort(t))
		c := startAuthorize(t, "testdata/authorize/provider.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL, "--redirect-url", "http://localhost:"+port+"/cb")
		authURL := c.waitURL(t)
		// A browser may resolve localhost to either address: both reach the command
		// (which refuses this state and keeps waiting).
		for _, ip := range []string{"127.0.0.1", "[::1]"} {
			if status, page := browseHost(t, "http://"+ip+":"+port+"/cb?code=x&state=forged", "localhost:"+port); status != http.StatusBadRequest {
				t.Errorf("via %s: %d %s, want 400", ip, status, page)
			}
		}
		if status, page := browse(t, authURL); status != http.StatusOK {
			t.Errorf("callback page %d %s", status, page)
		}
		if code := c.wait(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, c.errText())
		}
	})

	t.Run("[::1] as given", func(t *testing.T) {
		p := newProvider(t)
		port := strconv.Itoa(freePortOn(t, "::1"))
		redirect := "http://[::1]:" + port + "/cb"
		c := startAuthorize(t, "testdata/authorize/provider.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL, "--redirect-url", redirect)
		authURL := c.waitURL(t)
		if resp, err := http.Get("http://127.0.0.1:" + port + "/cb"); err == nil {
			resp.Body.Close()
			t.Error("the callback server listens on 127.0.0.1 too")
		}
		if status, page := browse(t, authURL); status != http.StatusOK {
			t.Errorf("callback page %d %s", status, page)
		}
		if code := c.wait(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, c.errText())
		}
		if r, _ := p.LastRequest("token"); r.Form["redirect_uri"] != redirect {
			t.Errorf("exchange redirect_uri %q", r.Form["redirect_uri"])
		}
	})

	t.Run("output through a symlink", func(t *testing.T) {
		p := newProvider(t)
		dir := t.TempDir()
		real, link := filepath.Join(dir, "real.json"), filepath.Join(dir, "token.json")
		if err := os.WriteFile(real, []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(real, link); err != nil {
			t.Fatal(err)
		}
		c := startAuthorize(t, "testdata/authorize/cc.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL, "--output", link)
		if code := c.wait(t); code != exitInvalid {
			t.Fatalf("exit %d:\n%s", code, c.errText())
		}
		if want := "oauthgen authorize: " + link + " is a symbolic link: give the path of the file itself\n"; !strings.HasSuffix(c.errText(), want) {
			t.Errorf("stderr:\n%s\nwant it to end in %q", c.errText(), want)
		}
		if data, _ := os.ReadFile(real); string(data) != "keep" {
			t.Errorf("the symlink's target was written: %q", data)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 2 {
			t.Errorf("%d files in the directory, want the two of the test", len(entries))
		}
	})

	t.Run("provider refuses", func(t *testing.T) {
		p := newProvider(t)
		c := startAuthorize(t, "testdata/authorize/provider.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL)
		u, _ := url.Parse(c.waitURL(t))
		q := u.Query()
		status, page := browse(t, q.Get("redirect_uri")+"?error=access_denied&error_description="+url.QueryEscape("<b>No</b>")+"&state="+url.QueryEscape(q.Get("state")))
		// The page shows the provider's error, escaped: it is the provider's (or anyone's) text.
		want := "<!doctype html><title>oauthgen</title><p>The connection failed: oauthgen: Loopback Provider: authorization failed: &#34;access_denied&#34; &#34;&lt;b&gt;No&lt;/b&gt;&#34;. See the terminal.</p>\n"
		if status != http.StatusBadGateway || page != want {
			t.Errorf("callback page %d %q, want 502 %q", status, page, want)
		}
		if code := c.wait(t); code != exitInvalid {
			t.Fatalf("exit %d, want %d", code, exitInvalid)
		}
		if !strings.Contains(c.errText(), "access_denied") || c.stdout.Len() != 0 {
			t.Errorf("stderr:\n%s\nstdout: %q", c.errText(), c.stdout.String())
		}
		if p.Stats().Exchanges != 0 {
			t.Error("a refused authorization was exchanged")
		}
	})

	t.Run("client credentials", func(t *testing.T) {
		p := newProvider(t)
		c := startAuthorize(t, "testdata/authorize/cc.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
			"--param", "issuer="+p.URL)
		if code := c.wait(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, c.errText())
		}
		tok, err := runtime.UnmarshalToken(c.stdout.Bytes())
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("stdout: %v\n%s", err, c.stdout.String())
		}
		if st := p.Stats(); st.ClientCredentials != 1 || st.Authorizations != 0 || st.APICalls != 1 {
			t.Errorf("stats %+v", st)
		}
		if strings.Contains(c.errText(), "Open this URL") {
			t.Error("a client-credentials connector asked for the browser")
		}
		noSecret(t, c)
	})
}

func TestAuthorizeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"testdata/authorize/provider.json", "--client-secret-env", cliSecretEnv}, exitUsage, "--client-id is required"},
		{[]string{"--client-id", "x"}, exitUsage, "want one connector FILE"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--port", "70000"}, exitUsage, "not a port number"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--param", "issuer"}, exitUsage, "want name=value"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--client-secret"}, exitUsage, "unknown flag: --client-secret"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--param", "client_secret=s3cr3t-value"}, exitUsage, "oauthgen authorize: --param client_secret: secrets are never taken from the command line (shell history, the process list): put the client secret in an environment variable and name it with --client-secret-env\n"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--param", "Client-Secret=s3cr3t-value"}, exitUsage, "--param Client-Secret: secrets are never taken"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--client-secret-env", cliSecretEnv}, exitInvalid, "environment variable " + cliSecretEnv + " (--client-secret-env) is empty or unset"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--timeout", "1s"}, exitInvalid, "issuer is required"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--param", "issuer=http://127.0.0.1:1", "--redirect-url", "not a url"}, exitUsage, "is not an absolute URL"},
		{[]string{"testdata/authorize/nope.json", "--client-id", "x"}, exitInvalid, "nope.json"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--param", "issuer=http://127.0.0.1:1", "--redirect-url", "https://app.example.com/cb"}, exitUsage, "must be http://127.0.0.1:PORT/"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--param", "issuer=http://127.0.0.1:1", "--redirect-url", "http://127.0.0.1/cb"}, exitUsage, "must be http://127.0.0.1:PORT/"},
		{[]string{"testdata/authorize/provider.json", "--client-id", "x", "--param", "issuer=http://127.0.0.1:1", "--redirect-url", "http://localhost:8080/cb", "--port", "8081"}, exitUsage, "--port 8081 and the --redirect-url's port 8080 differ"},
	} {
		code, out, errOut := runOauthgen(append([]string{"authorize"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("authorize %v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
		if strings.Contains(errOut, "s3cr3t-value") {
			t.Errorf("authorize %v: the secret given is printed: %q", tc.args, errOut)
		}
	}
	// A public client has no secret: the usage line says --client-secret-env is optional.
	code, out, _ := runOauthgen("authorize", "--help")
	want := "Usage: oauthgen authorize FILE --client-id ID [--client-secret-env VAR] [--param k=v]... [--port N] [--redirect-url URL] [--device] [--open] [--output FILE] [--timeout D]\n"
	if code != exitOK || !strings.HasPrefix(out, want) {
		t.Errorf("--help: exit %d, %q, want it to start with %q", code, out, want)
	}
}

// With no callback, the command gives up at --timeout.
func TestAuthorizeTimeout(t *testing.T) {
	code, _, errOut := runOauthgen("authorize", "testdata/authorize/provider.json", "--client-id", "x",
		"--param", "issuer=http://127.0.0.1:1", "--timeout", "50ms")
	if code != exitInvalid || !strings.Contains(errOut, "no callback received within the timeout") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// An interrupt (the end of run's context) stops the wait and says so.
func TestAuthorizeInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"authorize", "testdata/authorize/provider.json", "--client-id", "x", "--param", "issuer=http://127.0.0.1:1"},
		noEnv, strings.NewReader(""), &out, &errb)
	if code != exitInvalid || !strings.Contains(errb.String(), "oauthgen authorize: interrupted before a callback was received\n") || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// TestAuthorizeDevice: --device prints the user code and where to enter it, polls
// through authorization_pending, and prints the token; without a device endpoint, or
// with callback flags, it is refused.
func TestAuthorizeDevice(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{ClientID: cliClientID, ClientSecret: cliSecret, ClientAuth: oauthtest.AuthBasic,
		ExpiresIn: time.Hour, DevicePending: 1})
	t.Cleanup(p.Close)
	c := startAuthorize(t, "testdata/authorize/device.json", "--client-id", cliClientID, "--client-secret-env", cliSecretEnv,
		"--param", "issuer="+p.URL, "--device", "--timeout", "30s")
	<-c.done
	if c.code != exitOK {
		t.Fatalf("exit %d\n%s", c.code, c.errText())
	}
	for _, want := range []string{
		"To connect, open " + p.URL + "/activate and enter the code WDJB-MJHT\n",
		"(or open " + p.URL + "/activate?user_code=WDJB-MJHT, which carries the code)\n",
		"Test request GET " + p.URL + "/api/me: OK.\n",
	} {
		if !strings.Contains(c.errText(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, c.errText())
		}
	}
	if !strings.Contains(c.stdout.String(), `"access_token"`) {
		t.Errorf("stdout has no token:\n%s", c.stdout.String())
	}
	if st := p.Stats(); st.DeviceCodes != 1 || st.DevicePolls != 2 || st.Authorizations != 0 {
		t.Errorf("provider saw %+v; want 1 device code, 2 polls, no browser authorization", st)
	}
	if strings.Contains(c.stdout.String()+c.errText(), cliSecret) {
		t.Error("the client secret was printed")
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"testdata/authorize/provider.json", "--device"}, exitInvalid, "oauthgen authorize: testdata/authorize/provider.json: --device: the connector has no device_authorization_url\n"},
		{[]string{"testdata/authorize/device.json", "--device", "--port", "8080"}, exitUsage, "oauthgen authorize: --device needs no callback server: drop --port and --redirect-url\n"},
	} {
		c := startAuthorize(t, append(tc.args, "--client-id", cliClientID, "--param", "issuer="+p.URL)...)
		<-c.done
		if c.code != tc.code || !strings.HasPrefix(c.errText(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, c.code, c.errText(), tc.code, tc.msg)
		}
	}
}
