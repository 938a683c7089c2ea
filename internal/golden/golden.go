// Package golden holds the -update flag of the golden-file tests. Every test
// package of the module registers it (by importing this package, or with a
// flag of its own), so that `go test ./... -update` is a valid command for
// each of them.
package golden

import "flag"

// Update asks golden-file tests to rewrite their expected files.
var Update = flag.Bool("update", false, "rewrite the expected (golden) files instead of comparing with them")
