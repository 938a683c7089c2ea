package streamgen

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/handlergen"
	"github.com/streamgen/streamgen/internal/version"
	"github.com/streamgen/streamgen/spec"
)

// The stream handler is a Go module of its own (DIR/handler/go.mod), so it
// builds wherever DIR is: outside any module, inside the user's (a folder
// with a go.mod is not part of the module around it), on another machine.
// It needs nothing of this repository: gen writes the runtime library into it
// (handlergen.RuntimeDir), a copy of package handler's source embedded in the
// generator, so generator and runtime are always of the same version. Its
// only dependencies are the public modules the runtime imports, at the
// versions of this repository's go.mod, with their go.sum lines from this
// repository's go.sum: what the tests here build with.
//
// go.mod and go.sum are the user's from their first write, so that their
// `go get` additions survive regeneration; CheckHandlerModule makes sure they
// still fit the code gen writes.

//go:embed go.mod go.sum
var repoModule embed.FS

// runtimeSource is package handler's source: its non-test Go files
// (TestRuntimeCopy keeps the list whole).
//
//go:embed handler/attribute.go handler/event.go handler/handler.go handler/number.go handler/reader.go handler/stack.go
var runtimeSource embed.FS

// runtimeModules are the modules package handler imports from
// (TestRuntimeImports checks its imports).
var runtimeModules = []string{"github.com/aws/aws-lambda-go"}

// handlerModule is what the handler's go.mod and go.sum start with.
type handlerModule struct {
	goVersion string           // the go line of this repository's go.mod
	require   []module.Version // runtimeModules at this repository's versions
	sum       []byte           // their go.sum lines
}

var pinned = sync.OnceValues(func() (*handlerModule, error) {
	gomod, err := repoModule.ReadFile("go.mod")
	if err != nil {
		return nil, err
	}
	f, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil {
		return nil, err
	}
	gosum, err := repoModule.ReadFile("go.sum")
	if err != nil {
		return nil, err
	}
	m := &handlerModule{goVersion: f.Go.Version}
	for _, p := range runtimeModules {
		v, ok := required(f, p)
		if !ok {
			return nil, fmt.Errorf("go.mod does not require %s, which the handler runtime imports", p)
		}
		m.require = append(m.require, module.Version{Path: p, Version: v})
		lines, err := sumLines(gosum, p, v)
		if err != nil {
			return nil, err
		}
		m.sum = append(m.sum, lines...)
	}
	return m, nil
})

// required is the version f requires of module p.
func required(f *modfile.File, p string) (string, bool) {
	for _, r := range f.Require {
		if r.Mod.Path == p {
			return r.Mod.Version, true
		}
	}
	return "", false
}

// sumLines are the go.sum lines of p@v: the hash of its files and of its
// go.mod, both of which a build checks.
func sumLines(gosum []byte, p, v string) ([]byte, error) {
	var out []byte
	want := map[string]bool{p + " " + v + " ": true, p + " " + v + "/go.mod ": true}
	sc := bufio.NewScanner(bytes.NewReader(gosum))
	for sc.Scan() {
		line := sc.Text()
		for prefix := range want {
			if strings.HasPrefix(line, prefix) {
				out = append(out, line+"\n"...)
				delete(want, prefix)
			}
		}
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("go.sum lacks the lines of %s %s", p, v)
	}
	return out, nil
}

// handlerModuleFiles are the handler's go.mod and go.sum (the user's once
// written) and the runtime's copy (regenerated), each file headed as
// generated code.
func handlerModuleFiles(s *spec.Spec) ([]genfile.File, error) {
	m, err := pinned()
	if err != nil {
		return nil, fmt.Errorf("handler module: %w", err)
	}
	var gomod bytes.Buffer
	fmt.Fprintf(&gomod, "// The module of the %s stack's stream handler. gen wrote this file once;\n", s.Name)
	gomod.WriteString("// it is yours: add dependencies with `go get` in this folder. Keep the\n" +
		"// requirements below at these versions or later: the runtime gen writes\n" +
		"// into internal/handler is tested with them.\n")
	fmt.Fprintf(&gomod, "module %s\n\ngo %s\n\n", handlergen.ModulePath(s), m.goVersion)
	for _, r := range m.require {
		fmt.Fprintf(&gomod, "require %s %s\n", r.Path, r.Version)
	}
	files := []genfile.File{
		{Path: "handler/go.mod", Data: gomod.Bytes(), UserOwned: true},
		{Path: "handler/go.sum", Data: m.sum, UserOwned: true},
	}
	src, err := fs.Sub(runtimeSource, "handler")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(src, "*.go")
	if err != nil {
		return nil, err
	}
	header := "// " + version.GeneratedHeader() + "\n\n"
	for _, name := range names {
		data, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, err
		}
		files = append(files, genfile.File{Path: path.Join("handler", handlergen.RuntimeDir, name), Data: append([]byte(header), data...)})
	}
	return files, nil
}

// CheckHandlerModule checks DIR/handler/go.mod, the user's, against what gen
// writes for s: the module path its code imports the runtime with, and the
// runtime's dependencies at least at the tested versions. No go.mod is fine:
// gen writes one. Each error names the command that fixes it.
func CheckHandlerModule(dir string, s *spec.Spec) error {
	return checkHandlerModule(dir, handlergen.ModulePath(s))
}

// CheckHandlerRequirements is CheckHandlerModule for a build, which has no
// spec: the module path must be the one the generated code imports the
// runtime with; go.mod must exist.
func CheckHandlerRequirements(dir string) error {
	gomod := filepath.Join(dir, "handler", "go.mod")
	if _, err := os.Stat(gomod); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s not found: the handler is a Go module of its own; an older gen generated %s: run gen -spec FILE -out %s again to write it", gomod, dir, dir)
	}
	modulePath, err := importedModule(dir)
	if err != nil {
		return err
	}
	return checkHandlerModule(dir, modulePath)
}

// importedModule is the module path DIR/handler/item_gen.go imports the
// runtime copy with.
func importedModule(dir string) (string, error) {
	name := filepath.Join(dir, "handler", handlergen.ItemFile)
	f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
	if err != nil {
		return "", fmt.Errorf("%w\n(gen generates %s: run gen -spec FILE -out %s again)", err, name, dir)
	}
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		if m, ok := strings.CutSuffix(p, "/"+handlergen.RuntimeDir); ok {
			return m, nil
		}
	}
	return "", fmt.Errorf("%s does not import the runtime (.../%s): gen generates it, run gen -spec FILE -out %s again", name, handlergen.RuntimeDir, dir)
}

func checkHandlerModule(dir, modulePath string) error {
	handlerDir := filepath.Join(dir, "handler")
	name := filepath.Join(handlerDir, "go.mod")
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return fmt.Errorf("%w\n(fix %s: it is yours, gen never rewrites it)", err, name)
	}
	if f.Module == nil || f.Module.Mod.Path != modulePath {
		have := "no module line"
		if f.Module != nil {
			have = "module " + f.Module.Mod.Path
		}
		return fmt.Errorf("%s has %s, but the generated code imports its runtime as %s/%s: run (cd %s && go mod edit -module %s)",
			name, have, modulePath, handlergen.RuntimeDir, handlerDir, modulePath)
	}
	m, err := pinned()
	if err != nil {
		return err
	}
	for _, want := range m.require {
		if replaced(f, want.Path) {
			continue // the user builds it from elsewhere, on purpose
		}
		have, ok := required(f, want.Path)
		if ok && semver.Compare(have, want.Version) >= 0 {
			continue
		}
		what := "does not require " + want.Path
		if ok {
			what = "requires " + want.Path + " " + have
		}
		return fmt.Errorf("%s %s; the generated runtime needs %s or later: run (cd %s && go get %s@%s)",
			name, what, want.Version, handlerDir, want.Path, want.Version)
	}
	return nil
}

func replaced(f *modfile.File, p string) bool {
	for _, r := range f.Replace {
		if r.Old.Path == p {
			return true
		}
	}
	return false
}
