package spec

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// value converts n, a default or enum value of field f, to its JSON shape
// (see Field), reporting where it breaks f's type or constraints. useEnum
// checks membership in f.Enum too.
func (p *parser) value(f *Field, n *yaml.Node, path string, useEnum bool) (any, bool) {
	var v any
	var ok bool
	switch f.Type {
	case String:
		v, ok = p.stringValue(f, n, path)
	case Integer:
		v, ok = p.integerValue(n, path)
		ok = ok && p.inBounds(f, n, path, v.(json.Number))
	case Number:
		var d Decimal
		d, ok = p.number(n, path)
		v = json.Number(d)
		ok = ok && p.inBounds(f, n, path, v.(json.Number))
	case Boolean:
		v, ok = p.boolean(n, path)
	case List:
		v, ok = p.listValue(f, n, path)
	case StringSet, NumberSet:
		v, ok = p.setValue(f, n, path)
	case Object:
		v, ok = p.objectValue(f, n, path)
	}
	if !ok {
		return nil, false
	}
	if useEnum && f.Enum != nil && !inEnum(f.Enum, v) {
		p.errorf(n, path, "%s is not one of the enum values %s", n.Value, enumText(f.Enum))
		return nil, false
	}
	return v, true
}

func (p *parser) stringValue(f *Field, n *yaml.Node, path string) (string, bool) {
	s, ok := p.str(n, path)
	if !ok {
		return "", false
	}
	count := utf8.RuneCountInString(s)
	switch {
	case f.MinLength != nil && count < *f.MinLength:
		p.errorf(n, path, "%q is shorter than minLength %d", s, *f.MinLength)
	case f.MaxLength != nil && count > *f.MaxLength:
		p.errorf(n, path, "%q is longer than maxLength %d", s, *f.MaxLength)
	case p.patterns[f] != nil && !p.patterns[f].MatchString(s):
		p.errorf(n, path, "%q does not match the pattern %s", s, f.Pattern)
	default:
		return s, true
	}
	return "", false
}

// integerValue reads an integer that fits the handler's int64.
func (p *parser) integerValue(n *yaml.Node, path string) (json.Number, bool) {
	text, ok := p.integerText(n, path)
	if ok && !fitsInt64(text) {
		p.errorf(n, path, "%s is out of range: the handler's integers are 64-bit (%d..%d)", text, math.MinInt64, math.MaxInt64)
		ok = false
	}
	return json.Number(text), ok
}

func fitsInt64(text string) bool {
	_, err := strconv.ParseInt(text, 10, 64)
	return err == nil
}

func (p *parser) inBounds(f *Field, n *yaml.Node, path string, v json.Number) bool {
	r := rat(Decimal(v))
	switch {
	case f.Minimum != nil && r.Cmp(rat(*f.Minimum)) < 0:
		p.errorf(n, path, "%s is less than minimum %s", v, *f.Minimum)
	case f.Maximum != nil && r.Cmp(rat(*f.Maximum)) > 0:
		p.errorf(n, path, "%s is more than maximum %s", v, *f.Maximum)
	default:
		return true
	}
	return false
}

func (p *parser) itemCount(f *Field, n *yaml.Node, path string) bool {
	count := len(n.Content)
	switch {
	case f.MinItems != nil && count < *f.MinItems:
		p.errorf(n, path, "has %d items, fewer than minItems %d", count, *f.MinItems)
	case f.MaxItems != nil && count > *f.MaxItems:
		p.errorf(n, path, "has %d items, more than maxItems %d", count, *f.MaxItems)
	default:
		return true
	}
	return false
}

func (p *parser) listValue(f *Field, n *yaml.Node, path string) ([]any, bool) {
	if !p.isList(n, path) || f.Items == nil || !p.itemCount(f, n, path) {
		return nil, false
	}
	out := []any{}
	ok := true
	for i, c := range n.Content {
		v, good := p.value(f.Items, c, index(path, i), true)
		ok = ok && good
		out = append(out, v)
	}
	return out, ok
}

// setValue reads a stringSet or numberSet value: unique elements, at least one.
func (p *parser) setValue(f *Field, n *yaml.Node, path string) ([]any, bool) {
	if !p.isList(n, path) {
		return nil, false
	}
	if len(n.Content) == 0 {
		p.errorf(n, path, "is empty; a set holds at least one element")
		return nil, false
	}
	if !p.itemCount(f, n, path) {
		return nil, false
	}
	out := []any{}
	seen := map[string]int{}
	ok := true
	for i, c := range n.Content {
		var v any
		var good bool
		if f.Type == StringSet {
			v, good = p.str(c, index(path, i))
		} else {
			var d Decimal
			d, good = p.number(c, index(path, i))
			v = json.Number(d)
		}
		if j, dup := seen[valueKey(v)]; good && dup {
			p.errorf(c, index(path, i), "duplicate set element %s (also at index %d)", c.Value, j)
			good = false
		} else if good {
			seen[valueKey(v)] = i
		}
		ok = ok && good
		out = append(out, v)
	}
	return out, ok
}

func (p *parser) objectValue(f *Field, n *yaml.Node, path string) (*ObjectValue, bool) {
	if !p.isMapping(n, path) {
		return nil, false
	}
	obj := &ObjectValue{Values: map[string]any{}}
	names := make([]string, len(f.Fields))
	for i, sub := range f.Fields {
		names[i] = sub.Name
	}
	ok := true
	for _, e := range p.entries(n, path) {
		name := e.key.Value
		var sub *Field
		for _, s := range f.Fields {
			if s.Name == name {
				sub = s
			}
		}
		switch {
		case sub == nil:
			p.errorf(e.key, path, "%s", unknownKey(name, names))
			ok = false
		case sub.ServerSet():
			p.errorf(e.key, path, "%q is server-set (from: %s); a default cannot give it", name, sub.From)
			ok = false
		default:
			v, good := p.value(sub, e.value, join(path, name), true)
			ok = ok && good
			obj.Keys = append(obj.Keys, name)
			obj.Values[name] = v
		}
	}
	for _, sub := range f.Fields {
		if _, given := obj.Values[sub.Name]; sub.Required && !given && ok {
			p.errorf(n, path, "misses the required field %q", sub.Name)
			ok = false
		}
	}
	return obj, ok
}

// enumText shows enum values as in the spec: [a, b, 1.5].
func enumText(values []any) string {
	texts := make([]string, len(values))
	for i, v := range values {
		texts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(texts, ", ") + "]"
}

func inEnum(enum []any, v any) bool {
	key := valueKey(v)
	for _, x := range enum {
		if valueKey(x) == key {
			return true
		}
	}
	return false
}
