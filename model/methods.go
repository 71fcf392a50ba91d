package model

import (
	"strconv"

	"github.com/oauthgen/oauthgen/runtime"
)

// Methods are the methods of a connector's client that depend on the connector,
// decided once for both consumers: a generated package declares exactly these
// (besides AuthCodeURL and CodeFromCallback for the authorization_code grant, and
// TokenSource and HTTPClient, whose signatures follow the grant), and the dynamic
// client, one type for every connector, serves them (see Connector.Unsupported).
type Methods struct {
	// Exchange: the authorization_code grant, unless the token request reads callback
	// values (ExchangeNeedsCallback): a code alone cannot make it.
	Exchange bool
	// ExchangeCallback: the authorization_code grant with callback_params or
	// without_code, where reading the callback query adds something.
	ExchangeCallback bool
	// Refresh: the authorization_code grant with tokens that are refreshed, unless the
	// refresh request reads callback values (RefreshNeedsCallback).
	Refresh bool
	// RefreshToken: tokens that are refreshed, when the refresh request reads values
	// kept with the token or the connector keeps values (Refresh would drop them).
	RefreshToken bool
	// Token: the client_credentials grant.
	Token bool
	// Revoke: the connector can revoke tokens (revoke_url or revoke).
	Revoke bool
	// Device: the connector has a device_authorization_url, so its clients offer the
	// device authorization grant (DeviceAuth and DeviceAccessToken).
	Device bool
	// Verify: the connector has a test_request.
	Verify bool
	// Metadata: the connector keeps values with a token (KeptValues); they are the
	// fields of the generated TokenMetadata.
	Metadata bool
	// BaseURL: the connector has a base_url. BaseURLTakesToken: it reads values kept
	// with a token (callback or credentials values), so BaseURL takes the token.
	BaseURL, BaseURLTakesToken bool
	// Connections: the authorization_code grant, whose end users connect one by one
	// (runtime.Connections, with a Begin that takes the package's Params).
	Connections bool
}

// methods decides the method set of c.
func (c *Connector) methods() Methods {
	code := c.Grant == runtime.AuthorizationCode
	refreshed := code && !c.Permanent
	return Methods{
		Exchange:          code && !c.ExchangeNeedsCallback,
		ExchangeCallback:  code && (len(c.CallbackParams) > 0 || c.WithoutCode),
		Refresh:           refreshed && !c.RefreshNeedsCallback,
		RefreshToken:      refreshed && (c.RefreshNeedsCallback || c.refreshReadsToken() || len(c.KeptValues()) > 0),
		Token:             c.Grant == runtime.ClientCredentials,
		Revoke:            c.RevokeURL != nil,
		Device:            code && c.DeviceAuthURL != nil,
		Verify:            c.TestRequest != nil,
		Metadata:          len(c.KeptValues()) > 0,
		BaseURL:           c.BaseURL != nil,
		BaseURLTakesToken: c.BaseURL != nil && c.BaseURL.Class == Runtime,
		Connections:       code,
	}
}

// refreshReadsToken reports whether the refresh request reads callback or
// credentials values, which only a token carries.
func (c *Connector) refreshReadsToken() bool {
	ts := []*Template{c.RefreshURL}
	if c.RefreshURL == nil {
		ts[0] = c.TokenURL
	}
	for _, as := range [][]Arg{c.RefreshArgs, c.Headers} {
		for _, a := range as {
			ts = append(ts, a.Value)
		}
	}
	for _, t := range ts {
		if t != nil && t.Class == Runtime {
			return true
		}
	}
	return false
}

// The calls Unsupported knows.
const (
	CallExchange         = "Exchange"
	CallExchangeCallback = "ExchangeCallback"
	CallRefresh          = "Refresh"
	CallRefreshToken     = "RefreshToken"
	CallToken            = "Token"
	CallRevoke           = "Revoke"
	CallVerify           = "Verify"
	CallDevice           = "DeviceAuth"
)

// Unsupported says why a client of the connector cannot make call (one of the Call
// constants), saying what to use instead when there is something; "" when it can. The
// dynamic client returns it as the error of such a method. It allows more than
// Methods: ExchangeCallback and RefreshToken work whenever the grant and the tokens
// allow them, though a generated package declares them only where they add
// something.
func (c *Connector) Unsupported(call string) string {
	const useToken = "the connector uses the client_credentials grant: use Token"
	code := c.Grant == runtime.AuthorizationCode
	switch call {
	case CallExchange, CallExchangeCallback:
		switch {
		case !code:
			return useToken
		case call == CallExchange && c.ExchangeNeedsCallback:
			return "the token request reads values of the callback query (callback_params): use ExchangeCallback"
		}
	case CallRefresh, CallRefreshToken:
		switch {
		case !code:
			return useToken
		case c.Permanent:
			return "the connector's tokens are permanent and never refreshed"
		case call == CallRefresh && c.RefreshNeedsCallback:
			return "the refresh request reads values kept from the callback query (callback_params): use RefreshToken"
		}
	case CallToken:
		if code {
			return "the connector uses the authorization_code grant: use Exchange"
		}
	case CallRevoke:
		if c.RevokeURL == nil {
			return "the connector has no revocation (revoke_url or revoke)"
		}
	case CallDevice:
		if c.DeviceAuthURL == nil {
			return "the connector has no device_authorization_url"
		}
	case CallVerify:
		if c.TestRequest == nil {
			return "the connector has no test_request"
		}
	default:
		return "no such call " + strconv.Quote(call)
	}
	return ""
}

// goNames gives each kept value a distinct Go name, the name of its field in the
// generated TokenMetadata struct.
func goNames(kept []KeptValue) {
	taken := map[string]bool{}
	for i := range kept {
		goName := GoName(kept[i].Name)
		if goName == "" {
			goName = "Value"
		}
		base := goName
		for n := 2; taken[goName]; n++ {
			goName = base + strconv.Itoa(n)
		}
		taken[goName] = true
		kept[i].GoName = goName
	}
}
