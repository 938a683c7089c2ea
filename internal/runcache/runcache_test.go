package runcache

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	_ "github.com/streamgen/streamgen/internal/testenv" // defines -update, for go test ./... -update
)

func TestStoreLoad(t *testing.T) {
	t.Setenv("STREAMGEN_CACHE", t.TempDir())
	key := Key([]byte("gen"), []byte("a"))
	r := Record{Key: key, State: []byte{1, 2}, Stderr: "s.yaml:1:1: warning\n", Note: "big"}
	Store("/p/out", r)
	got, ok := Load("/p/out", key)
	if !ok || !reflect.DeepEqual(got, r) {
		t.Fatalf("Load: %+v, %v; want %+v", got, ok, r)
	}
	if _, ok := Load("/p/out", Key([]byte("gen"), []byte("b"))); ok {
		t.Error("a record found under another key")
	}
	if _, ok := Load("/p/other", key); ok {
		t.Error("a record found for another output folder")
	}
	r2 := Record{Key: key, State: []byte{3}}
	Store("/p/out", r2)
	if got, _ := Load("/p/out", key); !reflect.DeepEqual(got, r2) {
		t.Errorf("after a second Store: %+v, want %+v", got, r2)
	}
	if entries, _ := os.ReadDir(os.Getenv("STREAMGEN_CACHE")); len(entries) != 1 {
		t.Errorf("%d files in the cache, want one record", len(entries))
	}
}

// TestKeyParts: parts are length-prefixed, so moving a byte from one part
// to the next is another key.
func TestKeyParts(t *testing.T) {
	if string(Key([]byte("ab"), []byte("c"))) == string(Key([]byte("a"), []byte("bc"))) {
		t.Error("ab|c and a|bc share a key")
	}
}

func TestNoCache(t *testing.T) {
	t.Setenv("STREAMGEN_CACHE", "off")
	key := Key([]byte("k"))
	Store("/p/out", Record{Key: key, State: []byte{1}})
	if _, ok := Load("/p/out", key); ok {
		t.Error("a record with records off")
	}
	// A cache that cannot be written is skipped, not an error.
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STREAMGEN_CACHE", filepath.Join(blocked, "runs"))
	Store("/p/out", Record{Key: key, State: []byte{1}})
	if _, ok := Load("/p/out", key); ok {
		t.Error("a record in a cache that cannot exist")
	}
}
