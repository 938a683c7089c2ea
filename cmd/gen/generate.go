package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/spec"
)

// regenFlags are the flags of every command that generates from a spec.
func regenFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "spec", Usage: "read the spec from `FILE`"},
		&cli.StringFlag{Name: "out", Value: "out", Usage: "write the stack into `DIR`"},
	}
}

func generateFlags() []cli.Flag { return regenFlags() }

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
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "wrote %d files to %s\n", len(files), dir)
	return nil
}

// generateFiles reads and parses the spec in path and generates its files.
// Errors: spec.Errors for an invalid spec, anything else for I/O.
func generateFiles(path string) ([]streamgen.File, error) {
	s, err := readSpec(path)
	if err != nil {
		return nil, err
	}
	files, err := streamgen.Generate(s)
	if err != nil {
		return nil, fmt.Errorf("generating from %s: %w", path, err)
	}
	return files, nil
}

func readSpec(path string) (*spec.Spec, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return spec.Parse(path, src)
}

// writeFiles writes files into dir; a user-owned file that exists is kept.
func writeFiles(dir string, files []streamgen.File) error {
	for _, f := range files {
		full := filepath.Join(dir, filepath.FromSlash(f.Path))
		if _, err := os.Stat(full); err == nil && f.UserOwned {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
