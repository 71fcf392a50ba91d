package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/oauthgen/oauthgen/importer"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

var importCmd = command{
	name:    "import",
	summary: "turn a ChiefOnboarding or Integration.app OAuth definition into a connector file",
	run:     runImport,
}

// importFormats maps the --from values to their importers.
var importFormats = map[string]func([]byte) (*schema.Connector, []importer.Warning, error){
	"chiefonboarding": importer.FromChiefOnboarding,
	"integration-app": importer.FromIntegrationApp,
}

func runImport(_ context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	fs := pflag.NewFlagSet("import", pflag.ContinueOnError)
	from := fs.String("from", "", "source format: chiefonboarding or integration-app (required)")
	name := fs.String("name", "", "display name of the connector (default: derived from the authorize URL's host)")
	out := fs.StringP("output", "o", "", "write the connector to `FILE` instead of stdout")
	usage := usageFor(fs, "import --from chiefonboarding|integration-app [--name N] [-o FILE] FILE",
		"Converts the oauth object of a ChiefOnboarding integration manifest (JSON), or the",
		"getOAuthConfig mapping of an Integration.app connector (YAML), into a connector file.",
		"What cannot be mapped is reported on stderr as FILE: warning: path: what: why.",
		"The result is validated before it is written.",
		"Exit status: 0 written (warnings included), 1 unreadable or unusable input, 2 usage error.")
	if code, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return code
	}
	convert, ok := importFormats[*from]
	switch {
	case *from == "":
		fmt.Fprintln(stderr, "oauthgen import: --from is required")
		usage(stderr)
		return exitUsage
	case !ok:
		fmt.Fprintf(stderr, "oauthgen import: --from %q is not chiefonboarding or integration-app\n", *from)
		usage(stderr)
		return exitUsage
	case fs.NArg() != 1:
		fmt.Fprintf(stderr, "oauthgen import: want exactly one FILE, got %d\n", fs.NArg())
		usage(stderr)
		return exitUsage
	case fs.Changed("name") && strings.TrimSpace(*name) == "":
		fmt.Fprintln(stderr, "oauthgen import: --name is empty")
		usage(stderr)
		return exitUsage
	}
	in := fs.Arg(0)
	data, err := os.ReadFile(in)
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen import: %v\n", err)
		return exitInvalid
	}
	c, warns, err := convert(data)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", in, err)
		return exitInvalid
	}
	for _, w := range warns {
		if *name != "" && (w.What == "name" || w.What == "name "+c.Name) {
			continue // the derived name is replaced below
		}
		fmt.Fprintf(stderr, "%s: warning: %s\n", in, w)
	}
	if *name != "" {
		c.Name = strings.TrimSpace(*name)
	}
	body, err := importer.Marshal(c)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", in, err)
		return exitInvalid
	}
	target := *out
	if target == "" {
		target = "<stdout>"
	}
	if _, err := model.Parse(target, body); err != nil {
		fmt.Fprintf(stderr, "%s: the imported connector does not validate:\n%v\n", in, err)
		return exitInvalid
	}
	if *out == "" {
		if _, err := stdout.Write(body); err != nil {
			fmt.Fprintf(stderr, "oauthgen import: %v\n", err)
			return exitInvalid
		}
		return exitOK
	}
	if err := os.WriteFile(*out, body, 0o644); err != nil {
		fmt.Fprintf(stderr, "oauthgen import: %v\n", err)
		return exitInvalid
	}
	return exitOK
}
