// Package templates holds the text templates streamgen executes (the VTL,
// the Go handler, the README of an output folder), embedded in the binary.
package templates

import "embed"

// FS holds every *.tmpl file of this folder.
//
//go:embed *.tmpl
var FS embed.FS
