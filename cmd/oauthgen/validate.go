package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

var validateCmd = command{
	name:    "validate",
	summary: "check connector files and report every problem with its line and column",
	run:     runValidate,
}

func runValidate(_ context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	fs := pflag.NewFlagSet("validate", pflag.ContinueOnError)
	quiet := fs.BoolP("quiet", "q", false, "print nothing for valid files and no summary")
	usage := usageFor(fs, "validate [flags] FILE|DIR...",
		"Validates connector files; a directory stands for the *.json files in it",
		"(*.schema.json excepted).",
		"Problems go to stderr as file:line:col: /json/pointer: message; warnings,",
		"which do not make a file invalid, as file:line:col: warning: /json/pointer: message.",
		"Exit status: 0 all valid (warnings or not), 1 a file is invalid or unreadable,",
		"2 usage error.")
	if code, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "oauthgen validate: no FILE or DIR given")
		usage(stderr)
		return exitUsage
	}
	files, err := expandConnectorArgs(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen validate: %v\n", err)
		return exitInvalid
	}
	bad, problems, warnings := 0, 0, 0
	for _, f := range files {
		m, err := model.Load(f)
		var errs schema.Errors
		switch {
		case err == nil:
			if len(m.Warnings) > 0 {
				warnings += len(m.Warnings)
				fmt.Fprintln(stderr, m.Warnings)
			}
			if !*quiet {
				fmt.Fprintf(stdout, "%s: ok\n", f)
			}
			continue
		case errors.As(err, &errs):
			problems += len(errs)
		default:
			problems++
		}
		bad++
		fmt.Fprintln(stderr, err)
	}
	if !*quiet {
		switch {
		case bad == 0 && warnings > 0:
			fmt.Fprintf(stdout, "%d %s valid, %d %s\n", len(files), plural(len(files), "file", "files"), warnings, plural(warnings, "warning", "warnings"))
		case bad == 0:
			fmt.Fprintf(stdout, "%d %s valid\n", len(files), plural(len(files), "file", "files"))
		default:
			fmt.Fprintf(stderr, "%d of %d %s invalid, %d %s\n", bad, len(files), plural(len(files), "file", "files"), problems, plural(problems, "problem", "problems"))
		}
	}
	if bad > 0 {
		return exitInvalid
	}
	return exitOK
}

// expandConnectorArgs turns FILE|DIR arguments into files: a directory stands for the
// *.json files directly inside it, sorted, except *.schema.json: the JSON Schema that
// editors read sits beside the connectors (connector.schema.json) and is none.
func expandConnectorArgs(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		var found []string
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") && !strings.HasSuffix(e.Name(), ".schema.json") {
				found = append(found, filepath.Join(a, e.Name()))
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no connector files (*.json but *.schema.json) in this directory", a)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
