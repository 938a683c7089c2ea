package local

import (
	"strings"
	"testing"
)

func TestCheckNumber(t *testing.T) {
	for _, c := range []struct {
		text string
		ok   bool
	}{
		{"0", true}, {"-0.000", true}, {"1.5", true}, {"-1e125", true}, {"9.99e125", true},
		{"1e126", false}, {"10e125", false}, {"1e-130", true}, {"0.1e-129", true}, {"0.01e-129", false},
		{"1e-131", false}, {"12345678901234567890123456789012345678", true},
		{"123456789012345678901234567890123456789", false}, {"1234567890123456789012345678901234567800000", true},
		{"0." + strings.Repeat("0", 129) + "1", true}, {"-0." + strings.Repeat("0", 130) + "1", false},
	} {
		if err := checkNumber(c.text); (err == nil) != c.ok {
			t.Errorf("checkNumber(%s) = %v, want ok=%v", c.text, err, c.ok)
		}
	}
}
