package e2e

import (
	"maps"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/model"
)

// EndUsersConfig returns cfg for a client whose ClientID and ClientSecret are the
// end user's own, as they are for the fake provider a test (or the oauthgen command,
// whose user is the end user) runs: for an end_user_hosted connector
// (model.Connector.EndUserCredentials), which takes them only from the params
// client_id and client_secret and refuses Config's, they move there (unless the
// params have them); other connectors get cfg unchanged.
func EndUsersConfig(m *model.Connector, cfg dynamic.Config) dynamic.Config {
	if !m.EndUserCredentials() {
		return cfg
	}
	params := maps.Clone(cfg.Params)
	if params == nil {
		params = map[string]any{}
	}
	if _, ok := params["client_id"]; !ok && cfg.ClientID != "" {
		params["client_id"] = cfg.ClientID
	}
	if _, ok := params["client_secret"]; !ok && m.UserClientSecret && cfg.ClientSecret != "" {
		params["client_secret"] = cfg.ClientSecret
	}
	cfg.ClientID, cfg.ClientSecret, cfg.Params = "", "", params
	return cfg
}
