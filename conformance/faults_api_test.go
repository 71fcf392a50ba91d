package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// The API half of the fault matrix: a valid token, and faults on the API endpoint
// (and on the refresh that a 401 triggers), through the client's HTTPClient.

type apiFault struct {
	name    string
	api     http.HandlerFunc // the API endpoint
	token   http.HandlerFunc // the token endpoint (refresh after a 401); nil: a good token
	refused bool             // the API is a closed port
	timeout time.Duration
	// want checks the outcome: the response (nil on error), the error, the number of
	// API and token requests.
	want func(resp *http.Response, err error, apiCalls, tokenCalls int64) string
	// newToken: the store must hold the refreshed token afterwards (else the old one).
	newToken bool
}

func apiStatus(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func apiFaults() []apiFault {
	status := func(want int, api, tok int64) func(*http.Response, error, int64, int64) string {
		return func(resp *http.Response, err error, a, tc int64) string {
			if err != nil {
				return fmt.Sprintf("error %v, want the %d response", err, want)
			}
			if resp.StatusCode != want {
				return fmt.Sprintf("status %d, want %d", resp.StatusCode, want)
			}
			if a != api || tc != tok {
				return fmt.Sprintf("%d API and %d token requests, want %d and %d", a, tc, api, tok)
			}
			return ""
		}
	}
	netErr := func(target error) func(*http.Response, error, int64, int64) string {
		return func(resp *http.Response, err error, _, _ int64) string {
			if err == nil {
				return fmt.Sprintf("no error (status %d)", resp.StatusCode)
			}
			if target != nil && !errors.Is(err, target) {
				return fmt.Sprintf("errors.Is(err, %v) = false: %v", target, err)
			}
			return ""
		}
	}
	return []apiFault{
		{name: "API 503", api: apiStatus(503, `{"error":"down"}`), want: status(503, 1, 0)},
		{name: "API 500 HTML", api: apiStatus(500, `<html>oops</html>`), want: status(500, 1, 0)},
		{name: "API 429 Retry-After", api: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "5")
			apiStatus(429, `{}`)(w, r)
		}, want: status(429, 1, 0)},
		{name: "API 401 twice", api: apiStatus(401, `{"error":"invalid_token"}`), want: status(401, 2, 1), newToken: true},
		{name: "API 403 twice", api: apiStatus(403, `{"error":"forbidden"}`), want: status(403, 2, 1), newToken: true},
		{name: "API 401, refresh invalid_grant", api: apiStatus(401, `{}`), token: apiStatus(400, `{"error":"invalid_grant"}`),
			want: func(resp *http.Response, err error, a, tc int64) string {
				if tc != 1 || a != 1 {
					return fmt.Sprintf("%d API and %d token requests, want 1 and 1", a, tc)
				}
				if err == nil && resp.StatusCode == 401 {
					return "" // the first answer, returned as is
				}
				var te *runtime.TokenError
				if err != nil && errors.As(err, &te) && runtime.IsInvalidGrant(err) {
					return ""
				}
				return fmt.Sprintf("outcome %v / %v, want the 401 or an invalid_grant TokenError", resp, err)
			}},
		{name: "API 401, refresh 503", api: apiStatus(401, `{}`), token: apiStatus(503, `{}`),
			want: func(resp *http.Response, err error, a, tc int64) string {
				if tc != 1 {
					return fmt.Sprintf("%d token requests, want 1", tc)
				}
				if err == nil && resp.StatusCode == 401 {
					return ""
				}
				var te *runtime.TokenError
				if err != nil && errors.As(err, &te) {
					return ""
				}
				return fmt.Sprintf("outcome %v / %v", resp, err)
			}},
		{name: "API connection refused", refused: true, want: netErr(nil)},
		{name: "API timeout", api: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, timeout: 100 * time.Millisecond, want: netErr(context.DeadlineExceeded)},
		{name: "API reset mid-body", api: func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"a\":")
			buf.Flush()
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}, want: netErr(nil)},
	}
}

func TestFaultMatrixAPI(t *testing.T) {
	flows := append(matrixFlows(t), matrixFlow{"hand: token in query", &runtime.Flow{Connector: "InQuery",
		API: runtime.APIAuth{InQuery: true, QueryKey: "access_token", Value: runtime.Func(func(v *runtime.Vars) string { return v.Token })}}})
	secrets := []string{faultSecret, faultOldAT, faultOldRT, faultNewAT, faultNewRT}
	captureLog(t, newLeakScan(t, secrets...))
	m := &matrix[matrixFlow]{t: t, subjects: flows, parallel: 8, secrets: secrets,
		header: []string{"API FAULT", "OUTCOME (connectors)"}, leaks: "GOROUTINE LEAKS", result: true}
	for _, af := range apiFaults() {
		m.row(matrixRow[matrixFlow]{
			name: af.name,
			run:  func(t *testing.T, mf matrixFlow, l *leakScan) string { return runAPIFault(t, af, mf, l) },
		})
	}
	m.log("API fault matrix over %d connector flows (valid token; renewal on 401/403)", len(flows))
}

// runAPIFault makes one API call with a valid token under fault af and returns the
// outcome for the table.
func runAPIFault(t *testing.T, af apiFault, mf matrixFlow, l *leakScan) string {
	var apiCalls, tokenCalls atomic.Int64
	stopCtx, stop := context.WithCancel(context.Background())
	defer stop()
	mux := http.NewServeMux()
	flow := withTokenURL(mf.flow, "http://placeholder")
	tokenH := af.token
	if tokenH == nil {
		tokenH = respondToken(200, nil)(flow) // a good refresh at the connector's paths
	}
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) { tokenCalls.Add(1); tokenH(w, r) })
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		apiCalls.Add(1)
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		defer context.AfterFunc(stopCtx, cancel)()
		af.api(w, r.WithContext(ctx))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	apiURL := srv.URL + "/api"
	if af.refused {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Error(err)
			return "setup failed"
		}
		apiURL = "http://" + ln.Addr().String() + "/api"
		ln.Close()
	}
	flow = withTokenURL(mf.flow, srv.URL)
	flow.Permanent = false // a 401 may renew
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	store := &memstore.Store{}
	old := &oauth2.Token{AccessToken: faultOldAT, RefreshToken: faultOldRT, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	if flow.Grant == runtime.ClientCredentials {
		old.RefreshToken = "" // renewal is a new client credentials request
	}
	ctx := context.Background()
	if err := store.Save(ctx, faultStoreID, nil, old); err != nil {
		t.Error(err)
		return "setup failed"
	}
	cl := runtime.New(flow, runtime.Credentials{ClientID: "fault-client", ClientSecret: faultSecret, RedirectURL: redirectURL, PrivateKey: faultKey},
		runtime.WithHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}), runtime.WithStore(store, faultStoreID))
	timeout := af.timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hc := cl.HTTPClient(cctx, nil) // the token comes from the store
	l.value(hc.Transport)
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, apiURL, nil)
	resp, err := hc.Do(req)
	if resp != nil {
		_, rerr := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if rerr != nil { // a failure while reading the body is the call's failure
			resp, err = nil, rerr
		}
	}
	l.err(err)
	if p := af.want(resp, err, apiCalls.Load(), tokenCalls.Load()); p != "" {
		t.Errorf("%s: %s", mf.name, p)
	}
	{
		stored, serr := store.Load(ctx, faultStoreID)
		switch {
		case serr != nil:
			t.Errorf("%s: store: %v", mf.name, serr)
		case af.newToken && stored.AccessToken != faultNewAT:
			t.Errorf("%s: the refreshed token is not in the store", mf.name)
		case !af.newToken && tokenCalls.Load() == 0 && stored.AccessToken != faultOldAT:
			t.Errorf("%s: the token in the store changed without a refresh", mf.name)
		case !af.newToken && stored.RefreshToken == "" && flow.Grant != runtime.ClientCredentials:
			t.Errorf("%s: the stored token lost its refresh token", mf.name)
		}
	}
	stop()
	srv.CloseClientConnections()
	switch {
	case err != nil:
		return "error: " + errKind(err)
	default:
		return fmt.Sprintf("response %d", resp.StatusCode)
	}
}

// errKind names the kind of an API call error for the table.
func errKind(err error) string {
	var te *runtime.TokenError
	switch {
	case errors.As(err, &te):
		return "TokenError " + te.Code
	case errors.Is(err, context.DeadlineExceeded):
		return "DeadlineExceeded"
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused"
	case strings.Contains(err.Error(), "reset by peer"), strings.Contains(err.Error(), "EOF"):
		return "connection reset"
	}
	return fmt.Sprintf("%T", err)
}
