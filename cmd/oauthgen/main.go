// Command oauthgen validates OAuth2 connector files and generates a typed Go package
// per connector.
//
// Usage:
//
//	oauthgen <command> [flags] [arguments]
//
// Exit status: 0 on success, 1 when the input is invalid, 2 on a usage error.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

// command is one oauthgen subcommand. Each lives in its own file.
type command struct {
	name    string
	summary string
	// run parses args (everything after the command name) and does the work. It
	// returns an exit code.
	run func(args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order --help shows them.
var commands = []*command{&validateCmd, &schemaCmd, &importCmd, &generateCmd, &explainCmd, &authorizeCmd}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "oauthgen: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: oauthgen <command> [flags] [arguments]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'oauthgen <command> --help' for a command's flags.")
}
