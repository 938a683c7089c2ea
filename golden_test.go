package streamgen_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/handlergen"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/output"
	"github.com/streamgen/streamgen/spec"
)

// update (-update) rewrites the expected files of testdata/ and out/.
var update = testenv.Update

// maxTemplateBytes is the largest template `aws cloudformation deploy`
// takes inline, without an S3 bucket ("Template body size in a request",
// CloudFormation quotas).
const maxTemplateBytes = 51200

// runtimeCopyDir is where the output holds the handler runtime's copy.
const runtimeCopyDir = "handler/" + handlergen.RuntimeDir + "/"

// TestGolden generates every case of testdata/: a folder with spec.yaml and
// the files it must generate (but the runtime's copy), or error.txt with the
// exact error for a spec that must be rejected. Adding a case is adding a
// folder; -update rewrites.
func TestGolden(t *testing.T) {
	if *update {
		testenv.WriteFile(t, filepath.Join("testdata", wideCase, "spec.yaml"), wideSpec(200))
	}
	for _, c := range testenv.Cases(t, "testdata") {
		dir := c.Dir
		t.Run(c.Name, func(t *testing.T) {
			s, err := spec.Parse("spec.yaml", c.Source(t))
			if err != nil {
				compare(t, filepath.Join(dir, "error.txt"), []byte(err.Error()+"\n"))
				expectOnly(t, dir, []string{"error.txt"})
				return
			}
			files, err := streamgen.Generate(s)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			var names []string
			for _, f := range files {
				if strings.HasPrefix(f.Path, runtimeCopyDir) {
					continue // the same for every spec: out/ holds it, TestRuntimeCopy checks it
				}
				compare(t, filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data)
				names = append(names, f.Path)
			}
			expectOnly(t, dir, names)
		})
	}
}

// TestWideSpec keeps the 200-field case what wideSpec writes, with a deploy
// recipe that fits its template's size.
func TestWideSpec(t *testing.T) {
	dir := filepath.Join("testdata", wideCase)
	got, err := os.ReadFile(filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, wideSpec(200)) {
		t.Errorf("%s/spec.yaml is not wideSpec(200): run go test -run TestGolden -update", dir)
	}
	s, err := spec.Parse("spec.yaml", got)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Fields) != 200 {
		t.Fatalf("%d fields, want 200", len(s.Fields))
	}
	files, err := streamgen.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := fileNamed(t, files, "template.yaml")
	t.Logf("template.yaml of 200 fields: %d bytes", len(tmpl.Data))
	checkDeployRecipe(t, files)
}

// checkDeployRecipe: a template CloudFormation takes inline deploys as it
// is; a larger one only from S3, which the README's recipe and gen's note
// then say (--s3-bucket).
func checkDeployRecipe(t *testing.T, files []genfile.File) {
	t.Helper()
	tmpl, readme := fileNamed(t, files, "template.yaml"), fileNamed(t, files, "README.md")
	inS3 := len(tmpl.Data) > maxTemplateBytes
	if got := strings.Contains(string(readme.Data), "  --s3-bucket BUCKET \\\n"); got != inS3 {
		t.Errorf("template of %d bytes: README deploys with --s3-bucket: %v", len(tmpl.Data), got)
	}
	if note := streamgen.DeployNote(files); (note != "") != inS3 || inS3 && !strings.Contains(note, "--s3-bucket") {
		t.Errorf("template of %d bytes: gen's note %q", len(tmpl.Data), note)
	}
}

// TestOutIsCurrent fails when out/ is not what `gen -spec streamer.yaml`
// writes now; -update regenerates it.
func TestOutIsCurrent(t *testing.T) {
	_, files := seedFiles(t)
	if *update {
		if err := output.Write("out", files, output.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	checkDeployRecipe(t, files)
	stale, err := output.Check("out", files, output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stale {
		t.Errorf("out/%s (run go run ./cmd/gen -spec streamer.yaml)", st)
	}
}

// seedFiles generates from streamer.yaml, the seed, as `gen` does.
func seedFiles(t *testing.T) (*spec.Spec, []genfile.File) {
	t.Helper()
	s := testenv.Read(t, spec.ReadFile, "streamer.yaml")
	files, err := streamgen.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	return s, files
}

// TestGenerateIsDeterministic generates every good case twice.
func TestGenerateIsDeterministic(t *testing.T) {
	for _, c := range testenv.Cases(t, "testdata") {
		if c.Rejected {
			continue
		}
		specPath := c.Spec
		s, err := spec.Parse("spec.yaml", c.Source(t))
		if err != nil {
			t.Fatal(err)
		}
		first, err := streamgen.Generate(s)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			again, err := streamgen.Generate(s)
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != len(first) {
				t.Fatalf("%s: %d files, then %d", specPath, len(first), len(again))
			}
			for i := range first {
				if first[i].Path != again[i].Path || !bytes.Equal(first[i].Data, again[i].Data) {
					t.Fatalf("%s: %s differs between two runs", specPath, first[i].Path)
				}
			}
		}
		if !sort.SliceIsSorted(first, func(i, j int) bool { return first[i].Path < first[j].Path }) {
			t.Errorf("%s: files not sorted by path", specPath)
		}
	}
}

func compare(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		testenv.WriteFile(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%v (run go test -run TestGolden -update)", err)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what is generated now:\n%s", path, firstDifference(want, got))
	}
}

// expectOnly fails when dir holds files besides spec.yaml and names (or,
// with -update, deletes them).
func expectOnly(t *testing.T, dir string, names []string) {
	t.Helper()
	want := map[string]bool{"spec.yaml": true}
	for _, n := range names {
		want[n] = true
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel = filepath.ToSlash(rel); want[rel] {
			return nil
		}
		if *update {
			return os.Remove(path)
		}
		t.Errorf("%s: %s is not generated any more (run go test -run TestGolden -update)", dir, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fileNamed(t *testing.T, files []genfile.File, name string) genfile.File {
	t.Helper()
	for _, f := range files {
		if f.Path == name {
			return f
		}
	}
	t.Fatalf("no %s generated", name)
	return genfile.File{}
}

// firstDifference shows the first line that differs.
func firstDifference(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(same lines; different bytes)"
}
