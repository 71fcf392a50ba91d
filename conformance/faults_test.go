package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// The fault matrix: every fault on the token endpoint (and the API) against every
// connector flow. Each fault must end in a documented, typed error (a
// *runtime.TokenError; with an *oauth2.RetrieveError inside when the server answered),
// leak no goroutine, leave the previous token in the store, and print no secret.

const (
	faultSecret  = "fault-client-secret-5e0c71d2"
	faultOldAT   = "old-access-token-a8b3c1d9e7"
	faultOldRT   = "old-refresh-token-f2e4a6c8b0"
	faultNewAT   = "new-access-token-33d1c0ffee"
	faultNewRT   = "new-refresh-token-77aa11bb"
	faultStoreID = "conn-1"
)

// matrixFlow is one connector under test: its resolved flow, with the token URL
// pointed at the fault server by the test.
type matrixFlow struct {
	name string
	flow *runtime.Flow
}

// withTokenURL returns a copy of f whose token and refresh requests go to base/token
// (its userinfo request dropped; the tests that want one set it).
func withTokenURL(f *runtime.Flow, base string) *runtime.Flow {
	c := *f
	c.TokenURL = runtime.String(base + "/token")
	c.RefreshURL = runtime.Text{}
	c.Userinfo = nil // a userinfo call is an exchange step; the matrix refreshes
	return &c
}

// fault is one row of the matrix.
type fault struct {
	name string
	// handler serves the token endpoint for a flow; nil for faults that need no server.
	handler func(f *runtime.Flow) http.HandlerFunc
	refused bool          // point the client at a closed port
	timeout time.Duration // context deadline of the call (default 5s)
	// cancelAfter cancels the call's context after this long (0: never).
	cancelAfter time.Duration
	waiters     int // concurrent callers of one TokenSource (default 1)
	// check returns a problem with the outcome, or "". It sees the error (nil when a
	// token was returned) and the token.
	check func(err error, tok *oauth2.Token, elapsed time.Duration) string
	// maxRequests is how many token requests the call may cause (default 2: one
	// fallback body type is allowed).
	maxRequests int
}

// tokenPaths returns the paths the runtime reads a token response at, with its
// defaults (siblings of the access token).
func tokenPaths(f *runtime.Flow) (access, refresh, expires, typ runtime.Path) {
	access = f.AccessToken
	if len(access) == 0 {
		access = runtime.Path{"access_token"}
	}
	sib := func(p runtime.Path, name string) runtime.Path {
		if len(p) > 0 {
			return p
		}
		s := append(runtime.Path{}, access...)
		s[len(s)-1] = name
		return s
	}
	return access, sib(f.RefreshToken, "refresh_token"), sib(f.ExpiresIn, "expires_in"), sib(f.TokenType, "token_type")
}

func setPath(root map[string]any, p runtime.Path, v any) {
	m := root
	for _, k := range p[:len(p)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[p[len(p)-1]] = v
}

// tokenJSON is a token response for f with the given overrides by field ("access",
// "refresh", "expires", "type"); a value of deleteField removes the field.
func tokenJSON(f *runtime.Flow, over map[string]string) string {
	access, refresh, expires, typ := tokenPaths(f)
	vals := map[string]string{"access": `"` + faultNewAT + `"`, "refresh": `"` + faultNewRT + `"`, "expires": "3600", "type": `"Bearer"`}
	for k, v := range over {
		vals[k] = v
	}
	root := map[string]any{}
	for k, p := range map[string]runtime.Path{"access": access, "refresh": refresh, "expires": expires, "type": typ} {
		if vals[k] != deleteField {
			setPath(root, p, rawJSON(vals[k]))
		}
	}
	var b bytes.Buffer
	writeJSON(&b, root)
	return b.String()
}

const deleteField = "\x00delete"

type rawJSON string

// writeJSON writes v with raw values unquoted, so tests can put wrong types and
// invalid bytes into a response.
func writeJSON(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case rawJSON:
		b.WriteString(string(v))
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "%q:", k)
			writeJSON(b, v[k])
		}
		b.WriteByte('}')
	}
}

func respond(status int, ctype, body string, header ...string) func(*runtime.Flow) http.HandlerFunc {
	return func(*runtime.Flow) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
}

func respondToken(status int, over map[string]string) func(*runtime.Flow) http.HandlerFunc {
	return func(f *runtime.Flow) http.HandlerFunc {
		return respond(status, "application/json", tokenJSON(f, over))(f)
	}
}

// --- checks -----------------------------------------------------------------

// typed requires a *runtime.TokenError whose message is short, valid UTF-8 and names
// the operation.
func typed(err error) string {
	if err == nil {
		return "no error"
	}
	var te *runtime.TokenError
	if !errors.As(err, &te) {
		return fmt.Sprintf("error is %T, not *runtime.TokenError", err)
	}
	msg := err.Error()
	if !utf8.ValidString(msg) {
		return "message is not valid UTF-8"
	}
	if len(msg) > 1024 {
		return fmt.Sprintf("message is %d bytes long", len(msg))
	}
	if !strings.Contains(msg, string(te.Op)) {
		return "message does not name the operation"
	}
	return ""
}

func wantStatus(status int, code string) func(error, *oauth2.Token, time.Duration) string {
	return func(err error, _ *oauth2.Token, _ time.Duration) string {
		if p := typed(err); p != "" {
			return p
		}
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.Response == nil {
			return "no *oauth2.RetrieveError with the response"
		}
		if re.Response.StatusCode != status {
			return fmt.Sprintf("status %d, want %d", re.Response.StatusCode, status)
		}
		if re.ErrorCode != code {
			return fmt.Sprintf("ErrorCode %q, want %q", re.ErrorCode, code)
		}
		return ""
	}
}

func wantIs(target error) func(error, *oauth2.Token, time.Duration) string {
	return func(err error, _ *oauth2.Token, _ time.Duration) string {
		if p := typed(err); p != "" {
			return p
		}
		if !errors.Is(err, target) {
			return fmt.Sprintf("errors.Is(err, %v) = false: %v", target, err)
		}
		return ""
	}
}

func wantTokenError(err error, _ *oauth2.Token, _ time.Duration) string { return typed(err) }

// errorOrSane accepts either a typed error or a token with the value the server sent
// and a sane expiry: for wrong types in optional fields.
func errorOrSane(err error, tok *oauth2.Token, _ time.Duration) string {
	if err != nil {
		return typed(err)
	}
	if tok.AccessToken != faultNewAT {
		return "token has a different access token than the server sent"
	}
	if !tok.Expiry.IsZero() && (tok.Expiry.Before(time.Now()) || tok.Expiry.Year() > 2500) {
		return fmt.Sprintf("absurd expiry %v", tok.Expiry)
	}
	return ""
}

// --- the faults ---------------------------------------------------------------

func faults() []fault {
	huge := func(*runtime.Flow) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"`+faultNewAT+`","padding":"`)
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			for i := 0; i < 160; i++ { // 10 MiB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			io.WriteString(w, `"}`)
		}
	}
	reset := func(*runtime.Flow) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"access_token\":\"" + faultNewAT[:8])
			buf.Flush()
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // RST instead of FIN
			}
			conn.Close()
		}
	}
	hang := func(*runtime.Flow) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}
	}
	slowHeaders := func(*runtime.Flow) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			io.WriteString(w, `{"access_token":`)
			w.(http.Flusher).Flush()
			select { // the body stalls after the headers
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}
	}
	slowFail := func(*runtime.Flow) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(150 * time.Millisecond) // let every waiter queue up
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":"temporarily_unavailable"}`)
		}
	}
	wrong := func(field, value string) fault {
		return fault{name: "wrong type " + field + "=" + value, handler: respondToken(200, map[string]string{field: value}), check: wantTokenError}
	}
	wrongOK := func(field, value string) fault {
		return fault{name: "wrong type " + field + "=" + value, handler: respondToken(200, map[string]string{field: value}), check: errorOrSane}
	}
	return []fault{
		{name: "connection refused", refused: true, check: wantIs(syscall.ECONNREFUSED)},
		{name: "reset mid-body", handler: reset, check: wantTokenError},
		{name: "timeout before headers", handler: hang, timeout: 100 * time.Millisecond, check: deadline},
		{name: "timeout mid-body", handler: slowHeaders, timeout: 100 * time.Millisecond, check: deadline},
		{name: "429 Retry-After", handler: respond(429, "application/json", `{"error":"rate_limit_exceeded"}`, "Retry-After", "30"), check: retryAfter},
		{name: "500 JSON server_error", handler: respond(500, "application/json", `{"error":"server_error","error_description":"boom"}`), check: wantStatus(500, "server_error")},
		{name: "503 text", handler: respond(503, "text/plain", "Service Unavailable"), check: wantStatus(503, "")},
		{name: "502 HTML page", handler: respond(502, "text/html", "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"), check: wantStatus(502, "")},
		{name: "200 HTML page", handler: respond(200, "text/html; charset=utf-8", "<html><body>Please sign in</body></html>"), check: wantTokenError},
		{name: "200 empty", handler: respond(200, "application/json", ""), check: wantTokenError},
		{name: "200 empty object", handler: respond(200, "application/json", "{}"), check: wantTokenError},
		{name: "200 malformed JSON", handler: respond(200, "application/json", `{"access_token":"`+faultNewAT), check: wantTokenError},
		{name: "200 huge body (10 MiB)", handler: huge, check: wantTokenError},
		{name: "400 invalid_grant", handler: respond(400, "application/json", `{"error":"invalid_grant","error_description":"refresh token revoked"}`), check: wantStatus(400, "invalid_grant")},
		{name: "400 invalid UTF-8 description", handler: respond(400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"bad \xff\xfe bytes\"}"), check: wantStatus(400, "invalid_grant")},
		{name: "200 invalid UTF-8 token", handler: respondToken(200, map[string]string{"access": "\"" + badUTF8Token + "\""}), check: notMangled},
		{name: "200 provider error shape", handler: respond(200, "application/json", `{"code":40001,"message":"invalid app secret"}`), check: wantTokenError},
		wrong("access", "12345"),
		wrong("access", "true"),
		wrong("access", "null"),
		wrong("access", `{"v":"x"}`),
		wrong("access", `["x"]`),
		wrong("access", `""`),
		wrongOK("refresh", "12345"),
		wrongOK("refresh", `{"v":"x"}`),
		wrongOK("expires", `"soon"`),
		wrongOK("expires", "true"),
		wrongOK("expires", "-5"),
		wrongOK("expires", "1e300"),
		wrongOK("expires", `{"s":1}`),
		wrongOK("type", "7"),
		{name: "wrong type error=123", handler: respond(400, "application/json", `{"error":123,"error_description":"x"}`), check: wantTokenErrorStatus(400)},
		{name: "wrong type error={…}", handler: respond(400, "application/json", `{"error":{"code":"invalid_grant","message":"nested"}}`), check: wantTokenErrorStatus(400)},
		{name: "wrong type error_description=[…]", handler: respond(400, "application/json", `{"error":"invalid_grant","error_description":[1,2]}`), check: wantStatus(400, "invalid_grant")},
		{name: "wrong type metadata={…}", handler: metadataWrong, check: errorOrSane},
		{name: "302 to a login page", handler: redirectToLogin, check: wantTokenError, maxRequests: 4},
		{name: "context canceled mid-request", handler: hang, cancelAfter: 50 * time.Millisecond, check: wantIs(context.Canceled)},
		{name: "root is an array", handler: respond(200, "application/json", `[{"access_token":"`+faultNewAT+`"}]`), check: wantTokenError},
		{name: "root is a string", handler: respond(200, "application/json", `"`+faultNewAT+`"`), check: wantTokenError},
		{name: "failing refresh, 20 waiters", handler: slowFail, waiters: 20, check: wantStatus(503, "temporarily_unavailable"), maxRequests: 1},
	}
}

// badUTF8Token is an access token with bytes that are not UTF-8. A JSON decoder
// replaces them with U+FFFD, which would silently change the token.
const badUTF8Token = "at-\xff\xfe-bad-token"

// notMangled accepts a typed error, or a token byte-identical to what the server sent;
// never a token the decoder changed.
func notMangled(err error, tok *oauth2.Token, _ time.Duration) string {
	if err != nil {
		return typed(err)
	}
	if tok.AccessToken != badUTF8Token {
		return fmt.Sprintf("token silently changed to %q (server sent %q)", tok.AccessToken, badUTF8Token)
	}
	return ""
}

// wantTokenErrorStatus requires a TokenError for an HTTP answer with status.
func wantTokenErrorStatus(status int) func(error, *oauth2.Token, time.Duration) string {
	return func(err error, _ *oauth2.Token, _ time.Duration) string {
		if p := typed(err); p != "" {
			return p
		}
		var te *runtime.TokenError
		errors.As(err, &te)
		if te.StatusCode != status {
			return fmt.Sprintf("TokenError.StatusCode %d, want %d", te.StatusCode, status)
		}
		return ""
	}
}

// metadataWrong answers a good token whose metadata fields (token_metadata paths)
// hold objects instead of strings.
func metadataWrong(f *runtime.Flow) http.HandlerFunc {
	access, refresh, expires, _ := tokenPaths(f)
	root := map[string]any{}
	for _, m := range f.Metadata {
		setPath(root, m.Path, rawJSON(`{"unexpected":["object"]}`))
	}
	setPath(root, access, rawJSON(`"`+faultNewAT+`"`))
	setPath(root, refresh, rawJSON(`"`+faultNewRT+`"`))
	setPath(root, expires, rawJSON(`3600`))
	var b bytes.Buffer
	writeJSON(&b, root)
	return respond(200, "application/json", b.String())(f)
}

// redirectToLogin answers token requests with a redirect to an HTML page, as a
// misconfigured gateway does.
func redirectToLogin(*runtime.Flow) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html><form>Sign in</form></html>")
			return
		}
		http.Redirect(w, r, "/login", http.StatusFound)
	}
}

func deadline(err error, _ *oauth2.Token, elapsed time.Duration) string {
	if p := wantIs(context.DeadlineExceeded)(err, nil, 0); p != "" {
		return p
	}
	if elapsed > 5*time.Second { // the server stalls for 10s: anything shorter is the deadline at work
		return fmt.Sprintf("took %v for a 100ms deadline", elapsed)
	}
	return ""
}

func retryAfter(err error, tok *oauth2.Token, el time.Duration) string {
	if p := wantStatus(429, "rate_limit_exceeded")(err, tok, el); p != "" {
		return p
	}
	var re *oauth2.RetrieveError
	errors.As(err, &re)
	if re.Response.Header.Get("Retry-After") != "30" {
		return "Retry-After not readable from RetrieveError.Response"
	}
	return ""
}

// outcome describes err in a table cell.
func outcome(err error, tok *oauth2.Token) string {
	if err == nil {
		if tok == nil {
			return "nil token, nil error"
		}
		return "token accepted"
	}
	var parts []string
	var te *runtime.TokenError
	if errors.As(err, &te) {
		parts = append(parts, "TokenError")
	} else {
		parts = append(parts, fmt.Sprintf("%T", err))
	}
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.Response != nil:
		s := fmt.Sprintf("RetrieveError %d", re.Response.StatusCode)
		if re.ErrorCode != "" {
			s += " " + re.ErrorCode
		}
		parts = append(parts, s)
	case errors.Is(err, context.DeadlineExceeded):
		parts = append(parts, "DeadlineExceeded")
	case errors.Is(err, context.Canceled):
		parts = append(parts, "Canceled")
	case errors.Is(err, syscall.ECONNREFUSED):
		parts = append(parts, "ECONNREFUSED")
	case errors.Is(err, syscall.ECONNRESET):
		parts = append(parts, "ECONNRESET")
	case errors.Is(err, io.ErrUnexpectedEOF):
		parts = append(parts, "ErrUnexpectedEOF")
	case te != nil && te.StatusCode != 0:
		parts = append(parts, fmt.Sprintf("status %d", te.StatusCode))
	}
	return strings.Join(parts, " → ")
}

// matrixFlows returns the flows the matrix runs over.
func matrixFlows(t testing.TB) []matrixFlow {
	return append(handFlows(), connectorFlows(t)...)
}

// handFlows are flows built by hand that exercise the runtime's variants.
func handFlows() []matrixFlow {
	bearer := runtime.APIAuth{HeaderKey: "Authorization", Value: runtime.Func(func(v *runtime.Vars) string { return "Bearer " + v.Token })}
	return []matrixFlow{
		{"hand: standard form+Basic", &runtime.Flow{Connector: "Standard", ClientAuth: runtime.AuthHeader, API: bearer}},
		{"hand: JSON body, form fallback", &runtime.Flow{Connector: "JSONBody", Body: runtime.JSON, FallbackBody: runtime.Form, API: bearer}},
		{"hand: nested data.access_token", &runtime.Flow{Connector: "Nested", Body: runtime.JSON, AccessToken: runtime.Path{"data", "access_token"}, API: bearer}},
		{"hand: GET token request", &runtime.Flow{Connector: "GetToken", Method: http.MethodGet, API: bearer}},
	}
}

type runResult struct {
	err      error
	tok      *oauth2.Token
	elapsed  time.Duration
	requests int64
	stored   *oauth2.Token
	storeErr error
	// recovered: once the provider is healthy again, a new client on the same store
	// gets a token from what the store kept ("" when it did; else the problem).
	recovered string
}

// runFault runs one fault against one flow: a TokenSource over an expired token kept in
// a store, called by fault.waiters goroutines at once.
func runFault(t *testing.T, fl fault, mf matrixFlow, l *leakScan) runResult {
	var requests, started atomic.Int64
	callers := max(fl.waiters, 1)
	if mf.flow.Permanent {
		callers = 1 // concurrent exchanges are independent requests
	}
	var base string
	var srv *httptest.Server
	stopHandlers := func() {}
	if fl.refused {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return runResult{err: err}
		}
		base = "http://" + ln.Addr().String()
		ln.Close()
	} else {
		flow := withTokenURL(mf.flow, "http://placeholder")
		h := fl.handler(flow)
		// Handlers that stall wait on the request context; stopping it lets the server
		// close even when the client has not noticed its own deadline.
		stopCtx, stop := context.WithCancel(context.Background())
		defer stop()
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			// With waiters, answer only when every caller has asked, so that none can
			// arrive after the failed refresh is over, however slow the machine.
			for deadline := time.Now().Add(5 * time.Second); started.Load() < int64(callers) && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			ctx, cancel := context.WithCancel(r.Context())
			defer cancel()
			defer context.AfterFunc(stopCtx, cancel)()
			h(w, r.WithContext(ctx))
		}))
		stopHandlers = stop
		base = srv.URL
	}
	flow := withTokenURL(mf.flow, base)
	tr := &http.Transport{}
	store := &memstore.Store{}
	old := &oauth2.Token{AccessToken: faultOldAT, RefreshToken: faultOldRT, TokenType: "Bearer", Expiry: time.Now().Add(-time.Minute)}
	if mf.flow.Grant == runtime.ClientCredentials {
		old.RefreshToken = "" // client credentials tokens come without one (RFC 6749 4.4.3)
	}
	ctx := context.Background()
	if err := store.Save(ctx, faultStoreID, nil, old); err != nil {
		return runResult{err: err}
	}
	cl := runtime.New(flow, runtime.Credentials{ClientID: "fault-client", ClientSecret: faultSecret, RedirectURL: redirectURL, PrivateKey: faultKey},
		runtime.WithHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}), runtime.WithStore(store, faultStoreID))
	timeout := fl.timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if fl.cancelAfter > 0 {
		var cancelNow context.CancelFunc
		cctx, cancelNow = context.WithCancel(cctx)
		defer cancelNow()
		time.AfterFunc(fl.cancelAfter, cancelNow)
	}
	// The operation under fault: a refresh through a TokenSource; a client credentials
	// request for those flows; an exchange for flows with permanent tokens, which never
	// refresh.
	var get func() (*oauth2.Token, error)
	switch {
	case flow.Grant == runtime.ClientCredentials:
		ts := cl.TokenSource(cctx, nil)
		l.value(ts)
		get = ts.Token
	case flow.Permanent:
		l.secret("fault-code-9a8b7c6d")
		get = func() (*oauth2.Token, error) { return cl.Exchange(cctx, "fault-code-9a8b7c6d") }
	default:
		ts := cl.TokenSource(cctx, old)
		l.value(ts)
		get = ts.Token
	}
	n := callers
	results := make([]runResult, n)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Add(1)
			tok, err := get()
			results[i] = runResult{err: err, tok: tok, elapsed: time.Since(start)}
		}()
	}
	wg.Wait()
	res := results[0]
	for _, r := range results[1:] { // every waiter must see the same kind of outcome
		if outcome(r.err, r.tok) != outcome(res.err, res.tok) {
			t.Errorf("waiters disagree: %q vs %q", outcome(r.err, r.tok), outcome(res.err, res.tok))
		}
	}
	for _, r := range results {
		l.err(r.err)
	}
	res.requests = requests.Load()
	res.stored, res.storeErr = store.Load(ctx, faultStoreID)
	l.value(cl)
	l.value(store)
	tr.CloseIdleConnections()
	if srv != nil {
		stopHandlers()
		srv.CloseClientConnections()
		srv.Close()
	}
	if !flow.Permanent { // an exchange needs a new code; nothing to recover from
		res.recovered = recoverFrom(mf, store, l)
	}
	return res
}

// recoverFrom points a new client with store at a healthy provider and asks for a token:
// the store must still hold a token the connection can go on from.
func recoverFrom(mf matrixFlow, store *memstore.Store, l *leakScan) string {
	var healthy *httptest.Server
	healthy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respondToken(200, nil)(withTokenURL(mf.flow, healthy.URL))(w, r)
	}))
	defer healthy.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cl := runtime.New(withTokenURL(mf.flow, healthy.URL), runtime.Credentials{ClientID: "fault-client", ClientSecret: faultSecret, RedirectURL: redirectURL, PrivateKey: faultKey},
		runtime.WithHTTPClient(&http.Client{Transport: tr, Timeout: 5 * time.Second}), runtime.WithStore(store, faultStoreID))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tok, err := cl.TokenSource(ctx, nil).Token()
	l.err(err)
	switch {
	case err != nil:
		return err.Error()
	case tok.AccessToken != faultNewAT:
		return "not the healthy provider's token"
	}
	return ""
}

// wantOp is the operation the matrix runs for f (see runFault).
func wantOp(f *runtime.Flow) runtime.Op {
	switch {
	case f.Grant == runtime.ClientCredentials:
		return runtime.OpClientCredentials
	case f.Permanent:
		return runtime.OpExchange
	}
	return runtime.OpRefresh
}

// captureLog sends the standard logger's output (the test servers', and any of ours)
// to l for the secrets scan while the test runs.
func captureLog(t *testing.T, l *leakScan) {
	prev := log.Writer()
	log.SetOutput(logSink{l})
	t.Cleanup(func() { log.SetOutput(prev) })
}

type logSink struct{ l *leakScan }

func (s logSink) Write(p []byte) (int, error) {
	s.l.text(string(p))
	return len(p), nil
}

func TestFaultMatrix(t *testing.T) {
	flows := matrixFlows(t)
	secrets := []string{faultSecret, faultOldAT, faultOldRT, faultNewAT, faultNewRT}
	captureLog(t, newLeakScan(t, secrets...))
	m := &matrix[matrixFlow]{t: t, subjects: flows, parallel: 8, secrets: secrets,
		header: []string{"FAULT", "OUTCOME (connectors)", "PREVIOUS TOKEN KEPT, RECOVERS"}, leaks: "GOROUTINE/SECRET LEAKS", result: true}
	for _, fl := range faults() {
		var kept atomic.Int64
		m.row(matrixRow[matrixFlow]{
			name: fl.name,
			run: func(t *testing.T, mf matrixFlow, l *leakScan) string {
				r := runFault(t, fl, mf, l)
				if checkFault(t, fl, mf, r) {
					kept.Add(1)
				}
				return outcome(r.err, r.tok)
			},
			cells: func() []string { return []string{fmt.Sprintf("%d/%d", kept.Load(), len(flows))} },
		})
	}
	var refresh, cc, exchange int
	for _, mf := range flows {
		switch {
		case mf.flow.Grant == runtime.ClientCredentials:
			cc++
		case mf.flow.Permanent:
			exchange++
		default:
			refresh++
		}
	}
	m.log("fault matrix over %d connector flows (%d refresh through a TokenSource, %d client credentials, %d exchange of permanent-token connectors); "+
		"%d error texts, String() values and log lines scanned for the client secret, code and tokens",
		len(flows), refresh, cc, exchange, m.scanned.Load())
}

// checkFault reports what is wrong with the result r of fault fl on mf and whether the
// store kept the previous token (or saved the new one).
func checkFault(t *testing.T, fl fault, mf matrixFlow, r runResult) (kept bool) {
	o := outcome(r.err, r.tok)
	if p := fl.check(r.err, r.tok, r.elapsed); p != "" {
		t.Errorf("%s: %s (outcome: %s)", mf.name, p, o)
	}
	var te *runtime.TokenError
	if errors.As(r.err, &te) && te.Op != wantOp(mf.flow) {
		t.Errorf("%s: TokenError.Op = %q, want %q", mf.name, te.Op, wantOp(mf.flow))
	}
	maxReq := fl.maxRequests
	if maxReq == 0 {
		maxReq = 2
	}
	if mf.flow.Permanent {
		maxReq = max(maxReq, 2)
	}
	if r.requests > int64(maxReq) {
		t.Errorf("%s: %d token requests, want at most %d", mf.name, r.requests, maxReq)
	}
	if r.recovered != "" {
		t.Errorf("%s: no recovery once the provider is healthy again: %s", mf.name, r.recovered)
	}
	switch {
	case r.err != nil && (r.storeErr != nil || r.stored == nil || r.stored.AccessToken != faultOldAT ||
		(r.stored.RefreshToken != faultOldRT && mf.flow.Grant != runtime.ClientCredentials)):
		t.Errorf("%s: previous token lost from the store (err %v)", mf.name, r.storeErr)
		return false
	case r.err == nil && !mf.flow.Permanent && (r.stored == nil || r.stored.AccessToken != r.tok.AccessToken):
		t.Errorf("%s: new token not saved in the store", mf.name)
		return false
	}
	return true
}
