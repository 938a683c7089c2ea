// Package streamgen generates a Dynamo Streamer stack from a spec: the
// CloudFormation template, its request mapping template and body model, and
// the stream handler's Go code. Generate is pure: it writes nothing.
package streamgen

// File is one generated file.
type File struct {
	Path string // slash-separated, relative to the output folder, e.g. "handler/item_gen.go"
	Data []byte
	// UserOwned files are the user's from the first write on: written only
	// when absent, never overwritten or deleted by a later run.
	UserOwned bool
}
