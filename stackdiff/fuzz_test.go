package stackdiff

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzServerSet: a request template of any text (the old template is the
// user's file) is read without a panic or a hang, and only string and
// integer kinds come out of it.
func FuzzServerSet(f *testing.F) {
	for _, name := range []string{"server-set", "nested", "defaults"} {
		tmpl, err := os.ReadFile(filepath.Join("..", "testdata", name, "request.vtl"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(tmpl))
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := resource{Type: methodType, Properties: map[string]any{
			"Integration": map[string]any{"RequestTemplates": map[string]any{"application/json": text}},
		}}
		kinds := map[string]string{}
		serverSet(r, "integer", kinds)
		for path, kind := range kinds {
			if kind != "string" && kind != "integer" {
				t.Fatalf("%s: kind %q", path, kind)
			}
		}
	})
}
