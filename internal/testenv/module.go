package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const modulePath = "github.com/streamgen/streamgen"

// UserModule makes an empty Go module in a temporary folder that requires
// this repository (at root) through a replace directive, as a user's module
// requires streamgen. It carries the repository's requirements and go.sum, so
// building in it needs no module download.
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
	user := strings.Replace(string(gomod), "module "+modulePath, "module example.com/user", 1) +
		"\nrequire " + modulePath + " v0.0.0\n\nreplace " + modulePath + " => " + root + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return mod
}
