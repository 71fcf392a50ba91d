package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/oauthgen/oauthgen/generator"
)

var generateCmd = command{
	name:    "generate",
	summary: "generate a typed Go package per connector (or --check that they are up to date)",
	run:     runGenerate,
}

func runGenerate(_ context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	fs := pflag.NewFlagSet("generate", pflag.ContinueOnError)
	out := fs.StringP("output", "o", "generated", "directory that receives <package>/<package>.go")
	module := fs.String("module-path", generator.DefaultModulePath, "module path of oauthgen, whose runtime package the generated code imports")
	check := fs.Bool("check", false, "write nothing; exit 1 when a generated file is missing or stale")
	quiet := fs.BoolP("quiet", "q", false, "print nothing on success")
	prune := fs.Bool("prune", false, "also remove (with --check: report) the generated packages in DIR that no given connector produces, such as those of removed or renamed connectors")
	usage := usageFor(fs, "generate [-o DIR] [--module-path P] [--check] [--prune] FILE|DIR...",
		"Generates DIR/<package>/<package>.go for each connector file (a directory stands",
		"for the *.json files in it, *.schema.json excepted). Exit status: 0 ok, 1 invalid",
		"connector or stale output (--check), 2 usage error.")
	if code, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "oauthgen generate: no FILE or DIR given")
		usage(stderr)
		return exitUsage
	}
	files, err := expandConnectorArgs(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen generate: %v\n", err)
		return exitInvalid
	}
	// Headers name connector files relative to the module root, whatever the working
	// directory (go generate runs in the package's directory).
	root, _ := findModule(".")
	outs, err := generator.Files(files, *out, root, generator.Options{ModulePath: *module})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInvalid
	}
	for _, o := range outs {
		if len(o.Warnings) > 0 {
			fmt.Fprintln(stderr, o.Warnings) // as validate prints them, even with --quiet
		}
	}
	var orphans []string
	if *prune {
		orphans, err = generator.Orphans(*out, outs)
		if err != nil {
			fmt.Fprintf(stderr, "oauthgen generate: %v\n", err)
			return exitInvalid
		}
	}
	if *check {
		stale := generator.Check(outs)
		for _, o := range orphans {
			stale = append(stale, o+": generated from no connector given (removed or renamed): delete it")
		}
		for _, s := range stale {
			fmt.Fprintln(stderr, s)
		}
		if len(stale) > 0 {
			fmt.Fprintf(stderr, "%d of %d generated %s out of date; to update, run: oauthgen generate %s\n", len(stale), len(outs), plural(len(outs), "file", "files"), shellJoin(withoutCheck(args)))
			return exitInvalid
		}
		if !*quiet {
			fmt.Fprintf(stdout, "%d generated %s up to date\n", len(outs), plural(len(outs), "file", "files"))
		}
		return exitOK
	}
	changed, err := generator.Write(outs)
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen generate: %v\n", err)
		return exitInvalid
	}
	if err := generator.RemoveOrphans(orphans); err != nil {
		fmt.Fprintf(stderr, "oauthgen generate: %v\n", err)
		return exitInvalid
	}
	if !*quiet {
		for _, c := range changed {
			fmt.Fprintf(stdout, "wrote %s\n", c)
		}
		for _, o := range orphans {
			fmt.Fprintf(stdout, "removed %s (no connector given generates it)\n", o)
		}
		fmt.Fprintf(stdout, "%d %s generated, %d changed\n", len(outs), plural(len(outs), "package", "packages"), len(changed))
	}
	return exitOK
}

// findModule returns the root directory of the module that holds dir ("" and an
// error outside a module).
func findModule(dir string) (root string, err error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s is not inside a Go module (no go.mod)", dir)
		}
		d = parent
	}
}

// withoutCheck returns args without --check: the same generate command, writing.
func withoutCheck(args []string) []string {
	var out []string
	for i, a := range args {
		if a == "--" { // the rest are files
			return append(out, args[i:]...)
		}
		if a != "--check" && !strings.HasPrefix(a, "--check=") {
			out = append(out, a)
		}
	}
	return out
}

// shellJoin joins args for a POSIX shell, single-quoting those with characters the
// shell would read.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:@%+,") == "" {
			quoted[i] = a
			continue
		}
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}
