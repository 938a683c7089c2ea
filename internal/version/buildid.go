package version

import (
	"bytes"
	"debug/elf"
	"io"
	"os"
	"strings"
	"sync"
)

// BuildID is the running executable's Go build ID, as `go tool buildid`
// prints it: a hash of everything the binary was built from (sources,
// dependencies, toolchain, flags), so two builds share one only when they
// are the same program. "" when it cannot be read, or is not one the Go
// linker made: a binary linked with -buildid=SOMETHING (Bazel's and Nix's
// builds of Go do that) carries the same text whatever it was built from.
var BuildID = sync.OnceValue(func() string {
	f, err := openExecutable()
	if err != nil {
		return ""
	}
	defer f.Close()
	id := readBuildID(f)
	if !madeByLinker(id) {
		return ""
	}
	return id
})

// openExecutable opens the running binary itself: on Linux through
// /proc/self/exe, which stays the running file when its path has since
// been given to another (go install over a running gen).
func openExecutable() (*os.File, error) {
	if f, err := os.Open("/proc/self/exe"); err == nil {
		return f, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return os.Open(exe)
}

// madeByLinker reports whether id has the form of a build ID cmd/go gives
// a binary: four hashes joined by "/" (the main package's action and
// content IDs, then the link's), each base64url text of 16 bytes or more.
func madeByLinker(id string) bool {
	parts := strings.Split(id, "/")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) < 16 || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return false
		}
	}
	return true
}

// The linker puts the build ID in an ELF note (name "Go", type 4) on Linux
// and the BSDs; in other formats it writes it as a marked string at the
// start of the text, which gen looks for in the first 32 KB as
// cmd/internal/buildid's readRaw does (cmd/internal/buildid: elfGoNote,
// readSize, goBuildPrefix). An ID not found there turns run records off.
const (
	goNoteType   = 4
	rawSearchLen = 32 << 10
)

var (
	rawPrefix = []byte("\xff Go build ID: \"")
	rawSuffix = []byte("\"\n \xff")
)

func readBuildID(f io.ReaderAt) string {
	if ef, err := elf.NewFile(f); err == nil {
		return elfBuildID(ef)
	}
	head := make([]byte, rawSearchLen)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	_, rest, ok := bytes.Cut(head, rawPrefix)
	if !ok {
		return ""
	}
	id, _, ok := bytes.Cut(rest, rawSuffix)
	if !ok {
		return ""
	}
	return string(id)
}

func elfBuildID(f *elf.File) string {
	s := f.Section(".note.go.buildid")
	if s == nil {
		return ""
	}
	note, err := s.Data()
	if err != nil || len(note) < 16 {
		return ""
	}
	nameSize := f.ByteOrder.Uint32(note[0:])
	descSize := f.ByteOrder.Uint32(note[4:])
	kind := f.ByteOrder.Uint32(note[8:])
	if nameSize != 4 || kind != goNoteType || string(note[12:16]) != "Go\x00\x00" || uint64(len(note)) < 16+uint64(descSize) {
		return ""
	}
	return string(note[16 : 16+descSize])
}
