package main

import (
	"math"
	"os"
	"runtime/debug"
)

// shortRunLimit is the heap at which a short run of gen collects garbage
// after all: far above what the largest spec needs (a 1,000-field spec
// allocates about 20 MB).
const shortRunLimit = 512 << 20

// collectOnlyAtLimit turns the garbage collector off below shortRunLimit:
// a run of gen allocates a few megabytes and exits, and collecting them is
// a sixth of its instructions. GOGC or GOMEMLIMIT set by the user win.
func collectOnlyAtLimit() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(shortRunLimit)
}

// collectAsUsual restores the runtime's defaults, for gen local, which
// serves for hours.
func collectAsUsual() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
}
