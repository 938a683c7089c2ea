package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/output"
	"github.com/streamgen/streamgen/spec"
)

// regenFlags are the flags of every command that generates from a spec.
func regenFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "spec", Usage: "read the spec from `FILE`"},
		&cli.StringFlag{Name: "out", Value: "out", Usage: "write the stack into `DIR`"},
	}
}

func generateFlags() []cli.Flag {
	return append(regenFlags(), &cli.BoolFlag{Name: "allow-replace",
		Usage: "write even if deploying the new template replaces or deletes the table, its stream or the dead-letter queue (exit 3 otherwise)"})
}

// generate is gen -spec FILE [-out DIR].
func generate(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageError{fmt.Errorf("unknown command %q (see gen --help)", c.Args().First())}
	}
	if c.String("spec") == "" {
		cli.ShowAppHelp(c)
		return usageError{fmt.Errorf("-spec FILE is required")}
	}
	files, err := generateFiles(c.String("spec"))
	if err != nil {
		return err
	}
	dir := c.String("out")
	if err := output.Write(dir, files, output.Options{AllowReplace: c.Bool("allow-replace")}); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "wrote %d files to %s\n", len(files), dir)
	return nil
}

// generateFiles reads and parses the spec in path and generates its files.
// Errors: spec.Errors for an invalid spec, anything else for I/O.
func generateFiles(path string) ([]streamgen.File, error) {
	s, err := spec.ReadFile(path)
	if err != nil {
		return nil, err
	}
	files, err := streamgen.Generate(s)
	if err != nil {
		return nil, fmt.Errorf("generating from %s: %w", path, err)
	}
	return files, nil
}

// writeFiles writes files into dir atomically, keeps the user's files and
// refuses a template that would lose the deployed stack's data (exit 3).
func writeFiles(dir string, files []streamgen.File) error {
	return output.Write(dir, files, output.Options{})
}
