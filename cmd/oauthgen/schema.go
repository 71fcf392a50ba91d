package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/oauthgen/oauthgen/schema"
)

var schemaCmd = command{
	name:    "schema",
	summary: "print the JSON Schema of connector files",
	run:     runSchema,
}

func runSchema(_ context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	fs := pflag.NewFlagSet("schema", pflag.ContinueOnError)
	usage := usageFor(fs, "schema",
		"Prints the JSON Schema (draft 2020-12) of connector files, the one",
		"committed as schema/connector.schema.json, to stdout.")
	if code, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "oauthgen schema: unexpected argument %q\n", fs.Arg(0))
		usage(stderr)
		return exitUsage
	}
	if _, err := stdout.Write(schema.JSON()); err != nil {
		fmt.Fprintf(stderr, "oauthgen schema: %v\n", err)
		return exitInvalid
	}
	return exitOK
}
