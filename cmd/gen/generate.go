package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/output"
	"github.com/streamgen/streamgen/spec"
)

// generateFlags are the flags of every command that generates and writes
// from a spec.
func generateFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "spec", Usage: "read the spec from `FILE`"},
		&cli.StringFlag{Name: "out", Value: "out", Usage: "write the stack into `DIR`: a new or empty folder, or one gen wrote"},
		&cli.BoolFlag{Name: "allow-replace",
			Usage: "write even if deploying the new template replaces or deletes the table, its stream or the failed batches' queue or bucket, or changes the type of a stored field (exit 3 otherwise)"},
	}
}

// generate is gen -spec FILE [-out DIR].
func generate(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageError{fmt.Errorf("unknown command %q (see gen --help)", c.Args().First())}
	}
	if c.String("spec") == "" {
		cli.ShowAppHelp(c)
	}
	_, files, written, err := writeSpecFiles(c)
	if err != nil {
		return err
	}
	if len(written) == 0 {
		fmt.Fprintf(c.App.Writer, "%s is up to date: nothing written\n", c.String("out"))
	} else {
		fmt.Fprintf(c.App.Writer, "wrote %d files to %s\n", len(written), c.String("out"))
	}
	if note := streamgen.DeployNote(files); note != "" {
		fmt.Fprintf(c.App.Writer, "note: %s\n", note)
	}
	return nil
}

// handlerModuleCheck checks the handler's go.mod in the output folder, the
// user's, against the code generated from s.
func handlerModuleCheck(s *spec.Spec) func(dir string) error {
	return func(dir string) error { return streamgen.CheckHandlerModule(dir, s) }
}

// specFiles reads the spec named by -spec and generates its files. Errors:
// a usage error without -spec, spec.Errors for an invalid spec, anything
// else for I/O.
func specFiles(c *cli.Context) (*spec.Spec, []genfile.File, error) {
	path := c.String("spec")
	if path == "" {
		return nil, nil, usageError{errors.New("-spec FILE is required")}
	}
	s, err := spec.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintln(c.App.ErrWriter, s.Warnings)
	}
	files, err := streamgen.Generate(s)
	if err != nil {
		return nil, nil, fmt.Errorf("generating from %s: %w", path, err)
	}
	return s, files, nil
}

// writeSpecFiles generates from -spec into -out atomically, keeping the
// user's files and refusing, unless -allow-replace, a template that would
// lose the deployed stack's data (exit 3). A handler go.mod (the user's)
// that no longer fits the generated code is an error and nothing is written.
// written are the paths of the files it wrote (the user's it kept are not).
func writeSpecFiles(c *cli.Context) (s *spec.Spec, files []genfile.File, written []string, err error) {
	s, files, err = specFiles(c)
	if err != nil {
		return nil, nil, nil, err
	}
	opts := output.Options{
		AllowReplace: c.Bool("allow-replace"),
		Verify:       handlerModuleCheck(s),
		Written:      func(paths []string) { written = paths },
	}
	if err := output.Write(c.String("out"), files, opts); err != nil {
		return nil, nil, nil, err
	}
	return s, files, written, nil
}
