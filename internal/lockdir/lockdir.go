// Package lockdir tells the folders of a running gen from those a killed one
// left behind. A gen holds an advisory lock (flock) on such a folder while
// it runs; the kernel drops the lock when the process ends, however it ends,
// so a folder nobody holds is a leftover. Locks are advisory: they keep gens
// from each other, nothing else.
package lockdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBusy is returned by TryLock when another process holds the lock.
var ErrBusy = errors.New("locked by a running process")

// Lock holds an exclusive lock on the folder dir until unlock is called,
// waiting for the process that holds it now, if any. errors.ErrUnsupported
// means the system or file system has no such locks.
func Lock(dir string) (unlock func(), err error) {
	return lock(dir, true)
}

// TryLock is Lock without waiting: ErrBusy when another process holds it.
func TryLock(dir string) (unlock func(), err error) {
	return lock(dir, false)
}

func lock(dir string, wait bool) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := flock(f, wait); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil // closing the last descriptor releases the lock
}

// Temp makes a new folder in the system's temporary folder, named prefix
// followed by a random string, and holds its lock until remove, which
// deletes it. It first deletes the folders of that prefix that no running
// process holds: those of runs that were killed before their remove.
func Temp(prefix string) (dir string, remove func() error, err error) {
	removeStale(filepath.Join(os.TempDir(), prefix+"*"))
	for range 10 {
		dir, err := os.MkdirTemp("", prefix)
		if err != nil {
			return "", nil, err
		}
		unlock, err := Lock(dir)
		if errors.Is(err, errors.ErrUnsupported) {
			return dir, func() error { return os.RemoveAll(dir) }, nil
		}
		if err != nil {
			return "", nil, errors.Join(err, os.RemoveAll(dir))
		}
		// Another run's removeStale may have taken the folder for a leftover
		// between MkdirTemp and Lock: it deletes only while holding the lock,
		// so once we hold it, the folder is ours if it is still there.
		if _, err := os.Lstat(dir); err == nil {
			return dir, func() error {
				defer unlock()
				return os.RemoveAll(dir)
			}, nil
		}
		unlock()
	}
	return "", nil, fmt.Errorf("could not make a temporary folder %s*: taken away ten times", filepath.Join(os.TempDir(), prefix))
}

// removeStale deletes the folders matching pattern that no process holds.
// It is best effort: a leftover it cannot delete is left for the next run.
func removeStale(pattern string) {
	matches, _ := filepath.Glob(pattern)
	for _, dir := range matches {
		if info, err := os.Lstat(dir); err != nil || !info.IsDir() {
			continue
		}
		unlock, err := TryLock(dir)
		if err != nil {
			continue
		}
		os.RemoveAll(dir)
		unlock()
	}
}
