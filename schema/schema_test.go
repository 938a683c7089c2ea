package schema_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
)

var update = flag.Bool("update", false, "rewrite testdata/*.model.json")

func load(t *testing.T, file string) *spec.Spec {
	t.Helper()
	s, err := spec.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestModelGolden(t *testing.T) {
	s := load(t, "../mapping/testdata/all.yaml")
	got, err := schema.Model(s)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := schema.Model(s)
	if !bytes.Equal(got, again) {
		t.Error("two runs differ")
	}
	const golden = "testdata/all.model.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("model differs from %s (go test ./schema -update rewrites it):\n%s", golden, got)
	}
}

// TestModelRules walks the model and checks the rules of the package doc.
func TestModelRules(t *testing.T) {
	s := load(t, "../mapping/testdata/all.yaml")
	model, err := schema.Model(s)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	d := json.NewDecoder(bytes.NewReader(model))
	d.UseNumber()
	if err := d.Decode(&root); err != nil {
		t.Fatal(err)
	}
	if root["$schema"] != schema.Draft4 {
		t.Errorf("$schema = %v", root["$schema"])
	}
	var walk func(path string, n map[string]any)
	walk = func(path string, n map[string]any) {
		switch n["type"] {
		case "object":
			if n["additionalProperties"] != false {
				t.Errorf("%s: additionalProperties is not false", path)
			}
			for name, p := range n["properties"].(map[string]any) {
				walk(path+"."+name, p.(map[string]any))
			}
		case "array":
			walk(path+"[]", n["items"].(map[string]any))
		}
	}
	walk("$", root)
	props := root["properties"].(map[string]any)
	for _, serverSet := range []string{"id", "createdAt", "ip", "agent"} {
		if props[serverSet] != nil {
			t.Errorf("server-set field %s is in the model", serverSet)
		}
	}
	author := props["author"].(map[string]any)["properties"].(map[string]any)
	if author["seenAt"] != nil {
		t.Error("nested server-set field author.seenAt is in the model")
	}
	for _, set := range []string{"labels", "scores"} {
		p := props[set].(map[string]any)
		if p["uniqueItems"] != true || p["minItems"] != json.Number("1") {
			t.Errorf("%s: %v, want uniqueItems and minItems 1", set, p)
		}
	}
	if props["count"].(map[string]any)["type"] != "integer" {
		t.Error("integer is not an integer")
	}
}

func TestModelKeepsNumberText(t *testing.T) {
	s := load(t, "../streamer.yaml")
	low, high := spec.Decimal("0.10"), spec.Decimal("1e3")
	s.Fields = append(s.Fields, &spec.Field{Name: "n", Type: spec.Number, Minimum: &low, Maximum: &high,
		Enum: []any{json.Number("0.10"), json.Number("1e3")}})
	model, err := schema.Model(s)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"n": {"type": "number", "enum": [0.10, 1e3], "minimum": 0.10, "maximum": 1e3}`; !strings.Contains(string(model), want) {
		t.Errorf("model lacks %s:\n%s", want, model)
	}
}

func TestBodyStringKeyHasMinLength(t *testing.T) {
	s := load(t, "../streamer.yaml")
	s.Fields[0].From, s.Fields[0].Required = spec.FromBody, true // id
	v, err := schema.NewValidator(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate([]byte(`{"id":"","message":"m"}`)); err == nil {
		t.Error("an empty string key passed the model")
	}
	if err := v.Validate([]byte(`{"id":"k","message":""}`)); err != nil {
		t.Errorf("an empty string that is not a key failed: %v", err)
	}
}

func TestValidator(t *testing.T) {
	v, err := schema.NewValidator(load(t, "../mapping/testdata/all.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{
		`{"message":"hi"}`,
		`{"message":"q\"b\\s'$x#y##z\u0000\u2028😀","status":"done","note":""}`,
		`{"message":"m","count":0,"price":-0,"scores":[1e3,1.50,-2]}`,
		`{"message":"m","urgent":false,"tags":[],"labels":["b","a",""],"matrix":[[],[1,2.5]],` +
			`"author":{"name":"n","email":"a@b"},"lines":[{"sku":"s1"},{"sku":"s2","qty":7}],"meta":{},"opts":{}}`,
	} {
		if err := v.Validate([]byte(body)); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
	for _, c := range []struct{ body, want string }{
		{`not json`, "not JSON"},
		{`[]`, "at /: got array, want object"},
		{`{}`, "at /: missing property 'message'"},
		{``, "at /: missing property 'message'"},
		{`{"message":"hi","extra":1}`, "additional properties 'extra' not allowed"},
		{`{"message":"hi","id":"mine"}`, "additional properties 'id' not allowed"},
		{`{"message":""}`, "at /message: minLength"},
		{`{"message":"hi","status":"old"}`, "at /status"},
		{`{"message":"hi","count":-1}`, "at /count: minimum"},
		{`{"message":"hi","count":1.5}`, "at /count: got number, want integer"},
		{`{"message":"hi","tags":["a",1]}`, "at /tags/1"},
		{`{"message":"hi","labels":[]}`, "at /labels: minItems"},
		{`{"message":"hi","labels":["a","a"]}`, "at /labels"},
		{`{"message":"hi","author":{"email":"nope"}}`, "at /author"},
		{`{"message":"hi","author":{"name":"n","seenAt":1}}`, "additional properties 'seenAt' not allowed"},
		{`{"message":"hi","lines":[{"sku":"s","qty":0}]}`, "at /lines/0/qty: minimum"},
		{`{"message":"hi","matrix":[["1"]]}`, "at /matrix/0/0"},
		{`{"message":null}`, "at /message"},
	} {
		err := v.Validate([]byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.body, err, c.want)
		}
	}
}
