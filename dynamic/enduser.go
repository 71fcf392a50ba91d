package dynamic

import (
	"maps"

	"github.com/oauthgen/oauthgen/model"
)

// AsEndUser returns cfg for a program whose user is the end user himself (a terminal
// tool such as oauthgen authorize, or a test against a fake provider), so that the
// ClientID and ClientSecret given are the end user's own: for an end_user_hosted
// connector (model.Connector.EndUserCredentials), which takes them only from the
// params client_id and client_secret and refuses Config's, they move there (unless
// the params have them); other connectors get cfg unchanged. A platform serving many
// end users never calls it: it passes each end user's values as Params.
func AsEndUser(m *model.Connector, cfg Config) Config {
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
