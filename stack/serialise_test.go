package stack

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/autoscaling"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
	"github.com/awslabs/goformation/v7/cloudformation/sqs"
	"gopkg.in/yaml.v3"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// goformationYAML is the template as goformation's Template.YAML writes it,
// indented by 2: the three JSON passes and two parses YAML makes once each.
func goformationYAML(t *testing.T, src string) []byte {
	t.Helper()
	b, err := newBuilder(item.New(parse(t, src)))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := b.template()
	if err != nil {
		t.Fatal(err)
	}
	j, err := tmpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(j, &doc); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	return buf.Bytes()
}

func TestYAMLIsGoformations(t *testing.T) {
	for name, src := range map[string]string{
		"seed": seed,
		"everything": `version: 1
name: every-thing
api: {path: /a/b/c, stage: live, auth: api_key, throttle: {rate: 12.5, burst: 7}, cors: ["https://a.example", "https://b.example"]}
table: {partitionKey: id, sortKey: at, ttl: expires, onDuplicate: reject, retain: true}
stream: {view: NEW_AND_OLD_IMAGES, events: [INSERT], batchSize: 25, batchWindow: 3, retries: 4, maxRecordAge: 3600, memory: 256, timeout: 9}
fields:
  id: {type: string, from: requestId}
  at: {type: integer, from: requestTimeEpoch}
  expires: {type: integer}
  message: {type: string, required: true}
`,
	} {
		got := stackOf(t, parse(t, src)).YAML
		if want := goformationYAML(t, src); !bytes.Equal(got, want) {
			t.Errorf("%s: YAML differs from goformation's Template.YAML:\n%s\nwant:\n%s", name, got, want)
		}
	}
}

func TestYAMLNumber(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 30, 1209600, 0.5, -2.25, 1e-6, 1e-7,
		1 << 53, 1<<53 + 2, -(1<<53 + 2), 1e20, 1e21, 1 << 63, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		text, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var want any
		if err := yaml.Unmarshal(text, &want); err != nil {
			t.Fatal(err)
		}
		got, err := yamlNumber(f)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("yamlNumber(%v) = %#v, want %#v (as YAML reads %s)", f, got, want, text)
		}
	}
}

func TestDecodeIntrinsicsRefusesAPlainIntrinsic(t *testing.T) {
	doc := map[string]any{"Resources": map[string]any{"X": map[string]any{"Ref": "AWS::Region"}}}
	if _, err := decodeIntrinsics(doc); err == nil {
		t.Fatal("a plain Ref object: no error")
	}
}

// TestTemplateTreeIsJSONs: the walk gives what encoding/json's round trip
// gives, for the template of every spec in ../testdata.
func TestTemplateTreeIsJSONs(t *testing.T) {
	specs, err := filepath.Glob("../testdata/*/spec.yaml")
	if err != nil || len(specs) == 0 {
		t.Fatalf("no specs: %v", err)
	}
	for _, name := range specs {
		s, err := spec.ReadFile(name)
		if err != nil {
			continue // the bad-* specs
		}
		b, err := newBuilder(item.New(s))
		if err != nil {
			t.Fatal(err)
		}
		tmpl, err := b.template()
		if err != nil {
			t.Fatal(err)
		}
		got, err := templateTree(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		want, err := jsonTree(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("%s: the walk gives\n%s\nwant\n%s", name, g, w)
		}
	}
}

// TestTreeIsJSONs: the walk and encoding/json's round trip agree on what
// goformation's types can hold and on what the walk leaves to encoding/json.
func TestTreeIsJSONs(t *testing.T) {
	type embedded struct{ A string }
	type odd struct {
		embedded
		B string `json:"b,omitempty"`
	}
	type tagged struct {
		N     int    `json:"n,string"`
		Plain string // no tag
		Skip  string `json:"-"`
		Empty []int  `json:"e,omitempty"`
		Nil   []int
		Zero  []int `json:"z"`
		lower string
	}
	for name, v := range map[string]any{
		"custom resource":       &cloudformation.CustomResource{Type: "Custom::X", Properties: map[string]any{"A": cloudformation.Ref("B")}},
		"update policy":         &autoscaling.AutoScalingGroup{MaxSize: "2", MinSize: "1", AWSCloudFormationUpdatePolicy: &policies.UpdatePolicy{}},
		"resource":              &sqs.Queue{DelaySeconds: cloudformation.Int(3), AWSCloudFormationDependsOn: []string{"A"}, AWSCloudFormationDeletionPolicy: "Retain"},
		"resource, no property": &sqs.Queue{},
		"float32":               float32(0.1),
		"float64":               0.1,
		"bytes":                 []byte("abc"),
		"number":                json.Number("12"),
		"invalid UTF-8":         "a\xffb",
		"intrinsic":             cloudformation.Sub("${AWS::Region}"),
		"embedded":              odd{embedded{"x"}, "y"},
		"tags":                  tagged{N: 4, Plain: "p", Skip: "s", lower: "l"},
		"int keys":              map[int]string{1: "a"},
		"big ints":              []any{int64(1<<53 + 1), uint64(math.MaxUint64), -int64(1 << 60)},
		"empty and nil":         map[string]any{"a": []string{}, "b": []string(nil), "c": map[string]int{}, "d": (*int)(nil)},
		"NaN":                   math.NaN(),
		"plain intrinsic":       map[string]any{"Ref": "A"},
		"plain intrinsic field": struct{ Ref string }{"A"},
	} {
		got, gotErr := tree(reflect.ValueOf(v))
		want, wantErr := jsonTree(v)
		if (gotErr != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the walk gives %#v, %v; want %#v, %v", name, got, gotErr, want, wantErr)
		}
	}
}

// TestTemplateHasNoMarshaler: encoding/json writes goformation's Template
// field by field, as templateTree does.
func TestTemplateHasNoMarshaler(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[cloudformation.Template](), reflect.TypeFor[*cloudformation.Template]()} {
		if marshalsJSON(typ) {
			t.Errorf("%s marshals itself", typ)
		}
	}
	if f := fieldsOf(reflect.TypeFor[cloudformation.Template]()); !f.walkable {
		t.Error("the walk cannot write a Template's fields")
	}
}
