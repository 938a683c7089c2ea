//go:build !unix

package lockdir

import (
	"errors"
	"os"
)

func flock(f *os.File, wait bool) error { return errors.ErrUnsupported }
