package schema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
)

func load(t testing.TB, file string) *spec.Spec { return testenv.Read(t, spec.ReadFile, file) }

func TestModelGolden(t *testing.T) {
	s := load(t, "../putitem/testdata/all.yaml")
	got, err := schema.Model(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := schema.Model(item.New(s))
	if !bytes.Equal(got, again) {
		t.Error("two runs differ")
	}
	checkGolden(t, "testdata/all.model.json", got)
}

// checkGolden compares got with the file golden, which -update rewrites.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *testenv.Update {
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

func TestUpdateModelGolden(t *testing.T) {
	s := load(t, "../putitem/testdata/all.yaml")
	got, err := schema.UpdateModel(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/all.update-model.json", got)
}

// TestUpdateValidator: nothing required, keys and server-set fields refused,
// null only for fields a stored item may lack, {} refused.
func TestUpdateValidator(t *testing.T) {
	v, err := schema.NewUpdateValidator(item.New(load(t, "../putitem/testdata/all.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]string{
		`{"count":1}`:                        "",
		`{"urgent":null,"tags":null}`:        "",
		`{"status":"done"}`:                  "",
		`{"author":{"name":"a"}}`:            "",
		`{"author":null}`:                    "",
		`{}`:                                 "at /: minProperties: got 0, want 1",
		``:                                   "at /: minProperties: got 0, want 1",
		`{"id":"x"}`:                         "at /: additional properties 'id' not allowed",
		`{"createdAt":1}`:                    "at /: additional properties 'createdAt' not allowed",
		`{"ip":"x"}`:                         "at /: additional properties 'ip' not allowed",
		`{"message":null}`:                   "at /message: got null, want string",
		`{"status":null}`:                    "at /status: got null, want string",
		`{"count":null,"urgent":"x"}`:        "at /urgent: got string, want null or boolean",
		`{"count":-1}`:                       "at /count: minimum: got -1, want at least 0",
		`{"author":{}}`:                      "at /author: missing property 'name'",
		`{"labels":[]}`:                      "at /labels: minItems: got 0, want 1",
		`{"message":""}`:                     "at /message: minLength: got 0, want 1",
		`{"author":{"name":"a","seenAt":1}}`: "at /author: additional properties 'seenAt' not allowed",
	} {
		got := ""
		if err := v.Validate([]byte(body)); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", body, got, want)
		}
	}
}

// TestModelRules walks the model and checks the rules of the package doc.
func TestModelRules(t *testing.T) {
	s := load(t, "../putitem/testdata/all.yaml")
	model, err := schema.Model(item.New(s))
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
	model, err := schema.Model(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	if want := `"n": {"type": "number", "enum": [0.10, 1e3], "minimum": 0.10, "maximum": 1e3}`; !strings.Contains(string(model), want) {
		t.Errorf("model lacks %s:\n%s", want, model)
	}
}

func TestBodyStringKeyHasMinLength(t *testing.T) {
	// The model gives a body-given string key its minLength 1.
	src := "version: 1\nname: k\ntable: {partitionKey: id}\nfields:\n  id: {type: string, required: true}\n  message: {type: string}\n"
	s, err := spec.Parse("k.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	v, err := schema.NewValidator(item.New(s))
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
	v, err := schema.NewValidator(item.New(load(t, "../putitem/testdata/all.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{
		`{"message":"hi"}`,
		`{"message":"q\"b\\s'$x#y##z\u0000\u2028😀","status":"done","note":""}`,
		`{"message":"\ud83d\ude00 \\ud800 \"\\\"\ud800\udc00"}`, // a pair, and escapes that only look like one
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
		// bounds exactly, not as float64 ("got 1e+06, want 1e+06")
		{`{"message":"hi","count":1000000.0000000000000000001}`, "at /count: got number, want integer"},
		{`{"message":"hi","count":1000001}`, "at /count: maximum: got 1000001, want at most 1000000"},
		{`{"message":"hi","count":-1}`, "at /count: minimum: got -1, want at least 0"},
		// not Unicode: encoding/json would read these as U+FFFD
		{"{\"message\":\"caf\xe9\"}", "not UTF-8 text: byte 15 (0xe9) is not UTF-8; send the body as UTF-8 JSON"},
		{`{"message":"\ud800"}`, `not Unicode text: the escape \ud800 at byte 12 is half of a UTF-16 surrogate pair`},
		{`{"message":"\ude00\ud83d"}`, `not Unicode text: the escape \ude00 at byte 12`},
		{`{"message":"\ud83d!"}`, `not Unicode text: the escape \ud83d at byte 12`},
		{`{"message":"hi","\udfff":1}`, `not Unicode text: the escape \udfff at byte 17`},
	} {
		err := v.Validate([]byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.body, err, c.want)
		}
	}
}

// The validator prints bounds as float64: a number just past one read
// "maximum: got 1.5, want 1.5". The messages show both exactly.
func TestValidatorBoundsExact(t *testing.T) {
	s, err := spec.Parse("s.yaml", []byte("version: 1\nname: s\ntable: {partitionKey: id}\nfields:\n"+
		"  id: {type: string, from: requestId}\n  n: {type: number, minimum: -0.25, maximum: 1.5}\n  i: {type: integer}\n"+
		"  x: {type: object, fields: {k: {type: number}}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := schema.NewValidator(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]string{
		`{"n":1.50000000000000000001}`: "at /n: maximum: got 1.50000000000000000001, want at most 1.5",
		`{"n":-0.2500000000000000001}`: "at /n: minimum: got -0.2500000000000000001, want at least -0.25",
		`{"n":15e-1}`:                  "",
		`{"n":1e400}`:                  "at /n: maximum: got about 1e+400, want at most 1.5",
		`{"i":9223372036854775808}`:    "at /i: maximum: got 9223372036854775808, want at most 9223372036854775807",
		`{"i":-9223372036854775809}`:   "at /i: minimum: got -9223372036854775809, want at least -9223372036854775808",
		`{"i":9223372036854775807}`:    "",
		// big.Rat fails beyond 1e1000000: the validator panicked
		`{"n":1e9999999}`:                                "at /n: 1e9999999 is out of range: DynamoDB stores numbers from 1e-130 to 9.99e125, of up to 38 digits",
		`{"a/b":[0,-1E-1001]}`:                           "at /a~1b/1: -1E-1001 is out of range: DynamoDB stores numbers from 1e-130 to 9.99e125, of up to 38 digits",
		`{"n":1e1000,"x":{"k":0.5e+1000}}`:               "at /n: maximum: got about 1e+1000, want at most 1.5",
		`{"x":{"k":1` + strings.Repeat("0", 1000) + `}}`: "at /x/k: 1000000000000000000000000000000000000000... is out of range: DynamoDB stores numbers from 1e-130 to 9.99e125, of up to 38 digits",
		`{"n":0.2,"i":-92233720368547758090}`:            "at /i: minimum: got -92233720368547758090, want at least -9223372036854775808",
	} {
		err := v.Validate([]byte(body))
		if got := fmt.Sprint(err); (want == "" && err != nil) || (want != "" && got != want) {
			t.Errorf("%s: got %v, want %q", body, err, want)
		}
	}
}
