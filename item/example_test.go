package item_test

import (
	"path/filepath"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
)

// TestExampleBodyPassesTheModel: the body each README shows in its curl
// command is one the deployed validator accepts.
func TestExampleBodyPassesTheModel(t *testing.T) {
	var specs []string
	for _, c := range testenv.Cases(t, "../testdata") {
		if !c.Rejected {
			specs = append(specs, c.Spec)
		}
	}
	examples, _ := filepath.Glob("../examples/*.yaml")
	checked := 0
	for _, path := range append(append(specs, examples...), "../streamer.yaml") {
		it := item.New(testenv.Read(t, spec.ReadFile, path))
		v, err := schema.NewValidator(it)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		body := it.ExampleBody()
		if err := v.Validate(body); err != nil {
			t.Errorf("%s: the README's body %s: %v", path, body, err)
		}
		if update := it.ExampleUpdate(); update != nil {
			uv, err := schema.NewUpdateValidator(it)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if err := uv.Validate(update); err != nil {
				t.Errorf("%s: the README's update body %s: %v", path, update, err)
			}
		}
		checked++
	}
	if checked < 12 {
		t.Fatalf("checked %d specs", checked)
	}
}
