package version

import (
	"bytes"
	"debug/elf"
	"io"
	"os"
	"sync"
)

// BuildID is the running executable's Go build ID, as `go tool buildid`
// prints it: a hash of everything the binary was built from (sources,
// dependencies, toolchain, flags), so two builds share one only when they
// are the same program. "" when it cannot be read (a binary linked with
// -buildid= has none).
var BuildID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	return readBuildID(f)
})

// The linker puts the build ID in an ELF note (name "Go", type 4) on Linux
// and the BSDs, and elsewhere as a marked string in the first 32 KB of the
// file (cmd/internal/buildid: elfGoNote, readSize, goBuildPrefix).
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
