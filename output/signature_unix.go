//go:build unix

package output

import (
	"fmt"
	"io/fs"
	"syscall"
)

// signature identifies a file's version without reading it: size,
// modification time in nanoseconds, device and inode (a file replaced by
// a rename is another inode).
func signature(info fs.FileInfo) string {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprint(info.Size(), info.ModTime().UnixNano(), st.Dev, st.Ino)
	}
	return fmt.Sprint(info.Size(), info.ModTime().UnixNano())
}
