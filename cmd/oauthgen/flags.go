package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"
)

// usageFor returns the usage printer of a command: "Usage: oauthgen " and synopsis,
// the about lines, and the flags when it has any.
func usageFor(fs *pflag.FlagSet, synopsis string, about ...string) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprintln(w, "Usage: oauthgen "+synopsis)
		fmt.Fprintln(w)
		for _, line := range about {
			fmt.Fprintln(w, line)
		}
		if fs.HasFlags() {
			fmt.Fprintln(w, "\nFlags:")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
	}
}

// parseFlags parses a command's flags. --help prints usage to stdout; a bad flag
// prints pflag's message and usage to stderr. done is true when the command must
// return code right away.
func parseFlags(fs *pflag.FlagSet, args []string, usage func(io.Writer), stdout, stderr io.Writer) (code int, done bool) {
	fs.SetOutput(stderr)
	fs.Usage = func() {} // printed below, to the right stream
	err := fs.Parse(args)
	switch {
	case err == nil:
		return exitOK, false
	case errors.Is(err, pflag.ErrHelp):
		usage(stdout)
		return exitOK, true
	}
	fmt.Fprintf(stderr, "oauthgen %s: %v\n", fs.Name(), err)
	usage(stderr)
	return exitUsage, true
}
