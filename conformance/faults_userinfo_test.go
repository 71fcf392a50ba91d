package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"go.uber.org/goleak"

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
		h       http.HandlerFunc
		timeout time.Duration
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, `{"error":"boom"}`, 500) }, 0},
		{"401 invalid_token", func(w http.ResponseWriter, r *http.Request) { http.Error(w, `{"error":"invalid_token"}`, 401) }, 0},
		{"200 HTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>login</html>")
		}, 0},
		{"200 malformed JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":`)
		}, 0},
		{"timeout", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, 150 * time.Millisecond},
	}
	l := newLeakScan(t, faultSecret, faultNewAT, faultNewRT, "userinfo-code-0c1d2e3f")
	var b strings.Builder
	fmt.Fprintf(&b, "\nUSERINFO FAULT\tOUTCOME (connectors)\n")
	for _, fl := range faults {
		t.Run(fl.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			outcomes := map[string]int{}
			for _, mf := range flows {
				outcomes[runUserinfoFault(t, mf, fl.h, fl.timeout, l)]++
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
	t.Logf("userinfo fault matrix over %d connectors:%s", len(flows), out.String())
}

func runUserinfoFault(t *testing.T, mf matrixFlow, h http.HandlerFunc, timeout time.Duration, l *leakScan) string {
	stopCtx, stop := context.WithCancel(context.Background())
	defer stop()
	var flow *runtime.Flow
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) { respondToken(200, nil)(flow)(w, r) })
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		defer context.AfterFunc(stopCtx, cancel)()
		h(w, r.WithContext(ctx))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	flow = withTokenURL(mf.flow, srv.URL)
	flow.Userinfo = &runtime.Userinfo{URL: runtime.String(srv.URL + "/userinfo"), Fields: mf.flow.Userinfo.Fields}
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
	tok, err := cl.Exchange(ctx, "userinfo-code-0c1d2e3f")
	l.err(err)
	defer func() { stop(); srv.CloseClientConnections() }()
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
