package spec

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed starter.yaml
var starter string

// ValidName reports whether name can be a spec's name.
func ValidName(name string) bool { return nameRe(name) }

// Starter is a commented spec named name that validates, for `gen init`.
func Starter(name string) ([]byte, error) {
	if !ValidName(name) {
		return nil, fmt.Errorf("name %q must be 1 to 40 of a-z, 0-9 and -, starting with a letter", name)
	}
	return []byte(strings.Replace(starter, "name: streamer ", "name: "+name+" ", 1)), nil
}
