//go:build unix

package runcache

import (
	"os"
	"syscall"
)

// private reports whether dir is a folder (not a symlink) of this user's
// that neither its group nor others may write in: no one else can have
// put a record there.
func private(dir string) bool {
	info, err := os.Lstat(dir)
	if err != nil || !info.IsDir() || info.Mode().Perm()&0o022 != 0 {
		return false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}
