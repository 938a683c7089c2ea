package stack

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/streamgen/streamgen/item"
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
