package spec

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/streamgen/streamgen/internal/goname"
)

// maxDepth is DynamoDB's limit on nested attributes (lists and maps).
const maxDepth = 32

var (
	types   = []string{string(String), string(Number), string(Integer), string(Boolean), string(List), string(Object), string(StringSet), string(NumberSet)}
	sources = []string{string(FromRequestID), string(FromRequestTimeEpoch), string(FromSourceIP), string(FromUserAgent)}

	fieldKeys = []string{"type", "from", "required", "default", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "items", "fields", "goName"}

	// fits says which types each constraint applies to; keys absent here fit every type.
	fits = map[string][]Type{
		"enum":      {String, Number, Integer},
		"pattern":   {String},
		"minLength": {String},
		"maxLength": {String},
		"minimum":   {Number, Integer},
		"maximum":   {Number, Integer},
		"minItems":  {List, StringSet, NumberSet},
		"maxItems":  {List, StringSet, NumberSet},
		"items":     {List},
		"fields":    {Object},
	}

	// sourceTypes are the types a server-set field of each source may have.
	sourceTypes = map[Source][]Type{
		FromRequestID:        {String},
		FromRequestTimeEpoch: {Integer, Number},
		FromSourceIP:         {String},
		FromUserAgent:        {String},
	}
)

// fields reads a fields block (top level or of an object) in file order.
// at is the block's key; depth counts the attributes nested down to here.
func (p *parser) fields(at, n *yaml.Node, path string, depth int) []*Field {
	if !p.isMapping(n, path) {
		return nil
	}
	if len(n.Content) == 0 {
		p.errorf(n, path, "needs at least one field")
		return nil
	}
	var out []*Field
	for _, e := range p.entries(n, path) {
		name, fpath := e.key.Value, join(path, e.key.Value)
		if !fieldNameRe(name) {
			p.errorf(e.key, path, "field name %q must be 1 to 64 of A-Z, a-z, 0-9 and _, not starting with a digit", name)
		}
		f := p.field(e.key, e.value, fpath, depth, false)
		f.Name = name
		out = append(out, f)
	}
	p.siblingGoNames(out)
	return out
}

// field reads one field, or the items of a list (isItems). key is where the
// field is named; depth is its nesting level (1 at the top).
func (p *parser) field(key, n *yaml.Node, path string, depth int, isItems bool) *Field {
	f := &Field{Path: path, Pos: Pos{Line: key.Line, Col: key.Column}}
	before := len(p.errs)
	defer func() {
		if len(p.errs) > before {
			p.broken[f] = true
		}
	}()
	m := p.block(n, path, fieldKeys)
	if m == nil {
		return f
	}
	e, ok := m["type"]
	if !ok && p.suggested[path+" type"] {
		return f
	}
	if !ok {
		p.errorf(key, path, "missing required key \"type\" (one of %s)", strings.Join(types, ", "))
		return f
	}
	t, ok := p.oneOf(e.value, join(path, "type"), "field type", types, typeAliases)
	if !ok {
		return f
	}
	f.Type = Type(t)
	if (f.Type == List || f.Type == Object) && depth > maxDepth {
		p.errorf(e.value, join(path, "type"), "nests deeper than %d levels, the most DynamoDB stores", maxDepth)
		return f
	}

	fit := true
	for _, k := range fieldKeys {
		e, ok := m[k]
		if !ok {
			continue
		}
		if allowed, limited := fits[k]; limited && !typeIn(f.Type, allowed) {
			p.errorf(e.key, path, "%s applies to %s fields, not to %s field", k, typeList(allowed), withArticle(string(f.Type)))
			fit = false
		}
		if isItems && (k == "required" || k == "default" || k == "from" || k == "goName") {
			p.errorf(e.key, path, "items take no %s: they describe each element of the list", k)
			fit = false
		}
	}
	if !fit {
		return f
	}

	if e, ok := m["from"]; ok && !p.from(f, e, path, m) {
		return f
	}
	if e, ok := m["required"]; ok {
		f.Required, _ = p.boolean(e.value, join(path, "required"))
	}
	p.lengths(f, m, path)
	p.bounds(f, m, path)
	p.counts(f, m, path)
	if e, ok := m["pattern"]; ok {
		p.pattern(f, e, path)
	}
	if e, ok := m["goName"]; ok {
		p.goName(f, e, path)
	}
	switch f.Type {
	case List:
		if e, ok := m["items"]; ok {
			f.Items = p.field(e.key, e.value, join(path, "items"), depth+1, true)
		} else {
			p.errorf(key, path, "a list field needs items: {type: ...}")
		}
	case Object:
		if e, ok := m["fields"]; ok {
			f.Fields = p.fields(e.key, e.value, join(path, "fields"), depth+1)
		} else {
			p.errorf(key, path, "an object field needs fields: {...}")
		}
	}
	if e, ok := m["enum"]; ok {
		p.enum(f, e, path)
	}
	if e, ok := m["default"]; ok {
		if f.Required {
			p.errorf(e.key, path, "a required field takes no default: the body always gives it")
		} else if v, ok := p.value(f, e.value, join(path, "default"), true); ok {
			f.Default = v
		}
	}
	return f
}

// from reads a server-set field's source and rejects body constraints on
// it. It reports whether the field can be read further.
func (p *parser) from(f *Field, e entry, path string, m map[string]entry) bool {
	v, ok := p.oneOf(e.value, join(path, "from"), "from source", sources, map[string]string{"requesttime": "requestTimeEpoch", "ip": "sourceIp", "useragent": "userAgent"})
	if !ok {
		return false
	}
	f.From = Source(v)
	if allowed := sourceTypes[f.From]; !typeIn(f.Type, allowed) {
		p.errorf(e.value, join(path, "from"), "from: %s needs a field of type %s, not %s", v, typeList(allowed), f.Type)
	}
	ok = true
	for _, k := range []string{"required", "default", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum"} {
		if c, found := m[k]; found {
			p.errorf(c.key, path, "a server-set field (from: %s) takes no %s: the body never sets it", v, k)
			ok = false
		}
	}
	return ok
}

func (p *parser) lengths(f *Field, m map[string]entry, path string) {
	f.MinLength = p.count(m, "minLength", path)
	f.MaxLength = p.count(m, "maxLength", path)
	if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		p.errorf(m["maxLength"].value, join(path, "maxLength"), "maxLength %d is less than minLength %d", *f.MaxLength, *f.MinLength)
	}
}

func (p *parser) counts(f *Field, m map[string]entry, path string) {
	f.MinItems = p.count(m, "minItems", path)
	f.MaxItems = p.count(m, "maxItems", path)
	if f.MinItems != nil && f.MaxItems != nil && *f.MinItems > *f.MaxItems {
		p.errorf(m["maxItems"].value, join(path, "maxItems"), "maxItems %d is less than minItems %d", *f.MaxItems, *f.MinItems)
	}
	if (f.Type == StringSet || f.Type == NumberSet) && f.MinItems != nil && *f.MinItems == 0 {
		p.errorf(m["minItems"].value, join(path, "minItems"), "a set holds at least one element; minItems must be 1 or more")
	}
	if (f.Type == StringSet || f.Type == NumberSet) && f.MaxItems != nil && *f.MaxItems == 0 {
		p.errorf(m["maxItems"].value, join(path, "maxItems"), "a set holds at least one element; maxItems must be 1 or more")
	}
	if !Looped(f.Type) {
		return
	}
	for _, c := range []struct {
		key   string
		count *int
	}{{"minItems", f.MinItems}, {"maxItems", f.MaxItems}} {
		if c.count != nil && *c.count > MaxLoopItems {
			p.errorf(m[c.key].value, join(path, c.key), "%s %d is over %d: API Gateway stops a mapping template's #foreach loop after %d iterations, so the request template would store a longer %s cut short",
				c.key, *c.count, MaxLoopItems, MaxLoopItems, f.Type)
		}
	}
	if _, given := m["maxItems"]; !given {
		most := MaxLoopItems
		f.MaxItems = &most
	}
}

// MaxLoopItems is the most elements an array the request template loops
// over may hold: API Gateway's quota "Number of iterations in a #foreach ...
// #end loop in mapping templates" is 1000 and cannot be raised
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html),
// and the loop stops there without an error. It is every such array's
// maxItems when the spec gives none.
const MaxLoopItems = 1000

// Looped reports whether the request template writes a value of type t with
// a #foreach loop: lists and number sets are (element by element), string
// sets are not (one $input.json of the whole array).
func Looped(t Type) bool { return t == List || t == NumberSet }

// count reads an optional integer >= 0.
func (p *parser) count(m map[string]entry, key, path string) *int {
	e, ok := m[key]
	if !ok {
		return nil
	}
	v, ok := p.integer(e.value, join(path, key))
	if !ok {
		return nil
	}
	if v < 0 {
		p.errorf(e.value, join(path, key), "must be 0 or more, not %d", v)
		return nil
	}
	return &v
}

func (p *parser) bounds(f *Field, m map[string]entry, path string) {
	read := func(key string) *Decimal {
		e, ok := m[key]
		if !ok {
			return nil
		}
		d, ok := p.number(e.value, join(path, key))
		if !ok {
			return nil
		}
		if f.Type == Integer && !jsonInteger().MatchString(string(d)) {
			p.errorf(e.value, join(path, key), "an integer field's %s must be an integer, not %s", key, d)
			return nil
		}
		if f.Type == Integer && !fitsInt64(string(d)) {
			p.errorf(e.value, join(path, key), "%s is out of range: the handler's integers are 64-bit (%d..%d)", d, math.MinInt64, math.MaxInt64)
			return nil
		}
		return &d
	}
	f.Minimum, f.Maximum = read("minimum"), read("maximum")
	if f.Minimum != nil && f.Maximum != nil && rat(*f.Minimum).Cmp(rat(*f.Maximum)) > 0 {
		p.errorf(m["maximum"].value, join(path, "maximum"), "maximum %s is less than minimum %s", *f.Maximum, *f.Minimum)
	}
}

// pattern reads and checks a pattern, keeping it compiled for checking
// defaults and enum values.
func (p *parser) pattern(f *Field, e entry, path string) {
	v, ok := p.str(e.value, join(path, "pattern"))
	if !ok {
		return
	}
	problems := patternProblems(v)
	for _, msg := range problems {
		p.errorf(e.value, join(path, "pattern"), "%s", msg)
	}
	if len(problems) > 0 {
		return
	}
	f.Pattern = v
	if p.patterns == nil {
		p.patterns = map[*Field]*regexp.Regexp{}
	}
	p.patterns[f] = regexp.MustCompile(v) // patternProblems compiled it: cannot fail
}

func (p *parser) enum(f *Field, e entry, path string) {
	epath := join(path, "enum")
	if !p.isList(e.value, epath) {
		return
	}
	if len(e.value.Content) == 0 {
		p.errorf(e.value, epath, "is empty; list the allowed values or remove enum")
		return
	}
	var values []any
	seen := map[string]int{}
	for i, c := range e.value.Content {
		v, ok := p.value(f, c, index(epath, i), false)
		if !ok {
			continue
		}
		if j, dup := seen[valueKey(v)]; dup {
			p.errorf(c, index(epath, i), "duplicate enum value %s (also at index %d)", c.Value, j)
			continue
		}
		seen[valueKey(v)] = i
		values = append(values, v)
	}
	if len(values) == len(e.value.Content) {
		f.Enum = values
	}
}

func typeIn(t Type, list []Type) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

// withArticle puts "a" or "an" before a word.
func withArticle(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

func typeList(list []Type) string {
	names := make([]string, len(list))
	for i, t := range list {
		names[i] = string(t)
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// valueKey is equal for scalar values that JSON Schema takes as equal:
// strings and booleans by value, numbers by numeric value (1 and 1.0).
func valueKey(v any) string {
	switch v := v.(type) {
	case json.Number:
		return "n" + rat(Decimal(v)).RatString()
	case string:
		return "s" + v
	case bool:
		return "b" + strconv.FormatBool(v)
	}
	return ""
}

// goNameRe is an exported Go identifier without "_", which the handler's
// spelt-out names (Msg_msg) and type names (Item_4item) keep for themselves.
var goNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`) })

func (p *parser) goName(f *Field, e entry, path string) {
	v, ok := p.str(e.value, join(path, "goName"))
	if !ok {
		return
	}
	if !goNameRe().MatchString(v) {
		p.errorf(e.value, join(path, "goName"), "goName %q must be an exported Go name: an upper-case letter A-Z, then letters and digits (no _), such as %q", v, goname.Ident(v))
		return
	}
	f.GoName = v
	p.goNameAt[f] = e.value
}

// siblingGoNames refuses a goName that another of the sibling fields also
// has, or derives from its name (even where that is spelt out, so that
// renaming a sibling never hands its old Go name over), and warns of each Go name spelt out because siblings'
// names collide, which goName would make stable.
func (p *parser) siblingGoNames(fields []*Field) {
	siblings := make([]goname.Sibling, len(fields))
	for i, f := range fields {
		siblings[i] = goname.Sibling{Name: f.Name, GoName: f.GoName}
	}
	names := goname.Of(siblings)
	for i, f := range fields {
		if goname.SpeltOut(siblings, i) {
			var others []string
			for j, o := range fields {
				if j != i && goname.Ident(o.Name) == goname.Ident(f.Name) {
					others = append(others, o.Name)
				}
			}
			sharing := "sibling names " + strings.Join(others, ", ") + " also give"
			if len(others) == 1 {
				sharing = "sibling " + others[0] + " also gives"
			}
			p.warnf(p.fieldKey(f), f.Path, "the handler spells its Go name out as %s, since %s %s, and renames it if that changes; set goName to pick a stable name",
				names[i], sharing, goname.Ident(f.Name))
		}
		if f.GoName == "" {
			continue
		}
		for j, o := range fields {
			switch {
			case j == i:
			case o.GoName != "" && o.GoName == f.GoName && j < i:
				p.errorf(p.goNameAt[f], join(f.Path, "goName"), "fields %s and %s both have goName %q; give one of them another goName", o.Name, f.Name, f.GoName)
			case o.GoName == "" && goname.Ident(o.Name) == f.GoName: // spelt out or not, which siblings may change
				p.errorf(p.goNameAt[f], join(f.Path, "goName"), "goName %q of field %s is the Go name sibling %s derives from its name; choose another goName, or give %s a goName as well", f.GoName, f.Name, o.Name, o.Name)
			}
		}
	}
}

// fieldKey is a node at the field's key, for messages about the field.
func (p *parser) fieldKey(f *Field) *yaml.Node {
	return &yaml.Node{Line: f.Pos.Line, Column: f.Pos.Col}
}
