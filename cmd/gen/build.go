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
		"when the code does. Upload it to s3://BUCKET/CODEKEY and deploy with CodeKey=CODEKEY.",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "out", Value: "out", Usage: "the generated `DIR`"},
	},
	Action: func(c *cli.Context) error {
		res, err := build.Lambda(c.Context, c.String("out"))
		if err != nil {
			return cli.Exit(err, 1)
		}
		fmt.Fprintf(c.App.ErrWriter, "wrote %s (bootstrap %d bytes)\n", res.Zip, res.BinarySize)
		fmt.Fprintln(c.App.Writer, res.CodeKey)
		return nil
	},
}
