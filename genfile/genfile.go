// Package genfile is the one type every generator of the project returns
// and package output writes: a generated file. It imports nothing of the
// project's, so any package may return it.
package genfile

// File is one generated file.
type File struct {
	Path string // slash-separated, relative to the output folder, e.g. "handler/item_gen.go"
	Data []byte
	// UserOwned files are the user's from the first write on: written only
	// when absent, never overwritten or deleted by a later run.
	UserOwned bool
}
