// Package connectors is the catalog of connector files shipped with oauthgen, one
// <slug>.json per provider, each checked against the provider's OAuth documentation
// (see docs_url in each file). README.md lists them; its table is generated from the
// files by this package's test (go test ./connectors -update rewrites it).
package connectors

import "embed"

// Files holds every connector file of the catalog, for tests and tools that walk it.
//
//go:embed *.json
var Files embed.FS
