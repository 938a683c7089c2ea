package local

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/schema"
)

// FuzzBody: no request body panics or hangs the API's body path, the
// model's validator then the mapping to an item. A body the model accepts
// maps to an item (only DynamoDB's own limits may refuse it) that holds
// every key and required field, and whose strings are what the body sent:
// Unicode, with no U+FFFD the body did not hold.
func FuzzBody(f *testing.F) {
	s := parseSpec(f, "../putitem/testdata/all.yaml", nil)
	v, err := schema.NewValidator(item.New(s))
	if err != nil {
		f.Fatal(err)
	}
	for _, body := range []string{
		``, `{}`, `[]`, `null`, `{"message":"hi"}`,
		`{"message":"q\"b\\s'$x#y##z\u0000\u2028😀\ud83d\ude00","status":"done","note":""}`,
		`{"message":"m","count":0,"price":-0,"scores":[1e3,1.50,-2],"sizes":[1,1.0]}`,
		`{"message":"m","urgent":false,"tags":[],"labels":["b","a",""],"matrix":[[],[1,2.5]],` +
			`"author":{"name":"n","email":"a@b"},"lines":[{"sku":"s1"},{"sku":"s2","qty":7}],"grid":[[1]]}`,
		`{"message":"m","count":1000000.5}`, `{"message":"\ud800"}`, "{\"message\":\"\xff\"}",
		`{"message":"m","price":1e126}`, `{"message":"m","count":-1e-3}`, `{"message":"m","count":1e9999999}`,
	} {
		f.Add([]byte(body))
	}
	rc := putitem.RequestContext{RequestID: "r-1", RequestTimeEpoch: 1700000000000, SourceIP: "127.0.0.1", UserAgent: "fuzz"}
	f.Fuzz(func(t *testing.T, body []byte) {
		if v.Validate(body) != nil {
			return
		}
		attrs, err := putitem.Item(item.New(s), body, rc)
		if err != nil {
			t.Fatalf("the model accepted the body, but the mapping failed: %v", err)
		}
		for _, f := range s.Fields {
			if _, ok := attrs[f.Name]; !ok && (f.Required || f.ServerSet() || f.Default != nil) {
				t.Fatalf("item lacks %s: %v", f.Name, attrs)
			}
		}
		bodyHasReplacement := bytes.Contains(body, []byte("\ufffd")) || bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`))
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				if !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError) && !bodyHasReplacement {
					t.Fatalf("string %q is not what the body sent", v)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			case map[string]any:
				for k, e := range v {
					walk(k)
					walk(e)
				}
			}
		}
		walk(attrs)
		item, err := itemOf(item.New(s), body, rc)
		if err == nil {
			for name, raw := range item {
				if !json.Valid(raw) {
					t.Fatalf("%s: stored value %s is not JSON", name, raw)
				}
			}
		}
	})
}
