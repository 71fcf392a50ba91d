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
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
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
	// run parses args (everything after the command name) and does the work until
	// ctx ends. It returns an exit code.
	run func(ctx context.Context, e *env, args []string) int
}

// env is what a command reads and writes besides its arguments: the process's
// environment variables and standard streams when oauthgen runs as a program, a
// test's when the test calls run. Commands use nothing else of the process, so that
// tests run them in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// commands lists the subcommands in the order --help shows them.
var commands = []*command{&validateCmd, &schemaCmd, &importCmd, &generateCmd, &explainCmd, &authorizeCmd, &fakeCmd}

func main() {
	// An interrupt ends ctx, so that authorize stops its callback server and says why.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the oauthgen command line args (without the program name) and returns the
// exit code. getenv, stdin, stdout and stderr stand for the process's.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
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
			return c.run(ctx, &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}, args[1:])
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
