// Package consumer shows oauthgen used from another module: it keeps its own
// connector file (connectors/hubspot.json), generates a typed client package from it
// with go generate, and builds its HubSpot client with that package.
//
// Regenerate after editing the connector file:
//
//	go generate ./...
package consumer

//go:generate go run github.com/oauthgen/oauthgen/cmd/oauthgen generate -o generated connectors/hubspot.json

import (
	"example.com/consumer/generated/hubspot"

	"github.com/oauthgen/oauthgen/runtime"
)

// NewHubSpot returns the HubSpot client of this application for an end user who asked
// for the extra scopes extraScopes (space-separated; empty for none).
func NewHubSpot(clientID, clientSecret, redirectURL, extraScopes string, opts ...runtime.Option) (*hubspot.Client, error) {
	return hubspot.New(hubspot.Config{
		ClientID:     clientID,
		ClientSecret: runtime.Secret(clientSecret),
		RedirectURL:  redirectURL,
		Params:       hubspot.Params{Scope: extraScopes},
	}, opts...)
}
