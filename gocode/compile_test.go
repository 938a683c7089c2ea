package gocode

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/spec"
)

// testCases are the specs whose generated handlers must compile, vet clean
// and decode real stream records: the ones built in Go here and every golden
// case of the repository (../testdata/<case>/spec.yaml) but those that hold
// the error.txt of a rejected spec.
func testCases(t *testing.T) map[string]*spec.Spec {
	cases := map[string]*spec.Spec{"go-seed": seedSpec(), "go-wide": wideSpec(), "go-keysonly": keysOnlySpec()}
	files, err := filepath.Glob("../testdata/*/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if _, err := os.Stat(filepath.Join(filepath.Dir(file), "error.txt")); err == nil {
			continue // a spec the generator must reject
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s, err := spec.Parse(file, src)
		if err != nil {
			t.Fatalf("golden case %s: %v", file, err)
		}
		cases["golden-"+filepath.Base(filepath.Dir(file))] = s
	}
	return cases
}

// TestGeneratedHandlersWork writes each case's handler, sample records and
// a test harness into one module that holds the runtime, then runs
// go vet and go test there: the generated code compiles, and decodes every
// record shape, failure reporting, panic recovery and the deadline work
// with it.
func TestGeneratedHandlersWork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: slow")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	harness, err := os.ReadFile("testdata/harness_test.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	mod := testenv.UserModule(t, root)

	for name, s := range testCases(t) {
		files, err := Generate(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dir := filepath.Join(mod, name)
		for _, f := range files {
			write(t, filepath.Join(dir, strings.TrimPrefix(f.Path, "handler/")), f.Data)
		}
		// The module's runtime, not the one of each handler's own module.
		item, err := Item(s, "main", testenv.RuntimeImport, true)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		write(t, filepath.Join(dir, "item_gen.go"), item)
		records, err := json.Marshal(sampleRecords(s, 9))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, "records.json"), records)
		write(t, filepath.Join(dir, "harness_test.go"), harness)
	}
	run(t, mod, "go", "vet", "./...")
	run(t, mod, "go", "test", "-count=1", "./...")
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// run runs a go command offline: everything it needs is in the module cache
// already, since this repository's own build needed it.
func run(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	t.Logf("%s %s:\n%s", name, strings.Join(args, " "), out)
}
