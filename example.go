package streamgen

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/streamgen/streamgen/spec"
)

// exampleBody is a small request body for the README: the required body
// fields of fields, each with a value its constraints accept (a pattern is
// not solved: its field gets a plain example).
func exampleBody(fields []*spec.Field) []byte {
	var b strings.Builder
	b.WriteByte('{')
	n := 0
	for _, f := range fields {
		if f.ServerSet() || !f.Required {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		name, _ := json.Marshal(f.Name)
		b.Write(name)
		b.WriteByte(':')
		b.WriteString(exampleValue(f))
	}
	b.WriteByte('}')
	return []byte(b.String())
}

func exampleValue(f *spec.Field) string {
	if len(f.Enum) > 0 {
		v, err := json.Marshal(f.Enum[0])
		if err == nil {
			return string(v)
		}
	}
	switch f.Type {
	case spec.String:
		s := "example"
		if f.MinLength != nil {
			for len(s) < *f.MinLength {
				s += "-example"
			}
		}
		if f.MaxLength != nil && len(s) > *f.MaxLength {
			s = s[:*f.MaxLength]
		}
		v, _ := json.Marshal(s)
		return string(v)
	case spec.Number, spec.Integer:
		if f.Minimum != nil {
			return string(*f.Minimum)
		}
		if f.Maximum != nil {
			return string(*f.Maximum)
		}
		return "1"
	case spec.Boolean:
		return "true"
	case spec.Object:
		return string(exampleBody(f.Fields))
	case spec.List:
		return exampleList(f, func(int) string { return exampleValue(f.Items) })
	case spec.StringSet:
		return exampleList(f, func(i int) string { return strconv.Quote("example" + strconv.Itoa(i+1)) })
	case spec.NumberSet:
		return exampleList(f, func(i int) string { return strconv.Itoa(i + 1) })
	}
	return "null"
}

// exampleList has as many items as the field needs: at least one for sets.
func exampleList(f *spec.Field, item func(i int) string) string {
	n := 0
	if f.Type != spec.List {
		n = 1
	}
	if f.MinItems != nil && *f.MinItems > n {
		n = *f.MinItems
	}
	items := make([]string, n)
	for i := range items {
		items[i] = item(i)
	}
	return "[" + strings.Join(items, ",") + "]"
}
