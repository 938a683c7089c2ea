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
