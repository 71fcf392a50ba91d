package conformance

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/internal/registry"
	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// The exfiltration matrix (issue 13): every connector, through its generated client
// and its dynamic client, with a hostile value in each end-user field, callback value
// and provider response value, runs every operation (authorize URL, exchange with its
// userinfo call, refresh, revoke, test request, API call) against a transport that
// records what each request carries and answers as the provider would. No request may
// carry a credential to a host outside the connector's host set for it (the client
// secret, the code, the PKCE verifier and the refresh token: its token hosts; the
// access token: its API hosts or token hosts), and nothing may panic. The redirect
// rows answer one endpoint with each redirect status and a Location on another host:
// API calls and test requests go on without the token; the token endpoint (exchange,
// refresh, client credentials), the revocation endpoint, userinfo and the device
// authorization endpoint carry credentials, so their operation must fail with a
// *runtime.RedirectError inside its *runtime.TokenError and send nothing more, to the
// redirect target or anywhere else.
//
// go test -v -run Exfiltration ./conformance prints both tables and the counts.

const (
	exfilSecret   = "exfil-client-secret-6f1e2d9a"
	exfilCode     = "exfil-code-91ab77c3"
	exfilVerifier = "exfilverifier0123456789abcdefghijklmnopqrstuv"
	exfilAT       = "exfil-access-token-5c3d0b1e"
	exfilRT       = "exfil-refresh-token-7e8f2a4c"
	exfilID       = "exfil-client-id"
	exfilEvil     = "evil.example"
)

// exfilValues is the corpus of hostile values: other hosts, host, path and query
// injections, userinfo, IP literals, percent-encoding, Unicode look-alikes, control
// characters, and origins that merely start or end like a real one.
var exfilValues = []string{
	"evil.example",
	"evil.example/x?",
	"evil.example#",
	"evil.example:443",
	"a@evil.example/",
	"acme.evil.example",
	"acme/../../evil.example",
	"../x?client_id=ATTACKER&redirect_uri=https://evil.example/#",
	"x?client_id=ATTACKER#",
	"https://evil.example",
	"https://evil.example/x",
	"//evil.example",
	"https://user:pass@evil.example",
	"https://www.zohoapis.eu.evil.example",
	"https://accounts.zoho.eu@evil.example",
	"https://evil.example\\@accounts.zoho.eu",
	"https://evil.example?.myshopify.com",
	"127.0.0.1",
	"[::1]",
	"169.254.169.254",
	"0x7f.1",
	"http://127.0.0.1:8080",
	"evil%2eexample",
	"evil.example%2f",
	"acme%40evil.example",
	"аcme.myshopify.com",  // Cyrillic а
	"\u212aelvin.example", // Kelvin sign, which folds to k
	"evil.example\r\nX-Injected: 1",
	" evil.example",
	"evil.example.",
}

// exfilRedirects are the redirect statuses of the redirect rows.
var exfilRedirects = []int{301, 302, 303, 307, 308}

// The endpoints a redirect row answers with a redirect, as the rows name them.
const (
	exfilAtAPI      = "API"                           // API calls and test requests
	exfilAtToken    = "token endpoint"                // exchange, refresh, client credentials
	exfilAtRevoke   = "revocation endpoint"           // RFC 7009 and providers' own requests
	exfilAtUserinfo = "userinfo"                      // the exchange's userinfo request
	exfilAtDevice   = "device authorization endpoint" // RFC 8628 3.1
)

// exfilRedirectAt lists the endpoints of the redirect rows; all but the API carry
// credentials and must never be followed.
var exfilRedirectAt = []string{exfilAtAPI, exfilAtToken, exfilAtRevoke, exfilAtUserinfo, exfilAtDevice}

// exfilPoint is where a hostile value goes.
type exfilPoint struct {
	kind string // "field" (auth_form), "callback", "response" (token metadata, userinfo)
	name string // template name
}

// exfilSubject is one connector's client with one injection point.
type exfilSubject struct {
	file      string // "connectors/x.json"
	m         *model.Connector
	point     exfilPoint
	generated bool
}

func (s exfilSubject) String() string {
	kind := "dynamic"
	if s.generated {
		kind = "generated"
	}
	if s.point.kind == "" { // a redirect row's subject
		return fmt.Sprintf("%s %s", filepath.Base(s.file), kind)
	}
	return fmt.Sprintf("%s %s %s %s", filepath.Base(s.file), kind, s.point.kind, s.point.name)
}

// exfilPoints lists m's injection points: text and password auth_form fields (select,
// number and checkbox values are checked against their type), callback values, and
// values of the token and userinfo responses that are kept.
func exfilPoints(m *model.Connector) []exfilPoint {
	var out []exfilPoint
	for _, p := range m.Params {
		if p.Kind == jinja.String {
			out = append(out, exfilPoint{"field", p.Name})
		}
	}
	for _, f := range m.CallbackParams {
		out = append(out, exfilPoint{"callback", f.Name})
	}
	for _, k := range m.KeptValues() {
		if !k.Callback {
			out = append(out, exfilPoint{"response", k.Name})
		}
	}
	return out
}

// exfilTally counts what a matrix ran.
type exfilTally struct {
	cases, requests, leaks, panics atomic.Int64
}

// exfilCounts is what one row saw, for its cells.
type exfilCounts struct {
	cases, requests, leaks, panics atomic.Int64
}

func TestExfiltrationMatrix(t *testing.T) {
	files, err := filepath.Glob("../connectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no connectors: %v", err)
	}
	sort.Strings(files)
	var subjects, redirectSubjects []exfilSubject
	for _, f := range files {
		m := e2e.Load(t, f)
		key := "connectors/" + filepath.Base(f)
		if registry.Clients[key] == nil {
			t.Fatalf("%s: no generated client in internal/registry", key)
		}
		for _, gen := range []bool{true, false} {
			for _, p := range exfilPoints(m) {
				subjects = append(subjects, exfilSubject{key, m, p, gen})
			}
			redirectSubjects = append(redirectSubjects, exfilSubject{key, m, exfilPoint{}, gen})
		}
	}
	var total exfilTally
	header := []string{"VALUE", "OUTCOMES (subjects)", "CASES", "REQUESTS", "OUTSIDE HOST SET", "PANICS"}
	values := &matrix[exfilSubject]{t: t, subjects: subjects, parallel: 2, header: header, leaks: "LEAKS", result: true,
		secrets: []string{exfilSecret, exfilCode, exfilVerifier, exfilAT, exfilRT}}
	for _, v := range exfilValues {
		values.row(exfilRow(quoteValue(v), &total, func(s exfilSubject) exfilRun { return exfilRun{s: s, value: v} }))
	}
	redirects := &matrix[exfilSubject]{t: t, subjects: redirectSubjects, parallel: 2, header: header, leaks: "LEAKS", result: true,
		secrets: values.secrets}
	for _, at := range exfilRedirectAt {
		for _, code := range exfilRedirects {
			redirects.row(exfilRow(fmt.Sprintf("%s answers %d to https://%s/", at, code, exfilEvil), &total, func(s exfilSubject) exfilRun {
				return exfilRun{s: s, redirect: code, redirectAt: at}
			}))
		}
	}
	values.log("Exfiltration matrix: %d connectors × generated and dynamic clients × %d injection points × %d hostile values",
		len(files), len(subjects)/2, len(exfilValues))
	redirects.log("Exfiltration matrix, redirects: %d connectors × generated and dynamic clients × %d endpoints × %d redirect statuses",
		len(files), len(exfilRedirectAt), len(exfilRedirects))
	t.Logf("exfiltration: %d cases (subject × value × operation), %d requests recorded, %d credentials outside the host set, %d panics",
		total.cases.Load(), total.requests.Load(), total.leaks.Load(), total.panics.Load())
	if total.cases.Load() == 0 || total.requests.Load() == 0 {
		t.Error("the matrix ran nothing")
	}
}

func quoteValue(v string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// exfilRow is one row: each subject's run with what mk gives.
func exfilRow(name string, total *exfilTally, mk func(exfilSubject) exfilRun) matrixRow[exfilSubject] {
	var c exfilCounts
	return matrixRow[exfilSubject]{
		name: name,
		run: func(t *testing.T, s exfilSubject, l *leakScan) string {
			r := mk(s)
			r.t, r.l, r.counts, r.total = t, l, &c, total
			return r.run()
		},
		cells: func() []string {
			return []string{fmt.Sprint(c.cases.Load()), fmt.Sprint(c.requests.Load()), fmt.Sprint(c.leaks.Load()), fmt.Sprint(c.panics.Load())}
		},
	}
}

// exfilRun is one subject's run of every operation with one hostile value (or one
// redirect status).
type exfilRun struct {
	s          exfilSubject
	value      string // the hostile value at s.point
	redirect   int    // non-zero: the endpoint redirectAt answers this redirect
	redirectAt string // one of exfilRedirectAt

	t      *testing.T
	l      *leakScan
	counts *exfilCounts
	total  *exfilTally

	tokenHosts, apiHosts []string
	rt                   *exfilTransport
	hostRefused          bool
	refused              int // operations that failed with the expected RedirectError
}

// valueAt returns the value of kind/name for this run: the hostile one at the
// injection point, else a well-formed one.
func (r *exfilRun) valueAt(kind, name string) (string, bool) {
	if r.redirect == 0 && r.s.point.kind == kind && r.s.point.name == name {
		return r.value, true
	}
	return "", false
}

func (r *exfilRun) run() string {
	m := r.s.m
	params := e2e.Params(m, nil)
	if v, ok := r.valueAt("field", r.s.point.name); ok {
		params[r.s.point.name] = v
	}
	r.rt = &exfilTransport{run: r, body: r.tokenBody()}
	hc := &http.Client{Transport: r.rt}
	opts := []runtime.Option{runtime.WithHTTPClient(hc)}
	var client any
	var rc *runtime.Client
	err := r.guard("new", func() error {
		var err error
		if r.s.generated {
			checked, cerr := m.CheckParams(params)
			if cerr != nil {
				return cerr
			}
			client, err = registry.Clients[r.s.file](registry.Config{ClientID: exfilID, ClientSecret: exfilSecret,
				RedirectURL: e2e.RedirectURL, Model: m, Params: checked}, opts...)
		} else {
			client, err = dynamic.New(m, dynamic.AsEndUser(m, dynamic.Config{ClientID: exfilID, ClientSecret: exfilSecret, RedirectURL: e2e.RedirectURL, Params: params}), opts...)
		}
		return err
	})
	if err != nil {
		r.l.err(err)
		return "refused by New"
	}
	rc = client.(interface{ Runtime() *runtime.Client }).Runtime()
	r.l.value(client)
	r.sets(params)
	ctx := context.Background()

	var pkce []oauth2.AuthCodeOption
	if m.PKCE != runtime.NoPKCE {
		pkce = append(pkce, oauth2.VerifierOption(exfilVerifier))
	}
	if m.Grant == runtime.ClientCredentials {
		r.op("token", func() error { _, err := rc.Token(ctx); return err })
	} else {
		r.op("authorize URL", func() error {
			u := rc.AuthCodeURL("state-1", pkce...)
			for _, sec := range []string{exfilSecret, exfilVerifier, exfilAT, exfilRT, exfilCode} {
				if strings.Contains(u, sec) {
					r.leak("the authorize URL", "its query")
				}
			}
			return nil
		})
		r.op("exchange", func() error {
			_, err := rc.ExchangeCallback(ctx, r.callbackQuery(), pkce...)
			return err
		})
	}
	// Later operations start from a stored token that kept the values, as one
	// stored before a rule would have.
	tok := r.storedToken()
	if m.Grant == runtime.AuthorizationCode && !m.Permanent {
		r.op("refresh", func() error { _, err := rc.RefreshToken(ctx, tok); return err })
	}
	if m.RevokeURL != nil {
		r.op("revoke", func() error { return rc.Revoke(ctx, tok) })
	}
	if m.DeviceAuthURL != nil {
		r.op("device authorization", func() error { _, err := rc.DeviceAuth(ctx); return err })
	}
	if v, ok := client.(interface {
		Verify(context.Context, *oauth2.Token) error
	}); ok && m.TestRequest != nil {
		r.op("test request", func() error { return v.Verify(ctx, tok) })
	}
	if base := baseURLOf(client, tok); base != "" {
		r.op("API call", func() error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"exfil", nil)
			if err != nil {
				return err
			}
			resp, err := rc.HTTPClient(ctx, tok).Do(req)
			if err == nil {
				resp.Body.Close()
			}
			return err
		})
	}
	if r.hostRefused {
		return "host refused"
	}
	if r.redirect != 0 && r.redirectAt != exfilAtAPI {
		if n := r.rt.evilRequests(); n > 0 {
			r.t.Errorf("%s: %s answered %d: %d request(s) sent to %s", r.s, r.redirectAt, r.redirect, n, exfilEvil)
		}
		if r.refused == 0 {
			return "no " + r.redirectAt
		}
		return "RedirectError, nothing sent again"
	}
	return "within the host set"
}

// baseURLOf returns the client's base URL for tok, whatever the method's form.
func baseURLOf(client any, tok *oauth2.Token) string {
	switch c := client.(type) {
	case interface{ BaseURLFor(*oauth2.Token) string }:
		return c.BaseURLFor(tok)
	case interface{ BaseURL(*oauth2.Token) string }:
		return c.BaseURL(tok)
	case interface{ BaseURL() string }:
		return c.BaseURL()
	}
	return ""
}

// op runs one operation, counting it as a case; its error goes to the leak scan.
func (r *exfilRun) op(name string, f func() error) {
	r.counts.cases.Add(1)
	r.total.cases.Add(1)
	r.rt.setOp(name)
	err := r.guard(name, f)
	if err != nil {
		r.l.err(err)
		var he *runtime.HostError
		if errors.As(err, &he) {
			r.hostRefused = true
		}
	}
	if want, after := r.rt.redirected(); want != "" {
		r.checkRedirectError(name, err, want, after)
	}
}

// checkRedirectError checks what operation name returned after the transport answered
// a credential-carrying request with a redirect: a *runtime.TokenError of op want whose
// Err is a *runtime.RedirectError naming the status and the Location's host, and no
// request after the redirect (after is how many there were).
func (r *exfilRun) checkRedirectError(name string, err error, want runtime.Op, after int) {
	if after > 0 {
		r.t.Errorf("%s: %s: %d request(s) sent after the %s answered %d", r.s, name, after, r.redirectAt, r.redirect)
	}
	var te *runtime.TokenError
	var re *runtime.RedirectError
	if !errors.As(err, &te) || !errors.As(te.Err, &re) {
		r.t.Errorf("%s: %s: the %s answered %d: error %v, want a *runtime.RedirectError inside a *runtime.TokenError", r.s, name, r.redirectAt, r.redirect, err)
		return
	}
	if te.Op != want || re.Op != want || re.StatusCode != r.redirect || re.Host != exfilEvil {
		r.t.Errorf("%s: %s: RedirectError{Op: %q, StatusCode: %d, Host: %q} in TokenError{Op: %q}, want op %q, status %d, host %q",
			r.s, name, re.Op, re.StatusCode, re.Host, te.Op, want, r.redirect, exfilEvil)
		return
	}
	if after == 0 {
		r.refused++
	}
}

// guard runs f, turning a panic into a failure of the row.
func (r *exfilRun) guard(name string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.counts.panics.Add(1)
			r.total.panics.Add(1)
			r.t.Errorf("%s, value %q: %s panicked: %v", r.s, r.value, name, p)
			err = fmt.Errorf("panic")
		}
	}()
	return f()
}

// sets computes the oracle: the connector's host sets, with the end user's host
// where the end user hosts the provider.
func (r *exfilRun) sets(params map[string]any) {
	m := r.s.m
	r.tokenHosts = append([]string{}, m.TokenHosts...)
	r.apiHosts = append([]string{}, m.APIHosts...)
	if m.UserHost != nil {
		if checked, err := m.CheckParams(params); err == nil {
			if h := m.Render(m.UserHost, model.Values{Params: checked}, nil); h != "" {
				r.tokenHosts = append(r.tokenHosts, h)
				r.apiHosts = append(r.apiHosts, h)
			}
		}
	}
}

// inSet reports whether host is one of patterns (the test's own matcher: exact, or
// "*." and exactly one letters-digits-hyphens label).
func inSet(patterns []string, host string) bool {
	for _, p := range patterns {
		if h, _, err := netSplit(p); err == nil {
			p = h
		}
		if strings.EqualFold(p, host) && isASCII(host) {
			return true
		}
		if rest, ok := strings.CutPrefix(p, "*."); ok {
			label, tail, found := strings.Cut(host, ".")
			if found && strings.EqualFold(tail, rest) && isASCII(host) && label != "" && strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == "" {
				return true
			}
		}
	}
	return false
}

func netSplit(hostport string) (string, string, error) {
	u, err := url.Parse("https://" + hostport)
	if err != nil || u.Port() == "" {
		return hostport, "", errors.New("no port")
	}
	return u.Hostname(), u.Port(), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// check records one request and reports each credential it carries to a host
// outside that credential's set.
func (r *exfilRun) check(req *http.Request, dump string) {
	r.counts.requests.Add(1)
	r.total.requests.Add(1)
	host := req.URL.Hostname()
	for _, sec := range []string{exfilSecret, exfilCode, exfilVerifier, exfilRT} {
		if strings.Contains(dump, sec) && !inSet(r.tokenHosts, host) {
			r.leak(req.URL.Scheme+"://"+req.URL.Host, "the client secret, code, verifier or refresh token")
			return
		}
	}
	if strings.Contains(dump, exfilAT) && !inSet(r.tokenHosts, host) && !inSet(r.apiHosts, host) && (len(r.apiHosts) > 0) {
		r.leak(req.URL.Scheme+"://"+req.URL.Host, "the access token")
	}
}

func (r *exfilRun) leak(where, what string) {
	r.counts.leaks.Add(1)
	r.total.leaks.Add(1)
	if r.redirect != 0 {
		r.t.Errorf("%s, %s answering %d, %s: %s sent to %s", r.s, r.redirectAt, r.redirect, r.rt.currentOp(), what, where)
		return
	}
	r.t.Errorf("%s, value %q, %s: %s sent to %s", r.s, r.value, r.rt.currentOp(), what, where)
}

// callbackQuery is the callback: the code, the state and the callback values.
func (r *exfilRun) callbackQuery() url.Values {
	q := url.Values{}
	codeKey := r.s.m.CodeKey
	if codeKey == "" {
		codeKey = "code"
	}
	q.Set(codeKey, exfilCode)
	q.Set("state", "state-1")
	for _, f := range r.s.m.CallbackParams {
		if f.Path[0] == "state" {
			continue
		}
		v, ok := r.valueAt("callback", f.Name)
		if !ok {
			v = e2e.FakeValue(r.s.m, "callback", f.Name)
		}
		q.Set(f.Path[0], v)
	}
	return q
}

// storedToken is a token as a store keeps it, with this run's values.
func (r *exfilRun) storedToken() *oauth2.Token {
	extra := map[string]any{}
	for _, k := range r.s.m.KeptValues() {
		kind, fake := "response", e2e.FakeValue(r.s.m, "meta", k.Name)
		if k.Callback {
			kind, fake = "callback", e2e.FakeValue(r.s.m, "callback", k.Name)
		}
		v, ok := r.valueAt(kind, k.Name)
		if !ok {
			v = fake
		}
		extra[k.Name] = v
	}
	tok := &oauth2.Token{AccessToken: exfilAT, RefreshToken: exfilRT, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	return tok.WithExtra(extra)
}

// tokenBody is the provider's answer to every request: a token response shaped as
// the connector reads it, carrying this run's response values (also a userinfo
// answer).
func (r *exfilRun) tokenBody() string {
	m := r.s.m
	access, refresh, expires, typ := tokenPaths(m.Static)
	root := map[string]any{}
	e2e.Nest(root, access, exfilAT)
	if !m.Permanent {
		e2e.Nest(root, refresh, exfilRT)
		e2e.Nest(root, expires, 3600)
	}
	e2e.Nest(root, typ, "Bearer")
	fields := append([]runtime.Field{}, m.Metadata...)
	if m.Userinfo != nil {
		fields = append(fields, m.Userinfo.Fields...)
	}
	for _, f := range fields {
		v, ok := r.valueAt("response", f.Name)
		if !ok {
			v = e2e.FakeValue(m, "meta", f.Name)
		}
		e2e.Nest(root, f.Path, v)
	}
	b, _ := json.Marshal(root)
	return string(b)
}

// exfilTransport records each request of a run and answers it.
type exfilTransport struct {
	run  *exfilRun
	body string

	mu    sync.Mutex
	op    string     // the operation running
	n     int        // requests the operation has sent
	want  runtime.Op // set when a credential-carrying request was answered with a redirect
	after int        // requests the operation sent after that
	evil  int        // requests of the run to exfilEvil
}

// setOp starts operation op.
func (x *exfilTransport) setOp(op string) {
	x.mu.Lock()
	x.op, x.n, x.want, x.after = op, 0, "", 0
	x.mu.Unlock()
}

func (x *exfilTransport) currentOp() string { x.mu.Lock(); defer x.mu.Unlock(); return x.op }

// redirected returns the Op the running operation's error must name when one of its
// credential-carrying requests was answered with a redirect ("" when none was), and
// how many requests it sent after that.
func (x *exfilTransport) redirected() (runtime.Op, int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.want, x.after
}

func (x *exfilTransport) evilRequests() int { x.mu.Lock(); defer x.mu.Unlock(); return x.evil }

// endpoint says which endpoint the n-th request (from 0) of operation op goes to, as
// the redirect rows name them, and the Op of a credential-carrying request's error:
// an exchange sends its token request, then its userinfo request.
func endpoint(op string, n int) (string, runtime.Op) {
	switch op {
	case "exchange":
		if n == 0 {
			return exfilAtToken, runtime.OpExchange
		}
		return exfilAtUserinfo, runtime.OpUserinfo
	case "token":
		return exfilAtToken, runtime.OpClientCredentials
	case "refresh":
		return exfilAtToken, runtime.OpRefresh
	case "revoke":
		return exfilAtRevoke, runtime.OpRevoke
	case "device authorization":
		return exfilAtDevice, runtime.OpDeviceAuth
	case "API call", "test request":
		return exfilAtAPI, ""
	}
	return "", ""
}

func (x *exfilTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	var b strings.Builder
	b.WriteString(req.URL.String())
	for k, vs := range req.Header {
		for _, v := range vs {
			b.WriteString("\n" + k + ": " + v)
			if s, ok := strings.CutPrefix(v, "Basic "); ok {
				if dec, err := base64.StdEncoding.DecodeString(s); err == nil {
					b.WriteString(" = " + string(dec))
				}
			}
		}
	}
	b.WriteString("\n\n")
	b.Write(body)
	x.run.check(req, b.String())
	x.mu.Lock()
	at, op := endpoint(x.op, x.n)
	x.n++
	if req.URL.Hostname() == exfilEvil {
		x.evil++
	}
	if x.want != "" {
		x.after++
	}
	code := x.run.redirect
	redirect := code != 0 && at == x.run.redirectAt && req.URL.Hostname() != exfilEvil
	if redirect && op != "" {
		x.want = op
	}
	x.mu.Unlock()
	if redirect {
		h := http.Header{"Location": {"https://" + exfilEvil + "/steal?from=" + url.QueryEscape(req.URL.Path)}}
		return &http.Response{StatusCode: code, Header: h, Body: http.NoBody, Request: req}, nil
	}
	h := http.Header{"Content-Type": {"application/json"}}
	return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(strings.NewReader(x.body)), Request: req, ContentLength: int64(len(x.body))}, nil
}

// recordingClient is an *http.Client whose transport records each request's host and
// answers with body.
func recordingClient(body string, hosts *[]string) *http.Client {
	var mu sync.Mutex
	return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		*hosts = append(*hosts, r.URL.Host)
		mu.Unlock()
		if r.Body != nil {
			r.Body.Close()
		}
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestExfiltrationShopifyShop: the reproduction, `shop=evil.example/x?`: the
// token request (with the platform's client secret) is refused, by the generated and
// the dynamic client alike, and nothing is sent anywhere.
func TestExfiltrationShopifyShop(t *testing.T) {
	m := e2e.Load(t, "../connectors/shopify.json")
	for _, shop := range []string{"evil.example/x?", "a@evil.example/", "evil.example#"} {
		for _, gen := range []bool{true, false} {
			var hosts []string
			hc := recordingClient(`{"access_token":"at"}`, &hosts)
			params := map[string]any{"shop": shop}
			var client any
			var err error
			if gen {
				checked, cerr := m.CheckParams(params)
				if cerr != nil {
					client, err = nil, cerr
				} else {
					client, err = registry.Clients["connectors/shopify.json"](registry.Config{ClientID: "id", ClientSecret: exfilSecret, Model: m, Params: checked}, runtime.WithHTTPClient(hc))
				}
			} else {
				client, err = dynamic.New(m, dynamic.Config{ClientID: "id", ClientSecret: exfilSecret, Params: params}, runtime.WithHTTPClient(hc))
			}
			if err != nil { // refused by New, which must say which value
				if !strings.Contains(err.Error(), "shop") || strings.Contains(err.Error(), exfilSecret) {
					t.Errorf("shop %q (generated %v): New's error %q does not name the field", shop, gen, err)
				}
				continue
			}
			rc := client.(interface{ Runtime() *runtime.Client }).Runtime()
			_, err = rc.Exchange(context.Background(), "code")
			var he *runtime.HostError
			if !errors.As(err, &he) || he.Connector != "Shopify" || he.Op != runtime.OpExchange || he.Host != exfilEvil {
				t.Errorf("shop %q (generated %v): error %v, want a *runtime.HostError for %s", shop, gen, err, exfilEvil)
			}
			if len(hosts) != 0 {
				t.Errorf("shop %q (generated %v): sent to %v", shop, gen, hosts)
			}
		}
	}
}

// TestExfiltrationZohoCallback: the Zoho reproduction. A callback edited to
// accounts-server=https://evil.example gets no token request (nor the client secret);
// a stored token that kept it gets no refresh there; a token response whose api_domain
// is the attacker's fails the exchange, and a stored token with it makes no API call.
func TestExfiltrationZohoCallback(t *testing.T) {
	m := e2e.Load(t, "../connectors/zoho.json")
	ctx := context.Background()
	for _, gen := range []bool{true, false} {
		newClient := func(body string, hosts *[]string) *runtime.Client {
			hc := recordingClient(body, hosts)
			var c any
			var err error
			if gen {
				c, err = registry.Clients["connectors/zoho.json"](registry.Config{ClientID: "id", ClientSecret: exfilSecret, Model: m}, runtime.WithHTTPClient(hc))
			} else {
				c, err = dynamic.New(m, dynamic.Config{ClientID: "id", ClientSecret: exfilSecret}, runtime.WithHTTPClient(hc))
			}
			if err != nil {
				t.Fatal(err)
			}
			return c.(interface{ Runtime() *runtime.Client }).Runtime()
		}
		var hosts []string
		rc := newClient(`{"access_token":"at","refresh_token":"rt","api_domain":"https://www.zohoapis.eu"}`, &hosts)
		q := url.Values{"code": {"c0de"}, "state": {"s"}, "accounts-server": {"https://" + exfilEvil}, "location": {"eu"}}
		if _, err := rc.ExchangeCallback(ctx, q); !isHostErr(err, runtime.OpExchange, exfilEvil) {
			t.Errorf("generated %v: forged accounts-server: %v", gen, err)
		}
		stored := (&oauth2.Token{AccessToken: "at", RefreshToken: "rt"}).WithExtra(map[string]any{
			"accounts_server": "https://" + exfilEvil, "api_domain": "https://" + exfilEvil})
		if _, err := rc.RefreshToken(ctx, stored); !isHostErr(err, runtime.OpRefresh, exfilEvil) {
			t.Errorf("generated %v: refresh with a stored forged accounts-server: %v", gen, err)
		}
		if _, err := rc.HTTPClient(ctx, stored).Get("https://" + exfilEvil + "/crm/v6/users"); !isHostErr(err, runtime.OpAPI, exfilEvil) {
			t.Errorf("generated %v: API call to a stored forged api_domain: %v", gen, err)
		}
		if len(hosts) != 0 {
			t.Errorf("generated %v: sent to %v", gen, hosts)
		}

		hosts = nil
		rc = newClient(`{"access_token":"at","refresh_token":"rt","api_domain":"https://`+exfilEvil+`"}`, &hosts)
		q.Set("accounts-server", "https://accounts.zoho.eu")
		tok, err := rc.ExchangeCallback(ctx, q)
		if !isHostErr(err, runtime.OpExchange, exfilEvil) || tok != nil {
			t.Errorf("generated %v: api_domain from the token response on another host: token %v, error %v", gen, tok, err)
		}
		if len(hosts) != 1 || hosts[0] != "accounts.zoho.eu" {
			t.Errorf("generated %v: requests to %v, want the one token request to accounts.zoho.eu", gen, hosts)
		}
	}
}

func isHostErr(err error, op runtime.Op, host string) bool {
	var he *runtime.HostError
	return errors.As(err, &he) && he.Op == op && he.Host == host
}

// TestExfiltrationAPIRedirect: the redirect reproduction for API calls: a 302
// from the shop's host to another host gets neither the X-Shopify-Access-Token header
// nor anything else the transport adds.
func TestExfiltrationAPIRedirect(t *testing.T) {
	m := e2e.Load(t, "../connectors/shopify.json")
	var got []*http.Request
	hc := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		got = append(got, r)
		if r.URL.Host != exfilEvil {
			return &http.Response{StatusCode: http.StatusFound, Header: http.Header{"Location": {"https://" + exfilEvil + "/steal"}}, Body: http.NoBody, Request: r}, nil
		}
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})}
	c, err := dynamic.New(m, dynamic.Config{ClientID: "id", ClientSecret: exfilSecret, Params: map[string]any{"shop": "acme"}}, runtime.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.HTTPClient(context.Background(), &oauth2.Token{AccessToken: exfilAT}).Get(c.BaseURL() + "shop.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(got) != 2 || got[0].Header.Get("X-Shopify-Access-Token") != exfilAT {
		t.Fatalf("%d requests; the first must carry the token", len(got))
	}
	for k, vs := range got[1].Header {
		for _, v := range vs {
			if strings.Contains(v, exfilAT) {
				t.Errorf("the redirect to %s carries the token in %s", exfilEvil, k)
			}
		}
	}
}
