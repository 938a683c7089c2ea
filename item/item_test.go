package item_test

import (
	"encoding/json"
	"testing"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

const src = `version: 1
name: t
table: {partitionKey: id, sortKey: at}
fields:
  id: {type: string, from: requestId}
  at: {type: integer, required: true}
  note: {type: string, default: "n"}
  tags: {type: stringSet}
  size: {type: integer, minimum: 0}
  rest: {type: list, items: {type: number}}
`

func TestNew(t *testing.T) {
	s, err := spec.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	it := item.New(s)
	want := map[string]struct {
		presence item.Presence
		attr     item.Attr
		key      item.Key
	}{
		"id":   {item.ServerSet, item.S, item.PartitionKey},
		"at":   {item.Required, item.N, item.SortKey},
		"note": {item.Defaulted, item.S, item.NotKey},
		"tags": {item.Optional, item.SS, item.NotKey},
		"size": {item.Optional, item.N, item.NotKey},
		"rest": {item.Optional, item.L, item.NotKey},
	}
	for _, f := range it.Fields {
		w := want[f.Name]
		if f.Presence != w.presence || f.Attr != w.attr || f.Key != w.key {
			t.Errorf("%s: presence %d, attr %s, key %d; want %d, %s, %d", f.Name, f.Presence, f.Attr, f.Key, w.presence, w.attr, w.key)
		}
	}
	if len(it.Keys) != 2 || it.Keys[0].Name != "id" || it.Keys[1].Name != "at" {
		t.Errorf("keys %v, want id then at", it.Keys)
	}
	if keys := it.ServerKeys(); len(keys) != 1 || keys[0].Name != "id" {
		t.Errorf("server keys %v, want id", keys)
	}
	if body := item.BodyFields(it.Fields); len(body) != 5 || body[0].Name != "at" {
		t.Errorf("body fields %v, want all but id", body)
	}
	byName := map[string]*item.Field{}
	for _, f := range it.Fields {
		byName[f.Name] = f
	}
	if min, max := byName["at"].Bounds(); *min != "-9223372036854775808" || *max != "9223372036854775807" {
		t.Errorf("integer bounds %s, %s, want int64's", *min, *max)
	}
	if min, max := byName["size"].Bounds(); *min != "0" || *max != "9223372036854775807" {
		t.Errorf("narrowed integer bounds %s, %s", *min, *max)
	}
	if n := byName["tags"].MinItems(); n == nil || *n != 1 {
		t.Errorf("a set's minItems %v, want 1", n)
	}
	if n := byName["rest"].MinItems(); n != nil {
		t.Errorf("a list's minItems %d, want none", *n)
	}
	if items := byName["rest"].Items; items == nil || items.Attr != item.N {
		t.Errorf("list items %+v", items)
	}
}

func TestDefaultAttr(t *testing.T) {
	s, err := spec.Parse("t.yaml", []byte(`version: 1
name: t
table: {partitionKey: id}
fields:
  id: {type: string, from: requestId}
  n: {type: number, default: 1.50}
  nums: {type: numberSet, default: [1, 2.5]}
  tags: {type: list, items: {type: boolean}, default: []}
  meta:
    type: object
    default: {ref: r}
    fields:
      seenAt: {type: integer, from: requestTimeEpoch}
      ref: {type: string}
      level: {type: integer, default: 3}
      note: {type: string}
`))
	if err != nil {
		t.Fatal(err)
	}
	it := item.New(s)
	got, err := json.Marshal(map[string]any{"n": it.Fields[1].DefaultAttr, "nums": it.Fields[2].DefaultAttr, "tags": it.Fields[3].DefaultAttr})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"n":{"N":"1.50"},"nums":{"NS":["1","2.5"]},"tags":{"L":[]}}`; string(got) != want {
		t.Errorf("defaults %s, want %s", got, want)
	}
	meta := it.Fields[4]
	m := meta.DefaultAttr.(map[string]any)["M"].(map[string]any)
	if server, ok := m["seenAt"].(item.ServerSetValue); !ok || server.Field != meta.Fields[0] {
		t.Errorf("server-set seenAt in the default: %#v", m["seenAt"])
	}
	delete(m, "seenAt")
	if got, _ := json.Marshal(m); string(got) != `{"level":{"N":"3"},"ref":{"S":"r"}}` {
		t.Errorf("object default %s: want the given ref and level's own default, no note", got)
	}
}

func TestKeyMinLength(t *testing.T) {
	s, err := spec.Parse("t.yaml", []byte(`version: 1
name: t
table: {partitionKey: id, sortKey: at}
fields:
  id: {type: string, required: true}
  at: {type: string, required: true, minLength: 3}
  note: {type: string}
`))
	if err != nil {
		t.Fatal(err)
	}
	it := item.New(s)
	for i, want := range []int{1, 3, -1} {
		got := it.Fields[i].MinLength
		if (want < 0) != (got == nil) || (got != nil && *got != want) {
			t.Errorf("%s: minLength %v, want %d (-1: none)", it.Fields[i].Name, got, want)
		}
	}
}
