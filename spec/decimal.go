package spec

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

var (
	jsonNumber  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`) })
	jsonInteger = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`) })
)

// IsJSONNumber reports whether text is a number in JSON's grammar (RFC 8259).
func IsJSONNumber(text string) bool { return jsonNumber().MatchString(text) }

// NumberLimits reports why text is not a number DynamoDB can store exactly
// (at most 38 significant digits, magnitude 1e-130 to under 1e126), or "".
// text must already be a JSON number. Spec values, gen local's store and
// the 400 answer's message (package putitem) all follow these limits.
func NumberLimits(text string) string {
	mantissa, exp := strings.TrimPrefix(text, "-"), 0
	if i := strings.IndexAny(mantissa, "eE"); i >= 0 {
		e, err := strconv.Atoi(mantissa[i+1:])
		if err != nil || e > 1000 || e < -1000 {
			return "is out of DynamoDB's number range (1e-130 to 9.99e125)"
		}
		mantissa, exp = mantissa[:i], e
	}
	intPart, fracPart, _ := strings.Cut(mantissa, ".")
	digits := intPart + fracPart
	lead := len(digits) - len(strings.TrimLeft(digits, "0"))
	digits = strings.Trim(digits, "0")
	if digits == "" {
		return "" // zero
	}
	if len(digits) > 38 {
		return "has more than 38 significant digits, the most DynamoDB stores"
	}
	// magnitude: the power of ten of the first significant digit
	magnitude := len(intPart) - lead - 1 + exp
	if magnitude < -130 || magnitude > 125 {
		return "is out of DynamoDB's number range (1e-130 to 9.99e125)"
	}
	return ""
}

// rat is the exact value of a decimal that passed NumberLimits.
func rat(d Decimal) *big.Rat {
	r, ok := new(big.Rat).SetString(string(d))
	if !ok {
		return new(big.Rat)
	}
	return r
}
