package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen/build"
)

var buildCommand = &cli.Command{
	Name:  "build",
	Usage: "build DIR/handler into DIR/build/handler-<hash>.zip for Lambda (linux/arm64); prints its CodeKey",
	Description: "The zip's bytes depend only on the source, so its name (the CodeKey) changes exactly\n" +
		"when the code does. Upload it to s3://BUCKET/CODEKEY and deploy with CodeKey=CODEKEY.\n" +
		"The zips of earlier builds stay in DIR/build (a rollback deploys an earlier CodeKey)\n" +
		"unless -clean. DIR/handler is a Go module of its own: the build needs Go and, the\n" +
		"first time, the module proxy (or a module cache holding its requirements).",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "out", Value: "out", Usage: "the `DIR` gen generated"},
		&cli.BoolFlag{Name: "clean", Usage: "delete the zips of earlier builds (handler-<hash>.zip) from DIR/build after the build"},
	},
	Action: func(c *cli.Context) error {
		res, err := build.Lambda(c.Context, c.String("out"))
		if err != nil {
			return cli.Exit(err, 1)
		}
		fmt.Fprintf(c.App.ErrWriter, "wrote %s (bootstrap %d bytes)\n", res.Zip, res.BinarySize)
		if c.Bool("clean") {
			removed, err := build.RemoveOthers(c.String("out"), res.CodeKey)
			for _, f := range removed {
				fmt.Fprintf(c.App.ErrWriter, "removed %s\n", f)
			}
			if err != nil {
				return cli.Exit(err, 1)
			}
		}
		fmt.Fprintln(c.App.Writer, res.CodeKey)
		return nil
	},
}
