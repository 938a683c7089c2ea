package stack

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/awslabs/goformation/v7/cloudformation"
	"gopkg.in/yaml.v3"
)

// intrinsicNames are the functions goformation's intrinsics package
// recognises (its defaultIntrinsicHandlers): the names it decodes from the
// base64 strings that cloudformation.Ref, Sub, GetAtt ... return.
var intrinsicNames = map[string]bool{
	"Fn::Base64": true, "Fn::And": true, "Fn::Equals": true, "Fn::If": true, "Fn::Not": true,
	"Fn::Or": true, "Fn::FindInMap": true, "Fn::GetAtt": true, "Fn::GetAZs": true,
	"Fn::ImportValue": true, "Fn::Join": true, "Fn::Select": true, "Fn::Split": true,
	"Fn::Sub": true, "Ref": true, "Fn::Cidr": true, "Fn::Transform": true,
}

// decodeIntrinsics turns v, the template as json.Unmarshal reads it, into
// what Template.YAML encodes: each string that is an encoded intrinsic
// becomes its {"Fn::...": ...} object, as goformation's intrinsics.ProcessJSON
// does, and each number the int or float64 that yaml.v3 reads from its JSON
// text. ProcessJSON would also evaluate a plain object keyed by an intrinsic
// (a Ref to AWS::Region becomes "us-east-1"); the stack never holds one, and
// one is an error here rather than a silent difference.
func decodeIntrinsics(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		for key, val := range v {
			if intrinsicNames[key] {
				return nil, fmt.Errorf("stack: a plain %s object in the template", key)
			}
			d, err := decodeIntrinsics(val)
			if err != nil {
				return nil, err
			}
			v[key] = d
		}
		return v, nil
	case []any:
		for i, val := range v {
			d, err := decodeIntrinsics(val)
			if err != nil {
				return nil, err
			}
			v[i] = d
		}
		return v, nil
	case string:
		return decodeIntrinsicString(v)
	case float64:
		return yamlNumber(v)
	}
	return v, nil // nil, bool
}

// decodeIntrinsicString is s, or the intrinsic object s encodes.
func decodeIntrinsicString(s string) (any, error) {
	decoded, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return s, nil
	}
	var intrinsic map[string]any
	if json.Unmarshal(decoded, &intrinsic) != nil || len(intrinsic) != 1 {
		return s, nil
	}
	for name, arg := range intrinsic {
		if !intrinsicNames[name] {
			return s, nil
		}
		d, err := decodeIntrinsics(arg)
		if err != nil {
			return nil, err
		}
		return map[string]any{name: d}, nil
	}
	return s, nil
}

// maxExactInt is the largest integer every smaller one of which a float64
// holds exactly.
const maxExactInt = 1 << 53

// yamlNumber is what yaml.Unmarshal reads from the JSON text of f: an int
// for an integer, float64 otherwise.
func yamlNumber(f float64) (any, error) {
	if f == math.Trunc(f) && math.Abs(f) <= maxExactInt {
		return int(f), nil // JSON writes it as digits, which YAML reads as an int
	}
	text, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("stack: serialising the template: %w", err)
	}
	var n any
	if err := yaml.Unmarshal(text, &n); err != nil {
		return nil, fmt.Errorf("stack: serialising the template: %w", err)
	}
	return n, nil
}

// The envelope goformation's generated MarshalJSON wraps around a
// resource's properties, by the fields it takes them from; omitted when
// empty.
var envelope = map[string]string{
	"AWSCloudFormationDependsOn":           "DependsOn",
	"AWSCloudFormationMetadata":            "Metadata",
	"AWSCloudFormationDeletionPolicy":      "DeletionPolicy",
	"AWSCloudFormationUpdateReplacePolicy": "UpdateReplacePolicy",
	"AWSCloudFormationCondition":           "Condition",
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	resourceType      = reflect.TypeFor[cloudformation.Resource]()
	numberType        = reflect.TypeFor[json.Number]()
)

// templateTree is jsonTree(t), built by walking t's values: encoding/json
// would first build an encoder for every type goformation's resources can
// hold (all the property types, set or not), which was most of a run of
// gen. The walk follows encoding/json's rules for what goformation's types
// use (json tags, omitempty, the resources' MarshalJSON envelope) and hands
// anything else to jsonTree.
func templateTree(t *cloudformation.Template) (any, error) {
	// Not tree: the Template's method set (two methods for each of
	// goformation's resource types) is dear to search, and it has no
	// MarshalJSON (TestTemplateHasNoMarshaler).
	v := reflect.ValueOf(t).Elem()
	return object(v, fieldsOf(v.Type()).fields)
}

// jsonTree is what json.Unmarshal reads from json.Marshal(v), its
// intrinsics decoded (decodeIntrinsics).
func jsonTree(v any) (any, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("stack: serialising the template: %w", err)
	}
	var doc any
	if err := json.Unmarshal(j, &doc); err != nil {
		return nil, fmt.Errorf("stack: serialising the template: %w", err)
	}
	return decodeIntrinsics(doc)
}

// What the walk learnt of each type, for every later walk (reflect's
// method and field lookups were most of it): reflect.Type -> bool
// (marshalsJSON), -> *structFields (fieldsOf).
var typeMarshals, typeFields sync.Map

// structFields is how encoding/json writes a struct type's fields;
// walkable is false where the walk leaves the struct to encoding/json
// (embedded fields, tag options other than omitempty, names that need
// escaping or collide).
type structFields struct {
	walkable bool
	fields   []jsonField
	resource bool // a generated goformation resource, see resourceTree
	envelope []jsonField
}

type jsonField struct {
	index     int
	name      string
	omitempty bool
}

// tree is jsonTree of the value v holds, by the walk.
func tree(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return tree(v.Elem())
	case reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		if marshalsJSON(v.Type()) {
			if v.Elem().Kind() == reflect.Struct && fieldsOf(v.Elem().Type()).resource {
				return resourceTree(v)
			}
			return jsonTree(v.Interface())
		}
		return tree(v.Elem())
	}
	if marshalsJSON(v.Type()) || v.CanAddr() && marshalsJSON(reflect.PointerTo(v.Type())) {
		return jsonTree(v.Interface())
	}
	switch v.Kind() {
	case reflect.Struct:
		f := fieldsOf(v.Type())
		if !f.walkable {
			return jsonTree(v.Interface())
		}
		return object(v, f.fields)
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		if v.Type().Key().Kind() != reflect.String || marshalsJSON(v.Type().Key()) {
			return jsonTree(v.Interface())
		}
		m := make(map[string]any, v.Len())
		for iter := v.MapRange(); iter.Next(); {
			key := iter.Key().String()
			if intrinsicNames[key] {
				return nil, fmt.Errorf("stack: a plain %s object in the template", key)
			}
			val, err := tree(iter.Value())
			if err != nil {
				return nil, err
			}
			m[key] = val
		}
		return m, nil
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 { // base64
			return jsonTree(v.Interface())
		}
		fallthrough
	case reflect.Array:
		s := make([]any, v.Len())
		for i := range s {
			val, err := tree(v.Index(i))
			if err != nil {
				return nil, err
			}
			s[i] = val
		}
		return s, nil
	case reflect.String:
		if v.Type() == numberType || !utf8.ValidString(v.String()) {
			return jsonTree(v.Interface())
		}
		return decodeIntrinsicString(v.String())
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return yamlNumber(float64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return yamlNumber(float64(v.Uint()))
	case reflect.Float64:
		if f := v.Float(); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return yamlNumber(f)
		}
	}
	return jsonTree(v.Interface()) // float32, and what JSON refuses
}

// marshalsJSON: encoding/json calls a method of t's to write it.
func marshalsJSON(t reflect.Type) bool {
	if m, ok := typeMarshals.Load(t); ok {
		return m.(bool)
	}
	m := t.Implements(marshalerType) || t.Implements(textMarshalerType)
	typeMarshals.Store(t, m)
	return m
}

// object is the JSON object of the struct v's fields.
func object(v reflect.Value, fields []jsonField) (map[string]any, error) {
	m := make(map[string]any, len(fields))
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.omitempty && empty(fv) {
			continue
		}
		val, err := tree(fv)
		if err != nil {
			return nil, err
		}
		m[f.name] = val
	}
	return m, nil
}

// resourcePackages holds goformation's generated resource types, whose
// MarshalJSON is the one resourceTree follows.
const resourcePackages = "github.com/awslabs/goformation/v7/cloudformation/"

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := typeFields.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{walkable: true, fields: make([]jsonField, 0, t.NumField())}
	defer typeFields.Store(t, f)
	names := make(map[string]bool, t.NumField())
	known := true // every AWSCloudFormation field is the envelope's
	for i := range t.NumField() {
		sf := t.Field(i)
		if name, ok := envelope[sf.Name]; ok {
			f.envelope = append(f.envelope, jsonField{i, name, true})
		} else if strings.HasPrefix(sf.Name, "AWSCloudFormation") {
			known = false // UpdatePolicy, CreationPolicy
		}
		if sf.Anonymous {
			f.walkable = false
			continue
		}
		tag := sf.Tag.Get("json")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts != "" && opts != "omitempty" || strings.ContainsAny(name, `"\`) {
			f.walkable = false
		}
		if name == "" {
			name = sf.Name
		}
		if names[name] || intrinsicNames[name] {
			f.walkable = false
		}
		names[name] = true
		f.fields = append(f.fields, jsonField{i, name, opts == "omitempty"})
	}
	f.resource = f.walkable && known && strings.HasPrefix(t.PkgPath(), resourcePackages) &&
		reflect.PointerTo(t).Implements(resourceType)
	return f
}

// resourceTree is the JSON object of the goformation resource r (a
// pointer), as its generated MarshalJSON writes it: its type, its
// properties and the envelope's fields.
func resourceTree(r reflect.Value) (any, error) {
	v := r.Elem()
	f := fieldsOf(v.Type())
	doc, err := object(v, f.envelope)
	if err != nil {
		return nil, err
	}
	doc["Type"] = r.Interface().(cloudformation.Resource).AWSCloudFormationType()
	if doc["Properties"], err = object(v, f.fields); err != nil {
		return nil, err
	}
	return doc, nil
}

// empty is encoding/json's test for omitempty.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
