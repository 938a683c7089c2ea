package spec

import (
	"regexp"
	"strings"
	"testing"
)

// TestBoundedRe checks each bounded matcher against the counted repetition
// it replaces.
func TestBoundedRe(t *testing.T) {
	for _, c := range []struct {
		match func(string) bool
		want  string
	}{
		{nameRe, `^[a-z][a-z0-9-]{0,39}$`},
		{stageRe, `^[A-Za-z0-9_]{1,64}$`},
		{fieldNameRe, `^[A-Za-z_][A-Za-z0-9_]{0,63}$`},
	} {
		want := regexp.MustCompile(c.want)
		for _, first := range []string{"", "a", "Z", "_", "0", "-", "é"} {
			for _, rest := range []string{"a", "Z", "_", "0", "-", ".", "é", " "} {
				for n := 0; n <= 70; n++ {
					s := first + strings.Repeat(rest, n)
					if got := c.match(s); got != want.MatchString(s) {
						t.Errorf("%s: %q: got %v", c.want, s, got)
					}
				}
			}
		}
	}
}
