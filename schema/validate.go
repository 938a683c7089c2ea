package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/streamgen/streamgen/item"
)

// Validator checks request bodies against a spec's model, as the deployed
// API's request validator does. It runs the draft-04 keywords Model writes,
// and refuses a model with any other, with the semantics and the messages of
// github.com/santhosh-tekuri/jsonschema (draft-04): the tests hold it to that
// library on every body of the oracle's corpus. The library itself is not
// used here because its package init compiles the meta-schemas of five
// drafts, which every run of gen would pay for.
type Validator struct {
	root *rule
}

// rule is one schema of the model: the keywords Model writes.
type rule struct {
	types                []string // "type": one, or a list (an update's nullable field)
	enum                 []any    // string, bool or json.Number
	properties           map[string]*rule
	required             []string
	minProperties        *int
	closed               bool // additionalProperties: false
	items                *rule
	minItems, maxItems   *int
	unique               bool
	minLength, maxLength *int
	pattern              *regexp.Regexp
	minimum, maximum     *big.Rat
}

// NewValidator compiles the model of it.
func NewValidator(it *item.Item) (*Validator, error) {
	model, err := Model(it)
	if err != nil {
		return nil, err
	}
	return compileModel(model)
}

// NewUpdateValidator compiles the update model of it (UpdateModel).
func NewUpdateValidator(it *item.Item) (*Validator, error) {
	model, err := UpdateModel(it)
	if err != nil {
		return nil, err
	}
	return compileModel(model)
}

func compileModel(model []byte) (*Validator, error) {
	doc, err := decode(model)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	root, err := compile(doc, "")
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return &Validator{root: root}, nil
}

// decode reads one JSON value, numbers as their text.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid character after top-level value")
	}
	return v, nil
}

func compile(v any, at string) (*rule, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: a schema must be an object", where(at))
	}
	r := &rule{}
	for key, val := range m {
		var err error
		switch key {
		case "$schema", "title":
		case "type":
			r.types, err = types(val, at)
		case "enum":
			r.enum, err = as[[]any](val, at, key)
		case "properties":
			var props map[string]any
			if props, err = as[map[string]any](val, at, key); err == nil {
				r.properties = map[string]*rule{}
				for name, p := range props {
					if r.properties[name], err = compile(p, at+"/properties/"+name); err != nil {
						return nil, err
					}
				}
			}
		case "minProperties":
			r.minProperties, err = count(val, at, key)
		case "required":
			var names []any
			if names, err = as[[]any](val, at, key); err == nil {
				for _, n := range names {
					name, err := as[string](n, at, key)
					if err != nil {
						return nil, err
					}
					r.required = append(r.required, name)
				}
			}
		case "additionalProperties":
			var open bool
			open, err = as[bool](val, at, key)
			r.closed = !open
		case "items":
			r.items, err = compile(val, at+"/items")
		case "uniqueItems":
			r.unique, err = as[bool](val, at, key)
		case "minItems":
			r.minItems, err = count(val, at, key)
		case "maxItems":
			r.maxItems, err = count(val, at, key)
		case "minLength":
			r.minLength, err = count(val, at, key)
		case "maxLength":
			r.maxLength, err = count(val, at, key)
		case "pattern":
			var p string
			if p, err = as[string](val, at, key); err == nil {
				r.pattern, err = regexp.Compile(p)
			}
		case "minimum":
			r.minimum, err = rat(val, at, key)
		case "maximum":
			r.maximum, err = rat(val, at, key)
		default:
			return nil, fmt.Errorf("%s: the validator does not run %q", where(at), key)
		}
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// typeOrder is the library's order of the types in its message.
var typeOrder = []string{"null", "boolean", "number", "integer", "string", "array", "object"}

// types reads "type": a name or a list of names, kept in typeOrder.
func types(v any, at string) ([]string, error) {
	names := []any{v}
	if list, ok := v.([]any); ok {
		names = list
	}
	var out []string
	for _, t := range typeOrder {
		for _, n := range names {
			name, err := as[string](n, at, "type")
			if err != nil {
				return nil, err
			}
			if !slices.Contains(typeOrder, name) {
				return nil, fmt.Errorf("%s: type: %q is not a JSON type", where(at), name)
			}
			if name == t {
				out = append(out, t)
				break
			}
		}
	}
	return out, nil
}

func as[T any](v any, at, key string) (T, error) {
	t, ok := v.(T)
	if !ok {
		return t, fmt.Errorf("%s: %s: %v is not a %T", where(at), key, v, t)
	}
	return t, nil
}

func count(v any, at, key string) (*int, error) {
	n, err := as[json.Number](v, at, key)
	if err != nil {
		return nil, err
	}
	i, err := strconv.Atoi(string(n))
	if err != nil || i < 0 {
		return nil, fmt.Errorf("%s: %s: %s is not a count", where(at), key, n)
	}
	return &i, nil
}

func rat(v any, at, key string) (*big.Rat, error) {
	n, err := as[json.Number](v, at, key)
	if err != nil {
		return nil, err
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return nil, fmt.Errorf("%s: %s: %s is not a number", where(at), key, n)
	}
	return r, nil
}

// maxProblems is how many problems a message lists.
const maxProblems = 5

// Validate returns nil when the model accepts body, else an error whose
// message says what is wrong and where, for a 400 answer. An empty body is an
// empty object, as API Gateway's mapping template sees it.
func (v *Validator) Validate(body []byte) error {
	doc, err := readBody(body, decode)
	if err != nil {
		return err
	}
	var problems []string
	if !v.root.check(doc, "", &problems) {
		return nil
	}
	return joinProblems(problems)
}

// readBody reads body with decode, refusing what cannot be stored as sent:
// text that is not UTF-8, not JSON, a lone surrogate escape, a huge number.
// An empty body is an empty object.
func readBody(body []byte, decode func([]byte) (any, error)) (any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := unicodeText(body); err != nil {
		return nil, err
	}
	doc, err := decode(body)
	if err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if at := loneSurrogate(body); at >= 0 {
		return nil, fmt.Errorf("not Unicode text: the escape %s at byte %d is half of a UTF-16 surrogate pair", body[at:at+6], at)
	}
	if err := hugeNumber(doc, ""); err != nil {
		return nil, err
	}
	return doc, nil
}

// joinProblems is the message of problems: sorted, the first maxProblems.
func joinProblems(problems []string) error {
	sort.Strings(problems)
	if len(problems) > maxProblems {
		problems = append(problems[:maxProblems], fmt.Sprintf("and %d more", len(problems)-maxProblems))
	}
	return errors.New(strings.Join(problems, "; "))
}

// printer formats counts as the library's messages do (1,000).
var printer = sync.OnceValue(func() *message.Printer { return message.NewPrinter(language.English) })

// check adds to problems what is wrong with v at the JSON pointer at, and
// says whether anything is. As the library does, a wrong type or a value
// outside the enum is the only problem of v; the other keywords all report,
// and a value below the body with more than one problem of its own or of its
// members is also "validation failed" (the library's group of them).
func (r *rule) check(v any, at string, problems *[]string) bool {
	p := printer()
	failures := 0
	add := func(format string, args ...any) {
		*problems = append(*problems, "at "+where(at)+": "+p.Sprintf(format, args...))
		failures++
	}
	defer func() {
		if failures > 1 && at != "" {
			*problems = append(*problems, "at "+at+": validation failed")
		}
	}()
	child := func(r *rule, v any, at string) {
		if r.check(v, at, problems) {
			failures++
		}
	}
	t := typeOf(v)
	if len(r.types) > 0 && !slices.Contains(r.types, t) && !(slices.Contains(r.types, "integer") && t == "number" && isInteger(v)) {
		add("got %s, want %s", t, strings.Join(r.types, " or "))
		return true
	}
	if r.enum != nil && !slices.ContainsFunc(r.enum, func(e any) bool { return equal(v, e) }) {
		if len(r.enum) == 1 {
			add("value must be %s", display(r.enum[0]))
		} else {
			want := make([]string, len(r.enum))
			for i, e := range r.enum {
				want[i] = display(e)
			}
			add("value must be one of %s", strings.Join(want, ", "))
		}
		return true
	}
	switch v := v.(type) {
	case map[string]any:
		r.checkObject(v, at, add, child)
	case []any:
		if r.minItems != nil && len(v) < *r.minItems {
			add("minItems: got %d, want %d", len(v), *r.minItems)
		}
		if r.maxItems != nil && len(v) > *r.maxItems {
			add("maxItems: got %d, want %d", len(v), *r.maxItems)
		}
		if r.unique {
			if i, j, ok := duplicate(v); ok {
				add("items at %d and %d are equal", i, j)
			}
		}
		if r.items != nil {
			for i, e := range v {
				child(r.items, e, at+"/"+strconv.Itoa(i))
			}
		}
	case string:
		n := utf8.RuneCountInString(v)
		if r.minLength != nil && n < *r.minLength {
			add("minLength: got %d, want %d", n, *r.minLength)
		}
		if r.maxLength != nil && n > *r.maxLength {
			add("maxLength: got %d, want %d", n, *r.maxLength)
		}
		if r.pattern != nil && !r.pattern.MatchString(v) {
			add("%s does not match pattern %s", quote(v), quote(r.pattern.String()))
		}
	case json.Number:
		n, ok := new(big.Rat).SetString(string(v))
		if !ok {
			break
		}
		// Bounds are shown exactly, not as the library's float64 (which
		// reads 1.0000000000000000001 against a maximum of 1 as "got 1, want 1").
		if r.minimum != nil && n.Cmp(r.minimum) < 0 {
			add("minimum: got %s, want at least %s", decimal(n), decimal(r.minimum))
		}
		if r.maximum != nil && n.Cmp(r.maximum) > 0 {
			add("maximum: got %s, want at most %s", decimal(n), decimal(r.maximum))
		}
	}
	return failures > 0
}

func (r *rule) checkObject(obj map[string]any, at string, add func(string, ...any), child func(*rule, any, string)) {
	var missing []string
	for _, name := range r.required {
		if _, ok := obj[name]; !ok {
			missing = append(missing, name)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		add("missing property %s", quote(missing[0]))
	default:
		add("missing properties %s", joinQuoted(missing))
	}
	if r.minProperties != nil && len(obj) < *r.minProperties {
		add("minProperties: got %d, want %d", len(obj), *r.minProperties)
	}
	var additional []string
	for name, val := range obj {
		if p, ok := r.properties[name]; ok {
			child(p, val, at+"/"+pointerEscaper.Replace(name))
		} else if r.closed {
			additional = append(additional, name)
		}
	}
	if len(additional) > 0 {
		sort.Strings(additional) // the library lists them in map order
		add("additional properties %s not allowed", joinQuoted(additional))
	}
}

// typeOf is the JSON type of a decoded value.
func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

func isInteger(v any) bool {
	n, ok := new(big.Rat).SetString(string(v.(json.Number)))
	return ok && n.IsInt()
}

// equal is JSON equality: numbers by value (1 equals 1.0), objects by members.
func equal(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			if bv, ok := b[k]; !ok || !equal(av, bv) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, equal)
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return false
		}
		x, okA := new(big.Rat).SetString(string(a))
		y, okB := new(big.Rat).SetString(string(b))
		return okA && okB && x.Cmp(y) == 0
	}
	return a == b // nil, bool, string
}

// duplicate finds the first item equal to an earlier one: the earliest such
// pair (i < j) by j, then by i, as the library reports it.
func duplicate(arr []any) (i, j int, ok bool) {
	first := map[string]int{}
	for j, v := range arr {
		key := canonical(v)
		if i, ok := first[key]; ok {
			return i, j, true
		}
		first[key] = j
	}
	return 0, 0, false
}

// canonical is a text equal for equal JSON values and only for them.
func canonical(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for _, k := range keys {
			b.WriteString(strconv.Quote(k) + ":" + canonical(v[k]) + ",")
		}
		return b.String() + "}"
	case []any:
		var b strings.Builder
		b.WriteByte('[')
		for _, e := range v {
			b.WriteString(canonical(e) + ",")
		}
		return b.String() + "]"
	case json.Number:
		if n, ok := new(big.Rat).SetString(string(v)); ok {
			return "n" + n.RatString()
		}
		return "n" + string(v)
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprint(v) // nil, bool
}

// quote, joinQuoted and display are the library's, for the same messages.
func quote(s string) string {
	s = fmt.Sprintf("%q", s)
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s[1:len(s)-1] + "'"
}

func joinQuoted(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quote(n)
	}
	return strings.Join(quoted, ", ")
}

func display(v any) string {
	if s, ok := v.(string); ok {
		return quote(s)
	}
	return fmt.Sprintf("%v", v)
}

// where names a location in the body: "/" for the body itself.
func where(instanceLocation string) string {
	if instanceLocation == "" {
		return "/"
	}
	return instanceLocation
}

// unicodeText refuses a body that is not UTF-8. encoding/json would read
// each bad byte as U+FFFD and store a string the client never sent;
// DynamoDB keeps strings as UTF-8 ("Supported data types and naming rules
// in Amazon DynamoDB"), so the body cannot be stored as it is.
func unicodeText(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	at := 0
	for at < len(body) {
		r, size := utf8.DecodeRune(body[at:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		at += size
	}
	return fmt.Errorf("not UTF-8 text: byte %d (0x%02x) is not UTF-8; send the body as UTF-8 JSON", at, body[at])
}

// loneSurrogate is where body, valid JSON, has a \u escape of a UTF-16
// surrogate that is not part of a pair (encoding/json reads it as U+FFFD),
// or -1.
func loneSurrogate(body []byte) int {
	inString := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString:
			if body[i+1] != 'u' {
				i++
				continue
			}
			r := hex4(body[i+2 : i+6])
			switch {
			case r >= 0xD800 && r < 0xDC00:
				next := body[i+6:]
				if len(next) < 6 || next[0] != '\\' || next[1] != 'u' {
					return i
				}
				if low := hex4(next[2:6]); low < 0xDC00 || low > 0xDFFF {
					return i
				}
				i += 11
			case r >= 0xDC00 && r <= 0xDFFF:
				return i
			default:
				i += 5
			}
		}
	}
	return -1
}

// hex4 is the value of four hexadecimal digits (valid JSON has them).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		default:
			r = r<<4 | rune(c-'A'+10)
		}
	}
	return r
}

// decimal is the exact decimal text of r, a number read from JSON (a finite
// decimal); numbers of more than 100 digits are shortened to 40 significant
// digits, with "about".
func decimal(r *big.Rat) string {
	den := new(big.Int).Set(r.Denom())
	places := int(den.TrailingZeroBits())
	den.Rsh(den, uint(places))
	five, fives := big.NewInt(5), 0
	for m := new(big.Int); den.Cmp(big.NewInt(1)) > 0; fives++ {
		if den.DivMod(den, five, m); m.Sign() != 0 {
			break // not a finite decimal: cannot come from JSON
		}
	}
	text := r.FloatString(max(places, fives))
	if len(strings.TrimLeft(text, "-0.")) > 100 {
		f, _ := new(big.Float).SetPrec(200).SetString(text)
		return "about " + f.Text('g', 40)
	}
	return text
}

// The validator compares numbers as big.Rat, whose cost grows with the
// exponent (1e999999 has a million digits) and which fails beyond 1e1000000
// (the validator then panics). Every spec bound and every number DynamoDB
// stores is far inside these limits.
const (
	maxNumberText = 1000
	maxExponent   = 1000
)

// pointerEscaper escapes a key in a JSON pointer (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// hugeNumber refuses a number of doc beyond maxNumberText or maxExponent.
func hugeNumber(doc any, at string) error {
	switch v := doc.(type) {
	case json.Number:
		text := string(v)
		exponent := 0
		if i := strings.IndexAny(text, "eE"); i >= 0 {
			var err error
			if exponent, err = strconv.Atoi(strings.TrimPrefix(text[i+1:], "+")); err != nil {
				exponent = math.MaxInt
			}
		}
		if len(text) > maxNumberText || exponent > maxExponent || exponent < -maxExponent {
			if len(text) > 40 {
				text = text[:40] + "..."
			}
			return fmt.Errorf("at %s: %s is out of range: DynamoDB stores numbers from 1e-130 to 9.99e125, of up to 38 digits", where(at), text)
		}
	case []any:
		for i, e := range v {
			if err := hugeNumber(e, at+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys) // the same answer every time
		for _, k := range keys {
			if err := hugeNumber(v[k], at+"/"+pointerEscaper.Replace(k)); err != nil {
				return err
			}
		}
	}
	return nil
}
