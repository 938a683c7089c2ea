package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/internal/lockdir"
	"github.com/streamgen/streamgen/internal/version"
	"github.com/streamgen/streamgen/spec"
)

// withoutGenerating makes every generation fail, so that a run that still
// says the output is up to date answered from its record.
func withoutGenerating(t *testing.T) {
	t.Helper()
	generateFiles = func(*spec.Spec) ([]genfile.File, error) { return nil, errors.New("generated") }
	t.Cleanup(restoreGenerate)
}

var restoreGenerate = func() func() {
	generate := generateFiles
	return func() { generateFiles = generate }
}()

// recorded makes a project whose output gen found current once, so that
// the run left its record, and returns its folder.
func recorded(t *testing.T, src string) string {
	t.Helper()
	t.Setenv("STREAMGEN_CACHE", t.TempDir())
	dir := t.TempDir()
	writeSpec(t, dir, src)
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "first gen", code, 0, o, e)
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "second gen", code, 0, o, e)
	if !strings.HasPrefix(o, "out is up to date: nothing written\n") {
		t.Fatalf("second gen printed %q", o)
	}
	return dir
}

// TestRecordedRunDoesNotGenerate: a run like the last one, on an output no
// one touched since, says what that run said without generating.
func TestRecordedRunDoesNotGenerate(t *testing.T) {
	warned := strings.Replace(regenSpec, "memory: 256", "memory: 256\n  maxRecordAge: 90000", 1)
	dir := recorded(t, warned)
	_, _, wantErr := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	if !strings.Contains(wantErr, "warning") {
		t.Fatalf("the spec gives no warning: %q", wantErr)
	}
	withoutGenerating(t)
	before := tree(t, dir)
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "recorded gen", code, 0, o, e)
	if o != "out is up to date: nothing written\n" || e != wantErr {
		t.Errorf("recorded gen printed %q and %q, want the up-to-date line and %q", o, e, wantErr)
	}
	if after := tree(t, dir); !reflect.DeepEqual(after, before) {
		t.Errorf("recorded gen changed the project:\n%q\nthen\n%q", before, after)
	}
}

// TestRecordedRunMisses: anything that could change what gen writes or
// says makes it generate again.
func TestRecordedRunMisses(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(t *testing.T, dir string) []string // the arguments to run with
	}{
		{"generated file edited", func(t *testing.T, dir string) []string {
			appendTo(t, filepath.Join(dir, "out/README.md"), "mine\n")
			return nil
		}},
		{"user's go.mod edited", func(t *testing.T, dir string) []string {
			appendTo(t, filepath.Join(dir, "out/handler/go.mod"), "\n")
			return nil
		}},
		{"file added to the output", func(t *testing.T, dir string) []string {
			appendTo(t, filepath.Join(dir, "out/notes.txt"), "")
			return nil
		}},
		{"generated file removed", func(t *testing.T, dir string) []string {
			mustRemove(t, filepath.Join(dir, "out/model.json"))
			return nil
		}},
		{"file mode changed", func(t *testing.T, dir string) []string {
			if err := os.Chmod(filepath.Join(dir, "out/template.yaml"), 0o600); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{"leftover beside the output", func(t *testing.T, dir string) []string {
			appendTo(t, filepath.Join(dir, ".out.gen-new-1/x"), "")
			return nil
		}},
		{"spec edited", func(t *testing.T, dir string) []string {
			appendTo(t, filepath.Join(dir, "s.yaml"), "# a comment\n")
			return nil
		}},
		{"another spec path", func(t *testing.T, dir string) []string {
			return []string{"-spec", "./s.yaml", "-out", "out"}
		}},
		{"another -out", func(t *testing.T, dir string) []string {
			return []string{"-spec", "s.yaml", "-out", "./out"}
		}},
		{"-allow-replace", func(t *testing.T, dir string) []string {
			return []string{"-spec", "s.yaml", "-out", "out", "-allow-replace"}
		}},
		{"another build of gen", func(t *testing.T, dir string) []string {
			linkers := version.BuildID
			version.BuildID = func() string { return linkers() + "x" }
			t.Cleanup(func() { version.BuildID = linkers })
			return nil
		}},
		{"a gen without a build ID", func(t *testing.T, dir string) []string {
			// Two runs of it would leave a record, if it kept any.
			linkers := version.BuildID
			version.BuildID = func() string { return "" }
			t.Cleanup(func() { version.BuildID = linkers })
			for range 2 {
				code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
				expect(t, "gen without a build ID", code, 0, o, e)
			}
			return nil
		}},
		{"another gen writing beside the output", func(t *testing.T, dir string) []string {
			unlock, err := lockdir.Lock(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(unlock)
			return nil
		}},
		{"record corrupted", func(t *testing.T, dir string) []string {
			records, err := filepath.Glob(filepath.Join(os.Getenv("STREAMGEN_CACHE"), "[0-9a-f]*"))
			if err != nil || len(records) != 1 {
				t.Fatalf("records %v, %v: want one", records, err)
			}
			if err := os.WriteFile(records[0], []byte("{"), 0o600); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{"a symlink in the output", func(t *testing.T, dir string) []string {
			// The handler's go.mod moved out and linked back: a full run
			// reads through the link, which the record cannot follow.
			gomod := filepath.Join(dir, "out/handler/go.mod")
			if err := os.Rename(gomod, filepath.Join(dir, "go.mod.mine")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("../../go.mod.mine", gomod); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
				expect(t, "gen with a linked go.mod", code, 0, o, e)
			}
			return nil
		}},
		{"records in a relative folder", func(t *testing.T, dir string) []string {
			t.Setenv("STREAMGEN_CACHE", "records")
			for range 2 {
				code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
				expect(t, "gen with relative records", code, 0, o, e)
			}
			return nil
		}},
		{"records off", func(t *testing.T, dir string) []string {
			t.Setenv("STREAMGEN_CACHE", "off")
			return nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := recorded(t, regenSpec)
			args := c.edit(t, dir)
			if args == nil {
				args = []string{"-spec", "s.yaml", "-out", "out"}
			}
			withoutGenerating(t)
			code, o, e := gen(t, dir, args...)
			if code != 1 || !strings.Contains(e, "generated") {
				t.Errorf("exit %d, stdout %q, stderr %q: want the failed generation", code, o, e)
			}
		})
	}
}

// TestRecordedRunMissesAnotherWorkingFolder: $PWD names the working folder
// through a symlink that now leads into the output, which a full run
// refuses (the swap would move it): the record is of another folder.
func TestRecordedRunMissesAnotherWorkingFolder(t *testing.T) {
	t.Setenv("STREAMGEN_CACHE", t.TempDir())
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	specPath, out := filepath.Join(dir, "s.yaml"), filepath.Join(dir, "out")
	link := filepath.Join(t.TempDir(), "proj")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	runFrom := func(wd string) (int, string, string) {
		t.Chdir(wd)
		t.Setenv("PWD", link) // after Chdir, which sets it
		var o, e bytes.Buffer
		code := run([]string{"gen", "-spec", specPath, "-out", out}, &o, &e)
		return code, o.String(), e.String()
	}
	code, o, e := runFrom(dir)
	expect(t, "first gen", code, 0, o, e)
	inside := filepath.Join(out, "mine")
	if err := os.Mkdir(inside, 0o755); err != nil {
		t.Fatal(err)
	}
	code, o, e = runFrom(dir)
	expect(t, "second gen", code, 0, o, e)
	if !strings.Contains(o, "up to date") {
		t.Fatalf("second gen: %q", o)
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(inside, link); err != nil {
		t.Fatal(err)
	}
	withoutGenerating(t)
	if code, o, e := runFrom(inside); code != 1 || !strings.Contains(e, "generated") {
		t.Errorf("from inside the output: exit %d, %q, %q: want the failed generation", code, o, e)
	}
}

// TestRecordOfAChangeDuringTheRun: an output changed while gen generates is
// not recorded current, even when the run finds it so.
func TestRecordOfAChangeDuringTheRun(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("STREAMGEN_CACHE", cache)
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "first gen", code, 0, o, e)
	generate := generateFiles
	generateFiles = func(s *spec.Spec) ([]genfile.File, error) {
		appendTo(t, filepath.Join(dir, "out/handler/main.go"), "// mine\n")
		return generate(s)
	}
	t.Cleanup(restoreGenerate)
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen during an edit", code, 0, o, e)
	if !strings.Contains(o, "up to date") {
		t.Fatalf("gen during an edit: %q", o)
	}
	if records, err := filepath.Glob(filepath.Join(cache, "[0-9a-f]*")); err != nil || len(records) != 0 {
		t.Errorf("records %v (%v), want none", records, err)
	}
}

// TestRecordedNote: a recorded run prints the note of a template too big to
// deploy inline, as the full run did.
func TestRecordedNote(t *testing.T) {
	var b strings.Builder
	b.WriteString(regenSpec)
	for i := range 300 {
		fmt.Fprintf(&b, "  field%03d:\n    type: string\n    maxLength: 100\n", i)
	}
	big := strings.Replace(b.String(), "stream:\n  memory: 256\n", "", 1) + "stream:\n  memory: 256\n"
	dir := recorded(t, big)
	code, want, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "third gen", code, 0, want, e)
	if !strings.Contains(want, "note: template.yaml is") {
		t.Fatalf("no note for a big template: %q", want)
	}
	withoutGenerating(t)
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "recorded gen", code, 0, o, e)
	if o != want {
		t.Errorf("recorded gen printed %q, want %q", o, want)
	}
}

// TestRecordOnlyOfACurrentOutput: a run that writes leaves no record (the
// next one checks what it wrote), and neither does a run that fails.
func TestRecordOnlyOfACurrentOutput(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("STREAMGEN_CACHE", cache)
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	noRecords := func(what string) {
		t.Helper()
		if records, err := os.ReadDir(cache); err != nil || len(records) != 0 {
			t.Errorf("%s: records %v (%v), want none", what, records, err)
		}
	}
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "first gen", code, 0, o, e)
	noRecords("a run that wrote")
	writeSpec(t, dir, regenSpec+"bogus: 1\n")
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "a wrong spec", code, 2, o, e)
	noRecords("a run that failed")
}

func appendTo(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func mustRemove(t *testing.T, name string) {
	t.Helper()
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
}
