package item

import (
	"encoding/json"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/streamgen/streamgen/spec"
)

// ExampleBody is a small request body the model accepts, for the README:
// the required body fields, each with a value its constraints accept (a
// string with both a pattern and lengths may still miss one of them).
func (it *Item) ExampleBody() []byte { return exampleBody(it.Fields) }

func exampleBody(fields []*Field) []byte {
	var b strings.Builder
	b.WriteByte('{')
	n := 0
	for _, f := range fields {
		if f.Presence != Required {
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

func exampleValue(f *Field) string {
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
		if f.Pattern != "" {
			if re, err := regexp.Compile(f.Pattern); err == nil && !re.MatchString(s) {
				if m, ok := matching(f.Pattern); ok && re.MatchString(m) {
					s = m
				}
			}
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
func exampleList(f *Field, item func(i int) string) string {
	n := 0
	if minItems := f.MinItems(); minItems != nil {
		n = *minItems
	}
	items := make([]string, n)
	for i := range items {
		items[i] = item(i)
	}
	return "[" + strings.Join(items, ",") + "]"
}

// matching is a short string the pattern matches, for the usual patterns:
// each repeat taken its minimum number of times, each alternative the first,
// each class its first letter, digit or printable character.
func matching(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	ok := writeMatching(&b, re.Simplify())
	return b.String(), ok
}

func writeMatching(b *strings.Builder, re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		r, ok := classRune(re.Rune)
		if !ok {
			return false
		}
		b.WriteRune(r)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpStar, syntax.OpQuest:
	case syntax.OpCapture, syntax.OpPlus:
		return writeMatching(b, re.Sub[0])
	case syntax.OpRepeat:
		for range re.Min {
			if !writeMatching(b, re.Sub[0]) {
				return false
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !writeMatching(b, sub) {
				return false
			}
		}
	case syntax.OpAlternate:
		return writeMatching(b, re.Sub[0])
	default:
		return false
	}
	return true
}

// classRune picks a readable rune of a character class (pairs of bounds).
func classRune(ranges []rune) (rune, bool) {
	for _, want := range "aA0-_.x" {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= want && want <= ranges[i+1] {
				return want, true
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := max(ranges[i], ' '); r <= ranges[i+1] && r < 0x7f; r++ {
			return r, true
		}
	}
	return 0, false
}

// ExampleUpdate is a small update body the update model accepts: the first
// Updatable field with an example value, or nil when no field is Updatable.
func (it *Item) ExampleUpdate() []byte {
	for _, f := range it.Fields {
		if f.Updatable() {
			name, _ := json.Marshal(f.Name)
			return []byte("{" + string(name) + ":" + exampleValue(f) + "}")
		}
	}
	return nil
}
