package main

import (
	"io"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// pflagError is the message pflag gives for args; define declares the flags the
// command has that matter to args (nil: none).
func pflagError(t *testing.T, args []string, define func(*pflag.FlagSet)) string {
	t.Helper()
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if define != nil {
		define(fs)
	}
	err := fs.Parse(args)
	if err == nil {
		t.Fatalf("pflag accepts %q", args)
	}
	return err.Error()
}

// wantFlagError checks a rejected command line: exit 2, nothing on stdout, and on
// stderr exactly "oauthgen <cmd>: <pflag's error>" once, then the command's usage.
func wantFlagError(t *testing.T, name string, args []string, msg string) {
	t.Helper()
	code, out, errOut := runOauthgen(append([]string{name}, args...)...)
	if code != exitUsage {
		t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
	}
	if out != "" {
		t.Errorf("%q: stdout %q, want nothing", args, out)
	}
	first, rest, _ := strings.Cut(errOut, "\n")
	if want := "oauthgen " + name + ": " + msg; first != want {
		t.Errorf("%q: stderr starts %q, want %q", args, first, want)
	}
	if !strings.HasPrefix(rest, "Usage: oauthgen "+name+" ") && !strings.HasPrefix(rest, "Usage: oauthgen "+name+"\n") {
		t.Errorf("%q: the error is not followed by the usage:\n%s", args, errOut)
	}
	if n := strings.Count(errOut, msg); n != 1 {
		t.Errorf("%q: the error appears %d times on stderr:\n%s", args, n, errOut)
	}
}

// TestBadFlagsEveryCommand runs every registered command with flags it does not have.
func TestBadFlagsEveryCommand(t *testing.T) {
	bad := [][]string{
		{"--no-such-flag"},
		{"x.json", "--no-such-flag=1"},
		{"-%"},
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			for _, args := range bad {
				wantFlagError(t, c.name, args, pflagError(t, args, nil))
			}
		})
	}
}

// TestBadFlagValues covers the other pflag errors: a value a flag cannot take and a
// flag without its argument.
func TestBadFlagValues(t *testing.T) {
	cases := []struct {
		cmd    string
		args   []string
		define func(*pflag.FlagSet)
	}{
		{"validate", []string{"--quiet=maybe", "x.json"}, func(fs *pflag.FlagSet) { fs.BoolP("quiet", "q", false, "") }},
		{"generate", []string{"x.json", "-o"}, func(fs *pflag.FlagSet) { fs.StringP("output", "o", "", "") }},
		{"import", []string{"x.json", "--from"}, func(fs *pflag.FlagSet) { fs.String("from", "", "") }},
	}
	for _, tc := range cases {
		msg := pflagError(t, tc.args, tc.define)
		if strings.HasPrefix(msg, "unknown") {
			t.Fatalf("%s %q: the test expects a known flag, pflag says %q", tc.cmd, tc.args, msg)
		}
		wantFlagError(t, tc.cmd, tc.args, msg)
	}
}
