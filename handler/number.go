package handler

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
)

// Number is a DynamoDB number as its exact decimal text, e.g. "-12.50" or
// "1E+3". DynamoDB keeps up to 38 significant digits, more than a float64
// holds, so the text is kept and converted only on request. The zero value ""
// reads as 0.
type Number string

// String returns the decimal text.
func (n Number) String() string {
	if n == "" {
		return "0"
	}
	return string(n)
}

// Int64 returns n as an int64, or an error if n is not an integer in range.
func (n Number) Int64() (int64, error) {
	if n == "" {
		return 0, nil
	}
	if i, ok := parseInt([]byte(n)); ok {
		return i, nil
	}
	// "1E+3" or "5.0" are integers too.
	rat, err := n.Rat()
	if err != nil {
		return 0, err
	}
	if !rat.IsInt() || !rat.Num().IsInt64() {
		return 0, fmt.Errorf("number %s is not an integer in int64's range", n)
	}
	return rat.Num().Int64(), nil
}

// Float64 returns the float64 nearest to n.
func (n Number) Float64() (float64, error) {
	return strconv.ParseFloat(n.String(), 64)
}

// Rat returns n as an exact rational number.
func (n Number) Rat() (*big.Rat, error) {
	if !n.valid() {
		return nil, fmt.Errorf("%q is not a number", string(n))
	}
	rat, ok := new(big.Rat).SetString(n.String())
	if !ok {
		return nil, fmt.Errorf("%q is not a number", string(n))
	}
	return rat, nil
}

func (n Number) valid() bool {
	s := n.String()
	return scanNumber([]byte(s), 0) == len(s)
}

// MarshalJSON writes n as a JSON number, digit for digit.
func (n Number) MarshalJSON() ([]byte, error) {
	if !n.valid() {
		return nil, fmt.Errorf("%q is not a number", string(n))
	}
	return []byte(n.String()), nil
}

// UnmarshalJSON reads a JSON number, keeping its text.
func (n *Number) UnmarshalJSON(b []byte) error {
	if scanNumber(b, 0) != len(b) || len(b) == 0 {
		return errors.New("handler.Number: expected a JSON number")
	}
	*n = Number(b)
	return nil
}
