package output

import (
	"errors"

	"golang.org/x/sys/unix"
)

// renameExchange swaps two paths in one atomic step (renameat2 with
// RENAME_EXCHANGE, Linux 3.15+): at every instant each name holds a whole
// folder, even if gen is killed.
func renameExchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

// exchangeUnsupported: an old kernel (ENOSYS) or a file system without the
// flag (EINVAL); gen falls back to two renames.
func exchangeUnsupported(err error) bool {
	return errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, errors.ErrUnsupported)
}
