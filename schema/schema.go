// Package schema writes the JSON Schema (draft-04, as API Gateway models use)
// of a spec's request body, and validates bodies against it for `gen local`
// and the tests, as a draft-04 validator does (see Validator).
//
// The model is derived from the same field tree as the request template
// (package vtl): server-set fields are not in it, every object level has
// additionalProperties: false, sets are arrays of unique items with at least
// one, body-given string keys have minLength 1 (DynamoDB refuses empty keys),
// and integers have int64's bounds unless the spec narrows them (the
// handler's Go type is int64).
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/streamgen/streamgen/spec"
)

// Draft4 is the $schema of the model.
const Draft4 = "http://json-schema.org/draft-04/schema#"

// Model returns the JSON Schema of s's request body: deterministic, keys in a
// fixed order, 2-space indented, small objects on one line, numbers with the
// exact decimal text of the spec.
func Model(s *spec.Spec) ([]byte, error) {
	keys := map[*spec.Field]bool{}
	for _, k := range s.KeyFields() {
		keys[k] = true
	}
	body, err := objectSchema(s.Fields, keys)
	if err != nil {
		return nil, err
	}
	root := append(node{{"$schema", Draft4}, {"title", s.Name}}, body...)
	var b bytes.Buffer
	if err := write(&b, root, 0); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// node is a JSON object with its keys in order.
type node []member

type member struct {
	Key   string
	Value any // string, bool, int, number, node or []any
}

// number is the exact text of a JSON number.
type number string

func objectSchema(fields []*spec.Field, keys map[*spec.Field]bool) (node, error) {
	props := node{}
	var required []any
	for _, f := range fields {
		if f.ServerSet() {
			continue
		}
		fs, err := fieldSchema(f, keys[f])
		if err != nil {
			return nil, err
		}
		props = append(props, member{f.Name, fs})
		if f.Required {
			required = append(required, f.Name)
		}
	}
	n := node{{"type", "object"}, {"properties", props}}
	if len(required) > 0 { // draft-04 wants at least one name in required
		n = append(n, member{"required", required})
	}
	return append(n, member{"additionalProperties", false}), nil
}

func fieldSchema(f *spec.Field, key bool) (node, error) {
	switch f.Type {
	case spec.Object:
		return objectSchema(f.Fields, nil)
	case spec.List:
		if f.Items == nil {
			return nil, fmt.Errorf("%s: list without items", f.Path)
		}
		items, err := fieldSchema(f.Items, false)
		if err != nil {
			return nil, err
		}
		n := node{{"type", "array"}, {"items", items}}
		return appendCounts(n, f.MinItems, f.MaxItems, 0), nil
	case spec.StringSet, spec.NumberSet:
		itemType := "string"
		if f.Type == spec.NumberSet {
			itemType = "number"
		}
		n := node{{"type", "array"}, {"items", node{{"type", itemType}}}, {"uniqueItems", true}}
		return appendCounts(n, f.MinItems, f.MaxItems, 1), nil // DynamoDB has no empty set
	case spec.String:
		n := node{{"type", "string"}}
		n, err := appendEnum(n, f)
		if err != nil {
			return nil, err
		}
		if f.Pattern != "" {
			n = append(n, member{"pattern", f.Pattern})
		}
		minLength := f.MinLength
		if key && (minLength == nil || *minLength < 1) {
			one := 1 // DynamoDB refuses an empty string key
			minLength = &one
		}
		if minLength != nil {
			n = append(n, member{"minLength", *minLength})
		}
		if f.MaxLength != nil {
			n = append(n, member{"maxLength", *f.MaxLength})
		}
		return n, nil
	case spec.Number, spec.Integer, spec.Boolean:
		n := node{{"type", string(f.Type)}}
		n, err := appendEnum(n, f)
		if err != nil {
			return nil, err
		}
		minimum, maximum := f.Minimum, f.Maximum
		if f.Type == spec.Integer { // the handler decodes integers into int64
			minimum, maximum = orDefault(minimum, minInt64), orDefault(maximum, maxInt64)
		}
		for _, bound := range []struct {
			key string
			d   *spec.Decimal
		}{{"minimum", minimum}, {"maximum", maximum}} {
			if bound.d == nil {
				continue
			}
			num, err := jsonNumber(string(*bound.d))
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", f.Path, bound.key, err)
			}
			n = append(n, member{bound.key, num})
		}
		return n, nil
	}
	return nil, fmt.Errorf("%s: unknown type %q", f.Path, f.Type)
}

var (
	minInt64 = spec.Decimal(strconv.FormatInt(math.MinInt64, 10))
	maxInt64 = spec.Decimal(strconv.FormatInt(math.MaxInt64, 10))
)

func orDefault(d *spec.Decimal, fallback spec.Decimal) *spec.Decimal {
	if d != nil {
		return d
	}
	return &fallback
}

// appendCounts adds minItems (at least least) and maxItems.
func appendCounts(n node, minItems, maxItems *int, least int) node {
	if minItems != nil && *minItems > least {
		least = *minItems
	}
	if least > 0 {
		n = append(n, member{"minItems", least})
	}
	if maxItems != nil {
		n = append(n, member{"maxItems", *maxItems})
	}
	return n
}

func appendEnum(n node, f *spec.Field) (node, error) {
	if len(f.Enum) == 0 {
		return n, nil
	}
	values := make([]any, len(f.Enum))
	for i, v := range f.Enum {
		switch v := v.(type) {
		case string, bool:
			values[i] = v
		case json.Number:
			num, err := jsonNumber(string(v))
			if err != nil {
				return nil, fmt.Errorf("%s: enum: %w", f.Path, err)
			}
			values[i] = num
		default:
			return nil, fmt.Errorf("%s: enum value of type %T", f.Path, v)
		}
	}
	return append(n, member{"enum", values}), nil
}

var numberText = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`) })

func jsonNumber(text string) (number, error) {
	if !numberText().MatchString(text) {
		return "", fmt.Errorf("%q is not a JSON number", text)
	}
	return number(text), nil
}

// inlineWidth is the longest line a small object or array is kept on.
const inlineWidth = 100

// write writes v as JSON: objects and arrays of scalars on one line when
// short, others one member a line, indented by two spaces.
func write(b *bytes.Buffer, v any, depth int) error {
	if line, ok := inline(v); ok && depth*2+len(line) <= inlineWidth {
		b.WriteString(line)
		return nil
	}
	indent := strings.Repeat("  ", depth+1)
	switch v := v.(type) {
	case node:
		b.WriteString("{\n")
		for i, m := range v {
			b.WriteString(indent)
			b.WriteString(str(m.Key))
			b.WriteString(": ")
			if err := write(b, m.Value, depth+1); err != nil {
				return err
			}
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent[2:] + "}")
	case []any:
		b.WriteString("[\n")
		for i, e := range v {
			b.WriteString(indent)
			if err := write(b, e, depth+1); err != nil {
				return err
			}
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent[2:] + "]")
	default:
		line, ok := inline(v) // a scalar stays on its line however long
		if !ok {
			return fmt.Errorf("schema: cannot write %T", v)
		}
		b.WriteString(line)
	}
	return nil
}

// inline is v on one line, if v is a scalar or holds scalars only.
func inline(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return str(v), true
	case number:
		return string(v), true
	case bool, int:
		return fmt.Sprint(v), true
	case node:
		parts := make([]string, len(v))
		for i, m := range v {
			s, ok := scalar(m.Value)
			if !ok {
				return "", false
			}
			parts[i] = str(m.Key) + ": " + s
		}
		return "{" + strings.Join(parts, ", ") + "}", true
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, ok := scalar(e)
			if !ok {
				return "", false
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	}
	return "", false
}

// scalar is v on one line if v is a scalar, or an array or object of scalars.
func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case node:
		if len(v) == 0 {
			return "{}", true
		}
		for _, m := range v {
			if _, ok := m.Value.(node); ok {
				return "", false
			}
		}
		return inline(v)
	case []any:
		return inline(v)
	}
	return inline(v)
}

// str is s as a JSON string; <, > and & stay as they are for readability.
func str(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
