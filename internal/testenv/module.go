package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const modulePath = "github.com/streamgen/streamgen"

// RuntimeImport is the import path of the runtime copy in a UserModule.
const RuntimeImport = "example.com/user/internal/handler"

// UserModule makes a Go module in a temporary folder that holds a copy of
// the handler runtime (root/handler, at RuntimeImport) as every generated
// handler module does, so that the handlers of many specs can be built in
// one go command: their item code generated with handlergen.Item(s, "main",
// RuntimeImport, true), each in a folder of its own. It carries the
// repository's requirements and go.sum, so building in it needs no module
// download, and nothing of this repository's module.
func UserModule(t testing.TB, root string) string {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	user := strings.Replace(string(gomod), "module "+modulePath, "module example.com/user", 1)
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	runtime := filepath.Join(mod, filepath.FromSlash(strings.TrimPrefix(RuntimeImport, "example.com/user/")))
	if err := os.MkdirAll(runtime, 0o755); err != nil {
		t.Fatal(err)
	}
	sources, err := filepath.Glob(filepath.Join(root, "handler", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(runtime, filepath.Base(src)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return mod
}
