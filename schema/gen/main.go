// Command gen writes schema/connector.schema.json from the Go types of package schema.
//
// Usage, from the module root (make generate runs it):
//
//	go run ./schema/gen [-o schema/connector.schema.json] [-src schema]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/oauthgen/oauthgen/schema/schemagen"
)

func main() {
	out := flag.String("o", "schema/connector.schema.json", "output file (- for stdout)")
	src := flag.String("src", "schema", "directory of package schema's Go sources")
	flag.Parse()
	data, err := schemagen.Generate(*src)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *out == "-" {
		_, err = os.Stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
