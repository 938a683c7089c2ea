package local

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/streamgen/streamgen/build"
	"github.com/streamgen/streamgen/internal/lockdir"
	"github.com/streamgen/streamgen/spec"
)

// Options of Run.
type Options struct {
	Spec     *spec.Spec
	Dir      string // the generated folder; its handler/ is built and run
	Addr     string // API address; "" is 127.0.0.1:8080
	DataFile string // "" is Dir/local.db
	Out      io.Writer
}

// DefaultAddr is where the API listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8080"

// Run builds the handler of o.Dir for this machine, serves the stack until
// ctx is done, then shuts down without losing a record.
func Run(ctx context.Context, o Options) error {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.DataFile == "" {
		o.DataFile = filepath.Join(o.Dir, "local.db")
	}
	// Temp also deletes the folders of gen locals that were killed.
	tmp, removeTmp, err := lockdir.Temp("streamgen-local-")
	if err != nil {
		return err
	}
	defer removeTmp()
	bootstrap := filepath.Join(tmp, "bootstrap")
	handlerDir := filepath.Join(o.Dir, "handler")
	fmt.Fprintf(o.Out, "gen local: building %s for this machine...\n", handlerDir)
	if err := build.Host(ctx, o.Dir, bootstrap); err != nil {
		return err
	}
	srv, err := Start(Config{
		Spec:      o.Spec,
		Bootstrap: bootstrap,
		Addr:      o.Addr,
		DataFile:  o.DataFile,
		Failures:  FailuresPath(o.DataFile, o.Spec.Stream.OnFailure),
		Out:       o.Out,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(o.Out, srv.Banner(handlerDir))

	select {
	case <-ctx.Done():
		fmt.Fprintln(o.Out, "gen local: stopping: finishing the batch in flight...")
	case <-srv.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), time.Duration(o.Spec.Stream.Timeout+10)*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "gen local: stopped; undelivered records stay in %s for the next start\n", o.DataFile)
	return nil
}

// Banner is the start-up message: what runs, where it listens, where data lives.
func (s *Server) Banner(handlerDir string) string {
	sp := s.cfg.Spec
	url := "http://" + s.Addr() + sp.API.Path
	var b strings.Builder
	fmt.Fprintf(&b, "gen local: %s: handler %s built and running (Lambda Runtime API on %s)\n", sp.Name, handlerDir, s.function.Addr())
	if sp.API.Has(spec.Create) {
		fmt.Fprintf(&b, "  API:    POST %s (also under /%s%s)\n", url, sp.API.Stage, sp.API.Path)
	} else {
		fmt.Fprintf(&b, "  API:    %s (also under /%s%s)\n", url, sp.API.Stage, sp.API.Path)
	}
	if routes := s.routeLines(url); routes != "" {
		b.WriteString(routes)
	}
	fmt.Fprintf(&b, "  data:   %s (items and stream)\n", s.cfg.DataFile)
	if sp.Stream.OnFailure == spec.FailToSQS {
		fmt.Fprintf(&b, "  failed: %s (onFailure: sqs: shard and sequence numbers, one JSON line a batch)\n", s.cfg.Failures)
	} else {
		fmt.Fprintf(&b, "  failed: %s/aws/lambda/... (onFailure: s3: a file a batch, laid out as the bucket)\n", s.cfg.Failures)
	}
	fmt.Fprintf(&b, "  replay: aws lambda invoke --endpoint-url http://%s --function-name %s --payload fileb://EVENT.json OUT.json\n",
		s.Addr(), s.function.Name)
	fmt.Fprintf(&b, "  stream: %s, batch %d, window %ds, retries %d, events %s\n",
		sp.Stream.View, sp.Stream.BatchSize, sp.Stream.BatchWindow, sp.Stream.Retries, strings.Join(sp.Stream.Events, ","))
	switch sp.API.Auth {
	case spec.AuthAPIKey:
		fmt.Fprintf(&b, "  auth:   api_key: send x-api-key: %s\n", s.APIKey())
	case spec.AuthIAM:
		b.WriteString("  auth:   iam is not emulated: requests are not signed-checked here\n")
	}
	if body := s.example; body != nil {
		// The Content-Type the deployed API requires (it answers 415 to others).
		fmt.Fprintf(&b, "  try:    curl -H 'Content-Type: application/json' -d '%s' %s", body, url)
		if sp.API.Auth == spec.AuthAPIKey {
			fmt.Fprintf(&b, " -H 'x-api-key: %s'", s.APIKey())
		}
		b.WriteString("\n")
	}
	if missing := notEmulated(sp); missing != "" {
		fmt.Fprintf(&b, "  not emulated: %s\n", missing)
	}
	b.WriteString("  Ctrl-C stops (the batch in flight is finished first).")
	return b.String()
}

// routeLines are the banner's lines of the routes besides create, with the
// key fields' names in the addresses.
func (s *Server) routeLines(url string) string {
	address, part := url, url
	for i, k := range s.item.Keys {
		address += "/{" + k.Name + "}"
		if i == 0 {
			part = address
		}
	}
	var b strings.Builder
	for _, r := range []struct {
		route         spec.Route
		method, where string
	}{
		{spec.Read, "GET", address},
		{spec.Query, "GET", part + "?limit=25&order=asc&next=TOKEN"},
		{spec.Update, "PATCH", address},
		{spec.Delete, "DELETE", address},
	} {
		if s.cfg.Spec.API.Has(r.route) {
			fmt.Fprintf(&b, "          %-6s %s (%s)\n", r.method, r.where, r.route)
		}
	}
	return b.String()
}

// notEmulated names what the spec asks for that only AWS does.
func notEmulated(s *spec.Spec) string {
	var parts []string
	if s.Alarms != nil {
		parts = append(parts, "alarms (nothing is notified)")
	}
	if s.Tracing {
		parts = append(parts, "X-Ray tracing")
	}
	iam := "IAM (the handler runs with your own credentials"
	if len(s.Stream.Permissions) > 0 {
		iam += ", not only stream.permissions"
	}
	parts = append(parts, iam+")")
	return strings.Join(parts, "; ")
}
