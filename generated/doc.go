// Package generated holds one typed OAuth2 client package per connector file in
// connectors/, written by `oauthgen generate` (make generate, or go generate here).
// Do not edit them: change the connector file and regenerate; a test fails when a
// package is stale. Generating them also runs internal/cmd/generate-registry, which
// writes internal/registry/clients.go: each package's client by connector file, for
// the tests here and in internal/difftest.
package generated

//go:generate go run ../cmd/oauthgen generate -q --prune -o . ../connectors/
//go:generate go run ../internal/cmd/generate-registry
