package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen/spec"
)

const starterFile = "streamer.yaml"

var initCommand = &cli.Command{
	Name:      "init",
	Usage:     "write a commented starter spec to " + starterFile + " (never overwrites)",
	ArgsUsage: "[NAME]",
	Action: func(c *cli.Context) error {
		if c.NArg() > 1 {
			return usageError{errors.New("init takes at most one NAME")}
		}
		name := "streamer"
		if c.NArg() == 1 {
			name = c.Args().First()
		}
		src, err := spec.Starter(name)
		if err != nil {
			return usageError{err}
		}
		f, err := os.OpenFile(starterFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; not overwritten", starterFile)
		}
		if err != nil {
			return err
		}
		_, err = f.Write(src)
		if closeErr := f.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			os.Remove(starterFile) // no half-written spec
			return err
		}
		fmt.Fprintf(c.App.Writer, "wrote %s (the format: gen help spec); next: gen validate %s && gen -spec %s\n", starterFile, starterFile, starterFile)
		return nil
	},
}
