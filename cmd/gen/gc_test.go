package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestCollectorSettings(t *testing.T) {
	t.Cleanup(func() { debug.SetGCPercent(100); debug.SetMemoryLimit(math.MaxInt64) })
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	collectOnlyAtLimit()
	if p, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); p != -1 || limit != shortRunLimit {
		t.Errorf("a short run: GOGC %d, limit %d; want off and %d", p, limit, shortRunLimit)
	}
	collectAsUsual()
	if p, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1); p != 100 || limit != math.MaxInt64 {
		t.Errorf("gen local: GOGC %d, limit %d; want the defaults", p, limit)
	}

	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	collectOnlyAtLimit()
	if p := debug.SetGCPercent(50); p != 50 {
		t.Errorf("with GOGC=50 set: GOGC %d", p)
	}
}
