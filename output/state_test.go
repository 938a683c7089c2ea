package output

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestState: the state of an output folder is the same until something
// Write's verdict could depend on changes, and then it differs.
func TestState(t *testing.T) {
	setup := func(t *testing.T) (parent, dir string) {
		parent = t.TempDir()
		dir = filepath.Join(parent, "out")
		if err := Write(dir, generation("id", 256), Options{}); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, filepath.Join(dir, "build/handler-0123456789abcdef.zip"), string(bytes.Repeat([]byte("z"), hashedFileLimit+1)))
		return parent, dir
	}
	state := func(t *testing.T, dir string) []byte {
		t.Helper()
		s, err := State(dir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	_, dir := setup(t)
	first := state(t, dir)
	if again := state(t, dir); !bytes.Equal(first, again) {
		t.Fatalf("an untouched folder: state %x, then %x", first, again)
	}
	// Reading the output, as Write does when it finds it current, is no change.
	if err := Write(dir, generation("id", 256), Options{}); err != nil {
		t.Fatal(err)
	}
	if again := state(t, dir); !bytes.Equal(first, again) {
		t.Fatalf("after a Write that found it current: state %x, then %x", first, again)
	}

	for _, c := range []struct {
		name string
		edit func(t *testing.T, parent, dir string)
	}{
		{"a file's bytes, same size", func(t *testing.T, _, dir string) {
			name := filepath.Join(dir, TemplateName)
			b := []byte(read(t, name))
			b[len(b)-2] ^= 1
			mustWrite(t, name, string(b))
		}},
		{"a user's file", func(t *testing.T, _, dir string) {
			mustWrite(t, filepath.Join(dir, "handler/main.go"), "package main // mine\n")
		}},
		{"a file's mode", func(t *testing.T, _, dir string) { chmod(t, filepath.Join(dir, "README.md"), 0o600) }},
		{"a folder's mode", func(t *testing.T, _, dir string) { chmod(t, filepath.Join(dir, "handler"), 0o700) }},
		{"the output's mode", func(t *testing.T, _, dir string) { chmod(t, dir, 0o555) }},
		{"the parent's mode", func(t *testing.T, parent, _ string) { chmod(t, parent, 0o555) }},
		{"a file added", func(t *testing.T, _, dir string) { mustWrite(t, filepath.Join(dir, "notes.txt"), "") }},
		{"an empty folder added", func(t *testing.T, _, dir string) {
			if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file removed", func(t *testing.T, _, dir string) {
			if err := os.Remove(filepath.Join(dir, "model.json")); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file moved", func(t *testing.T, _, dir string) {
			if err := os.Rename(filepath.Join(dir, "model.json"), filepath.Join(dir, "model.jsom")); err != nil {
				t.Fatal(err)
			}
		}},
		{"a leftover beside", func(t *testing.T, parent, _ string) {
			mustWrite(t, filepath.Join(parent, ".out"+newInfix+"1/x"), "")
		}},
		{"a big file touched", func(t *testing.T, _, dir string) {
			name := filepath.Join(dir, "build/handler-0123456789abcdef.zip")
			if err := os.Chtimes(name, time.Time{}, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}},
		{"the output gone", func(t *testing.T, _, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			parent, dir := setup(t)
			before := state(t, dir)
			c.edit(t, parent, dir)
			after, err := State(dir)
			chmod(t, parent, 0o755)
			if _, statErr := os.Lstat(dir); statErr == nil {
				chmod(t, dir, 0o755)
			}
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(before, after) {
				t.Errorf("the same state (%x) after the change", after)
			}
		})
	}
}

// TestStateOfASymlinkedOutput: the state names the folder a symlinked
// output resolves to, so pointing the link elsewhere changes it.
func TestStateOfASymlinkedOutput(t *testing.T) {
	parent := t.TempDir()
	for _, name := range []string{"a", "b"} {
		if err := Write(filepath.Join(parent, name), generation("id", 256), Options{}); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(parent, "out")
	if err := os.Symlink("a", link); err != nil {
		t.Fatal(err)
	}
	before, err := State(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("b", link); err != nil {
		t.Fatal(err)
	}
	after, err := State(link)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(before, after) {
		t.Error("the same state for two folders of the same files")
	}
}

// TestStateOfATreeWithASymlink: an output holding a symlink has no state,
// since what the link leads to can change while the link does not.
func TestStateOfATreeWithASymlink(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(dir, generation("id", 256), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../elsewhere", filepath.Join(dir, "handler", "link")); err != nil {
		t.Fatal(err)
	}
	if _, err := State(dir); !errors.Is(err, ErrSymlink) {
		t.Errorf("State: %v, want ErrSymlink", err)
	}
	if Unchanged(dir, []byte("any")) {
		t.Error("Unchanged with a symlink in the output")
	}
}
