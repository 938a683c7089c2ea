package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/streamgen/streamgen/internal/lockdir"
)

// hashedFileLimit is the size above which State takes a file's stat
// signature instead of its bytes: nothing gen generates comes near it (a
// template has to stay within CloudFormation's 1 MB to deploy at all), and
// the big files an output holds are the user's (gen build's zips), whose
// bytes Write never reads, only carries over.
const hashedFileLimit = 1 << 20

// State returns a digest of everything Write's verdict on the output folder
// dir depends on besides the generated files: where dir resolves to, the
// mode of the folder holding it and whether an interrupted gen left
// anything beside it, and dir's whole tree (each entry's path, type and
// mode; each file's bytes, or for one above 1 MiB its signature; whether
// this process may write in each folder, which the owner, ACLs or a
// read-only mount decide beyond the mode). Two equal States with the same
// files give the same verdict, which lets gen remember that dir was
// current and say so again without generating. A tree holding a symlink
// has no State (ErrSymlink): Write reads through it (the handler's go.mod
// may be one), and what it leads to can change while the link does not.
func State(dir string) ([]byte, error) {
	dir, err := resolve(dir)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	field(h, "output state v1")
	field(h, dir)
	parent, base := filepath.Split(dir)
	info, err := os.Lstat(parent)
	if err != nil {
		return nil, err
	}
	field(h, info.Mode().String())
	field(h, strconv.FormatBool(writable(parent)))
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+base+newInfix) || strings.HasPrefix(e.Name(), "."+base+oldInfix) {
			field(h, "leftover "+e.Name())
		}
	}
	err = filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, full)
		if err != nil {
			return err
		}
		field(h, filepath.ToSlash(rel))
		field(h, info.Mode().String())
		switch {
		case info.Mode().IsRegular() && info.Size() > hashedFileLimit:
			field(h, signature(info))
		case info.Mode().IsRegular():
			return hashFile(h, full)
		case info.IsDir():
			field(h, strconv.FormatBool(writable(full)))
		case info.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s: %w", full, ErrSymlink)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		field(h, "missing")
	} else if err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// ErrSymlink is State's error for an output that holds a symlink.
var ErrSymlink = errors.New("a symlink in the output: its state is what it leads to")

// Unchanged reports whether the output folder dir has the State state
// and no gen is writing beside it now: a gen holding the lock Write takes
// may be about to change dir, so while one does, dir is not known current.
func Unchanged(dir string, state []byte) bool {
	resolved, err := resolve(dir)
	if err != nil {
		return false
	}
	unlock, err := lockdir.TryLock(filepath.Dir(resolved))
	switch {
	case err == nil:
		defer unlock()
	case !errors.Is(err, errors.ErrUnsupported):
		return false
	}
	now, err := State(resolved)
	return err == nil && bytes.Equal(now, state)
}

// field adds s to h, length first, so that no two sequences of fields
// hash alike.
func field(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	io.WriteString(h, s)
}

func hashFile(h hash.Hash, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	fh := sha256.New()
	if _, err := io.Copy(fh, f); err != nil {
		return err
	}
	field(h, string(fh.Sum(nil)))
	return nil
}
