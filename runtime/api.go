package runtime

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
)

// userinfo runs the flow's userinfo GET with tok and returns tok with the named fields
// added to its Extra values. On failure it returns tok unchanged and the error.
func (c *Client) userinfo(ctx context.Context, tok *oauth2.Token) (*oauth2.Token, error) {
	ui := c.flow.Userinfo
	v := c.varsOf(tok)
	v.Token = tok.AccessToken
	u, err := c.renderURL(OpUserinfo, ui.URL, v)
	if err != nil {
		return tok, err
	}
	tc := &tokenCall{op: OpUserinfo, vars: v, url: u}
	tc.sec.add(tok.AccessToken)
	tc.sec.add(tok.RefreshToken)
	tc.sec.add(string(c.creds.ClientSecret))
	if err := c.checkURL(OpUserinfo, tc.url, &c.apiHosts); err != nil {
		return tok, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tc.url, nil)
	if err != nil {
		return tok, c.newTokenError(OpUserinfo, 0, "", "", "invalid userinfo URL", nil)
	}
	req.Header["Accept"] = []string{"application/json"}
	resp, err := c.sendClient(ctx).Do(c.authorize(req, c.newEntry(tok), nil))
	if err != nil {
		return tok, c.transportError(OpUserinfo, err, &tc.sec)
	}
	if isRedirect(resp) {
		return tok, c.redirectError(OpUserinfo, resp)
	}
	body, tooBig, rerr := readLimited(resp, c.opts.maxBody)
	resp.Body.Close()
	if rerr != nil {
		return tok, c.transportError(OpUserinfo, rerr, &tc.sec)
	}
	if tooBig {
		return tok, c.newTokenError(OpUserinfo, resp.StatusCode, "", "", "response body larger than "+itoa(c.opts.maxBody)+" bytes ("+statusText(resp)+")", nil)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || classify(resp.Header.Get("Content-Type"), body) != kindJSON {
		code, desc := "", ""
		if root, err := decodeJSON(body); err == nil {
			code, desc, _ = rfcError(root)
		}
		te := c.newTokenError(OpUserinfo, resp.StatusCode, tc.sec.clean(code), tc.sec.clean(desc), statusText(resp)+", not a userinfo response", nil)
		te.msg = tc.sec.clean(te.msg) // as parse's: quoting may spell a secret
		return tok, te
	}
	root, err := decodeJSON(body)
	if err != nil {
		return tok, c.newTokenError(OpUserinfo, resp.StatusCode, "", "", "malformed JSON userinfo response", nil)
	}
	from := any(root)
	if ui.ChooseBy != nil {
		var problem string
		if from, problem = choose(root, ui, v); problem != "" {
			return tok, c.newTokenError(OpUserinfo, resp.StatusCode, "", "", tc.sec.clean(problem), nil)
		}
	}
	extra, _ := extraMap(tok)
	if extra == nil {
		extra = map[string]any{}
	}
	for _, f := range ui.Fields {
		if x, ok := lookup(from, f.Path); ok && !c.ownExtra(f.Name) {
			extra[f.Name] = scalarString(x)
		}
	}
	return tok.WithExtra(extra), nil
}

// Verify runs a cheap API request (the connector's test_request) with tok and
// reports whether the credentials work: nil for a 2xx answer, else a *TokenError
// (Op OpVerify) with the status; a redirect is not followed (its Err is a
// *RedirectError). A 401/403 renews the token once, as API calls do; a
// token renewed here reaches the application only through the token hook
// (WithTokenHook) or the store (WithStore), so use one of them with rotating refresh
// tokens.
func (c *Client) Verify(ctx context.Context, tok *oauth2.Token, method, url string) error {
	if method == "" {
		method = http.MethodGet
	}
	v := c.varsOf(tok)
	var body io.Reader
	if !c.flow.TestBody.IsZero() {
		body = strings.NewReader(c.flow.TestBody.Render(v))
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return c.newTokenError(OpVerify, 0, "", "", "invalid test request URL", nil)
	}
	for _, h := range c.flow.TestHeaders {
		req.Header.Set(h.Key, h.Value.Render(v))
	}
	hc := c.HTTPClient(ctx, tok)
	hc.CheckRedirect = refuseRedirect
	resp, err := hc.Do(req)
	if err != nil {
		var sec secrets
		if tok != nil {
			sec.add(tok.AccessToken)
			sec.add(tok.RefreshToken)
		}
		sec.add(string(c.creds.ClientSecret))
		return c.transportError(OpVerify, err, &sec)
	}
	if isRedirect(resp) {
		return c.redirectError(OpVerify, resp)
	}
	drain(resp.Body)
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	return c.newTokenError(OpVerify, resp.StatusCode, "", "", statusText(resp), nil)
}

// maxChoices is how many choices an error about a list selection names at most.
const maxChoices = 10

// choose returns the element of the list at ui.List in root whose field at
// ui.ChooseBy equals ui.Choose rendered with v, or the problem to report: not a list, or no
// element matches (the choices named, quoted, at most maxChoices of them). An empty
// value chooses the only element of a one-element list.
func choose(root any, ui *Userinfo, v *Vars) (any, string) {
	x := root
	if len(ui.List) > 0 {
		var ok bool
		if x, ok = lookup(root, ui.List); !ok {
			return nil, "userinfo response has no list at " + strconv.Quote(strings.Join(ui.List, "."))
		}
	}
	list, ok := x.([]any)
	if !ok {
		return nil, "userinfo response has no list to choose from"
	}
	want := ui.Choose.Render(v)
	if want == "" && len(list) == 1 {
		return list[0], ""
	}
	var choices []string
	for _, e := range list {
		k, ok := lookup(e, ui.ChooseBy)
		if !ok {
			continue
		}
		got := scalarString(k)
		if want != "" && got == want {
			return e, ""
		}
		if len(choices) < maxChoices {
			choices = append(choices, strconv.QuoteToASCII(got))
		}
	}
	key := strings.Join(ui.ChooseBy, ".")
	var b strings.Builder
	if want == "" {
		b.WriteString("userinfo list has " + itoa(int64(len(list))) + " elements and no value chooses one by " + strconv.Quote(key))
	} else {
		b.WriteString("no element of the userinfo list has " + key + " " + strconv.QuoteToASCII(want))
	}
	if len(choices) == 0 {
		b.WriteString("; the list has no " + strconv.Quote(key) + " values")
	} else {
		b.WriteString("; choices: " + strings.Join(choices, ", "))
		if len(choices) == maxChoices && len(list) > maxChoices {
			b.WriteString(" and more")
		}
	}
	return nil, b.String()
}
