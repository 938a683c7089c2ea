package spec

import (
	"fmt"
	"strings"
)

// Error is one problem of a spec: where it is and what is wrong.
type Error struct {
	File string
	Pos  Pos
	Path string // e.g. "fields.author.fields.email.pattern"; "" for the whole file
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Pos.Line, e.Pos.Col, e.Path, e.Msg)
}

// Errors is every problem found in a spec, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
