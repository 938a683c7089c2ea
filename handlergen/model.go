package handlergen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamgen/streamgen/internal/goname"
	"github.com/streamgen/streamgen/internal/version"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// itemFile is what item_gen.go.tmpl needs: every decision is made here.
type itemFile struct {
	Header  string // the generated-code comment, naming the generator's version
	Package string
	Runtime string // import path of the runtime package (package handler)
	Main    bool   // emit func main (false for packages that only decode)
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

// builder turns a spec into an itemFile.
type builder struct {
	types  map[string]string // Go type name of every object, by path (see typeNames)
	nested []*structType
	err    error // the first field of a type this generator does not know
}

func (b *builder) fail(f *item.Field, t spec.Type) {
	if b.err == nil {
		b.err = fmt.Errorf("handlergen: %s: unknown field type %q", f.Path, t)
	}
}

func newItemFile(it *item.Item, pkg, runtime string, withMain bool) (*itemFile, error) {
	s := it.Spec
	types, err := typeNames(it.Fields)
	if err != nil {
		return nil, err
	}
	b := &builder{types: types}
	f := &itemFile{Header: version.GeneratedHeader(), Package: pkg, Runtime: runtime, Main: withMain, Name: s.Name}
	// A package without main is used by others: its decoders are exported.
	itemDecoder, keysDecoder := "decodeItem", "decodeKeys"
	if !withMain {
		itemDecoder, keysDecoder = "DecodeItem", "DecodeKeys"
	}
	topNames := goNames(it.Fields) // the Keys struct names its fields as Item does
	f.Item = b.structOf("Item", itemDecoder, it.Fields, topNames, "", true)
	f.Item.Doc = fmt.Sprintf("Item is an item of the %s table, as its stream images carry it.", s.Name)
	f.Keys = b.structOf("Keys", keysDecoder, it.Keys, topNames, "", false)
	f.Keys.Doc = "Keys is the primary key of an item: all a KEYS_ONLY stream record carries."
	f.Nested = b.nested
	return f, b.err
}

// structOf builds the struct for fields at path prefix, their Go names in
// names. Absent attributes are allowed only where optional says so (the Keys
// struct has none).
func (b *builder) structOf(name, decoder string, fields []*item.Field, names map[string]string, prefix string, optional bool) *structType {
	st := &structType{Name: name, Decoder: decoder}
	for _, f := range fields {
		path := prefix + f.Name
		typ, decode := b.valueOf(f, path)
		sf := &structField{
			GoName: names[f.Name],
			GoType: typ,
			Tag:    fmt.Sprintf("`json:%q`", f.Name),
			Attr:   strconv.Quote(f.Name),
			Seen:   -1,
		}
		switch {
		case optional && !f.Presence.Always():
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

// presence is the comment of an always-present field.
func presence(f *item.Field) string {
	switch f.Presence {
	case item.ServerSet:
		return "set by the server: " + string(f.From)
	case item.Defaulted:
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
// r at path.
func (b *builder) valueOf(f *item.Field, path string) (goType, expr string) {
	lit := strconv.Quote(path)
	switch f.Type {
	case spec.Object:
		st := b.nestedStruct(b.types[path], f.Fields, path)
		st.Doc = fmt.Sprintf("%s is the object at %s.", st.Name, path)
		return st.Name, st.Decoder + "(r, " + lit + ")"
	case spec.List:
		elemType, elem := b.elemOf(f.Items, path+"[]")
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
func (b *builder) nestedStruct(name string, fields []*item.Field, path string) *structType {
	slot := len(b.nested)
	b.nested = append(b.nested, nil)
	st := b.structOf(name, "decode"+name, fields, goNames(fields), path+".", true)
	b.nested[slot] = st
	return st
}

// elemOf returns the Go type of a list's elements, at path, and a
// func(*handler.Reader, string) value that decodes one.
func (b *builder) elemOf(items *item.Field, path string) (goType, fn string) {
	switch items.Type {
	case spec.Object:
		st := b.nestedStruct(b.types[path], items.Fields, path)
		st.Doc = fmt.Sprintf("%s is an element of the list at %s.", st.Name, strings.TrimSuffix(path, "[]"))
		return st.Name, st.Decoder
	case spec.List:
		elemType, elem := b.elemOf(items.Items, path+"[]")
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

// goNames gives the Go name of each of sibling fields, by spec name (see
// goname.Of: a goName key, else the field name's, spelt out on collision).
func goNames(fields []*item.Field) map[string]string {
	siblings := make([]goname.Sibling, len(fields))
	for i, f := range fields {
		siblings[i] = goname.Sibling{Name: f.Name, GoName: f.GoName}
	}
	names := make(map[string]string, len(fields))
	for i, name := range goname.Of(siblings) {
		names[fields[i].Name] = name
	}
	return names
}

// declared are the type names item_gen.go declares besides the objects'.
var declared = []string{"Item", "Keys", "Record"}

// typeNames names the struct of every object in fields, by path ("author",
// "lines[]", "a.b"): its owner's name (none at the top) followed by the
// field's Go name, and "Item" per list level (LinesItem). When two objects
// would share a name (a_b.c and a.b_c), or one would take a declared name
// (a field item), each of them gets "_" and its path after it (pathIdent),
// which again depends on the spec alone, never on the order of fields.
func typeNames(fields []*item.Field) (map[string]string, error) {
	candidates := map[string]string{}
	var walk func(fields []*item.Field, owner, prefix string)
	walk = func(fields []*item.Field, owner, prefix string) {
		names := goNames(fields)
		for _, f := range fields {
			name, path := owner+names[f.Name], prefix+f.Name
			for f.Type == spec.List {
				f, name, path = f.Items, name+"Item", path+"[]"
			}
			if f.Type == spec.Object {
				candidates[path] = name
				walk(f.Fields, name, path+".")
			}
		}
	}
	walk(fields, "", "")

	count := map[string]int{}
	for _, name := range declared {
		count[name]++
	}
	for _, name := range candidates {
		count[name]++
	}
	types := make(map[string]string, len(candidates))
	byName := map[string]string{}
	for path, name := range candidates {
		if count[name] > 1 {
			name += "_" + pathIdent(path)
		}
		if other, ok := byName[name]; ok {
			return nil, fmt.Errorf("handlergen: objects %s and %s get the same Go type name %s", other, path, name)
		}
		byName[name] = path
		types[path] = name
	}
	return types, nil
}

// pathIdent spells a path in identifier characters, one to one: each field
// name after its length, and 0 for each list level ("item" -> 4item,
// "a_b.c" -> 3a_b1c, "a.b_c" -> 1a3b_c, "lines[]" -> 5lines0). A field name
// never starts with a digit, so the lengths read back unambiguously.
func pathIdent(path string) string {
	var b strings.Builder
	for _, segment := range strings.Split(path, ".") {
		name := strings.TrimRight(segment, "[]")
		b.WriteString(strconv.Itoa(len(name)) + name)
		b.WriteString(strings.Repeat("0", (len(segment)-len(name))/2))
	}
	return b.String()
}
