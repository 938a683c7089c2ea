package streamgen_test

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/handlergen"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/internal/version"
)

// TestRuntimeCopy proves the runtime gen writes into the handler is package
// handler's source, every non-test file of it, byte for byte after the
// generated-code header.
func TestRuntimeCopy(t *testing.T) {
	_, files := seedFiles(t)
	sources, err := filepath.Glob("handler/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range sources {
		if !strings.HasSuffix(f, "_test.go") {
			want = append(want, path.Base(f))
		}
	}
	header := "// " + version.GeneratedHeader() + "\n\n"
	var got []string
	for _, f := range files {
		name, ok := strings.CutPrefix(f.Path, runtimeCopyDir)
		if !ok {
			continue
		}
		got = append(got, name)
		if f.UserOwned {
			t.Errorf("%s is user-owned; the runtime copy must be regenerated", f.Path)
		}
		src, err := os.ReadFile(filepath.Join("handler", name))
		if err != nil {
			t.Errorf("%s has no source: %v", f.Path, err)
			continue
		}
		if !bytes.Equal(f.Data, append([]byte(header), src...)) {
			t.Errorf("%s is not header + handler/%s", f.Path, name)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("runtime copy holds %v, handler/ has %v: list every non-test file in runtimeSource's go:embed (handler_module.go)", got, want)
	}
}

// TestRuntimeImports keeps the handler's go.mod complete: every import of
// the runtime is the standard library's or a module it requires.
func TestRuntimeImports(t *testing.T) {
	_, files := seedFiles(t)
	gomod := string(fileNamed(t, files, "handler/go.mod").Data)
	for _, f := range files {
		if !strings.HasPrefix(f.Path, runtimeCopyDir) {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Data, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(p, "/")
			if !strings.Contains(first, ".") {
				continue // the standard library
			}
			if !strings.Contains(gomod, "\nrequire "+modulePrefix(p)) {
				t.Errorf("%s imports %s, whose module handler/go.mod does not require: add it to runtimeModules", f.Path, p)
			}
		}
	}
}

// modulePrefix is the module path of an import path of a github.com module.
func modulePrefix(importPath string) string {
	parts := strings.SplitN(importPath, "/", 4)
	return strings.Join(parts[:min(3, len(parts))], "/") + " "
}

// TestHandlerModule checks the handler's go.mod and go.sum: written once
// (the user's), this repository's go line and aws-lambda-go version, and
// go.sum lines that are this repository's.
func TestHandlerModule(t *testing.T) {
	s, files := seedFiles(t)
	rootMod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	rootSum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	gomod := fileNamed(t, files, "handler/go.mod")
	gosum := fileNamed(t, files, "handler/go.sum")
	if !gomod.UserOwned || !gosum.UserOwned {
		t.Errorf("go.mod and go.sum must be the user's once written (user-owned)")
	}
	goLine := regexpLine(t, rootMod, `(?m)^go \S+$`)
	lambda := regexpLine(t, rootMod, `github.com/aws/aws-lambda-go v\S+`)
	for _, want := range []string{"\nmodule " + handlergen.ModulePath(s) + "\n", "\n" + goLine + "\n", "\nrequire " + lambda + "\n"} {
		if !strings.Contains(string(gomod.Data), want) {
			t.Errorf("handler/go.mod lacks %q:\n%s", want, gomod.Data)
		}
	}
	lines := strings.Split(strings.TrimSuffix(string(gosum.Data), "\n"), "\n")
	if len(lines) != 2 {
		t.Errorf("handler/go.sum has %d lines, want aws-lambda-go's 2:\n%s", len(lines), gosum.Data)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, lambda+" ") && !strings.HasPrefix(l, lambda+"/go.mod ") || !bytes.Contains(rootSum, []byte(l+"\n")) {
			t.Errorf("handler/go.sum line %q is not a line of go.sum for %s", l, lambda)
		}
	}
}

func regexpLine(t *testing.T, data []byte, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).Find(data)
	if m == nil {
		t.Fatalf("no %s in go.mod", pattern)
	}
	return string(m)
}

// TestHandlerIsSelfContained writes the seed's output into a folder outside
// this module and lists the handler's dependencies offline: nothing of this
// repository, nothing downloaded, no -mod=mod.
func TestHandlerIsSelfContained(t *testing.T) {
	_, files := seedFiles(t)
	dir := t.TempDir()
	for _, f := range files {
		testenv.WriteFile(t, filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data)
	}
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Dir = filepath.Join(dir, "handler")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/aws/aws-lambda-go/lambda") || !slices.Contains(deps, "streamer-handler/internal/handler") {
		t.Fatalf("go list -deps lacks the runtime or aws-lambda-go:\n%s", out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/streamgen/streamgen") {
			t.Errorf("the generated handler depends on %s", d)
		}
	}
}

func TestCheckHandlerModule(t *testing.T) {
	s, files := seedFiles(t)
	written := string(fileNamed(t, files, "handler/go.mod").Data)
	lambda := regexpLine(t, []byte(written), `github.com/aws/aws-lambda-go v\S+`)
	for _, c := range []struct {
		name  string
		gomod string // "" for none
		want  string // "" for no error, else a part of it
	}{
		{"none", "", ""},
		{"as written", written, ""},
		{"with the user's requirements", written + "\nrequire golang.org/x/sync v0.20.0\n", ""},
		{"newer aws-lambda-go", strings.Replace(written, lambda, "github.com/aws/aws-lambda-go v1.99.0", 1), ""},
		{"replaced aws-lambda-go", strings.Replace(written, lambda, "github.com/aws/aws-lambda-go v1.0.0", 1) +
			"\nreplace github.com/aws/aws-lambda-go => ../fork\n", ""},
		{"older aws-lambda-go", strings.Replace(written, lambda, "github.com/aws/aws-lambda-go v1.0.0", 1),
			"requires github.com/aws/aws-lambda-go v1.0.0; the generated runtime needs " + strings.Fields(lambda)[1] +
				" or later: run (cd DIR/handler && go get " + strings.Replace(lambda, " ", "@", 1) + ")"},
		{"no aws-lambda-go", strings.Replace(written, "require "+lambda, "", 1), "does not require github.com/aws/aws-lambda-go"},
		{"renamed module", strings.Replace(written, "module streamer-handler", "module example.com/mine", 1),
			"has module example.com/mine, but the generated code imports its runtime as streamer-handler/internal/handler: run (cd DIR/handler && go mod edit -module streamer-handler)"},
		{"broken", "module streamer-handler\nrequire (\n", "go.mod:3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "DIR")
			if err := os.MkdirAll(filepath.Join(dir, "handler"), 0o755); err != nil {
				t.Fatal(err)
			}
			if c.gomod != "" {
				testenv.WriteFile(t, filepath.Join(dir, "handler", "go.mod"), []byte(c.gomod))
			}
			err := streamgen.CheckHandlerModule(dir, s)
			if c.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), filepath.Dir(dir)+string(filepath.Separator), ""), c.want) {
				t.Fatalf("error %v, want one with %q", err, c.want)
			}
		})
	}
}

// TestCheckHandlerRequirementsWantsGoMod: a build of an output from before
// the handler was a module says to regenerate.
func TestCheckHandlerRequirementsWantsGoMod(t *testing.T) {
	dir := t.TempDir()
	err := streamgen.CheckHandlerRequirements(dir)
	if err == nil || !strings.Contains(err.Error(), "run gen -spec FILE -out "+dir+" again") {
		t.Fatalf("error %v, want the advice to regenerate", err)
	}
}
