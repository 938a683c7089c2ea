// Command gen turns a streamgen spec into a Dynamo Streamer stack: see README.md.
//
// Exit codes: 0 ok; 1 I/O or internal failure; 2 invalid spec or command
// line (nothing written). Commands may add their own (see their usage).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen/internal/version"
	"github.com/streamgen/streamgen/spec"
)

func main() {
	collectOnlyAtLimit()
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "gen",
		Usage:     "generate a Dynamo Streamer stack (API Gateway -> DynamoDB -> stream -> Lambda) from a spec",
		UsageText: "gen -spec FILE [-out DIR]\ngen command [options] [arguments...]",
		// the version Go stamped into the binary, and its commit
		Version: version.Get().String(),
		// the help command is gen's own (topics), so the help flag is added here
		Flags:  append(generateFlags(), cli.HelpFlag),
		Action: generate,
		Commands: []*cli.Command{
			// each command lives in its own file: <name>.go
			validateCommand,
			initCommand,
			buildCommand,
			localCommand,
			diffCommand,
			checkCommand,
			helpCommand,
		},
		Writer:         stdout,
		ErrWriter:      stderr,
		ExitErrHandler: func(*cli.Context, error) {}, // run decides the exit code
		OnUsageError:   onUsageError,
	}
	for _, c := range app.Commands {
		if c.OnUsageError == nil {
			c.OnUsageError = onUsageError
		}
	}
	return app
}

// run executes gen with args and returns its exit code.
func run(args []string, stdout, stderr io.Writer) int {
	err := newApp(stdout, stderr).Run(args)
	if err == nil {
		return 0
	}
	var specErrs spec.Errors
	switch {
	case errors.As(err, &specErrs):
		fmt.Fprintln(stderr, specErrs) // FILE:LINE:COL at the start of each line, for editors
	case err.Error() != "":
		fmt.Fprintln(stderr, "gen:", err)
	}
	return exitCode(err)
}

// usageError is a wrong command line: exit 2, like an invalid spec.
type usageError struct{ error }

func onUsageError(c *cli.Context, err error, _ bool) error {
	return usageError{err}
}

func exitCode(err error) int {
	var specErrs spec.Errors
	var usage usageError
	var coder cli.ExitCoder
	switch {
	case errors.As(err, &specErrs), errors.As(err, &usage):
		return 2
	case errors.As(err, &coder):
		return coder.ExitCode()
	}
	return 1
}
