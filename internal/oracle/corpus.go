package oracle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/streamgen/streamgen/spec"
)

// Body is one request body of the corpus.
type Body struct {
	Name string // what it attacks, e.g. "string/json-injection"
	JSON []byte
}

// NastyStrings are put into every string position of a body, one body each:
// text that breaks JSON or Velocity when a template pastes it unescaped.
func NastyStrings() []struct{ Name, Value string } {
	list := []struct{ Name, Value string }{
		{"empty", ""},
		{"space", " "},
		{"double-quote", `"`},
		{"quoted", `say "hi"`},
		{"backslash", `\`},
		{"trailing-backslash", `abc\`},
		{"double-backslash", `\\`},
		{"escaped-quote", `\"`},
		{"single-quote", `'`},
		{"single-quoted", `it's 'quoted'`},
		{"dollar", `$`},
		{"dollar-name", `$x $!x $input`},
		{"dollar-brace", `${x} ${input.body}`},
		{"input-body", `$input.body`},
		{"input-json", `$input.json('$')`},
		{"util", `$util.escapeJavaScript("x") $util.base64Decode("eA==")`},
		{"context", `$context.requestId`},
		{"set", `#set($x = "pwned")$x`},
		{"end", `#end`},
		{"if", `#if(true)x#else y#end`},
		{"foreach", `#foreach($i in [1..3])$i#end`},
		{"line-comment", `## not a comment`},
		{"block-comment", `#* not a comment *#`},
		{"open-block-comment", `#* never closed`},
		{"unparsed", `#[[raw]]#`},
		{"escaped-directive", `\#set \$x \\$y`},
		{"hash", `#`},
		{"json-injection", `","x":{"S":"`},
		{"json-injection-close", `"}, "x": {"S": "y"}, "z": {"S": "`},
		{"json-injection-item", `"}}, "ConditionExpression": "attribute_exists(nope)", "x": {"S":"`},
		{"json-text", `{"S":"x"}`},
		{"u-escape-text", `\u0024\u0023\u0022`},
		{"slash", `</script> a/b \/`},
		{"html", `<b>&amp;</b>`},
		{"all-controls", allControls()},
		{"line-separators", "a\u2028b\u2029c"},
		{"non-ascii", "ünïcödé ß 日本語 Ελληνικά"},
		{"emoji", "😀👍🏽👨‍👩‍👧 🏳️‍🌈"},
		{"bom-and-replacement", "\ufeff\ufffd\uffff"},
		{"100KB", strings.Repeat("abcdefghij", 10240)},
		{"100KB-nasty", strings.Repeat(`"\$#'`+"\u2028\n", 100*1024/7)},
	}
	for c := 0; c < 0x20; c++ {
		list = append(list, struct{ Name, Value string }{fmt.Sprintf("control-%02x", c), fmt.Sprintf("a%cb", c)})
	}
	return list
}

func allControls() string {
	var b strings.Builder
	for c := 0; c < 0x20; c++ {
		b.WriteByte(byte(c))
	}
	return b.String()
}

// EdgeNumbers are put into every number position, one body each. Integers
// get only the integral ones.
func EdgeNumbers() []struct {
	Name     string
	Value    json.Number
	Integral bool
} {
	return []struct {
		Name     string
		Value    json.Number
		Integral bool
	}{
		{"zero", "0", true},
		{"minus-zero", "-0", true},
		{"minus-one", "-1", true},
		{"beyond-float64-exact", "9007199254740993", true},
		{"int64-max", "9223372036854775807", true},
		{"int64-min", "-9223372036854775808", true},
		{"38-digits", "12345678901234567890123456789012345678", true},
		{"beyond-int64", "9223372036854775808", true},
		{"fraction", "0.1", false},
		{"38-significant-fraction", "1.2345678901234567890123456789012345678", false},
		{"exponent", "1.5E+2", false},
		{"1e308", "1e308", false},
		{"tiny", "-1e-130", false},
		{"trailing-zeros", "2.50", false},
	}
}

// maxItemBytes is DynamoDB's item size limit.
const maxItemBytes = 400 * 1024

// Corpus returns the adversarial bodies for s: valid bodies carrying every
// nasty string and edge number in every position that can hold it, bodies at
// and beyond every limit, and bodies the contract rejects. Whether a body is
// valid is for Check to say, not for its name.
func Corpus(s *spec.Spec) ([]Body, error) {
	s = withKeyMinLength(s)
	g := &generator{}
	var bodies []Body
	add := func(name string, v any) {
		bodies = append(bodies, Body{Name: name, JSON: encode(v, false)})
	}
	full := g.object(s.Fields, nil)
	add("full", full)
	bodies = append(bodies, Body{Name: "full/every-char-escaped", JSON: encode(full, true)})
	add("minimal", g.minimal(s.Fields))
	for _, n := range NastyStrings() {
		value, positions := n.Value, -1
		if len(value) > maxItemBytes/8 {
			positions = 1 // the item must stay under DynamoDB's 400 KB
		}
		add("string/"+n.Name, g.object(s.Fields, func(f *spec.Field) (any, bool) {
			if f.Type != spec.String || positions == 0 {
				return nil, false
			}
			positions--
			return value, true
		}))
	}
	for _, n := range EdgeNumbers() {
		n := n
		add("number/"+n.Name, g.object(s.Fields, func(f *spec.Field) (any, bool) {
			return n.Value, f.Type == spec.Number || (f.Type == spec.Integer && n.Integral)
		}))
	}
	add("limits/upper", g.object(s.Fields, g.bound(true)))
	add("limits/lower", g.object(s.Fields, g.bound(false)))
	add("lists/empty", g.object(s.Fields, func(f *spec.Field) (any, bool) {
		return []any{}, f.Type == spec.List
	}))
	// API Gateway stops a #foreach after 1000 iterations: an array the
	// request template loops over is stored whole at 1000 elements; at 1001
	// the model must refuse it, or it would be stored cut short.
	walk(s.Fields, "", func(f *spec.Field, path string) {
		if !spec.Looped(f.Type) || f.ServerSet() {
			return
		}
		if f.MaxItems == nil || *f.MaxItems >= spec.MaxLoopItems {
			add("loops/1000/"+path, g.with(s.Fields, f, g.elements(f, spec.MaxLoopItems)))
		}
		add("loop-over-1000/"+path, g.with(s.Fields, f, g.elements(f, spec.MaxLoopItems+1)))
	})
	add("sets/many", g.object(s.Fields, func(f *spec.Field) (any, bool) {
		switch f.Type {
		case spec.StringSet:
			return []any{"a", "A", "a ", `"`, "\u2028", "😀"}, true
		case spec.NumberSet:
			return []any{json.Number("1"), json.Number("-1"), json.Number("1.5"), json.Number("1e3")}, true
		}
		return nil, false
	}))
	bodies = append(bodies, invalid(g, s)...)
	if g.err != nil {
		return nil, g.err
	}
	// A spec without, say, numbers gets the same body for every edge number.
	seen := map[string]bool{}
	distinct := bodies[:0]
	for _, b := range bodies {
		if !seen[string(b.JSON)] {
			seen[string(b.JSON)] = true
			distinct = append(distinct, b)
		}
	}
	return distinct, nil
}

// invalid returns bodies that break the contract in one way each.
func invalid(g *generator, s *spec.Spec) []Body {
	var bodies []Body
	raw := func(name, text string) { bodies = append(bodies, Body{Name: name, JSON: []byte(text)}) }
	add := func(name string, v any) { bodies = append(bodies, Body{Name: name, JSON: encode(v, false)}) }
	raw("not-json/truncated", `{"a": `)
	raw("not-json/single-quotes", `{'a': 'b'}`)
	raw("not-json/trailing", `{} {}`)
	raw("not-object/array", `[]`)
	raw("not-object/string", `"x"`)
	raw("not-object/null", `null`)
	add("unknown/top", append(g.object(s.Fields, nil), Member{"notAField", "x"}))
	add("unknown/deep-nesting", append(g.object(s.Fields, nil),
		Member{"deep", rawJSON(strings.Repeat("[", 1000) + strings.Repeat("]", 1000))}))
	walk(s.Fields, "", func(f *spec.Field, path string) {
		switch {
		case f.ServerSet():
			add("server-set/"+path, g.with(s.Fields, f, "from the body"))
			return
		case f.Required:
			add("missing/"+path, g.without(s.Fields, f))
		}
		add("null/"+path, g.with(s.Fields, f, nil))
		add("wrong-type/"+path, g.with(s.Fields, f, wrongType(f)))
		if f.Type == spec.Object {
			add("unknown/"+path, g.with(s.Fields, f, append(g.object(f.Fields, nil), Member{"notAField", true})))
		}
		if len(f.Enum) > 0 {
			add("enum/"+path, g.with(s.Fields, f, notInEnum(f)))
		}
		for _, b := range g.beyond(f) {
			add("beyond-"+b.name+"/"+path, g.with(s.Fields, f, b.value))
		}
		switch f.Type {
		case spec.Integer:
			add("beyond-int64/"+path, g.with(s.Fields, f, json.Number("9223372036854775808")))
		case spec.StringSet:
			add("empty-set/"+path, g.with(s.Fields, f, []any{}))
			add("duplicate/"+path, g.with(s.Fields, f, []any{"a", "b", "a"}))
		case spec.NumberSet:
			add("empty-set/"+path, g.with(s.Fields, f, []any{}))
			add("duplicate/"+path, g.with(s.Fields, f, []any{json.Number("1"), json.Number("1.0")}))
		}
	})
	return bodies
}

// walk calls fn for every field at every depth, the items of lists included.
func walk(fields []*spec.Field, prefix string, fn func(f *spec.Field, path string)) {
	for _, f := range fields {
		path := prefix + f.Name
		fn(f, path)
		for item := f; item.Type == spec.List; item = item.Items {
			path += "[]"
			if item.Items.Type == spec.Object {
				walk(item.Items.Fields, path+".", fn)
			}
		}
		if f.Type == spec.Object {
			walk(f.Fields, path+".", fn)
		}
	}
}

func wrongType(f *spec.Field) any {
	switch f.Type {
	case spec.String:
		return json.Number("1")
	case spec.Number, spec.Integer:
		return "1"
	case spec.Boolean:
		return "true"
	case spec.Object:
		return []any{}
	}
	return Object{{"0", "x"}} // lists and sets
}

func notInEnum(f *spec.Field) any {
	if f.Type == spec.String {
		return "not-in-the-enum-" + strings.Repeat("x", 3)
	}
	return json.Number("-987654321.125")
}

// Member is one name and value of an Object.
type Member struct {
	Name  string
	Value any
}

// Object is a JSON object that keeps its member order.
type Object []Member

// rawJSON is JSON text written as it is.
type rawJSON string

// generator builds valid values for fields; it keeps the first field it
// cannot find a valid value for.
type generator struct {
	err error
}

// override may replace the generated value of a leaf field (it reports ok);
// a replacement the contract rejects for that field is not used.
type override func(f *spec.Field) (v any, ok bool)

// object is a valid object of every body field, with o's replacements.
func (g *generator) object(fields []*spec.Field, o override) Object {
	obj := Object{}
	for _, f := range fields {
		if !f.ServerSet() {
			obj = append(obj, Member{f.Name, g.value(f, o)})
		}
	}
	return obj
}

// minimal is a valid object of the required fields only.
func (g *generator) minimal(fields []*spec.Field) Object {
	obj := Object{}
	for _, f := range fields {
		if f.Required {
			v := g.value(f, nil)
			if f.Type == spec.Object {
				v = g.minimal(f.Fields)
			}
			obj = append(obj, Member{f.Name, v})
		}
	}
	return obj
}

func (g *generator) value(f *spec.Field, o override) any {
	if o != nil {
		if v, ok := o(f); ok && CheckValue(f, decoded(v), f.Path) == nil {
			return v
		}
	}
	switch f.Type {
	case spec.Object:
		return g.object(f.Fields, o)
	case spec.List:
		n := 1
		if f.MinItems != nil && *f.MinItems > n {
			n = *f.MinItems
		}
		if f.MaxItems != nil && *f.MaxItems < n {
			n = *f.MaxItems
		}
		items := []any{}
		for i := 0; i < n; i++ {
			items = append(items, g.value(f.Items, o))
		}
		return items
	case spec.StringSet:
		members := []any{}
		for i := 0; i < g.setSize(f); i++ {
			v := any(fmt.Sprintf("member-%d", i))
			if o != nil && i == 0 {
				if s, ok := o(&spec.Field{Type: spec.String}); ok {
					v = s
				}
			}
			members = append(members, v)
		}
		return members
	case spec.NumberSet:
		members := []any{}
		for i := 0; i < g.setSize(f); i++ {
			v := any(json.Number(fmt.Sprint(i + 1)))
			if o != nil && i == 0 {
				if n, ok := o(&spec.Field{Type: spec.Number}); ok {
					v = n
				}
			}
			members = append(members, v)
		}
		return members
	}
	return g.leaf(f)
}

func (g *generator) setSize(f *spec.Field) int {
	if f.MinItems != nil && *f.MinItems > 1 {
		return *f.MinItems
	}
	return 1
}

// leaf is a valid string, number or boolean for f.
func (g *generator) leaf(f *spec.Field) any {
	var candidates []any
	for _, e := range f.Enum {
		candidates = append(candidates, e)
	}
	switch f.Type {
	case spec.Boolean:
		candidates = append(candidates, true)
	case spec.String:
		for _, s := range []string{"a@b.c", "abc", "a", "A1", "0", "a-b_c.d", "a@b"} {
			candidates = append(candidates, fit(s, f))
		}
	case spec.Number, spec.Integer:
		for _, d := range []*spec.Decimal{f.Minimum, f.Maximum} {
			if d != nil {
				candidates = append(candidates, json.Number(string(*d)))
			}
		}
		candidates = append(candidates, json.Number("7"), json.Number("7.25"), json.Number("-3"))
	}
	for _, c := range candidates {
		if CheckValue(f, c, f.Path) == nil {
			return c
		}
	}
	if g.err == nil {
		g.err = fmt.Errorf("oracle corpus: no valid value for %s (type %s, pattern %q): extend the candidates", f.Path, f.Type, f.Pattern)
	}
	return nil
}

// fit pads or cuts s to f's length limits.
func fit(s string, f *spec.Field) string {
	for f.MinLength != nil && utf8.RuneCountInString(s) < *f.MinLength {
		s += s[len(s)-1:]
	}
	if f.MaxLength != nil && utf8.RuneCountInString(s) > *f.MaxLength {
		s = string([]rune(s)[:*f.MaxLength])
	}
	return s
}

// bound replaces leaves by the values at their upper (or lower) limits.
func (g *generator) bound(upper bool) override {
	return func(f *spec.Field) (any, bool) {
		switch f.Type {
		case spec.String:
			if upper && f.MaxLength != nil {
				return fit(strings.Repeat("é", *f.MaxLength), f), true
			}
			if !upper && f.MinLength != nil {
				return strings.Repeat("😀", *f.MinLength), true
			}
		case spec.Number, spec.Integer:
			if upper && f.Maximum != nil {
				return json.Number(string(*f.Maximum)), true
			}
			if !upper && f.Minimum != nil {
				return json.Number(string(*f.Minimum)), true
			}
		}
		return nil, false
	}
}

type limitValue struct {
	name  string // "upper" or "lower"
	value any
}

// beyond returns values just past each of f's limits.
func (g *generator) beyond(f *spec.Field) []limitValue {
	var out []limitValue
	switch f.Type {
	case spec.String:
		if f.MaxLength != nil {
			out = append(out, limitValue{"upper", strings.Repeat("a", *f.MaxLength+1)})
		}
		if f.MinLength != nil && *f.MinLength > 0 {
			out = append(out, limitValue{"lower", strings.Repeat("a", *f.MinLength-1)})
		}
	case spec.Number, spec.Integer:
		one := big.NewRat(1, 1)
		if f.Maximum != nil {
			out = append(out, limitValue{"upper", decimal(new(big.Rat).Add(rat(string(*f.Maximum)), one))})
		}
		if f.Minimum != nil {
			out = append(out, limitValue{"lower", decimal(new(big.Rat).Sub(rat(string(*f.Minimum)), one))})
		}
	case spec.List, spec.StringSet, spec.NumberSet:
		item := func(i int) any {
			switch f.Type {
			case spec.StringSet:
				return fmt.Sprint("m", i)
			case spec.NumberSet:
				return json.Number(fmt.Sprint(i))
			}
			return g.value(f.Items, nil)
		}
		if f.MaxItems != nil {
			items := []any{}
			for i := 0; i <= *f.MaxItems; i++ {
				items = append(items, item(i))
			}
			out = append(out, limitValue{"upper", items})
		}
		if f.MinItems != nil && *f.MinItems > 0 {
			items := []any{}
			for i := 0; i < *f.MinItems-1; i++ {
				items = append(items, item(i))
			}
			out = append(out, limitValue{"lower", items})
		}
	}
	return out
}

// elements is an array of n valid elements of f, a list or a number set.
func (g *generator) elements(f *spec.Field, n int) []any {
	items := make([]any, n)
	for i := range items {
		if f.Type == spec.NumberSet {
			items[i] = json.Number(fmt.Sprint(i + 1))
		} else {
			items[i] = g.value(f.Items, nil)
		}
	}
	return items
}

// decimal writes r as a JSON number.
func decimal(r *big.Rat) json.Number {
	if r.IsInt() {
		return json.Number(r.RatString())
	}
	return json.Number(r.FloatString(20))
}

// with is a valid body in which field target (at any depth) holds v.
func (g *generator) with(fields []*spec.Field, target *spec.Field, v any) Object {
	return g.object(fields, nil).replace(fields, target, v, false)
}

// without is a valid body in which field target (at any depth) is absent.
func (g *generator) without(fields []*spec.Field, target *spec.Field) Object {
	return g.object(fields, nil).replace(fields, target, nil, true)
}

// replace sets (or drops) target wherever it is in obj, an object of fields.
func (obj Object) replace(fields []*spec.Field, target *spec.Field, v any, drop bool) Object {
	out := Object{}
	found := false
	for _, m := range obj {
		for _, f := range fields {
			if f.Name != m.Name {
				continue
			}
			if f == target {
				found = true
				if drop {
					m.Name = ""
				} else {
					m.Value = v
				}
			} else {
				m.Value = replaceIn(f, m.Value, target, v, drop)
			}
		}
		if m.Name != "" {
			out = append(out, m)
		}
	}
	for _, f := range fields {
		if f == target && !found && !drop {
			out = append(out, Member{f.Name, v}) // server-set fields are not in obj
		}
	}
	return out
}

func replaceIn(f *spec.Field, value any, target *spec.Field, v any, drop bool) any {
	switch f.Type {
	case spec.Object:
		return value.(Object).replace(f.Fields, target, v, drop)
	case spec.List:
		items := value.([]any)
		out := make([]any, len(items))
		for i, item := range items {
			if f.Items == target {
				out[i] = v
			} else {
				out[i] = replaceIn(f.Items, item, target, v, drop)
			}
		}
		return out
	}
	return value
}

// decoded is v as Decode would return it after encoding.
func decoded(v any) any {
	out, err := Decode(encode(v, false))
	if err != nil {
		panic("oracle: corpus value does not encode: " + err.Error())
	}
	return out
}

// encode writes v as JSON: object members in order, numbers as their text,
// strings with only the escapes JSON requires (or, with escapeAll, every
// character as \uXXXX, which API Gateway must read the same).
func encode(v any, escapeAll bool) []byte {
	var b bytes.Buffer
	write(&b, v, escapeAll)
	return b.Bytes()
}

func write(b *bytes.Buffer, v any, escapeAll bool) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		fmt.Fprint(b, v)
	case json.Number:
		b.WriteString(string(v))
	case rawJSON:
		b.WriteString(string(v))
	case string:
		quote(b, v, escapeAll)
	case Object:
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			quote(b, m.Name, escapeAll)
			b.WriteByte(':')
			write(b, m.Value, escapeAll)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			write(b, e, escapeAll)
		}
		b.WriteByte(']')
	default:
		panic(fmt.Sprintf("oracle: cannot encode %T", v))
	}
}

func quote(b *bytes.Buffer, s string, escapeAll bool) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case escapeAll && r > 0xffff:
			r1, r2 := surrogates(r)
			fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
		case escapeAll:
			fmt.Fprintf(b, `\u%04X`, r)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}
