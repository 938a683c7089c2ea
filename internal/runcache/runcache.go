// Package runcache remembers, per output folder, the last run of gen that
// found the folder current: what the run was (the generator's build ID and
// every input, as a key), the folder's output.State then, and what the run
// printed. A later run with the same key and State would generate the same
// files and find them current again, so gen can say so without generating,
// as go build does from its cache. A record is only a shortcut: a missing,
// unreadable or stale one means a full run, never a different answer.
//
// Records live in STREAMGEN_CACHE if set ("off" turns them off), otherwise
// in streamgen/runs under os.UserCacheDir (e.g. ~/.cache on Linux), one
// small file per output folder.
package runcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
)

// Record is what a run that found its output current leaves.
type Record struct {
	Key    []byte // Key of the run
	State  []byte // output.State of the folder, before and after the run
	Stderr string // what the run printed on stderr (the spec's warnings)
	Note   string // the note it printed after "is up to date"
}

// Key digests the parts of a run, each length-prefixed so that no two
// lists of parts digest alike.
func Key(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return h.Sum(nil)
}

// file is where the record of the output folder out (an absolute path)
// lives; "" when records are off or there is no cache folder.
func file(out string) string {
	dir := os.Getenv("STREAMGEN_CACHE")
	if dir == "off" {
		return ""
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "streamgen", "runs")
	}
	sum := sha256.Sum256([]byte(out))
	return filepath.Join(dir, hex.EncodeToString(sum[:]))
}

// Load returns the record of the output folder out made under key, if
// there is one.
func Load(out string, key []byte) (Record, bool) {
	name := file(out)
	if name == "" {
		return Record{}, false
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return Record{}, false
	}
	var r Record
	if json.Unmarshal(data, &r) != nil || !bytes.Equal(r.Key, key) || len(r.State) == 0 {
		return Record{}, false
	}
	return r, true
}

// Store replaces the record of the output folder out. It writes a file
// beside the record and renames it over, so that a reader sees the old
// record or the new one; a cache that cannot be written is skipped.
func Store(out string, r Record) {
	name := file(out)
	if name == "" {
		return
	}
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".record-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if err = errors.Join(err, tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}
