package testenv

import (
	"bytes"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Draft4 compiles a JSON Schema draft-04 model (model.json) with
// santhosh-tekuri/jsonschema, the reference validator of the tests.
func Draft4(tb testing.TB, model []byte) *jsonschema.Schema {
	tb.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(model))
	if err != nil {
		tb.Fatalf("model.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	if err := c.AddResource("model.json", doc); err != nil {
		tb.Fatal(err)
	}
	sch, err := c.Compile("model.json")
	if err != nil {
		tb.Fatalf("model.json: %v", err)
	}
	return sch
}
