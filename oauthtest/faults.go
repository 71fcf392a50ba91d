package oauthtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// Fault is an injected answer of an endpoint.
type Fault struct {
	Status      int           // HTTP status (default 500)
	Body        string        // response body; "{request}" is replaced by what the request carried (see Echo)
	ContentType string        // default: application/json when Body starts with '{', else text/html
	Times       int           // how many requests get it; 0 means every request
	Delay       time.Duration // wait before answering (the request context still cancels it)
}

// nextFault returns the fault to answer with, if any. p.mu is held.
func (p *Provider) nextFault(faults []Fault, idx *int) *Fault {
	for *idx < len(faults) {
		f := &faults[*idx]
		if f.Times == 0 {
			return f
		}
		if p.faultUse[f] < f.Times {
			p.faultUse[f]++
			if p.faultUse[f] == f.Times {
				*idx++
			}
			return f
		}
		*idx++
	}
	return nil
}

// Echo returns what a request carried (its query, body and Authorization header)
// escaped for a JSON string, as a Fault's "{request}" is replaced with: providers
// that repeat the request in their error messages are how secrets leak into logs.
func Echo(rec Request) string {
	q := ""
	if i := strings.IndexByte(rec.URL, '?'); i >= 0 {
		q = rec.URL[i+1:]
	}
	b, _ := json.Marshal(q + " " + string(rec.Body) + " " + rec.Header.Get("Authorization"))
	return string(b[1 : len(b)-1])
}

func writeFault(w http.ResponseWriter, r *http.Request, rec Request, f *Fault) {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	ct := f.ContentType
	if ct == "" {
		if strings.HasPrefix(strings.TrimSpace(f.Body), "{") {
			ct = "application/json"
		} else {
			ct = "text/html; charset=utf-8"
		}
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	io.WriteString(w, strings.ReplaceAll(f.Body, "{request}", Echo(rec)))
}
