//go:build unix

package output

import (
	"path/filepath"
	"syscall"
	"testing"
)

// TestModesIgnoreUmask: a strict umask must not change the output's modes.
func TestModesIgnoreUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(dir, generation("id", 256), Options{}); err != nil {
		t.Fatal(err)
	}
	for rel, entry := range snapshot(t, dir) {
		mode := entry[:10]
		if mode != "-rw-r--r--" && mode != "drwxr-xr-x" {
			t.Errorf("%s: mode %s", rel, mode)
		}
	}
}
