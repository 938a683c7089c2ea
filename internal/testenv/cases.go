package testenv

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Case is a golden case: a folder of testdata/ with the spec.yaml it is
// generated from, and either the files that spec must generate or, for a
// spec that must be rejected, error.txt with the exact error.
type Case struct {
	Name     string // the folder's name
	Dir      string // the folder
	Spec     string // Dir/spec.yaml
	Rejected bool   // Dir holds error.txt: the spec must not parse
}

// Cases lists the golden cases of the testdata folder (the repository's
// testdata/, seen from the test's package), in name order. Fewer than 12
// fails: a wrong path must not pass as no cases.
func Cases(tb testing.TB, testdata string) []Case {
	tb.Helper()
	specs, err := filepath.Glob(filepath.Join(testdata, "*", "spec.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(specs) < 12 {
		tb.Fatalf("%d golden cases in %s, want at least 12", len(specs), testdata)
	}
	cases := make([]Case, 0, len(specs))
	for _, path := range specs {
		dir := filepath.Dir(path)
		_, err := os.Stat(filepath.Join(dir, "error.txt"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			tb.Fatal(err)
		}
		cases = append(cases, Case{Name: filepath.Base(dir), Dir: dir, Spec: path, Rejected: err == nil})
	}
	return cases
}

// Source reads the case's spec.yaml.
func (c Case) Source(tb testing.TB) []byte {
	tb.Helper()
	src, err := os.ReadFile(c.Spec)
	if err != nil {
		tb.Fatal(err)
	}
	return src
}
