package handlergen

import (
	_ "embed"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// testCases are the specs whose generated handlers must compile, vet clean
// and decode real stream records: the ones built in Go here and every golden
// case of the repository (../testdata/<case>/spec.yaml, the seed among them)
// but those that hold the error.txt of a rejected spec.
func testCases(t *testing.T) map[string]*spec.Spec {
	cases := map[string]*spec.Spec{"go-wide": wideSpec(), "go-keysonly": keysOnlySpec()}
	for _, c := range testenv.Cases(t, "../testdata") {
		if c.Rejected {
			continue // a spec the generator must reject
		}
		s, err := spec.Parse(c.Spec, c.Source(t))
		if err != nil {
			t.Fatalf("golden case %s: %v", c.Spec, err)
		}
		cases["golden-"+c.Name] = s
	}
	return cases
}

// harness is copied next to each generated handler: Go that the module's
// go vet and go test compile (it lives under testdata/ because it needs the
// generated code beside it).
//
//go:embed testdata/harness_test.go
var harness []byte

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
	mod := testenv.UserModule(t, root)

	for name, s := range testCases(t) {
		files, err := Generate(item.New(s))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dir := filepath.Join(mod, name)
		for _, f := range files {
			testenv.WriteFile(t, filepath.Join(dir, strings.TrimPrefix(f.Path, "handler/")), f.Data)
		}
		// The module's runtime, not the one of each handler's own module.
		item, err := Item(item.New(s), "main", testenv.RuntimeImport, true)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		testenv.WriteFile(t, filepath.Join(dir, "item_gen.go"), item)
		records, err := json.Marshal(sampleRecords(s, 9))
		if err != nil {
			t.Fatal(err)
		}
		testenv.WriteFile(t, filepath.Join(dir, "records.json"), records)
		testenv.WriteFile(t, filepath.Join(dir, "harness_test.go"), harness)
	}
	t.Logf("go vet:\n%s", testenv.RunGo(t, mod, "vet", "./..."))
	t.Logf("go test:\n%s", testenv.RunGo(t, mod, "test", "-count=1", "./..."))
}
