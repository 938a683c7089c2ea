package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen/output"
)

var checkCommand = &cli.Command{
	Name:      "check",
	Usage:     "exit 1 if DIR is stale for the spec, listing what gen would change (for CI and pre-commit); writes nothing",
	UsageText: "gen check -spec FILE [-out DIR]",
	Flags:     compareFlags(),
	Action: func(c *cli.Context) error {
		s, files, err := specFiles(c)
		if err != nil {
			return err
		}
		dir := c.String("out")
		stale, err := output.Check(dir, files, output.Options{Verify: handlerModuleCheck(s)})
		if err != nil {
			return err
		}
		if len(stale) == 0 {
			fmt.Fprintf(c.App.Writer, "%s is up to date\n", dir)
			return nil
		}
		for _, s := range stale {
			fmt.Fprintln(c.App.Writer, s)
		}
		return cli.Exit(fmt.Sprintf("%s is stale for %s: run gen -spec %s -out %s", dir, c.String("spec"), c.String("spec"), dir), 1)
	},
}

// compareFlags are the flags of the commands that compare an output with a
// spec without writing.
func compareFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "spec", Usage: "read the spec from `FILE`"},
		&cli.StringFlag{Name: "out", Value: "out", Usage: "compare with the output in `DIR`"},
	}
}
