// Package schema writes the JSON Schema (draft-04, as API Gateway models use)
// of a spec's request body, and validates bodies against it for `gen local`
// and the tests, as a draft-04 validator does (see Validator).
//
// The model is a view of package item, as the request template (package
// vtl) is: server-set fields are not in it, every object level has
// additionalProperties: false, sets are arrays of unique items, and the
// constraints are the item's (item.Field's MinLength, MinItems(), Bounds()).
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// Draft4 is the $schema of the model.
const Draft4 = "http://json-schema.org/draft-04/schema#"

// Model returns the JSON Schema of it's request body: deterministic, keys in
// a fixed order, 2-space indented, small objects on one line, numbers with
// the exact decimal text of the spec.
func Model(it *item.Item) ([]byte, error) {
	root := append(node{{"$schema", Draft4}, {"title", it.Spec.Name}}, objectSchema(it.Fields)...)
	var b bytes.Buffer
	if err := write(&b, root, 0); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// UpdateModel returns the JSON Schema of it's update body (the update route's
// PATCH), written as Model writes: the Updatable fields, none required, each
// with its constraints as for create; a Removable field also takes null (the
// update removes it); at least one property; any other name (a key, a
// server-set field, an unknown one) is refused by additionalProperties.
func UpdateModel(it *item.Item) ([]byte, error) {
	props := node{}
	for _, f := range it.Fields {
		if !f.Updatable() {
			continue
		}
		n := fieldSchema(f)
		if f.Removable() {
			n = nullable(n)
		}
		props = append(props, member{f.Name, n})
	}
	root := node{{"$schema", Draft4}, {"title", it.Spec.Name + " update"}, {"type", "object"}, {"properties", props},
		{"minProperties", 1}, {"additionalProperties", false}}
	var b bytes.Buffer
	if err := write(&b, root, 0); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// nullable is n that also takes null: draft-04's list of types, and null
// among the values of an enum (which otherwise refuses it).
func nullable(n node) node {
	out := make(node, len(n))
	for i, m := range n {
		switch m.Key {
		case "type":
			m.Value = []any{m.Value, "null"}
		case "enum":
			m.Value = append(append([]any{}, m.Value.([]any)...), nil)
		}
		out[i] = m
	}
	return out
}

// node is a JSON object with its keys in order.
type node []member

type member struct {
	Key   string
	Value any // string, bool, int, number, node or []any
}

// number is the exact text of a JSON number.
type number string

func objectSchema(fields []*item.Field) node {
	props := node{}
	var required []any
	for _, f := range item.BodyFields(fields) {
		props = append(props, member{f.Name, fieldSchema(f)})
		if f.Presence == item.Required {
			required = append(required, f.Name)
		}
	}
	n := node{{"type", "object"}, {"properties", props}}
	if len(required) > 0 { // draft-04 wants at least one name in required
		n = append(n, member{"required", required})
	}
	return append(n, member{"additionalProperties", false})
}

func fieldSchema(f *item.Field) node {
	switch f.Type {
	case spec.Object:
		return objectSchema(f.Fields)
	case spec.List:
		return appendCounts(node{{"type", "array"}, {"items", fieldSchema(f.Items)}}, f)
	case spec.StringSet:
		return appendCounts(node{{"type", "array"}, {"items", node{{"type", "string"}}}, {"uniqueItems", true}}, f)
	case spec.NumberSet:
		return appendCounts(node{{"type", "array"}, {"items", node{{"type", "number"}}}, {"uniqueItems", true}}, f)
	case spec.String:
		n := appendEnum(node{{"type", "string"}}, f)
		if f.Pattern != "" {
			n = append(n, member{"pattern", f.Pattern})
		}
		if f.MinLength != nil {
			n = append(n, member{"minLength", *f.MinLength})
		}
		if f.MaxLength != nil {
			n = append(n, member{"maxLength", *f.MaxLength})
		}
		return n
	}
	n := appendEnum(node{{"type", string(f.Type)}}, f)
	minimum, maximum := f.Bounds()
	if minimum != nil {
		n = append(n, member{"minimum", number(*minimum)})
	}
	if maximum != nil {
		n = append(n, member{"maximum", number(*maximum)})
	}
	return n
}

// appendCounts adds minItems (when it limits anything) and maxItems.
func appendCounts(n node, f *item.Field) node {
	if minItems := f.MinItems(); minItems != nil && *minItems > 0 {
		n = append(n, member{"minItems", *minItems})
	}
	if f.MaxItems != nil {
		n = append(n, member{"maxItems", *f.MaxItems})
	}
	return n
}

func appendEnum(n node, f *item.Field) node {
	if len(f.Enum) == 0 {
		return n
	}
	values := make([]any, len(f.Enum))
	for i, v := range f.Enum {
		if d, ok := v.(json.Number); ok {
			values[i] = number(d) // spec.Parse checked it is a JSON number
			continue
		}
		values[i] = v // string or bool
	}
	return append(n, member{"enum", values})
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
	case nil:
		return "null", true
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
