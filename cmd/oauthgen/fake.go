package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
)

var fakeCmd = command{
	name:    "fake",
	summary: "serve a fake provider playing a connector on 127.0.0.1, to try authorize against",
	run:     runFake,
}

// fakeClientID is the client id the fake expects and the printed authorize line uses.
const fakeClientID = "fake-client"

func runFake(ctx context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	fs := pflag.NewFlagSet("fake", pflag.ContinueOnError)
	params := fs.StringArray("param", nil, "an auth_form value as name=value (repeatable), as the authorize line will pass it")
	meta := fs.StringArray("metadata", nil, "a token metadata or userinfo value the fake answers, as name=value (repeatable; default <name>-1); a value a URL starts with must be an absolute URL")
	callback := fs.StringArray("callback", nil, "a callback_params value the fake's callback carries, as name=value (repeatable; default <name>-1)")
	usage := usageFor(fs, "fake FILE [--param k=v]... [--metadata k=v]... [--callback k=v]...",
		"Serves oauthtest's fake provider playing the connector's quirks (client authentication,",
		"body type, key names, nested tokens, PKCE) on 127.0.0.1 until interrupted. It writes a",
		"copy of the connector whose URLs point at the fake, and prints the endpoints and an",
		"`oauthgen authorize` line that runs the flow against it. The fake's authorize endpoint",
		"approves at once: open the printed authorize URL and the code comes back.",
		"Exit status: 0 after an interrupt, 1 the connector is invalid, 2 usage error.")
	if code, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "oauthgen fake: "+format+"\n", a...)
		if code == exitUsage {
			usage(stderr)
		}
		return code
	}
	if fs.NArg() != 1 {
		return fail(exitUsage, "want one connector FILE, got %d arguments", fs.NArg())
	}
	file := fs.Arg(0)
	pv, err := keyValues("--param", *params)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	mv, err := keyValues("--metadata", *meta)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	cv, err := keyValues("--callback", *callback)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fail(exitInvalid, "%v", err)
	}
	m, err := model.Parse(file, data)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInvalid
	}
	if err := checkParamNames(m, pv); err != nil {
		return fail(exitInvalid, "%s: %v", file, err)
	}
	anyParams := map[string]any{}
	for k, v := range pv {
		anyParams[k] = v
	}
	fake, err := oauthtest.ForConnector(m, oauthtest.ConnectorOptions{ClientID: fakeClientID, Params: anyParams, Metadata: mv, Callback: cv})
	if err != nil {
		msg := strings.Replace(err.Error(), "in ConnectorOptions", "with --metadata or --callback", 1)
		return fail(exitInvalid, "%s", msg)
	}
	defer fake.Close()

	pointed, err := pointAtFake(data, m, fake)
	if err != nil {
		return fail(exitInvalid, "%s: %v", file, err)
	}
	dir, err := os.MkdirTemp("", "oauthgen-fake-")
	if err != nil {
		return fail(exitInvalid, "%v", err)
	}
	defer os.RemoveAll(dir)
	copyPath := filepath.Join(dir, filepath.Base(file))
	if err := os.WriteFile(copyPath, pointed, 0o600); err != nil {
		return fail(exitInvalid, "%v", err)
	}

	fmt.Fprintf(stdout, "Fake %s provider on %s\n\nRoutes (the connector's URLs -> the fake's):\n", m.Name, fake.URL)
	for _, line := range fake.Endpoints() {
		fmt.Fprintf(stdout, "  %s\n", line)
	}
	fmt.Fprintf(stdout, "\nThe connector pointed at the fake (removed on exit): %s\n", copyPath)
	line := []string{"oauthgen", "authorize", shellQuote(copyPath), "--client-id", fakeClientID}
	if m.ClientSecretRequired {
		line = append(line, "--client-secret-env", "FAKE_SECRET")
		fmt.Fprintln(stdout, "The connector requires a client secret: the fake takes any, FAKE_SECRET=anything.")
	}
	for _, p := range m.Params {
		if v, ok := pv[p.Name]; ok {
			line = append(line, "--param", shellQuote(p.Name+"="+v))
		}
	}
	fmt.Fprintf(stdout, "\nIn another terminal:\n  %s\n\nStop with Ctrl-C.\n", strings.Join(line, " "))

	<-ctx.Done()
	fmt.Fprintf(stderr, "oauthgen fake: stopped (%d token requests, %d API requests)\n", len(fake.RequestsTo("token")), len(fake.RequestsTo("api")))
	return exitOK
}

// pointAtFake returns the connector file data with each URL the fake routes replaced
// by the fake's: the URL rendered for the fake's values, sent through its routes.
// "$schema" is dropped, since the copy lives elsewhere.
func pointAtFake(data []byte, m *model.Connector, fake *oauthtest.Fake) ([]byte, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	delete(doc, "$schema")
	obj := func(parent map[string]any, key string) map[string]any {
		o, _ := parent[key].(map[string]any)
		return o
	}
	config := obj(obj(doc, "oauth2"), "config")
	set := func(o map[string]any, key string, t *model.Template) error {
		if o == nil || t == nil {
			return nil
		}
		u, err := fake.Redirect.URL(m.Render(t, fake.Values, fake.Vars))
		if err != nil {
			return fmt.Errorf("%s: %v", t.Pointer, err)
		}
		o[key] = u
		return nil
	}
	places := []struct {
		o   map[string]any
		key string
		t   *model.Template
	}{
		{doc, "base_url", m.BaseURL},
		{config, "step1_authorize_url", m.AuthorizeURL},
		{config, "step3_access_url", m.TokenURL},
		{config, "token_refresh_url", m.RefreshURL},
		{config, "revoke_url", m.RevokeURL},
	}
	if m.Userinfo != nil {
		places = append(places, struct {
			o   map[string]any
			key string
			t   *model.Template
		}{obj(config, "userinfo"), "url", m.Userinfo.URL})
	}
	if tr := obj(doc, "test_request"); tr != nil && tr["url"] != nil {
		places = append(places, struct {
			o   map[string]any
			key string
			t   *model.Template
		}{tr, "url", m.TestRequest.URL})
	}
	for _, p := range places {
		if err := set(p.o, p.key, p.t); err != nil {
			return nil, err
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe characters.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
