package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// TestFaultMatrixUserinfo: for every connector with a userinfo request, faults on
// that request after a successful exchange. The documented outcome: Exchange returns
// the token and a *runtime.TokenError with Op OpUserinfo; the token is kept (the code
// is spent, so losing it would force the user to authorize again).
func TestFaultMatrixUserinfo(t *testing.T) {
	var flows []matrixFlow
	for _, mf := range connectorFlows(t) {
		if mf.flow.Userinfo != nil {
			flows = append(flows, mf)
		}
	}
	if len(flows) == 0 {
		t.Fatal("no connector has a userinfo request")
	}
	faults := []struct {
		name    string
		fault   oauthtest.Fault
		timeout time.Duration
	}{
		{"500", oauthtest.Fault{Status: 500, Body: `{"error":"boom"}`}, 0},
		{"401 invalid_token", oauthtest.Fault{Status: 401, Body: `{"error":"invalid_token"}`}, 0},
		{"200 HTML", oauthtest.Fault{Status: 200, Body: "<html>login</html>", ContentType: "text/html"}, 0},
		{"200 malformed JSON", oauthtest.Fault{Status: 200, Body: `{"id":`}, 0},
		{"timeout", oauthtest.Fault{Delay: time.Minute}, 150 * time.Millisecond},
	}
	m := &matrix[matrixFlow]{t: t, subjects: flows, secrets: []string{faultSecret, faultNewAT, faultNewRT, userinfoCode},
		header: []string{"USERINFO FAULT", "OUTCOME (connectors)"}}
	for _, fl := range faults {
		m.row(matrixRow[matrixFlow]{
			name: fl.name,
			run: func(t *testing.T, mf matrixFlow, l *leakScan) string {
				return runUserinfoFault(t, mf, fl.fault, fl.timeout, l)
			},
		})
	}
	m.log("userinfo fault matrix over %d connectors", len(flows))
}

const userinfoCode = "userinfo-code-0c1d2e3f"

// runUserinfoFault exchanges a code at an oauthtest provider whose token endpoint
// answers in the connector's token response shape and whose userinfo endpoint answers
// with f, and returns the outcome for the table.
func runUserinfoFault(t *testing.T, mf matrixFlow, f oauthtest.Fault, timeout time.Duration, l *leakScan) string {
	flow := withTokenURL(mf.flow, "http://placeholder")
	p := oauthtest.New(oauthtest.Config{
		TokenFaults:    []oauthtest.Fault{{Status: http.StatusOK, Body: tokenJSON(flow, nil)}},
		UserinfoFaults: []oauthtest.Fault{f},
	})
	defer p.Close()
	flow = withTokenURL(mf.flow, p.URL)
	flow.Userinfo = &runtime.Userinfo{URL: runtime.String(p.UserinfoURL()), Fields: mf.flow.Userinfo.Fields}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	store := &memstore.Store{}
	cl := runtime.New(flow, runtime.Credentials{ClientID: "fault-client", ClientSecret: faultSecret, RedirectURL: redirectURL},
		runtime.WithHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}), runtime.WithStore(store, faultStoreID))
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tok, err := cl.Exchange(ctx, userinfoCode, oauth2.VerifierOption("userinfo-fault-verifier")) // PKCE flows need one
	l.err(err)
	var te *runtime.TokenError
	switch {
	case err == nil:
		t.Errorf("%s: userinfo fault: no error", mf.name)
		return "no error"
	case !errors.As(err, &te) || te.Op != runtime.OpUserinfo:
		t.Errorf("%s: err %v, want a TokenError with Op %q", mf.name, err, runtime.OpUserinfo)
		return "wrong error"
	case tok == nil || tok.AccessToken != faultNewAT:
		t.Errorf("%s: the token was not returned beside the userinfo error", mf.name)
		return "token lost"
	}
	if stored, serr := store.Load(context.Background(), faultStoreID); serr != nil || stored.AccessToken != faultNewAT {
		t.Errorf("%s: the exchanged token is not in the store (%v)", mf.name, serr)
		return "token not stored"
	}
	o := "token + TokenError(userinfo)"
	if te.StatusCode != 0 {
		o += fmt.Sprintf(" status %d", te.StatusCode)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		o += " DeadlineExceeded"
	}
	return o
}
