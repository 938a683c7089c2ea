package testenv

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// WriteFile writes data to path, making its folders first.
func WriteFile(tb testing.TB, path string, data []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// RunGo runs the go command offline in dir and returns its output: the
// module cache already holds what this repository's build needed.
func RunGo(tb testing.TB, dir string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// HandlerZip is a stand-in for the handler's zip, for stacks deployed on
// moto: moto stores a function's code, it does not run it.
func HandlerZip(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("bootstrap")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.Write([]byte("#!/bin/sh\n")); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// Read returns read(path), failing the test on its error; e.g.
// testenv.Read(t, spec.ReadFile, "../streamer.yaml") (testenv imports
// nothing of the project, so that every package's tests can use it).
func Read[T any](tb testing.TB, read func(string) (T, error), path string) T {
	tb.Helper()
	v, err := read(path)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
