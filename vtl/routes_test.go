package vtl_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/vtl"
)

// TestPathKeysDecoded renders the read route for raw path keys, as a client
// sends them: the template decodes exactly what putitem.PathKey decodes
// ("+" a plus, %2F a slash, UTF-8 escapes), and refuses what it refuses
// (a malformed escape, bytes that are not UTF-8) with the refusal request,
// never a template error.
func TestPathKeysDecoded(t *testing.T) {
	r := velocity.Start(t)
	it := item.New(load(t, "../putitem/testdata/all.yaml"))
	read, err := vtl.Read(it, "T")
	if err != nil {
		t.Fatal(err)
	}
	raws := []string{"a+b", "a%2Bb", "a%20b", "100%25", "a%2Fb", "%3F%23%26", "%C3%A9%E2%80%A8%F0%9F%98%80", "é+",
		url.PathEscape("k\"} \\ ' $input.body #set($a=1) ${Table}"), "%e2%82%ac", "plain",
		"%zz", "%", "%4", "a%2", "%FF", "%C3", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%E2%82",
		strings.Repeat("%41", 40000), strings.Repeat("%F0%9F%98%80", 10000), strings.Repeat("a", 100000), strings.Repeat("%41", 40000) + "%zz"}
	for _, raw := range raws {
		res, err := r.Render(velocity.Job{Template: read.Request, Params: map[string]map[string]string{"path": {"pk": raw, "sk": "1"}}})
		if err != nil || res.Error != "" {
			t.Errorf("%.40q: %v %s", raw, err, res.Error)
			continue
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(res.Output), &got); err != nil {
			t.Errorf("%.40q: not JSON: %v\n%.300s", raw, err, res.Output)
			continue
		}
		text, ok := putitem.PathKey(raw)
		want := map[string]any{"TableName": "T", "Key": map[string]any{}}
		if ok {
			want = map[string]any{"TableName": "T", "ConsistentRead": true,
				"Key": map[string]any{"id": map[string]any{"S": text}, "createdAt": map[string]any{"N": "1"}}}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%.40q: request %.300s\nwant %v", raw, res.Output, want)
		}
	}
	for raw, want := range map[string]string{"a+b": "a+b", "%C3%A9": "é", "a%2Fb": "a/b", "%zz": "", "%FF": "", "%ED%A0%80": ""} {
		if got, _ := putitem.PathKey(raw); got != want {
			t.Errorf("PathKey(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestPlainLeavesOutOtherTypes renders Plain over items whose attributes
// hold other types than the spec's (a type changed with --allow-replace): the
// answer is JSON and byte for byte putitem.Plain's, which leaves out a field
// of another type, and a list field with an element of another type whole.
func TestPlainLeavesOutOtherTypes(t *testing.T) {
	r := velocity.Start(t)
	it := item.New(load(t, "../putitem/testdata/all.yaml"))
	plain, err := vtl.Plain(it, "$.Item")
	if err != nil {
		t.Fatal(err)
	}
	base := `"id":{"S":"i"},"createdAt":{"N":"1"},"message":{"S":"m"},"count":{"N":"2"},"urgent":{"BOOL":true},` +
		`"tags":{"L":[{"S":"a"}]},"labels":{"SS":["l"]},"scores":{"NS":["1.5"]},"matrix":{"L":[{"L":[{"N":"1"}]}]},` +
		`"grid":{"L":[{"NS":["2"]}]},"author":{"M":{"name":{"S":"n"}}},"lines":{"L":[{"M":{"sku":{"S":"s"},"qty":{"N":"1"}}}]}`
	others := []string{`{"S":"x"}`, `{"N":"1"}`, `{"BOOL":false}`, `{"NULL":true}`, `{"L":[{"S":"x"}]}`, `{"M":{"name":{"S":"x"}}}`, `{"SS":["x"]}`, `{"NS":["1"]}`}
	var items []string
	for _, f := range it.Fields[2:] {
		for _, other := range others {
			items = append(items, `{`+base+`,"`+f.Name+`":`+other+`}`)
		}
	}
	for _, field := range []string{
		`"tags":{"L":[{"S":"a"},{"N":"1"}]}`,
		`"flags":{"L":[{"BOOL":true},{"NULL":true}]}`,
		`"matrix":{"L":[{"L":[{"N":"1"},{"S":"2"}]}]}`,
		`"matrix":{"L":[{"L":[]},{"N":"1"}]}`,
		`"grid":{"L":[{"SS":["1"]}]}`,
		`"lines":{"L":[{"M":{"sku":{"S":"s"}}},{"S":"x"}]}`,
		`"lines":{"L":[{"M":{"sku":{"N":"1"},"qty":{"S":"2"},"codes":{"L":[]}}}]}`,
		`"author":{"M":{"name":{"N":"1"},"email":{"S":"a@b"}}}`,
		`"opts":{"M":{"flag":{"S":"true"},"kinds":{"SS":["k"]}}}`,
	} {
		items = append(items, `{`+base+`,`+field+`}`)
	}
	for _, src := range items {
		var attrs map[string]any
		if err := json.Unmarshal([]byte(src), &attrs); err != nil {
			t.Fatal(err)
		}
		want, err := putitem.Plain(it, attrs)
		if err != nil {
			t.Errorf("%s: putitem.Plain: %v", src, err)
			continue
		}
		res := r.MustRender(t, velocity.Job{Template: plain, Body: `{"Item":` + src + `}`})
		if res.Output != string(want) {
			t.Errorf("item %s\n  VTL   %s\n  Plain %s", src, res.Output, want)
		}
	}
}
