package main

import (
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen/local"
	"github.com/streamgen/streamgen/spec"
)

var localCommand = &cli.Command{
	Name:  "local",
	Usage: "generate, build the handler for this machine and run the whole stack locally (API, store, stream, handler)",
	Flags: append(regenFlags(),
		&cli.StringFlag{Name: "addr", Value: local.DefaultAddr, Usage: "serve the API on `ADDR`"},
		&cli.StringFlag{Name: "data", Usage: "keep items and the stream in `FILE` (default DIR/local.db)"},
	),
	Action: func(c *cli.Context) error {
		if c.String("spec") == "" {
			return usageError{errors.New("-spec FILE is required")}
		}
		files, err := generateFiles(c.String("spec"))
		if err != nil {
			return err
		}
		dir := c.String("out")
		if err := writeFiles(dir, files); err != nil {
			return err
		}
		s, err := spec.ReadFile(c.String("spec"))
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			<-ctx.Done()
			stop() // a second Ctrl-C ends gen at once
		}()
		return local.Run(ctx, local.Options{
			Spec:     s,
			Dir:      dir,
			Addr:     c.String("addr"),
			DataFile: c.String("data"),
			Out:      c.App.Writer,
		})
	},
}
