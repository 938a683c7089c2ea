package runcache

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

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
	if records, _ := filepath.Glob(filepath.Join(os.Getenv("STREAMGEN_CACHE"), "[0-9a-f]*")); len(records) != 1 {
		t.Errorf("records %v, want one", records)
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
	for _, dir := range []string{"off", "relative/runs"} {
		t.Setenv("STREAMGEN_CACHE", dir)
		if On() {
			t.Errorf("STREAMGEN_CACHE=%s: records on", dir)
		}
	}
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

// TestRecordsOthersCouldWrite: a record is not read from a folder others
// may write in, nor from anything but a regular file.
func TestRecordsOthersCouldWrite(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("STREAMGEN_CACHE", dir)
	key := Key([]byte("k"))
	Store("/p/out", Record{Key: key, State: []byte{1}})
	if _, ok := Load("/p/out", key); !ok {
		t.Fatal("no record")
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, ok := Load("/p/out", key); ok {
		t.Error("a record read from a folder anyone may write in")
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	name := file(dir, "/p/out")
	if err := os.Rename(name, name+".real"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(name+".real", name); err != nil {
		t.Fatal(err)
	}
	if _, ok := Load("/p/out", key); ok {
		t.Error("a record read through a symlink")
	}
}

// TestTrim: a day after the last trim, records unused for 30 days go, and
// those used since stay, as does any file that is not a record; within the
// day nothing is deleted.
func TestTrim(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("STREAMGEN_CACHE", dir)
	now := time.Now()
	old, recent := Key([]byte("old")), Key([]byte("recent"))
	Store("/old", Record{Key: old, State: []byte{1}})
	Store("/recent", Record{Key: recent, State: []byte{1}})
	ago := func(name string, d time.Duration) {
		t.Helper()
		if err := os.Chtimes(name, now.Add(-d), now.Add(-d)); err != nil {
			t.Fatal(err)
		}
	}
	mine := filepath.Join(dir, "thesis.txt")
	if err := os.WriteFile(mine, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ago(mine, 365*24*time.Hour)
	ago(file(dir, "/old"), 31*24*time.Hour)
	ago(file(dir, "/recent"), 29*24*time.Hour)
	ago(filepath.Join(dir, trimmed), time.Hour)
	trim(dir, now)
	if _, ok := Load("/old", old); !ok {
		t.Fatal("trimmed within a day of the last trim")
	}
	ago(file(dir, "/old"), 31*24*time.Hour)
	ago(filepath.Join(dir, trimmed), 25*time.Hour)
	trim(dir, now)
	if _, ok := Load("/old", old); ok {
		t.Error("a record unused for 31 days survived the trim")
	}
	if _, ok := Load("/recent", recent); !ok {
		t.Error("a record used 29 days ago was trimmed")
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a file that is not a record: %v", err)
	}
}
