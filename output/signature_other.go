//go:build !unix

package output

import (
	"fmt"
	"io/fs"
)

// signature identifies a file's version without reading it: its size and
// modification time.
func signature(info fs.FileInfo) string {
	return fmt.Sprint(info.Size(), info.ModTime().UnixNano())
}
