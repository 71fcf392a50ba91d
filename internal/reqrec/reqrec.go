// Package reqrec records the HTTP requests a client sends, byte for byte: an
// http.RoundTripper that keeps each request's method, URL, headers and body and
// answers it itself, sending nothing. `oauthgen explain` uses it to show what a
// connector would send; the differential test (internal/difftest) uses it to compare
// what generated and dynamic clients send.
package reqrec

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Request is one recorded request.
type Request struct {
	Method string
	URL    string // the full URL, query included
	Header http.Header
	Body   []byte
}

// String renders the request as method, URL, sorted headers and body, one per line.
func (r Request) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL)
	for _, k := range SortedKeys(r.Header) {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	if len(r.Body) > 0 {
		fmt.Fprintf(&b, "\n%s\n", r.Body)
	}
	return b.String()
}

// SortedKeys returns the header's names, sorted.
func SortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Recorder is an http.RoundTripper that records every request and answers it with
// Respond. It is safe for concurrent use.
type Recorder struct {
	// Respond answers each request; when it is nil or returns nil, the answer is 404
	// with an empty body.
	Respond func(r *http.Request) *http.Response

	mu   sync.Mutex
	reqs []Request
}

// RoundTrip records req and answers it.
func (rec *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body})
	rec.mu.Unlock()
	if rec.Respond != nil {
		if resp := rec.Respond(req); resp != nil {
			if resp.Request == nil {
				resp.Request = req
			}
			return resp, nil
		}
	}
	return Response(req, http.StatusNotFound, "", ""), nil
}

// Requests returns a copy of the requests recorded so far, in order.
func (rec *Recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.reqs...)
}

// Reset forgets the recorded requests.
func (rec *Recorder) Reset() {
	rec.mu.Lock()
	rec.reqs = nil
	rec.mu.Unlock()
}

// Response builds a response to req with status, Content-Type and body.
func Response(req *http.Request, status int, contentType, body string) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}
