package conformance

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/oauthtest"
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
		fault   *oauthtest.Fault // the revocation endpoint's answer; nil: connection refused
		timeout time.Duration
		wantErr bool
		status  int    // of the RetrieveError, when wantErr and the server answered
		code    string // of the RetrieveError
	}
	faults := []rf{
		{name: "200 empty", fault: &oauthtest.Fault{Status: 200}},
		{name: "200 HTML", fault: &oauthtest.Fault{Status: 200, Body: "<html>ok</html>"}},
		{name: "400 unsupported_token_type", fault: &oauthtest.Fault{Status: 400, Body: `{"error":"unsupported_token_type"}`},
			wantErr: true, status: 400, code: "unsupported_token_type"},
		{name: "503 text", fault: &oauthtest.Fault{Status: 503, Body: "down\n", ContentType: "text/plain; charset=utf-8"}, wantErr: true, status: 503},
		{name: "timeout", fault: &oauthtest.Fault{Delay: time.Minute}, timeout: 80 * time.Millisecond, wantErr: true},
		{name: "connection refused", wantErr: true},
	}
	m := &matrix[matrixFlow]{t: t, subjects: flows, secrets: []string{faultSecret, faultOldAT, faultOldRT},
		header: []string{"REVOKE FAULT", "OUTCOME (connectors)"}}
	for _, fl := range faults {
		m.row(matrixRow[matrixFlow]{name: fl.name, run: func(t *testing.T, mf matrixFlow, l *leakScan) string {
			err := runRevokeFault(mf, fl.fault, fl.timeout)
			l.err(err)
			var te *runtime.TokenError
			var re *oauth2.RetrieveError
			switch {
			case err == nil:
				if fl.wantErr {
					t.Errorf("%s: no error", mf.name)
				}
				return "nil"
			case !fl.wantErr:
				t.Errorf("%s: %v, want nil", mf.name, err)
				return "unexpected error"
			case !errors.As(err, &te) || te.Op != runtime.OpRevoke:
				t.Errorf("%s: %v (%T), want a TokenError with Op %q", mf.name, err, err, runtime.OpRevoke)
				return "wrong error"
			case fl.status != 0 && (!errors.As(err, &re) || re.Response == nil || re.Response.StatusCode != fl.status || re.ErrorCode != fl.code):
				t.Errorf("%s: %v, want a RetrieveError %d %q", mf.name, err, fl.status, fl.code)
				return "wrong error"
			case fl.timeout != 0 && !errors.Is(err, context.DeadlineExceeded):
				t.Errorf("%s: %v, want DeadlineExceeded", mf.name, err)
				return "wrong error"
			}
			o := "TokenError(revoke)"
			if re != nil && re.Response != nil {
				o += fmt.Sprintf(" → RetrieveError %d %s", re.Response.StatusCode, re.ErrorCode)
			}
			if fl.timeout != 0 {
				o += " → DeadlineExceeded"
			}
			return strings.TrimSpace(o)
		}})
	}
	m.log("revocation fault matrix over %d connectors", len(flows))
}

// runRevokeFault revokes a token at an oauthtest provider whose revocation endpoint
// answers with f (nil: a closed port) and returns the error.
func runRevokeFault(mf matrixFlow, f *oauthtest.Fault, timeout time.Duration) error {
	var base string
	if f == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		base = "http://" + ln.Addr().String()
		ln.Close()
	} else {
		p := oauthtest.New(oauthtest.Config{RevokeFaults: []oauthtest.Fault{*f}})
		defer p.Close()
		base = p.URL
	}
	flow := withTokenURL(mf.flow, base)
	flow.RevokeURL = runtime.String(base + "/revoke")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cl := runtime.New(flow, runtime.Credentials{ClientID: "fault-client", ClientSecret: faultSecret, RedirectURL: redirectURL, PrivateKey: faultKey},
		runtime.WithHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}))
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return cl.Revoke(ctx, &oauth2.Token{AccessToken: faultOldAT, RefreshToken: faultOldRT})
}
