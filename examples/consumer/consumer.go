// Package consumer shows oauthgen used from another module: it keeps its own
// connector file (connectors/hubspot.json), generates a typed client package from it
// with go generate, and builds its HubSpot client with that package.
//
// Regenerate after editing the connector file (oauthgen is a tool of this module:
// go.mod's tool directive), and the schema editors read after upgrading oauthgen:
//
//	go generate ./...
//	go tool oauthgen schema > connectors/connector.schema.json
package consumer

//go:generate go tool oauthgen generate -o generated ./connectors

import (
	"example.com/consumer/generated/hubspot"

	"github.com/oauthgen/oauthgen/runtime"
)

// NewHubSpot returns the HubSpot client of this application for an end user who asked
// for the extra scopes extraScopes (space-separated; empty for none).
func NewHubSpot(clientID, clientSecret, redirectURL, extraScopes string, opts ...runtime.Option) (*hubspot.Client, error) {
	return hubspot.New(hubspot.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURL:  redirectURL,
		Params:       hubspot.Params{Scope: extraScopes},
	}, opts...)
}
