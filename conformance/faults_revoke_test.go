package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// TestFaultMatrixRevoke: faults on the RFC 7009 revocation endpoint of every connector
// that has one. A 2xx answer is success whatever its body (RFC 7009 2.2); anything
// else is a *runtime.TokenError with Op OpRevoke (with the *oauth2.RetrieveError when
// the server answered); a deadline is honoured.
func TestFaultMatrixRevoke(t *testing.T) {
	var flows []matrixFlow
	for _, mf := range matrixFlows(t) {
		if !mf.flow.RevokeURL.IsZero() {
			flows = append(flows, mf)
		}
	}
	if len(flows) == 0 {
		t.Fatal("no connector has a revocation endpoint")
	}
	type rf struct {
		name    string
		h       http.HandlerFunc // nil: connection refused
		timeout time.Duration
		wantErr bool
		status  int    // of the RetrieveError, when wantErr and the server answered
		code    string // of the RetrieveError
	}
	faults := []rf{
		{name: "200 empty", h: func(w http.ResponseWriter, r *http.Request) {}},
		{name: "200 HTML", h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>ok</html>") }},
		{name: "400 unsupported_token_type", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"unsupported_token_type"}`)
		}, wantErr: true, status: 400, code: "unsupported_token_type"},
		{name: "503 text", h: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 503) }, wantErr: true, status: 503},
		{name: "timeout", h: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, timeout: 80 * time.Millisecond, wantErr: true},
		{name: "connection refused", wantErr: true},
	}
	l := newLeakScan(t, faultSecret, faultOldAT, faultOldRT)
	var b strings.Builder
	fmt.Fprintf(&b, "\nREVOKE FAULT\tOUTCOME (connectors)\n")
	for _, fl := range faults {
		t.Run(fl.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			outcomes := map[string]int{}
			for _, mf := range flows {
				err := runRevokeFault(mf, fl.h, fl.timeout)
				l.err(err)
				o := "nil"
				var te *runtime.TokenError
				var re *oauth2.RetrieveError
				switch {
				case err == nil:
					if fl.wantErr {
						t.Errorf("%s: no error", mf.name)
					}
				case !fl.wantErr:
					t.Errorf("%s: %v, want nil", mf.name, err)
					o = "unexpected error"
				case !errors.As(err, &te) || te.Op != runtime.OpRevoke:
					t.Errorf("%s: %v (%T), want a TokenError with Op %q", mf.name, err, err, runtime.OpRevoke)
					o = "wrong error"
				case fl.status != 0 && (!errors.As(err, &re) || re.Response == nil || re.Response.StatusCode != fl.status || re.ErrorCode != fl.code):
					t.Errorf("%s: %v, want a RetrieveError %d %q", mf.name, err, fl.status, fl.code)
					o = "wrong error"
				case fl.timeout != 0 && !errors.Is(err, context.DeadlineExceeded):
					t.Errorf("%s: %v, want DeadlineExceeded", mf.name, err)
					o = "wrong error"
				default:
					o = "TokenError(revoke)"
					if re != nil && re.Response != nil {
						o += fmt.Sprintf(" → RetrieveError %d %s", re.Response.StatusCode, re.ErrorCode)
					}
					if fl.timeout != 0 {
						o += " → DeadlineExceeded"
					}
				}
				outcomes[strings.TrimSpace(o)]++
			}
			if err := goleak.Find(ignore); err != nil {
				t.Errorf("goroutine leak: %v", err)
			}
			var os []string
			for o, n := range outcomes {
				os = append(os, fmt.Sprintf("%s (%d)", o, n))
			}
			sort.Strings(os)
			fmt.Fprintf(&b, "%s\t%s\n", fl.name, strings.Join(os, "; "))
		})
	}
	var out strings.Builder
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	io.WriteString(tw, b.String())
	tw.Flush()
	t.Logf("revocation fault matrix over %d connectors:%s", len(flows), out.String())
}

// runRevokeFault revokes a token at a revocation endpoint served by h (nil: a closed
// port) and returns the error.
func runRevokeFault(mf matrixFlow, h http.HandlerFunc, timeout time.Duration) error {
	base := ""
	if h == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		base = "http://" + ln.Addr().String()
		ln.Close()
	} else {
		stopCtx, stop := context.WithCancel(context.Background())
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithCancel(r.Context())
			defer cancel()
			defer context.AfterFunc(stopCtx, cancel)()
			h(w, r.WithContext(ctx))
		}))
		defer srv.Close()
		defer srv.CloseClientConnections()
		defer stop()
		base = srv.URL
	}
	flow := withTokenURL(mf.flow, base)
	flow.RevokeURL = runtime.String(base + "/revoke")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cl := runtime.New(flow, runtime.Credentials{ClientID: "fault-client", ClientSecret: faultSecret, RedirectURL: redirectURL},
		runtime.WithHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}))
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return cl.Revoke(ctx, &oauth2.Token{AccessToken: faultOldAT, RefreshToken: faultOldRT})
}
