// Command gen turns a streamgen spec into a Dynamo Streamer stack: see README.md.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	app := &cli.App{
		Name:     "gen",
		Usage:    "generate a Dynamo Streamer stack (API Gateway -> DynamoDB -> stream -> Lambda) from a spec",
		Version:  version,
		Flags:    generateFlags(),
		Action:   generate,
		Commands: []*cli.Command{
			// each command lives in its own file: <name>.go
		},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(exitCode(err))
	}
}
