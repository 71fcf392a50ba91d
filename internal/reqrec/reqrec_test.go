package reqrec

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRecorder(t *testing.T) {
	rec := &Recorder{Respond: func(r *http.Request) *http.Response {
		if r.URL.Path == "/token" {
			return Response(r, http.StatusOK, "application/json", `{"access_token":"a"}`)
		}
		return nil
	}}
	hc := &http.Client{Transport: rec}
	req, _ := http.NewRequest(http.MethodPost, "https://example.com/token?x=1", strings.NewReader("a=1&b=2"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Add("X-B", "2")
	req.Header.Add("X-B", "3")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != `{"access_token":"a"}` || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("answer %s %q %v", resp.Status, body, resp.Header)
	}
	resp, err = hc.Get("https://example.com/other")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unanswered request: %s", resp.Status)
	}
	reqs := rec.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	want := "POST https://example.com/token?x=1\nContent-Type: application/x-www-form-urlencoded\nX-B: 2\nX-B: 3\n\na=1&b=2\n"
	if got := reqs[0].String(); got != want {
		t.Errorf("recorded\n%s\nwant\n%s", got, want)
	}
	if got := reqs[1].String(); got != "GET https://example.com/other\n" {
		t.Errorf("recorded %q", got)
	}
	rec.Reset()
	if len(rec.Requests()) != 0 {
		t.Error("Reset kept requests")
	}
}
