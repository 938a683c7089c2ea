package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
)

// maxItemSize is DynamoDB's item size limit, in UTF-8 bytes as it counts
// them ("Service, account, and table quotas in Amazon DynamoDB": 400 KB);
// its key size limits are putitem.MaxKeyBytes.
const maxItemSize = 400 * 1024

// refused returns why DynamoDB would refuse to store item (its
// ValidationException), or nil: an empty string in a key, a key value over
// its size, a number beyond its 38 digits or range, a set with duplicates,
// an item over 400 KB.
func refused(it *item.Item, item Item) error {
	values := make(map[string]any, len(item))
	for name, raw := range item {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := checkAttribute(v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		values[name] = v
	}
	if size := itemSizeAsDynamoDB(values); size > maxItemSize {
		return fmt.Errorf("item of %d bytes as DynamoDB counts them, over the 400 KB limit", size)
	}
	for _, k := range it.Keys {
		limit := putitem.MaxKeyBytes(k)
		switch size := attributeSize(values[k.Name]); {
		case string(item[k.Name]) == `{"S":""}`:
			return fmt.Errorf("%s: a key attribute cannot hold an empty string", k.Name)
		case size > limit:
			return fmt.Errorf("%s: a key value of %d bytes, over DynamoDB's %d", k.Name, size, limit)
		}
	}
	return nil
}

// itemSizeAsDynamoDB is the size DynamoDB's 400 KB limit applies to: the
// UTF-8 bytes of every attribute name and value, plus the overheads of
// "DynamoDB item sizes and formats" (CapacityUnitCalculations.html).
func itemSizeAsDynamoDB(values map[string]any) int {
	n := 0
	for name, v := range values {
		n += len(name) + attributeSize(v)
	}
	return n
}

// attributeSize is the size of one attribute value: a string its UTF-8
// bytes, a number 1 byte per two significant digits plus 1, a boolean or
// null 1, a list or map 3 plus 1 per element plus the elements (a map's
// with their names), a set the sum of its elements.
func attributeSize(v any) int {
	av, _ := v.(map[string]any)
	n := 0
	for typ, val := range av {
		switch typ {
		case "S":
			s, _ := val.(string)
			n += len(s)
		case "N":
			s, _ := val.(string)
			n += numberSize(s)
		case "BOOL", "NULL":
			n++
		case "SS", "NS":
			for _, e := range val.([]any) {
				s, _ := e.(string)
				if typ == "NS" {
					n += numberSize(s)
				} else {
					n += len(s)
				}
			}
		case "L":
			n += 3
			for _, e := range val.([]any) {
				n += 1 + attributeSize(e)
			}
		case "M":
			n += 3
			for name, e := range val.(map[string]any) {
				n += 1 + len(name) + attributeSize(e)
			}
		}
	}
	return n
}

// numberSize is a number's size to DynamoDB: its significant digits
// (leading and trailing zeros trimmed), two to a byte, plus one byte.
func numberSize(text string) int {
	mantissa, _, _ := strings.Cut(strings.ToLower(strings.TrimLeft(text, "-+")), "e")
	digits := strings.Trim(strings.Replace(mantissa, ".", "", 1), "0")
	return (len(digits)+1)/2 + 1
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

// checkNumber applies DynamoDB's number limits (spec.NumberLimits).
func checkNumber(text string) error {
	if !spec.IsJSONNumber(text) {
		return fmt.Errorf("%q is not a number", text)
	}
	if why := spec.NumberLimits(text); why != "" {
		return fmt.Errorf("%s %s", text, why)
	}
	return nil
}
