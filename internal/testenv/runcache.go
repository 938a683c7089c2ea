package testenv

import "os"

// Runs of gen in tests, in process or as child processes, keep no records
// in the user's cache (internal/runcache): every test output is a new
// folder, and each would leave a record behind. Tests of the records give
// them a folder of their own with t.Setenv("STREAMGEN_CACHE", ...).
func init() { os.Setenv("STREAMGEN_CACHE", "off") }
