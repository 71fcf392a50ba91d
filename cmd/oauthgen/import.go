package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/oauthgen/oauthgen/importer"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

var importCmd = command{
	name:    "import",
	summary: "turn ChiefOnboarding, Integration.app or Nango OAuth definitions into connector files",
	run:     runImport,
}

// importFormats maps the --from values of the one-connector formats to their
// importers; nango, a file of many providers, is handled by importNango.
var importFormats = map[string]func([]byte) (*schema.Connector, []importer.Warning, error){
	"chiefonboarding": importer.FromChiefOnboarding,
	"integration-app": importer.FromIntegrationApp,
}

func runImport(_ context.Context, e *env, args []string) int {
	return importCommand(args, e.stdout, e.stderr)
}

// importCommand is the import command (runImport adapts it to the command table).
func importCommand(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("import", pflag.ContinueOnError)
	from := fs.String("from", "", "source format: chiefonboarding, integration-app or nango (required)")
	name := fs.String("name", "", "display name of the connector (default: derived from the authorize URL's host; not with nango)")
	providers := fs.StringArray("provider", nil, "nango: import the entry `NAME` only (repeatable; default: every OAUTH2 and OAUTH2_CC entry)")
	schemaRef := fs.String("schema", "", "write `REF` as the connectors' \"$schema\" (the path or URL of the file 'oauthgen schema' prints; default: none)")
	out := fs.StringP("output", "o", "", "write the connector to `FILE` instead of stdout (nango: into the directory DIR, one NAME.json per entry)")
	usage := usageFor(fs, "import --from chiefonboarding|integration-app [--name N] [--schema REF] [-o FILE] FILE\n"+
		"       oauthgen import --from nango [--provider NAME]... [--schema REF] [-o DIR] FILE",
		"Converts the oauth object of a ChiefOnboarding integration manifest (JSON), or the",
		"getOAuthConfig mapping of an Integration.app connector (YAML), into a connector file;",
		"or the OAUTH2 and OAUTH2_CC entries of a Nango providers.yaml into one connector file",
		"each (without -o, exactly one --provider is written to stdout).",
		"What cannot be mapped is reported on stderr as FILE: warning: path: what: why, and for",
		"nango as one line per entry, FILE: warning: NAME: ...; an entry that cannot be",
		"expressed is not written. Every connector is validated before it is written.",
		"Exit status: 0 done (warnings included), 1 unreadable or unusable input, 2 usage error.")
	if code, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return code
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "oauthgen import: "+format+"\n", args...)
		usage(stderr)
		return exitUsage
	}
	convert, ok := importFormats[*from]
	nangoFile := *from == "nango"
	switch {
	case *from == "":
		return usageErr("--from is required")
	case !ok && !nangoFile:
		return usageErr("--from %q is not chiefonboarding, integration-app or nango", *from)
	case fs.NArg() != 1:
		return usageErr("want exactly one FILE, got %d", fs.NArg())
	case fs.Changed("name") && strings.TrimSpace(*name) == "":
		return usageErr("--name is empty")
	case nangoFile && fs.Changed("name"):
		return usageErr("--name is not for nango: each entry's display_name is its name")
	case !nangoFile && len(*providers) > 0:
		return usageErr("--provider is only for --from nango")
	case nangoFile && *out == "" && len(*providers) != 1:
		return usageErr("--from nango writes one file per entry: give -o DIR, or one --provider to write it to stdout")
	case fs.Changed("schema") && strings.TrimSpace(*schemaRef) == "":
		return usageErr("--schema is empty")
	}
	in := fs.Arg(0)
	data, err := os.ReadFile(in)
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen import: %v\n", err)
		return exitInvalid
	}
	if nangoFile {
		return importNango(in, data, *providers, *schemaRef, *out, stdout, stderr)
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
	c.Schema = *schemaRef
	body, err := importer.Marshal(c)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", in, err)
		return exitInvalid
	}
	target := *out
	if target == "" {
		target = "<stdout>"
	}
	if err := checkConnector(target, body); err != nil {
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

// checkConnector loads a connector file the way validate and generate do, so that
// import writes nothing they would refuse.
func checkConnector(name string, body []byte) error {
	_, err := model.Parse(name, body)
	return err
}

// safeEntryName matches the Nango keys usable as file names in DIR.
var safeEntryName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$`)

// importNango writes the connectors of a Nango providers.yaml: to dir as NAME.json,
// or, without dir, the one named entry to stdout. Each entry with anything not
// carried over gets one warning line.
func importNango(in string, data []byte, providers []string, schemaRef, dir string, stdout, stderr io.Writer) int {
	res, err := importer.FromNango(data, providers...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", in, err)
		return exitInvalid
	}
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "oauthgen import: -o %s: not a directory\n", dir)
			return exitInvalid
		}
	}
	packages := map[string]string{} // Go package -> entry that took it
	for _, e := range res.Entries {
		body, why := nangoConnector(e, schemaRef, packages)
		notes := make([]string, 0, len(e.Warnings)+1)
		if body == nil {
			notes = append(notes, "no connector written")
		}
		if why != "" {
			notes = append(notes, why)
		}
		for _, w := range e.Warnings {
			notes = append(notes, w.String())
		}
		if len(notes) > 0 {
			fmt.Fprintf(stderr, "%s: warning: %s: %s\n", in, e.Key, strings.Join(notes, "; "))
		}
		if body == nil {
			continue
		}
		if dir == "" {
			if _, err := stdout.Write(body); err != nil {
				fmt.Fprintf(stderr, "oauthgen import: %v\n", err)
				return exitInvalid
			}
			continue
		}
		path := filepath.Join(dir, e.Key+".json")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			fmt.Fprintf(stderr, "oauthgen import: %v\n", err)
			return exitInvalid
		}
		fmt.Fprintln(stdout, path)
	}
	if res.OtherAuthModes > 0 {
		fmt.Fprintf(stderr, "%s: %d %s of other auth modes (not OAUTH2 or OAUTH2_CC) left out\n", in, res.OtherAuthModes, plural(res.OtherAuthModes, "entry", "entries"))
	}
	return exitOK
}

// nangoConnector returns the connector file of entry e, or nil and why it is not
// written.
func nangoConnector(e importer.NangoEntry, schemaRef string, packages map[string]string) (body []byte, why string) {
	c := e.Connector
	if c == nil {
		return nil, ""
	}
	if !safeEntryName.MatchString(e.Key) {
		return nil, "the key is not usable as a file name"
	}
	if other, ok := packages[c.GoPackage()]; ok {
		return nil, "its Go package " + c.GoPackage() + " is the one of " + other
	}
	c.Schema = schemaRef
	body, err := importer.Marshal(c)
	if err == nil {
		err = checkConnector(e.Key+".json", body)
	}
	if err != nil {
		return nil, "the converted connector does not validate (" + invalidAt(err) + ")"
	}
	packages[c.GoPackage()] = e.Key
	return body, ""
}

// invalidAt names where a connector failed to validate by JSON pointers only: the
// messages quote values, and warnings quote none of the source.
func invalidAt(err error) string {
	var errs schema.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		return "see oauthgen validate"
	}
	ptrs := make([]string, 0, len(errs))
	for _, e := range errs {
		ptrs = append(ptrs, e.Pointer)
	}
	return "at " + strings.Join(ptrs, ", ")
}
