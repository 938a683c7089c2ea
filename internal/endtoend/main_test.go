package endtoend_test

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs the tests from the repository's root, where the paths of
// the cases (testdata/, examples/, out/) are the ones the README names.
func TestMain(m *testing.M) {
	if err := os.Chdir("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
