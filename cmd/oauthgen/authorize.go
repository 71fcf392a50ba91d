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
	goruntime "runtime"
	"strconv"
	"sync"
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
	secretEnv := fs.String("client-secret-env", "", "name of the environment variable holding the client secret (the secret is never taken from the command line)")
	params := fs.StringArray("param", nil, "an auth_form value as name=value (repeatable)")
	port := fs.Int("port", 0, "port of the loopback callback server on 127.0.0.1 (0: the --redirect-url's port, else a random one)")
	redirect := fs.String("redirect-url", "", "loopback redirect URL registered with the provider, such as http://localhost:8080/cb (default http://127.0.0.1:PORT/callback); its port and path are served on 127.0.0.1")
	open := fs.Bool("open", false, "open the authorize URL in the browser")
	output := fs.StringP("output", "o", "", "write the token JSON to this file (mode 0600) instead of stdout")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for the whole flow")
	usage := usageFor(fs, "authorize FILE --client-id ID --client-secret-env VAR [--param k=v]... [--port N] [--open] [--output FILE] [--timeout D]",
		"Runs the connector's flow from a terminal: starts a callback server on 127.0.0.1,",
		"prints the authorize URL (and opens it with --open), checks the state, exchanges",
		"the code (with PKCE when the connector uses it), prints the token as JSON and runs",
		"the connector's test request. Client-credentials connectors skip the browser.",
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
	}
	pv, err := keyValues("--param", *params)
	if err != nil {
		return fail(exitUsage, "%v", err)
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
	anyParams := map[string]any{}
	for k, v := range pv {
		anyParams[k] = v
	}
	cfg := dynamic.Config{ClientID: *clientID, ClientSecret: secret, Params: anyParams}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	var tok *oauth2.Token
	var c *dynamic.Client
	if m.Grant == runtime.ClientCredentials {
		if c, err = dynamic.New(m, cfg); err != nil {
			return fail(exitInvalid, "%v", err)
		}
		fmt.Fprintf(stderr, "%s uses the client credentials grant: requesting a token.\n", m.Name)
		if tok, err = c.Token(ctx); err != nil {
			return fail(exitInvalid, "%v", err)
		}
	} else {
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

// usageError is a problem with the flags found after parsing.
type usageError struct{ error }

// authorizeCode runs the authorization-code flow through a loopback callback server.
// newClient builds the client for the redirect URL in use.
func authorizeCode(ctx context.Context, name string, newClient func(redirectURL string) (*dynamic.Client, error),
	pkce bool, port int, redirect string, openBrowser bool, stderr io.Writer) (*dynamic.Client, *oauth2.Token, error) {
	path := "/callback"
	if redirect != "" {
		u, err := url.Parse(redirect)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, nil, usageError{fmt.Errorf("--redirect-url %q is not an absolute URL", redirect)}
		}
		if u.Scheme != "http" || !isLoopback(u.Hostname()) || u.Port() == "" {
			return nil, nil, usageError{fmt.Errorf("--redirect-url %q: this command serves the callback itself, so it must be http://127.0.0.1:PORT/..., http://localhost:PORT/... or http://[::1]:PORT/...", redirect)}
		}
		if u.Path != "" {
			path = u.Path
		}
		rp, _ := strconv.Atoi(u.Port())
		if port != 0 && port != rp {
			return nil, nil, usageError{fmt.Errorf("--port %d and the --redirect-url's port %d differ", port, rp)}
		}
		port = rp
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, nil, fmt.Errorf("starting the callback server: %v", err)
	}
	defer ln.Close()
	if redirect == "" {
		redirect = fmt.Sprintf("http://127.0.0.1:%d%s", ln.Addr().(*net.TCPAddr).Port, path)
	}
	c, err := newClient(redirect)
	if err != nil {
		return nil, nil, err
	}

	state := runtime.NewState()
	var opts []oauth2.AuthCodeOption
	if pkce {
		opts = append(opts, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	}
	authURL := c.AuthCodeURL(state, opts...)

	callbacks := make(chan url.Values, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		select {
		case callbacks <- q:
			if q.Get("error") != "" {
				callbackPage(w, http.StatusOK, "The provider refused the authorization: "+q.Get("error")+". See the terminal.")
			} else {
				callbackPage(w, http.StatusOK, "Authorization received. You can close this window and return to the terminal.")
			}
		default:
			callbackPage(w, http.StatusConflict, "A callback was already received.")
		}
	})}
	go srv.Serve(ln)
	defer srv.Close()

	fmt.Fprintf(stderr, "Open this URL to authorize %s:\n\n  %s\n\nWaiting for the callback on %s ...\n", name, authURL, redirect)
	if openBrowser {
		if err := openURL(authURL); err != nil {
			fmt.Fprintf(stderr, "Could not open a browser (%v): open the URL yourself.\n", err)
		}
	}

	var q url.Values
	select {
	case q = <-callbacks:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, nil, errors.New("interrupted before a callback was received")
		}
		return nil, nil, errors.New("no callback received within the timeout")
	}
	if _, err := c.CodeFromCallback(q); err != nil {
		return nil, nil, err
	}
	tok, err := c.ExchangeCallback(ctx, q, opts...)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintln(stderr, "Code exchanged for a token.")
	return c, tok, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// callbackPage answers the browser.
func callbackPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
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

// writePrivate writes data to path, readable by the owner only (also when the file
// already existed with wider permissions).
func writePrivate(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
