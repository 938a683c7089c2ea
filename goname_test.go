package streamgen_test

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/spec"
)

// goName is a Go name only: the golden case's spec with and without its
// goName keys gives the same template (stack, DynamoDB attributes), JSON
// Schema, VTL and every other file, but item_gen.go.
func TestGoNameIsGoOnly(t *testing.T) {
	src, err := os.ReadFile("testdata/go-names/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`(?m)(, goName: \w+| *goName: \w+\n)`)
	without := keys.ReplaceAll(src, nil)
	if bytes.Contains(without, []byte("goName:")) || bytes.Equal(without, src) {
		t.Fatalf("goName keys not all stripped:\n%s", without)
	}
	generate := func(src []byte) map[string][]byte {
		s, err := spec.Parse("spec.yaml", src)
		if err != nil {
			t.Fatal(err)
		}
		files, err := streamgen.Generate(s)
		if err != nil {
			t.Fatal(err)
		}
		byPath := map[string][]byte{}
		for _, f := range files {
			byPath[f.Path] = f.Data
		}
		return byPath
	}
	with, plain := generate(src), generate(without)
	for _, path := range []string{"template.yaml", "model.json", "request.vtl"} {
		if with[path] == nil {
			t.Errorf("no %s generated", path)
		}
	}
	for path, data := range with {
		if path == "handler/item_gen.go" {
			if bytes.Equal(data, plain[path]) {
				t.Errorf("%s: goName changed no Go name", path)
			}
			continue
		}
		if !bytes.Equal(data, plain[path]) {
			t.Errorf("%s differs with goName", path)
		}
	}
	if len(with) != len(plain) {
		t.Errorf("%d files with goName, %d without", len(with), len(plain))
	}
}
