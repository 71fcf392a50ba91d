// Package consumer shows oauthgen used from another module: it keeps its own
// connector file (connectors/hubspot.json), generates a typed client package from it
// with go generate, and builds its HubSpot client with that package.
//
// Regenerate after editing the connector file or upgrading oauthgen (a tool of this
// module: go.mod's tool directive); the first line rewrites the schema editors
// check connectors/*.json against:
//
//	go generate ./...
package consumer

//go:generate sh -c "go tool oauthgen schema > connectors/connector.schema.json"
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
		ClientSecret: runtime.Secret(clientSecret),
		RedirectURL:  redirectURL,
		Params:       hubspot.Params{Scope: extraScopes},
	}, opts...)
}
