package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/runtime"
)

var authorizeCmd = command{
	name:    "authorize",
	summary: "get a token from a terminal: loopback callback, code exchange, token as JSON",
	run:     runAuthorize,
}

func runAuthorize(ctx context.Context, e *env, args []string) int {
	// The callback server's handler writes to stderr too.
	stdout, stderr := e.stdout, &syncWriter{w: e.stderr}
	fs := pflag.NewFlagSet("authorize", pflag.ContinueOnError)
	clientID := fs.String("client-id", "", "the application's client id (required)")
	secretEnv := fs.String("client-secret-env", "", "name of the environment variable holding the client secret; omit it for a public client (the secret is never taken from the command line)")
	params := fs.StringArray("param", nil, "an auth_form value as name=value (repeatable)")
	port := fs.Int("port", 0, "port of the loopback callback server (0: the --redirect-url's port, else a random one)")
	redirect := fs.String("redirect-url", "", "loopback redirect URL registered with the provider, such as http://localhost:8080/cb (default http://127.0.0.1:PORT/callback); the callback server listens on its host (127.0.0.1 and [::1] for localhost) and port")
	open := fs.Bool("open", false, "open the authorize URL (with --device: the verification URL) in the browser")
	device := fs.Bool("device", false, "use the device authorization grant (RFC 8628; the connector needs a device_authorization_url): print the user code and the verification URL, and poll until the user has decided")
	output := fs.StringP("output", "o", "", "write the token JSON to this file (mode 0600, replaced whole; not through a symlink) instead of stdout")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for the whole flow")
	usage := usageFor(fs, "authorize FILE --client-id ID [--client-secret-env VAR] [--param k=v]... [--port N] [--redirect-url URL] [--device] [--open] [--output FILE] [--timeout D]",
		"Runs the connector's flow from a terminal: starts a loopback callback server,",
		"prints the authorize URL (and opens it with --open), checks the state, exchanges",
		"the code (with PKCE when the connector uses it), prints the token as JSON and runs",
		"the connector's test request. Client-credentials connectors skip the browser.",
		"With --device, no callback server: the user enters a code at the provider.",
		"Messages go to stderr; only the token goes to stdout.",
		"Exit status: 0 ok, 1 the flow failed, 2 usage error.")
	if code, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "oauthgen authorize: "+format+"\n", a...)
		if code == exitUsage {
			usage(stderr)
		}
		return code
	}
	switch {
	case fs.NArg() != 1:
		return fail(exitUsage, "want one connector FILE, got %d arguments", fs.NArg())
	case *clientID == "":
		return fail(exitUsage, "--client-id is required")
	case *port < 0 || *port > 65535:
		return fail(exitUsage, "--port %d is not a port number", *port)
	case *timeout <= 0:
		return fail(exitUsage, "--timeout must be positive")
	case *device && (*port != 0 || *redirect != ""):
		return fail(exitUsage, "--device needs no callback server: drop --port and --redirect-url")
	}
	pv, err := keyValues("--param", *params)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	for k := range pv {
		if isClientSecretName(k) {
			return fail(exitUsage, "--param %s: secrets are never taken from the command line (shell history, the process list): put the client secret in an environment variable and name it with --client-secret-env", k)
		}
	}
	secret := ""
	if *secretEnv != "" {
		secret = e.getenv(*secretEnv)
		if secret == "" {
			return fail(exitInvalid, "environment variable %s (--client-secret-env) is empty or unset", *secretEnv)
		}
	}
	m, err := dynamic.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInvalid
	}
	if err := checkParamNames(m, pv); err != nil {
		return fail(exitInvalid, "%s: %v", fs.Arg(0), err)
	}
	anyParams := map[string]any{}
	for k, v := range pv {
		anyParams[k] = v
	}
	cfg := dynamic.AsEndUser(m, dynamic.Config{ClientID: *clientID, ClientSecret: runtime.Secret(secret), Params: anyParams})
	// dynamic.New makes a client without a required value (for Connections); one
	// end user's authorization here needs them all.
	if _, err := m.CheckParams(anyParams); err != nil {
		return fail(exitInvalid, "%v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	var tok *oauth2.Token
	var c *dynamic.Client
	switch {
	case *device:
		if !m.Methods.Device {
			return fail(exitInvalid, "%s: --device: the connector has no device_authorization_url", fs.Arg(0))
		}
		if c, err = dynamic.New(m, cfg); err != nil {
			return fail(exitInvalid, "%v", err)
		}
		if tok, err = authorizeDevice(ctx, c, *open, stderr); err != nil {
			return fail(exitInvalid, "%v", err)
		}
	case m.Grant == runtime.ClientCredentials:
		if c, err = dynamic.New(m, cfg); err != nil {
			return fail(exitInvalid, "%v", err)
		}
		fmt.Fprintf(stderr, "%s uses the client credentials grant: requesting a token.\n", m.Name)
		if tok, err = c.Token(ctx); err != nil {
			return fail(exitInvalid, "%v", err)
		}
	default:
		c, tok, err = authorizeCode(ctx, m.Name, func(redirectURL string) (*dynamic.Client, error) {
			cfg.RedirectURL = redirectURL
			return dynamic.New(m, cfg)
		}, m.PKCE != runtime.NoPKCE, *port, *redirect, *open, stderr)
		if err != nil {
			var ue usageError
			if errors.As(err, &ue) {
				return fail(exitUsage, "%v", err)
			}
			return fail(exitInvalid, "%v", err)
		}
	}

	data, err := runtime.MarshalToken(tok)
	if err != nil {
		return fail(exitInvalid, "%v", err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, data, "", "  "); err != nil {
		return fail(exitInvalid, "encoding the token: %v", err)
	}
	pretty.WriteByte('\n')
	if *output != "" {
		if err := writePrivate(*output, pretty.Bytes()); err != nil {
			return fail(exitInvalid, "%v", err)
		}
		fmt.Fprintf(stderr, "Token written to %s (mode 0600).\n", *output)
	} else {
		stdout.Write(pretty.Bytes())
	}

	if method, u, ok := c.TestRequest(tok); ok {
		if err := c.Verify(ctx, tok); err != nil {
			return fail(exitInvalid, "test request %s %s failed: %v", method, redactQuery(u), err)
		}
		fmt.Fprintf(stderr, "Test request %s %s: OK.\n", method, redactQuery(u))
	}
	return exitOK
}

// authorizeDevice runs the device authorization grant: it prints the user code and
// where to enter it, opens the verification URL with open, and polls the token
// endpoint (as often as the provider allows) until the user has decided.
func authorizeDevice(ctx context.Context, c *dynamic.Client, open bool, stderr io.Writer) (*oauth2.Token, error) {
	da, err := c.DeviceAuth(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "To connect, open %s and enter the code %s\n", da.VerificationURI, da.UserCode)
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(stderr, "(or open %s, which carries the code)\n", da.VerificationURIComplete)
	}
	if open {
		u := da.VerificationURIComplete
		if u == "" {
			u = da.VerificationURI
		}
		if err := openURL(u); err != nil {
			fmt.Fprintf(stderr, "could not open the browser: %v\n", err)
		}
	}
	fmt.Fprintln(stderr, "Waiting for the authorization...")
	return c.DeviceAccessToken(ctx, da)
}

// isClientSecretName reports whether an auth_form name given to --param stands for the
// client secret, whatever its spelling (client_secret, client-secret, clientSecret).
func isClientSecretName(name string) bool {
	return strings.EqualFold(strings.NewReplacer("_", "", "-", "").Replace(name), "clientsecret")
}

// usageError is a problem with the flags found after parsing.
type usageError struct{ error }

// callback is one callback request whose state matched, handed from the callback
// server to the flow; the server answers the browser once result has the outcome.
type callback struct {
	query  url.Values
	result chan error // buffered; receives nil once the code was exchanged
}

// authorizeCode runs the authorization-code flow through a loopback callback server.
// newClient builds the client for the redirect URL in use.
func authorizeCode(ctx context.Context, name string, newClient func(redirectURL string) (*dynamic.Client, error),
	pkce bool, port int, redirect string, openBrowser bool, stderr io.Writer) (*dynamic.Client, *oauth2.Token, error) {
	target, err := redirectTarget(port, redirect)
	if err != nil {
		return nil, nil, err
	}
	lns, err := listenLoopback(ctx, target)
	if err != nil {
		return nil, nil, fmt.Errorf("starting the callback server: %v", err)
	}
	if redirect == "" {
		target.Host = net.JoinHostPort(target.Hostname(), strconv.Itoa(lns[0].Addr().(*net.TCPAddr).Port))
		redirect = target.String()
	}
	path := target.Path
	if path == "" {
		path = "/"
	}
	c, err := newClient(redirect)
	if err != nil {
		for _, ln := range lns {
			ln.Close()
		}
		return nil, nil, err
	}

	state := runtime.NewState()
	var opts []oauth2.AuthCodeOption
	if pkce {
		opts = append(opts, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	}
	authURL := c.AuthCodeURL(state, opts...)

	callbacks := make(chan callback)
	flowDone := make(chan struct{}) // closed when the flow no longer waits for callbacks
	var taken atomic.Bool
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A page on another origin can make the browser send requests here; one whose
		// Host is not the redirect URL's (DNS rebinding) gets nothing.
		if !strings.EqualFold(r.Host, target.Host) {
			callbackPage(w, http.StatusMisdirectedRequest, "This server answers only "+target.Host+".")
			return
		}
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		if !runtime.EqualState(q.Get("state"), state) {
			// Not the answer to our authorize URL: refuse it and keep waiting.
			fmt.Fprintln(stderr, "Ignored a callback whose state does not match.")
			callbackPage(w, http.StatusBadRequest, "The state does not match the authorization request: ignored.")
			return
		}
		if !taken.CompareAndSwap(false, true) {
			callbackPage(w, http.StatusConflict, "A callback was already received.")
			return
		}
		cb := callback{query: q, result: make(chan error, 1)}
		select {
		case callbacks <- cb:
		case <-flowDone:
			callbackPage(w, http.StatusServiceUnavailable, "The command is no longer waiting for a callback.")
			return
		case <-r.Context().Done():
			return
		}
		// The page tells the outcome of the exchange, not only that a callback came.
		select {
		case err := <-cb.result:
			if err != nil {
				callbackPage(w, http.StatusBadGateway, "The connection failed: "+err.Error()+". See the terminal.")
				return
			}
			callbackPage(w, http.StatusOK, name+" is connected: the code was exchanged for a token. You can close this window and return to the terminal.")
		case <-r.Context().Done():
		}
	})}
	for _, ln := range lns {
		go srv.Serve(ln)
	}
	defer func() {
		// Shutdown, not Close: the handler is still writing the page of the outcome.
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	defer close(flowDone) // before Shutdown: a handler still waiting for the flow gives up

	fmt.Fprintf(stderr, "Open this URL to authorize %s:\n\n  %s\n\nWaiting for the callback on %s ...\n", name, authURL, redirect)
	if openBrowser {
		if err := openURL(authURL); err != nil {
			fmt.Fprintf(stderr, "Could not open a browser (%v): open the URL yourself.\n", err)
		}
	}

	var cb callback
	select {
	case cb = <-callbacks:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, nil, errors.New("interrupted before a callback was received")
		}
		return nil, nil, errors.New("no callback received within the timeout")
	}
	tok, err := exchangeCallback(ctx, c, cb.query, opts)
	cb.result <- err
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintln(stderr, "Code exchanged for a token.")
	return c, tok, nil
}

// exchangeCallback checks the callback query q (the provider's error, if any) and
// exchanges its code.
func exchangeCallback(ctx context.Context, c *dynamic.Client, q url.Values, opts []oauth2.AuthCodeOption) (*oauth2.Token, error) {
	if _, err := c.CodeFromCallback(q); err != nil {
		return nil, err
	}
	return c.ExchangeCallback(ctx, q, opts...)
}

// redirectTarget returns the redirect URL the callback server answers: --redirect-url
// checked against --port, or http://127.0.0.1:PORT/callback (PORT 0: any, chosen
// when the server listens).
func redirectTarget(port int, redirect string) (*url.URL, error) {
	if redirect == "" {
		return &url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Path: "/callback"}, nil
	}
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, usageError{fmt.Errorf("--redirect-url %q is not an absolute URL", redirect)}
	}
	rp, _ := strconv.Atoi(u.Port())
	if u.Scheme != "http" || !isLoopback(u.Hostname()) || rp <= 0 || u.User != nil || u.Fragment != "" {
		return nil, usageError{fmt.Errorf("--redirect-url %q: this command serves the callback itself, so it must be http://127.0.0.1:PORT/..., http://localhost:PORT/... or http://[::1]:PORT/...", redirect)}
	}
	if port != 0 && port != rp {
		return nil, usageError{fmt.Errorf("--port %d and the --redirect-url's port %d differ", port, rp)}
	}
	return u, nil
}

// listenLoopback listens where the redirect URL u points: the address its host names,
// or for localhost both 127.0.0.1 and [::1], since the browser may resolve localhost
// to either, and another program listening on the other would receive the code. The
// IPv6 listener is skipped only when the machine has no IPv6 loopback.
func listenLoopback(ctx context.Context, u *url.URL) ([]net.Listener, error) {
	var lc net.ListenConfig
	if u.Hostname() != "localhost" {
		ln, err := lc.Listen(ctx, "tcp", u.Host)
		if err != nil {
			return nil, err
		}
		return []net.Listener{ln}, nil
	}
	v4, err := lc.Listen(ctx, "tcp4", net.JoinHostPort("127.0.0.1", u.Port()))
	if err != nil {
		return nil, err
	}
	v6, err := lc.Listen(ctx, "tcp6", net.JoinHostPort("::1", u.Port()))
	switch {
	case err == nil:
		return []net.Listener{v4, v6}, nil
	case errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT):
		return []net.Listener{v4}, nil
	}
	v4.Close()
	return nil, err
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// callbackPage answers the browser. msg may carry what the provider sent: it is
// escaped.
func callbackPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><title>oauthgen</title><p>%s</p>\n", html.EscapeString(msg))
}

// openURL opens u in the desktop's browser.
func openURL(u string) error {
	var cmd *exec.Cmd
	switch goruntime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// writePrivate replaces the file at path with data, readable by the owner only: data
// goes to a new file in the same directory (created exclusively, mode 0600), which is
// then renamed over path, so no reader sees half a token and no existing file's mode
// or owner carries over. A symlink at path is refused rather than replaced: the user
// meant the file it points to, which this would not write.
func writePrivate(path string, data []byte) (err error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link: give the path of the file itself", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*") // O_EXCL, 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// syncWriter serializes writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// redactQuery drops the query string of u, which may carry values the connector adds.
func redactQuery(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(the test request URL)"
	}
	p.RawQuery = ""
	return p.String()
}
