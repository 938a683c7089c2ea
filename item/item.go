// Package item is the one description of the table's item that every output
// reads. New builds it once from a validated spec: per field, at any depth,
// how it is present in a stored item (Presence), its DynamoDB attribute type,
// its key role, its default as DynamoDB stores it, and the constraints a
// request body must keep, adjusted for DynamoDB and for the handler's Go
// types. Each rule of the domain is one
// function here; the packages that write files (schema, vtl, handlergen),
// the Go reference putitem, gen local and the README trust it and do not
// re-derive presence, types or constraints from spec.Field.
//
// The independent oracle (internal/oracle) does not read this package on
// purpose: it checks the outputs against the contract, not against itself.
package item

import (
	"math"
	"strconv"

	"github.com/streamgen/streamgen/spec"
)

// Item is the item of a spec's table.
type Item struct {
	Spec   *spec.Spec // the settings besides the fields (table, stream, API)
	Fields []*Field   // the top-level fields, in the order of the spec
	Keys   []*Field   // the partition key, then the sort key if there is one
	IDs    IDs        // the logical IDs of the stack's resources
}

// Presence says where a stored item's attribute comes from.
type Presence int

const (
	// Optional: from the body when it gives the field, else absent.
	Optional Presence = iota
	// Required: from the body, which must give it.
	Required
	// Defaulted: from the body when it gives the field, else the default.
	Defaulted
	// ServerSet: from the request context; the body never gives it.
	ServerSet
)

// Always reports whether every stored item holds the attribute.
func (p Presence) Always() bool { return p != Optional }

// FromBody reports whether the request body may give the field.
func (p Presence) FromBody() bool { return p != ServerSet }

// Attr is a DynamoDB attribute type.
type Attr string

const (
	S    Attr = "S"
	N    Attr = "N"
	BOOL Attr = "BOOL"
	L    Attr = "L"
	M    Attr = "M"
	SS   Attr = "SS"
	NS   Attr = "NS"
)

// Key is the role of a field in the table's primary key.
type Key int

const (
	NotKey Key = iota
	PartitionKey
	SortKey
)

// Field is one field of the item, or the elements of a list (then Name is "").
type Field struct {
	Name     string
	GoName   string // the spec's goName, "" when absent (see internal/goname)
	Path     string // e.g. "fields.author.fields.email", for messages
	Type     spec.Type
	Attr     Attr
	Presence Presence
	From     spec.Source // ServerSet only
	Key      Key         // top-level fields only
	Enum     []any
	Pattern  string

	// DefaultAttr (Defaulted only) is the default's DynamoDB attribute
	// value (see defaultAttr); a server-set field in it is a ServerSetValue.
	DefaultAttr any

	// The constraints a body's value must keep: the spec's, with the
	// contract's defaults (a body-given string key's minLength 1, see
	// minLengthOf; a looped array's maxItems 1000, which spec.Parse applies
	// as it checks defaults against it). Bounds and MinItems add what
	// DynamoDB and the handler need.
	Minimum, Maximum     *spec.Decimal
	MinLength, MaxLength *int
	MaxItems             *int

	minItems *int

	Items  *Field   // Type == spec.List
	Fields []*Field // Type == spec.Object, in the order of the spec
}

// New builds the item of s, a spec that spec.Parse returned.
func New(s *spec.Spec) *Item {
	it := &Item{Spec: s, IDs: newIDs(s.Name)}
	for _, f := range s.Fields {
		it.Fields = append(it.Fields, newField(f, keyRole(s, f)))
	}
	for _, f := range it.Fields {
		if f.Key == PartitionKey {
			it.Keys = append([]*Field{f}, it.Keys...)
		} else if f.Key == SortKey {
			it.Keys = append(it.Keys, f)
		}
	}
	return it
}

func keyRole(s *spec.Spec, f *spec.Field) Key {
	switch f.Name {
	case s.Table.PartitionKey:
		return PartitionKey
	case s.Table.SortKey:
		if s.Table.SortKey != "" {
			return SortKey
		}
	}
	return NotKey
}

func newField(f *spec.Field, key Key) *Field {
	out := &Field{
		Name: f.Name, GoName: f.GoName, Path: f.Path, Type: f.Type, Attr: attrOf(f.Type),
		Presence: presenceOf(f), From: f.From, Key: key,
		Enum: f.Enum, Pattern: f.Pattern,
		Minimum: f.Minimum, Maximum: f.Maximum, MinLength: minLengthOf(f, key), MaxLength: f.MaxLength,
		MaxItems: f.MaxItems, minItems: f.MinItems,
	}
	if f.Items != nil {
		out.Items = newField(f.Items, NotKey)
	}
	for _, sub := range f.Fields {
		out.Fields = append(out.Fields, newField(sub, NotKey))
	}
	if out.Presence == Defaulted {
		out.DefaultAttr = defaultAttr(out, f.Default)
	}
	return out
}

// minLengthOf: a string key the body gives is at least one character long,
// unless the spec says more (it refuses minLength 0 on a key): DynamoDB
// refuses an empty key string, and the body's 400 beats a failed write.
func minLengthOf(f *spec.Field, key Key) *int {
	if key != NotKey && f.Type == spec.String && !f.ServerSet() && f.MinLength == nil {
		one := 1
		return &one
	}
	return f.MinLength
}

// presenceOf: the server's value wins over a body's, a default makes a field
// always present, and only a field with neither may be absent.
func presenceOf(f *spec.Field) Presence {
	switch {
	case f.ServerSet():
		return ServerSet
	case f.Default != nil:
		return Defaulted
	case f.Required:
		return Required
	}
	return Optional
}

// attrOf is the DynamoDB attribute type a value of type t is stored as.
func attrOf(t spec.Type) Attr {
	switch t {
	case spec.String:
		return S
	case spec.Number, spec.Integer:
		return N
	case spec.Boolean:
		return BOOL
	case spec.List:
		return L
	case spec.Object:
		return M
	case spec.StringSet:
		return SS
	case spec.NumberSet:
		return NS
	}
	return ""
}

// Updatable reports whether an update body may set the field: the key
// addresses the item and server-set fields are the server's, so neither
// changes after create.
func (f *Field) Updatable() bool { return f.Presence.FromBody() && f.Key == NotKey }

// Removable reports whether an update body's null may remove the field:
// only a field a stored item may lack (a required or defaulted field is
// always present, and the handler's Go type says so).
func (f *Field) Removable() bool { return f.Presence == Optional && f.Key == NotKey }

// MinItems is the fewest elements a body's array may have, or nil for no
// limit: a set has at least one, as DynamoDB has no empty set.
func (f *Field) MinItems() *int {
	if (f.Type == spec.StringSet || f.Type == spec.NumberSet) && (f.minItems == nil || *f.minItems < 1) {
		one := 1
		return &one
	}
	return f.minItems
}

// Int64 bounds an integer without its own: the handler decodes integers
// into int64.
var (
	minInt64 = spec.Decimal(strconv.FormatInt(math.MinInt64, 10))
	maxInt64 = spec.Decimal(strconv.FormatInt(math.MaxInt64, 10))
)

// Bounds are the least and greatest number a body may give, nil for none:
// an integer stays within int64 unless the spec narrows it.
func (f *Field) Bounds() (minimum, maximum *spec.Decimal) {
	minimum, maximum = f.Minimum, f.Maximum
	if f.Type == spec.Integer {
		if minimum == nil {
			minimum = &minInt64
		}
		if maximum == nil {
			maximum = &maxInt64
		}
	}
	return minimum, maximum
}

// ServerKeys are the key fields the server sets, partition key first: the
// fields of the API's 200 answer.
func (it *Item) ServerKeys() []*Field {
	var keys []*Field
	for _, k := range it.Keys {
		if k.Presence == ServerSet {
			keys = append(keys, k)
		}
	}
	return keys
}

// BodyFields are the fields of fields the request body may give.
func BodyFields(fields []*Field) []*Field {
	var out []*Field
	for _, f := range fields {
		if f.Presence.FromBody() {
			out = append(out, f)
		}
	}
	return out
}
