package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen/docs"
)

// specTopic is the help topic that prints the spec format's reference.
const specTopic = "spec"

// helpCommand replaces urfave/cli's help command to add topics beyond the
// commands: `gen help spec` prints the reference embedded in gen, so users
// have it wherever gen is installed.
var helpCommand = &cli.Command{
	Name:      "help",
	Aliases:   []string{"h"},
	Usage:     "show the commands, one command's help, or the spec format's reference (gen help " + specTopic + ")",
	ArgsUsage: "[COMMAND | " + specTopic + "]",
	Action: func(c *cli.Context) error {
		app := c.Lineage()[1]
		switch topic := c.Args().First(); {
		case c.NArg() > 1:
			return usageError{fmt.Errorf("help takes at most one COMMAND or topic")}
		case topic == "":
			return cli.ShowAppHelp(app)
		case topic == specTopic && app.App.Command(topic) == nil:
			_, err := fmt.Fprint(c.App.Writer, docs.Spec)
			return err
		default:
			if app.App.Command(topic) == nil {
				return usageError{fmt.Errorf("no help topic %q: try gen help, gen help COMMAND or gen help %s", topic, specTopic)}
			}
			return cli.ShowCommandHelp(app, topic)
		}
	},
}
