package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/internal/runcache"
	"github.com/streamgen/streamgen/internal/version"
	"github.com/streamgen/streamgen/output"
	"github.com/streamgen/streamgen/spec"
)

// generateFlags are the flags of every command that generates and writes
// from a spec.
func generateFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "spec", Usage: "read the spec from `FILE`"},
		&cli.StringFlag{Name: "out", Value: "out", Usage: "write the stack into `DIR`: a new or empty folder, or one gen wrote"},
		&cli.BoolFlag{Name: "allow-replace",
			Usage: "write even if deploying the new template replaces or deletes the table, its stream or the failed batches' queue or bucket, or changes the type of a stored field (exit 3 otherwise)"},
	}
}

// generate is gen -spec FILE [-out DIR]. A run that finds the output
// current is recorded (internal/runcache); the next run of the same gen
// with the same spec, flags and working folder, on an output whose
// output.State has not changed since, says so again without generating.
func generate(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageError{fmt.Errorf("unknown command %q (see gen --help)", c.Args().First())}
	}
	if c.String("spec") == "" {
		cli.ShowAppHelp(c)
	}
	path, src, err := readSpec(c)
	if err != nil {
		return err
	}
	out := c.String("out")
	key, records := runKey(c, path, src)
	var before []byte // the output's State before the run, when recorded
	if records {
		if r, ok := runcache.Load(absolute(out), key); ok && output.Unchanged(out, r.State) {
			fmt.Fprint(c.App.ErrWriter, r.Stderr)
			upToDate(c, r.Note)
			return nil
		}
		before, _ = output.State(out)
	}
	s, files, written, err := writeFiles(c, path, src)
	if err != nil {
		return err
	}
	note := streamgen.DeployNote(files)
	if len(written) > 0 {
		fmt.Fprintf(c.App.Writer, "wrote %d files to %s\n", len(written), out)
		if note != "" {
			fmt.Fprintf(c.App.Writer, "note: %s\n", note)
		}
		return nil
	}
	upToDate(c, note)
	if before == nil {
		return nil
	}
	// Only a folder that no one changed during the run is known current.
	if after, err := output.State(out); err == nil && bytes.Equal(before, after) {
		r := runcache.Record{Key: key, State: after, Note: note}
		if len(s.Warnings) > 0 {
			r.Stderr = fmt.Sprintln(s.Warnings)
		}
		runcache.Store(absolute(out), r)
	}
	return nil
}

func upToDate(c *cli.Context, note string) {
	fmt.Fprintf(c.App.Writer, "%s is up to date: nothing written\n", c.String("out"))
	if note != "" {
		fmt.Fprintf(c.App.Writer, "note: %s\n", note)
	}
}

// runKey names everything a run of gen -spec depends on besides the output
// folder: this gen (its build ID), the working folder (as named, and the
// folder it is), the flags and the spec's bytes. ok is false when runs are
// not recorded or gen cannot tell which build it is.
func runKey(c *cli.Context, path string, src []byte) (key []byte, ok bool) {
	id := version.BuildID()
	if id == "" || !runcache.On() {
		return nil, false
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, false
	}
	resolved, err := filepath.EvalSymlinks(wd)
	if err != nil {
		return nil, false
	}
	return runcache.Key([]byte("gen -spec"), []byte(id), []byte(wd), []byte(resolved), []byte(path), src,
		[]byte(c.String("out")), []byte(strconv.FormatBool(c.Bool("allow-replace")))), true
}

// absolute is the output folder as a record names it.
func absolute(out string) string {
	if abs, err := filepath.Abs(out); err == nil {
		return abs
	}
	return out
}

// handlerModuleCheck checks the handler's go.mod in the output folder, the
// user's, against the code generated from s.
func handlerModuleCheck(s *spec.Spec) func(dir string) error {
	return func(dir string) error { return streamgen.CheckHandlerModule(dir, s) }
}

// generateFiles is streamgen.Generate; tests of the run records break it
// to tell a run that generated from one that did not.
var generateFiles = streamgen.Generate

// readSpec reads the file named by -spec: a usage error without -spec.
func readSpec(c *cli.Context) (path string, src []byte, err error) {
	path = c.String("spec")
	if path == "" {
		return "", nil, usageError{errors.New("-spec FILE is required")}
	}
	src, err = os.ReadFile(path)
	return path, src, err
}

// specFiles reads the spec named by -spec and generates its files. Errors:
// a usage error without -spec, spec.Errors for an invalid spec, anything
// else for I/O.
func specFiles(c *cli.Context) (*spec.Spec, []genfile.File, error) {
	path, src, err := readSpec(c)
	if err != nil {
		return nil, nil, err
	}
	return filesOf(c, path, src)
}

// filesOf parses src, the spec read from path, and generates its files.
func filesOf(c *cli.Context, path string, src []byte) (*spec.Spec, []genfile.File, error) {
	s, err := spec.Parse(path, src)
	if err != nil {
		return nil, nil, err
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintln(c.App.ErrWriter, s.Warnings)
	}
	files, err := generateFiles(s)
	if err != nil {
		return nil, nil, fmt.Errorf("generating from %s: %w", path, err)
	}
	return s, files, nil
}

// writeSpecFiles generates from -spec into -out atomically, keeping the
// user's files and refusing, unless -allow-replace, a template that would
// lose the deployed stack's data (exit 3). A handler go.mod (the user's)
// that no longer fits the generated code is an error and nothing is written.
// written are the paths of the files it wrote (the user's it kept are not).
func writeSpecFiles(c *cli.Context) (s *spec.Spec, files []genfile.File, written []string, err error) {
	path, src, err := readSpec(c)
	if err != nil {
		return nil, nil, nil, err
	}
	return writeFiles(c, path, src)
}

// writeFiles is writeSpecFiles of src, the spec read from path.
func writeFiles(c *cli.Context, path string, src []byte) (s *spec.Spec, files []genfile.File, written []string, err error) {
	s, files, err = filesOf(c, path, src)
	if err != nil {
		return nil, nil, nil, err
	}
	opts := output.Options{
		AllowReplace: c.Bool("allow-replace"),
		Verify:       handlerModuleCheck(s),
		Written:      func(paths []string) { written = paths },
	}
	if err := output.Write(c.String("out"), files, opts); err != nil {
		return nil, nil, nil, err
	}
	return s, files, written, nil
}
