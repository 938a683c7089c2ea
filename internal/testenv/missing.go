// Package testenv is test tooling shared by streamgen's tests, written once:
// the golden cases of testdata/ (Cases), the -update flag every test package
// must accept (Update), file and go-command helpers, the reference draft-04
// validator (Draft4), a Go module for built handlers (UserModule), local
// services (moto_server), and what happens when a tool the tests need is
// missing: a skip on a developer's machine, a failure under CI. It imports
// nothing of the project, so that the tests of every package, spec's
// included, can use it.
package testenv

import (
	"os"
	"strconv"
	"testing"
)

// Missing ends the test because a tool it needs is absent. On a developer's
// machine that is a skip with the reason; under CI (CI=true) a skip would hide
// untested code, so it is a failure.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("CI=true but "+format, args...)
	}
	tb.Skipf("skipped: "+format, args...)
}

// InCI reports whether the tests run under CI (the CI environment variable is true).
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}
