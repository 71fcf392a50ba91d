package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// The device authorization grant (RFC 8628): DeviceAuth asks for a user code, the
// user enters it at the verification URL on another device, and DeviceAccessToken
// polls the token endpoint until the user has decided.

const (
	// deviceGrant is the grant_type of the device access token request (RFC 8628 3.4).
	deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"
	// defaultDeviceInterval is the polling interval when the provider names none
	// (RFC 8628 3.2), and slowDownStep what each slow_down adds to it (3.5).
	defaultDeviceInterval = 5 * time.Second
	slowDownStep          = 5 * time.Second
)

// errDeviceExpired is wrapped when the device code expired before the user decided.
var errDeviceExpired = errors.New("the device code expired before the user authorized it")

// DeviceAuth starts the device authorization grant (RFC 8628 3.1) at the flow's
// DeviceAuthURL: a form POST carrying the client id (and the client secret as
// ClientAuth says) and the flow's DeviceArgs (scope). Show the user the returned
// UserCode and VerificationURI (or VerificationURIComplete), then call
// DeviceAccessToken.
func (c *Client) DeviceAuth(ctx context.Context) (*oauth2.DeviceAuthResponse, error) {
	v := &Vars{}
	u, err := c.renderURL(OpDeviceAuth, c.flow.DeviceAuthURL, v)
	if err != nil {
		return nil, err
	}
	tc := &tokenCall{op: OpDeviceAuth, vars: v, url: u}
	renderArgs(&tc.params, c.flow.DeviceArgs, v, tc.url)
	c.addClientAuth(tc)
	if tc.err != nil {
		return nil, tc.err
	}
	tc.sec.add(string(c.creds.ClientSecret))
	if err := c.checkURL(OpDeviceAuth, tc.url, &c.tokenHosts); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tc.url, bytes.NewReader(tc.params.appendForm(nil)))
	if err != nil {
		return nil, c.newTokenError(tc.op, 0, "", "", "invalid device authorization URL "+quote(tc.sec.clean(stripQuery(tc.url))), nil)
	}
	req.Header["Content-Type"] = ctForm
	req.Header["Accept"] = []string{"application/json"}
	if c.basic != "" {
		req.Header["Authorization"] = []string{c.basic}
	}
	resp, err := c.tokenHTTPClient(ctx).Do(req)
	if err != nil {
		return nil, c.transportError(tc.op, err, &tc.sec)
	}
	if isRedirect(resp) {
		return nil, c.redirectError(tc.op, resp)
	}
	body, tooBig, rerr := readLimited(resp, c.opts.maxBody)
	resp.Body.Close()
	switch {
	case rerr != nil:
		return nil, c.transportError(tc.op, rerr, &tc.sec)
	case tooBig:
		return nil, c.newTokenError(tc.op, resp.StatusCode, "", "", "response body larger than "+itoa(c.opts.maxBody)+" bytes ("+statusText(resp)+")", nil)
	}
	root, jerr := decodeJSON(body)
	if code, _, _ := rfcError(root); code != "" || resp.StatusCode < 200 || resp.StatusCode > 299 {
		// An error answer reads as a token endpoint's does (RFC 8628 3.2 refers to RFC 6749 5.2).
		if _, _, perr := c.parse(tc, resp, body); perr != nil {
			return nil, perr
		}
		return nil, c.newTokenError(tc.op, resp.StatusCode, "", "", statusText(resp), nil)
	}
	var da oauth2.DeviceAuthResponse
	if jerr != nil || json.Unmarshal(body, &da) != nil {
		return nil, c.newTokenError(tc.op, resp.StatusCode, "", "", "malformed JSON device authorization response", nil)
	}
	if da.DeviceCode == "" || da.UserCode == "" || da.VerificationURI == "" {
		return nil, c.newTokenError(tc.op, resp.StatusCode, "", "", "device authorization response without device_code, user_code or verification_uri", nil)
	}
	return &da, nil
}

// DeviceAccessToken polls the token endpoint with da's device code (RFC 8628 3.4)
// until the user has authorized or denied the request, da expires, or ctx is done:
// it waits da.Interval (5 s when none) before each request and 5 s longer after each
// slow_down, and keeps polling on authorization_pending. The token is then completed
// as an exchange's is: userinfo, the token hook, the store (WithStore). A denial is a
// *TokenError with Code "access_denied"; an expired code one with "expired_token" (or
// wrapping the expiry, when the provider did not say so before da.Expiry).
func (c *Client) DeviceAccessToken(ctx context.Context, da *oauth2.DeviceAuthResponse) (*oauth2.Token, error) {
	if da == nil || da.DeviceCode == "" {
		return nil, c.newTokenError(OpExchange, 0, "", "", "no device code to poll with", nil)
	}
	interval := time.Duration(da.Interval) * time.Second
	if interval <= 0 {
		interval = defaultDeviceInterval
	}
	for {
		wait := interval
		if !da.Expiry.IsZero() {
			if left := da.Expiry.Sub(c.now()); left <= 0 {
				return nil, c.newTokenError(OpExchange, 0, "", "", errDeviceExpired.Error(), errDeviceExpired)
			} else if left < wait {
				wait = left
			}
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, c.transportError(OpExchange, err, &secrets{})
		}
		tc := &tokenCall{op: OpExchange, vars: &Vars{}, url: c.flow.TokenURL.Render(&Vars{})}
		tc.params.set("grant_type", deviceGrant)
		tc.params.set("device_code", da.DeviceCode)
		tc.sec.add(da.DeviceCode)
		c.addClientAuth(tc)
		res, err := c.send(ctx, tc)
		if err == nil {
			return c.complete(ctx, res.tok)
		}
		var te *TokenError
		if !errors.As(err, &te) {
			return nil, err
		}
		switch te.Code {
		case "authorization_pending":
		case "slow_down":
			interval += slowDownStep
		default:
			return nil, err
		}
	}
}

// sleep waits d or until ctx is done, and returns ctx's error in that case.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.opts.after != nil {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.opts.after(d):
			return nil
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
