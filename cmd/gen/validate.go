package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/spec"
)

var validateCommand = &cli.Command{
	Name:      "validate",
	Usage:     "check specs: print FILE: ok, or every problem with its line and column",
	ArgsUsage: "FILE...",
	Action: func(c *cli.Context) error {
		if c.NArg() == 0 {
			return usageError{errors.New("validate needs at least one spec FILE")}
		}
		invalid, failed := false, false
		for _, path := range c.Args().Slice() {
			s, err := spec.ReadFile(path)
			if err == nil {
				// the limits AWS puts on the stack as a whole (sizes) show only
				// once it is generated
				_, err = streamgen.Generate(s)
			}
			var specErrs spec.Errors
			switch {
			case err == nil:
				if len(s.Warnings) > 0 {
					fmt.Fprintln(c.App.ErrWriter, s.Warnings)
				}
				fmt.Fprintf(c.App.Writer, "%s: ok\n", path)
			case errors.As(err, &specErrs):
				fmt.Fprintln(c.App.ErrWriter, specErrs)
				invalid = true
			default:
				fmt.Fprintln(c.App.ErrWriter, "gen:", err)
				failed = true
			}
		}
		switch {
		case failed: // a spec that could not be read outranks invalid ones
			return cli.Exit("", 1)
		case invalid:
			return cli.Exit("", 2)
		}
		return nil
	},
}
