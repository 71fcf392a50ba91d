//go:build tools

package deps

import (
	_ "github.com/dave/jennifer/jen"
	_ "github.com/invopop/jsonschema"
	_ "github.com/nikolalohinski/gonja/v2"
	_ "github.com/ory/fosite"
	_ "github.com/santhosh-tekuri/jsonschema/v5"
	_ "github.com/spf13/pflag"
	_ "go.uber.org/goleak"
	_ "golang.org/x/oauth2"
	_ "gopkg.in/yaml.v3"
)
