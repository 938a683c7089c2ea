package testenv

import "flag"

// Update (-update) asks golden-file tests to rewrite their expected files.
// It is defined once, here: go test hands -update to every test binary of
// `go test ./... -update`, and a binary that does not define it fails, so
// every test package of the module imports testenv (for its helpers, or
// for this flag alone).
var Update = flag.Bool("update", false, "rewrite the expected (golden) files instead of comparing with them")
