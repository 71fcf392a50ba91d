package schema

import _ "embed"

//go:generate go run ./gen -src . -o connector.schema.json

// schemaJSON is the JSON Schema of the connector format, generated from the types in
// connector.go by ./gen (make generate). A test fails when it is stale.
//
//go:embed connector.schema.json
var schemaJSON []byte

// JSON returns the JSON Schema (draft 2020-12) of the connector format. The caller
// gets its own copy.
func JSON() []byte {
	return append([]byte(nil), schemaJSON...)
}
