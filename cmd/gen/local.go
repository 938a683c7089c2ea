package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen/local"
)

var localCommand = &cli.Command{
	Name:  "local",
	Usage: "generate, build the handler for this machine and run the whole stack locally (API, store, stream, handler)",
	Flags: append(generateFlags(),
		&cli.StringFlag{Name: "addr", Value: local.DefaultAddr, Usage: "serve the API on `ADDR`"},
		&cli.StringFlag{Name: "data", Usage: "keep items and the stream in `FILE` (default DIR/local.db)"},
	),
	Action: func(c *cli.Context) error {
		s, _, _, err := writeSpecFiles(c)
		if err != nil {
			return err
		}
		collectAsUsual()
		ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			<-ctx.Done()
			stop() // a second Ctrl-C ends gen at once
		}()
		return local.Run(ctx, local.Options{
			Spec:     s,
			Dir:      c.String("out"),
			Addr:     c.String("addr"),
			DataFile: c.String("data"),
			Out:      c.App.Writer,
		})
	},
}
