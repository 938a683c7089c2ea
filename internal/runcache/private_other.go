//go:build !unix

package runcache

import "os"

// private reports whether dir is a folder, not a link to one: these
// systems have no Unix owner and mode to check (Windows keeps the user's
// cache folder, the default, private by its ACL).
func private(dir string) bool {
	info, err := os.Lstat(dir)
	return err == nil && info.IsDir()
}
