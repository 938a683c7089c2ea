package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen/output"
)

var diffCommand = &cli.Command{
	Name:      "diff",
	Usage:     "print what deploying the regenerated template would do to the stack of DIR, resource by resource; writes nothing",
	UsageText: "gen diff -spec FILE [-out DIR]",
	Flags:     compareFlags(),
	Action: func(c *cli.Context) error {
		_, files, err := specFiles(c)
		if err != nil {
			return err
		}
		changes, err := output.Changes(c.String("out"), files)
		if err != nil {
			return err
		}
		w := c.App.Writer
		if len(changes) == 0 {
			fmt.Fprintln(w, "no resource changes")
			return nil
		}
		lossy := 0
		for _, ch := range changes {
			fmt.Fprintln(w, ch)
			if ch.Destructive() {
				lossy++
				fmt.Fprintf(w, "          ! %s: %s\n", strings.Join(ch.Why, "; "), ch.Loss)
				if ch.Fix != "" {
					fmt.Fprintf(w, "          fix: %s\n", ch.Fix)
				}
			}
		}
		if lossy > 0 {
			fmt.Fprintf(w, "%d of %d changes lose data or make stored items unreadable: gen refuses to write them without --allow-replace\n", lossy, len(changes))
		}
		return nil
	},
}
