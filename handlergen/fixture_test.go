package handlergen

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// repoRuntime is package handler in this repository, which the benchmark
// fixtures (in its internal/) use.
const repoRuntime = "github.com/streamgen/streamgen/handler"

// TestBenchmarkFixtures keeps ../handler/internal/fixture up to date: the
// generated decoders of the seed and of a wide nested item, and a 100-record
// batch of each, which the handler's benchmarks decode. -update rewrites them.
func TestBenchmarkFixtures(t *testing.T) {
	for name, s := range map[string]*spec.Spec{"seed": seedSpec(t), "wide": wideSpec()} {
		src, err := Item(item.New(s), name, repoRuntime, false)
		if err != nil {
			t.Fatal(err)
		}
		var recs []json.RawMessage
		for _, r := range sampleRecords(s, 100) {
			data, err := json.Marshal(r.Record)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, data)
		}
		batch, err := json.Marshal(map[string]any{"Records": recs})
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join("..", "handler", "internal", "fixture", name)
		for file, want := range map[string][]byte{"item_gen.go": src, "batch.json": batch} {
			path := filepath.Join(dir, file)
			if *testenv.Update {
				testenv.WriteFile(t, path, want)
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s is stale (%v): run go test ./handlergen -run TestBenchmarkFixtures -update", path, err)
			}
		}
	}
}
