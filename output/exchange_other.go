//go:build !linux

package output

import "errors"

func renameExchange(a, b string) error { return errors.ErrUnsupported }

func exchangeUnsupported(err error) bool { return errors.Is(err, errors.ErrUnsupported) }
