//go:build !unix

package runcache

import "os"

// private reports whether dir is a folder, not a link to one. Windows
// keeps the user's cache folder private by its ACL.
func private(dir string) bool {
	info, err := os.Lstat(dir)
	return err == nil && info.IsDir()
}
