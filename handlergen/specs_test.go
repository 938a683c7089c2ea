package handlergen

import (
	"encoding/json"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/spec"
)

// Specs built in Go, so that these tests do not depend on the YAML parser;
// the seed and the golden cases (../testdata) add the parsed ones.

func field(name string, t spec.Type, opts ...func(*spec.Field)) *spec.Field {
	f := &spec.Field{Name: name, Type: t, Path: "fields." + name}
	for _, o := range opts {
		o(f)
	}
	return f
}

func required(f *spec.Field)               { f.Required = true }
func from(s spec.Source) func(*spec.Field) { return func(f *spec.Field) { f.From = s } }
func def(v any) func(*spec.Field)          { return func(f *spec.Field) { f.Default = v } }
func items(it *spec.Field) func(*spec.Field) {
	return func(f *spec.Field) { f.Items = it }
}
func fields(fs ...*spec.Field) func(*spec.Field) {
	return func(f *spec.Field) { f.Fields = fs }
}

func stream(view spec.View) spec.Stream {
	return spec.Stream{View: view, Events: []string{"INSERT", "MODIFY", "REMOVE"}, BatchSize: 100,
		Retries: 3, MaxRecordAge: -1, Parallelization: 1, Memory: 256, Timeout: 30}
}

// seedSpec is the seed, ../streamer.yaml (the one copy of it), parsed.
func seedSpec(t testing.TB) *spec.Spec {
	return testenv.Read(t, spec.ReadFile, "../streamer.yaml")
}

// wideSpec has every type, nesting, optional fields of every kind and names
// that collide once turned into Go.
func wideSpec() *spec.Spec {
	return &spec.Spec{
		Version: 1, Name: "wide",
		Table: spec.Table{PartitionKey: "id", SortKey: "createdAt", TTL: "expiresAt", OnDuplicate: spec.Overwrite},
		Fields: []*spec.Field{
			field("id", spec.String, from(spec.FromRequestID)),
			field("createdAt", spec.Integer, from(spec.FromRequestTimeEpoch)),
			field("sourceIp", spec.String, from(spec.FromSourceIP)),
			field("message", spec.String, required),
			field("status", spec.String, def("new")),
			field("count", spec.Integer),
			field("price", spec.Number, def(json.Number("9.99"))),
			field("ratio", spec.Number),
			field("urgent", spec.Boolean),
			field("done", spec.Boolean, required),
			field("expiresAt", spec.Integer),
			field("tags", spec.List, items(field("", spec.String))),
			field("labels", spec.StringSet),
			field("scores", spec.NumberSet),
			field("author", spec.Object, fields(
				field("name", spec.String, required),
				field("email", spec.String),
				field("address", spec.Object, fields(
					field("city", spec.String, required),
					field("zip", spec.String),
				)),
			)),
			field("lines", spec.List, items(field("", spec.Object, fields(
				field("sku", spec.String, required),
				field("qty", spec.Integer),
				field("price", spec.Number),
			)))),
			field("matrix", spec.List, items(field("", spec.List, items(field("", spec.Integer))))),
			field("user_id", spec.String),
			field("userId", spec.String),
			field("item", spec.Object, fields(field("ok", spec.Boolean))),
			field("_", spec.String),
		},
		Stream: stream("NEW_AND_OLD_IMAGES"),
	}
}

// keysOnlySpec has a number partition key and an integer sort key.
func keysOnlySpec() *spec.Spec {
	return &spec.Spec{
		Version: 1, Name: "orders",
		Table: spec.Table{PartitionKey: "orderNo", SortKey: "line", OnDuplicate: spec.Reject},
		Fields: []*spec.Field{
			field("orderNo", spec.Number, required),
			field("line", spec.Integer, required),
			field("note", spec.String),
		},
		Stream: stream("KEYS_ONLY"),
	}
}
