package gocode

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/streamgen/streamgen/spec"
)

// itemFile is what item_gen.go.tmpl needs: every decision is made here.
type itemFile struct {
	Package string
	Main    bool // emit func main (false for packages that only decode)
	Name    string
	Item    *structType
	Keys    *structType
	Nested  []*structType // object types below Item, in spec order
}

// structType is a Go struct for an object of the spec and its decoder.
type structType struct {
	Name    string
	Doc     string
	Decoder string // name of the decode function
	Fields  []*structField
	// Missing lists, by index in the decoder's seen array, the paths of
	// the attributes the object must hold.
	Missing []string
}

// structField is one field of a struct and the statement that decodes it.
type structField struct {
	GoName  string
	GoType  string
	Tag     string
	Comment string
	Attr    string // Go literal of the attribute name
	Assign  string // Go statement that decodes the attribute into v
	Seen    int    // index in seen, -1 when the attribute may be absent
}

// builder turns a spec into an itemFile, naming types collision-free.
type builder struct {
	typeNames map[string]bool
	nested    []*structType
	err       error // the first field of a type this generator does not know
}

func (b *builder) fail(f *spec.Field, t spec.Type) {
	if b.err == nil {
		b.err = fmt.Errorf("gocode: %s: unknown field type %q", f.Path, t)
	}
}

func newItemFile(s *spec.Spec, pkg string, withMain bool) (*itemFile, error) {
	b := &builder{typeNames: map[string]bool{"Item": true, "Keys": true, "Record": true}}
	f := &itemFile{Package: pkg, Main: withMain, Name: s.Name}
	// A package without main is used by others: its decoders are exported.
	itemDecoder, keysDecoder := "decodeItem", "decodeKeys"
	if !withMain {
		itemDecoder, keysDecoder = "DecodeItem", "DecodeKeys"
	}
	f.Item = b.structOf("Item", itemDecoder, s.Fields, "", true)
	f.Item.Doc = fmt.Sprintf("Item is an item of the %s table, as its stream images carry it.", s.Name)
	f.Keys = b.structOf("Keys", keysDecoder, s.KeyFields(), "", false)
	f.Keys.Doc = "Keys is the primary key of an item: all a KEYS_ONLY stream record carries."
	f.Nested = b.nested
	return f, b.err
}

// structOf builds the struct for fields at path prefix. Absent attributes
// are allowed only where optional says so (the Keys struct has none).
func (b *builder) structOf(name, decoder string, fields []*spec.Field, prefix string, optional bool) *structType {
	st := &structType{Name: name, Decoder: decoder}
	goNames := map[string]bool{}
	for _, f := range fields {
		path := prefix + f.Name
		typ, decode := b.valueOf(f, name, path)
		sf := &structField{
			GoName: unique(goIdent(f.Name), goNames),
			GoType: typ,
			Tag:    fmt.Sprintf("`json:%q`", f.Name),
			Attr:   strconv.Quote(f.Name),
			Seen:   -1,
		}
		switch {
		case optional && mayBeAbsent(f):
			sf.Tag = fmt.Sprintf("`json:%q`", f.Name+",omitzero")
			sf.Comment = "nil when absent"
			if isPointer(f.Type) {
				sf.GoType = "*" + typ
				decode = "handler.Ptr(" + decode + ")"
			}
		default:
			sf.Seen = len(st.Missing)
			st.Missing = append(st.Missing, strconv.Quote(path))
			sf.Comment = presence(f)
		}
		sf.Assign = fmt.Sprintf("v.%s = %s", sf.GoName, decode)
		st.Fields = append(st.Fields, sf)
	}
	return st
}

// mayBeAbsent: only an optional field that the body may omit is ever absent
// from a stored item; required, defaulted and server-set ones are always written.
func mayBeAbsent(f *spec.Field) bool {
	return !f.Required && f.Default == nil && !f.ServerSet()
}

func presence(f *spec.Field) string {
	switch {
	case f.ServerSet():
		return "set by the server: " + string(f.From)
	case f.Default != nil:
		return "the default when the body omits it"
	}
	return ""
}

// isPointer: absent scalars and objects need a pointer; absent lists and
// sets are nil slices (a stored list or set is never nil, see handler.List).
func isPointer(t spec.Type) bool {
	switch t {
	case spec.List, spec.StringSet, spec.NumberSet:
		return false
	}
	return true
}

// scalars maps each type without parts to its Go type and the handler.Reader
// method that decodes it.
var scalars = map[spec.Type]struct{ goType, method string }{
	spec.String:    {"string", "S"},
	spec.Number:    {"handler.Number", "N"},
	spec.Integer:   {"int64", "Int"},
	spec.Boolean:   {"bool", "Bool"},
	spec.StringSet: {"[]string", "SS"},
	spec.NumberSet: {"[]handler.Number", "NS"},
}

// valueOf returns the Go type of f and the expression that decodes it from
// r at path; owner names the struct holding f, for nested type names.
func (b *builder) valueOf(f *spec.Field, owner, path string) (goType, expr string) {
	lit := strconv.Quote(path)
	switch f.Type {
	case spec.Object:
		st := b.nestedStruct(b.typeName(owner, f.Name), f.Fields, path)
		st.Doc = fmt.Sprintf("%s is the object at %s.", st.Name, path)
		return st.Name, st.Decoder + "(r, " + lit + ")"
	case spec.List:
		elemType, elem := b.elemOf(f.Items, owner, f.Name, path+"[]")
		return "[]" + elemType, fmt.Sprintf("handler.List(r, %s, %s, %s)", lit, strconv.Quote(path+"[]"), elem)
	}
	sc, ok := scalars[f.Type]
	if !ok {
		b.fail(f, f.Type)
	}
	return sc.goType, "r." + sc.method + "(" + lit + ")"
}

// nestedStruct adds the struct of an object below Item, listed before the
// structs of its own objects.
func (b *builder) nestedStruct(name string, fields []*spec.Field, path string) *structType {
	slot := len(b.nested)
	b.nested = append(b.nested, nil)
	st := b.structOf(name, "decode"+name, fields, path+".", true)
	b.nested[slot] = st
	return st
}

// elemOf returns the Go type of a list's elements and a func(*handler.Reader,
// string) value that decodes one.
func (b *builder) elemOf(items *spec.Field, owner, listName, path string) (goType, fn string) {
	switch items.Type {
	case spec.Object:
		st := b.nestedStruct(b.typeName(owner, listName+"Item"), items.Fields, path)
		st.Doc = fmt.Sprintf("%s is an element of the list at %s.", st.Name, strings.TrimSuffix(path, "[]"))
		return st.Name, st.Decoder
	case spec.List:
		elemType, elem := b.elemOf(items.Items, owner, listName+"Item", path+"[]")
		goType = "[]" + elemType
		return goType, fmt.Sprintf("func(r *handler.Reader, path string) %s { return handler.List(r, path, %s, %s) }",
			goType, strconv.Quote(path+"[]"), elem)
	}
	sc, ok := scalars[items.Type]
	if !ok {
		b.fail(items, items.Type)
	}
	return sc.goType, "(*handler.Reader)." + sc.method
}

// typeName names the struct of an object field: its owner's name (except
// Item) followed by the field's Go name, unique in the file.
func (b *builder) typeName(owner, field string) string {
	base := goIdent(field)
	if owner != "Item" {
		base = owner + base
	}
	return unique(base, b.typeNames)
}

// unique returns name, or name followed by the smallest number from 2 on
// that is not taken yet, and marks it taken.
func unique(name string, taken map[string]bool) string {
	candidate := name
	for n := 2; taken[candidate]; n++ {
		candidate = name + strconv.Itoa(n)
	}
	taken[candidate] = true
	return candidate
}

// initialisms are written in capitals in Go names, as Go's style has it.
var initialisms = map[string]bool{
	"api": true, "arn": true, "id": true, "ip": true, "json": true, "sku": true,
	"ttl": true, "uri": true, "url": true, "uuid": true, "http": true, "https": true,
}

// goIdent turns a spec field name ([A-Za-z_][A-Za-z0-9_]*) into an exported
// Go name: words split at "_" and at lower-to-upper case changes, each
// capitalised ("created_at" and "createdAt" -> CreatedAt, "userId" -> UserID).
func goIdent(name string) string {
	var sb strings.Builder
	for _, part := range strings.Split(name, "_") {
		for _, word := range splitHumps(part) {
			if initialisms[strings.ToLower(word)] {
				sb.WriteString(strings.ToUpper(word))
				continue
			}
			sb.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	id := sb.String()
	if id == "" || !unicode.IsLetter(rune(id[0])) {
		id = "X" + id
	}
	return id
}

func splitHumps(s string) []string {
	var words []string
	start := 0
	for i := 1; i < len(s); i++ {
		if unicode.IsLower(rune(s[i-1])) && unicode.IsUpper(rune(s[i])) {
			words = append(words, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		words = append(words, s[start:])
	}
	return words
}
