package local

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"slices"
)

// sameItem reports whether a and b hold the same data as DynamoDB sees it:
// numbers by value ("1.50" is "1.5"), binaries by their bytes, sets
// whatever their order. A write that leaves its item the same gets no
// stream record: "If you perform a PutItem or UpdateItem operation that
// does not change any data in an item, DynamoDB Streams does not write a
// stream record for that operation" (DynamoDB developer guide, Change data
// capture for DynamoDB Streams, Streams.html).
func sameItem(a, b Item) bool {
	if len(a) != len(b) {
		return false
	}
	for name, av := range a {
		bv, ok := b[name]
		if !ok || !sameValue(av, bv) {
			return false
		}
	}
	return true
}

// sameValue compares two attribute values ({"S":...}, {"N":...}, ...);
// values it cannot read are the same only when byte for byte equal.
func sameValue(a, b json.RawMessage) bool {
	var x, y map[string]json.RawMessage
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil || len(x) != 1 || len(y) != 1 {
		return bytes.Equal(a, b)
	}
	for typ, xv := range x {
		yv, ok := y[typ]
		if !ok {
			return false
		}
		switch typ {
		case "L":
			var xl, yl []json.RawMessage
			if json.Unmarshal(xv, &xl) != nil || json.Unmarshal(yv, &yl) != nil || len(xl) != len(yl) {
				return false
			}
			for i := range xl {
				if !sameValue(xl[i], yl[i]) {
					return false
				}
			}
			return true
		case "M":
			var xm, ym Item
			return json.Unmarshal(xv, &xm) == nil && json.Unmarshal(yv, &ym) == nil && sameItem(xm, ym)
		case "N", "B", "S":
			xv, yv = []byte("["+string(xv)+"]"), []byte("["+string(yv)+"]")
		}
		xs, ok1 := canonicalSet(typ, xv)
		ys, ok2 := canonicalSet(typ, yv)
		if ok1 && ok2 {
			return slices.Equal(xs, ys)
		}
		return bytes.Equal(xv, yv) // BOOL, NULL
	}
	return false
}

// canonicalSet is a JSON array of strings of type typ (N/NS, B/BS, S/SS),
// each member in one canonical text (a number's value, a binary's bytes),
// sorted: the same for any two arrays DynamoDB holds equal.
func canonicalSet(typ string, raw json.RawMessage) ([]string, bool) {
	var members []string
	if json.Unmarshal(raw, &members) != nil {
		return nil, false
	}
	for i, m := range members {
		switch typ {
		case "N", "NS":
			r, ok := new(big.Rat).SetString(m)
			if !ok {
				return nil, false
			}
			members[i] = r.RatString()
		case "B", "BS":
			b, err := base64.StdEncoding.DecodeString(m)
			if err != nil {
				return nil, false
			}
			members[i] = string(b)
		}
	}
	slices.Sort(members)
	return members, true
}
