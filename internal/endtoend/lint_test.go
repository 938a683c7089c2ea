package endtoend_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/spec"
)

// TestCfnLint runs cfn-lint on every golden template, on out/ and on the
// template of every spec in examples/: any finding (error, warning or
// informational) fails.
func TestCfnLint(t *testing.T) {
	if testing.Short() {
		t.Skip("cfn-lint takes seconds per template")
	}
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		testenv.Missing(t, "cfn-lint not found: it checks every generated template")
	}
	var templates []string
	for _, c := range testenv.Cases(t, "testdata") {
		if !c.Rejected {
			templates = append(templates, filepath.Join(c.Dir, "template.yaml"))
		}
	}
	templates = append(templates, filepath.Join("out", "template.yaml"))
	examples, err := filepath.Glob("examples/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, path := range examples {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := spec.Parse(path, src)
		if err != nil {
			t.Fatalf("%v", err)
		}
		files, err := streamgen.Generate(s)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out := filepath.Join(tmp, filepath.Base(path))
		for _, f := range files {
			if f.Path == "template.yaml" {
				testenv.WriteFile(t, out, f.Data)
			}
		}
		templates = append(templates, out)
	}
	// One run for all: cfn-lint's start-up is most of its time.
	cmd := exec.Command(bin, append([]string{"--include-checks", "I", "--format", "parseable", "--"}, templates...)...)
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("cfn-lint on %d templates: %v\n%s", len(templates), err, out)
	}
	t.Logf("cfn-lint: %d templates (%d golden, out/, %d examples), no findings", len(templates), len(templates)-1-len(examples), len(examples))
}
