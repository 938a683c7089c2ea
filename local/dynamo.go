package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/streamgen/streamgen/spec"
)

// maxItemSize is DynamoDB's item size limit.
const maxItemSize = 400 * 1024

// refused returns why DynamoDB would refuse to store item (its
// ValidationException), or nil: an empty string in a key, a number beyond
// its 38 digits or range, a set with duplicates, an item over 400 KB.
func refused(s *spec.Spec, item Item) error {
	if size := itemSize(item); size > maxItemSize {
		return fmt.Errorf("item of %d bytes, over the 400 KB limit", size)
	}
	for _, k := range s.KeyFields() {
		if string(item[k.Name]) == `{"S":""}` {
			return fmt.Errorf("%s: a key attribute cannot hold an empty string", k.Name)
		}
	}
	for name, raw := range item {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := checkAttribute(v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func checkAttribute(v any) error {
	av, ok := v.(map[string]any)
	if !ok || len(av) != 1 {
		return fmt.Errorf("not an attribute value: %v", v)
	}
	for typ, val := range av {
		switch typ {
		case "N":
			text, _ := val.(string)
			return checkNumber(text)
		case "NS", "SS":
			seen := map[string]bool{}
			for _, e := range val.([]any) {
				text, _ := e.(string)
				if typ == "NS" {
					if err := checkNumber(text); err != nil {
						return err
					}
					r, _ := new(big.Rat).SetString(text)
					text = r.RatString()
				}
				if seen[text] {
					return errors.New("a set holds duplicates")
				}
				seen[text] = true
			}
		case "L":
			for _, e := range val.([]any) {
				if err := checkAttribute(e); err != nil {
					return err
				}
			}
		case "M":
			for name, e := range val.(map[string]any) {
				if err := checkAttribute(e); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		}
	}
	return nil
}

// checkNumber applies DynamoDB's number limits: at most 38 significant
// digits, magnitude 1e-130 to below 1e126 (or zero).
func checkNumber(text string) error {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return fmt.Errorf("%q is not a number", text)
	}
	if r.Sign() == 0 {
		return nil
	}
	mantissa, exp := text, 0
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		mantissa = text[:i]
		fmt.Sscan(text[i+1:], &exp)
	}
	mantissa = strings.TrimLeft(mantissa, "-+")
	intPart, frac, _ := strings.Cut(mantissa, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	// the power of ten of the first significant digit
	magnitude := len(strings.TrimLeft(intPart, "0")) - 1 + exp
	if strings.TrimLeft(intPart, "0") == "" {
		magnitude = -(len(frac) - len(strings.TrimLeft(frac, "0")) + 1) + exp
	}
	digits = strings.TrimRight(digits, "0")
	switch {
	case len(digits) > 38:
		return fmt.Errorf("%s has more than 38 significant digits", text)
	case magnitude > 125:
		return fmt.Errorf("%s is beyond 9.99e125", text)
	case magnitude < -130:
		return fmt.Errorf("%s is below 1e-130", text)
	}
	return nil
}
