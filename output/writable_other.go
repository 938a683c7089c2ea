//go:build !unix

package output

import "os"

// writable reports whether the folder name's mode lets its owner write.
func writable(name string) bool {
	info, err := os.Stat(name)
	return err == nil && info.Mode().Perm()&0o200 != 0
}
