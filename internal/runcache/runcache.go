// Package runcache remembers, per output folder, the last run of gen that
// found the folder current: what the run was (the generator's build ID and
// every input, as a key), the folder's output.State then, and what the run
// printed. A later run with the same key and State would generate the same
// files and find them current again, so gen can say so without generating,
// as go build does from its cache. A record is only a shortcut: a missing,
// unreadable or stale one means a full run, never a different answer.
//
// Records live in STREAMGEN_CACHE if set to an absolute path ("off", or a
// relative path, turns them off, as GOCACHE must be absolute), otherwise
// in streamgen/runs under os.UserCacheDir (e.g. ~/.cache on Linux), one
// small file per output folder, named by 64 hex digits. A record decides
// what gen prints and whether it generates, so records are read only from
// a folder that is the user's own and that no one else may write in (on
// Unix), and only from regular files. Records unused for trimAge are
// deleted, at most once a day, as the Go build cache trims itself; no
// other file of the folder is touched.
package runcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
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

// folder is the folder of records; "" when records are off or there is
// no cache folder.
func folder() string {
	dir := os.Getenv("STREAMGEN_CACHE")
	if dir == "off" || dir != "" && !filepath.IsAbs(dir) {
		return ""
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "streamgen", "runs")
	}
	return dir
}

// On reports whether runs are recorded: there is a records' folder, and it
// is private or not made yet.
func On() bool {
	dir := folder()
	if dir == "" {
		return false
	}
	_, err := os.Lstat(dir)
	return errors.Is(err, fs.ErrNotExist) || err == nil && private(dir)
}

// file is where the record of the output folder out (an absolute path)
// lives in the records' folder dir.
func file(dir, out string) string {
	sum := sha256.Sum256([]byte(out))
	return filepath.Join(dir, hex.EncodeToString(sum[:]))
}

// isRecord reports whether name is that of a record, or of one a killed
// Store was writing (tmpPrefix).
func isRecord(name string) bool {
	if strings.HasPrefix(name, tmpPrefix) {
		return true
	}
	_, err := hex.DecodeString(name)
	return err == nil && len(name) == 2*sha256.Size && strings.ToLower(name) == name
}

// Load returns the record of the output folder out made under key, if
// there is one.
func Load(out string, key []byte) (Record, bool) {
	dir := folder()
	if dir == "" || !private(dir) {
		return Record{}, false
	}
	name := file(dir, out)
	if info, err := os.Lstat(name); err != nil || !info.Mode().IsRegular() {
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
	// A record read is a record used: trimming keeps it.
	now := time.Now()
	os.Chtimes(name, now, now)
	return r, true
}

// Store replaces the record of the output folder out. It writes a file
// beside the record and renames it over, so that a reader sees the old
// record or the new one; a cache that cannot be written is skipped.
func Store(out string, r Record) {
	dir := folder()
	if dir == "" {
		return
	}
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	if err := os.MkdirAll(dir, 0o700); err != nil || !private(dir) {
		return
	}
	tmp, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if err = errors.Join(err, tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), file(dir, out))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	trim(dir, time.Now())
}

const (
	tmpPrefix = ".record-"
	trimAge   = 30 * 24 * time.Hour
	trimEvery = 24 * time.Hour
	trimmed   = ".trimmed" // its modification time is the last trim's
)

// trim deletes the records of dir not used for trimAge, and the files of
// Stores killed before their rename, if the last trim was trimEvery ago.
func trim(dir string, now time.Time) {
	mark := filepath.Join(dir, trimmed)
	if info, err := os.Stat(mark); err == nil && now.Sub(info.ModTime()) < trimEvery {
		return
	}
	if err := os.WriteFile(mark, nil, 0o600); err != nil {
		return
	}
	os.Chtimes(mark, now, now)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !isRecord(e.Name()) || !info.Mode().IsRegular() {
			continue
		}
		if now.Sub(info.ModTime()) > trimAge || strings.HasPrefix(e.Name(), tmpPrefix) && now.Sub(info.ModTime()) > trimEvery {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
