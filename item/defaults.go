package item

import (
	"encoding/json"

	"github.com/streamgen/streamgen/spec"
)

// ServerSetValue stands, inside a default's attribute value, for a field the
// server sets (an object default never gives one): each target writes its
// source its own way, the request template as $context, putitem from the
// request.
type ServerSetValue struct{ Field *Field }

// defaultAttr is the DynamoDB attribute value of v, a value spec.Parse
// checked against f (JSON-shaped, see spec.Field), shaped as encoding/json
// decodes DynamoDB JSON into any: {"S": "..."}, {"N": "1.5"}, {"BOOL": true},
// {"L": [...]}, {"M": {...}}, {"SS": ["a"]}, {"NS": ["1"]}. An object's
// field the value omits takes its own default, or its server's value, or is
// absent: the rules of a body's object. f's subfields are built already.
func defaultAttr(f *Field, v any) any {
	switch f.Type {
	case spec.Number, spec.Integer:
		return map[string]any{"N": string(v.(json.Number))}
	case spec.List:
		l := make([]any, 0, len(v.([]any)))
		for _, e := range v.([]any) {
			l = append(l, defaultAttr(f.Items, e))
		}
		return map[string]any{"L": l}
	case spec.Object:
		given := v.(*spec.ObjectValue).Values
		m := map[string]any{}
		for _, sub := range f.Fields {
			if sub.Presence == ServerSet {
				m[sub.Name] = ServerSetValue{sub}
			} else if e, ok := given[sub.Name]; ok {
				m[sub.Name] = defaultAttr(sub, e)
			} else if sub.Presence == Defaulted {
				m[sub.Name] = sub.DefaultAttr
			}
		}
		return map[string]any{"M": m}
	case spec.StringSet, spec.NumberSet:
		set := make([]any, 0, len(v.([]any)))
		for _, e := range v.([]any) {
			if n, ok := e.(json.Number); ok {
				e = string(n)
			}
			set = append(set, e)
		}
		return map[string]any{string(f.Attr): set}
	}
	return map[string]any{string(f.Attr): v} // S, BOOL: the JSON value as it is
}
