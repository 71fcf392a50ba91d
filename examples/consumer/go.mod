module example.com/consumer

go 1.26.0

require (
	github.com/oauthgen/oauthgen v0.0.0
	golang.org/x/oauth2 v0.37.0
)

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/santhosh-tekuri/jsonschema/v5 v5.3.1 // indirect
	github.com/spf13/pflag v1.1.0 // indirect
	golang.org/x/mod v0.24.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/oauthgen/oauthgen => ../..

tool github.com/oauthgen/oauthgen/cmd/oauthgen
