package stack

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
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
	return tree(reflect.ValueOf(t))
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
		if marshals(v.Type()) {
			if v.Type().Implements(resourceType) && v.Elem().Kind() == reflect.Struct {
				return resourceTree(v) // property types have no MarshalJSON
			}
			return jsonTree(v.Interface())
		}
		return tree(v.Elem())
	}
	if marshals(v.Type()) || v.CanAddr() && marshals(reflect.PointerTo(v.Type())) {
		return jsonTree(v.Interface())
	}
	switch v.Kind() {
	case reflect.Struct:
		obj, ok, err := structTree(v)
		if err != nil || ok {
			return obj, err
		}
		return jsonTree(v.Interface())
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		if v.Type().Key().Kind() != reflect.String || v.Type().Key().Implements(textMarshalerType) {
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

func marshals(t reflect.Type) bool {
	return t.Implements(marshalerType) || t.Implements(textMarshalerType)
}

// structTree is the JSON object of the struct v; ok is false where v has
// what the walk leaves to encoding/json (embedded fields, tag options other
// than omitempty, names that need escaping or collide).
func structTree(v reflect.Value) (obj map[string]any, ok bool, err error) {
	t := v.Type()
	m := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil, false, nil
		}
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts != "" && opts != "omitempty" || strings.ContainsAny(name, `"\`) {
			return nil, false, nil
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := m[name]; dup || intrinsicNames[name] {
			return nil, false, nil
		}
		fv := v.Field(i)
		if opts == "omitempty" && empty(fv) {
			continue
		}
		val, err := tree(fv)
		if err != nil {
			return nil, false, err
		}
		m[name] = val
	}
	return m, true, nil
}

// resourcePackages holds goformation's generated resource types, whose
// MarshalJSON is the one resourceTree follows.
const resourcePackages = "github.com/awslabs/goformation/v7/cloudformation/"

// resourceTree is the JSON object of the goformation resource r (a
// pointer): what its generated MarshalJSON writes, its type, its
// properties and the envelope's fields.
func resourceTree(r reflect.Value) (any, error) {
	v := r.Elem()
	t := v.Type()
	if !strings.HasPrefix(t.PkgPath(), resourcePackages) {
		return jsonTree(r.Interface())
	}
	doc := map[string]any{"Type": r.Interface().(cloudformation.Resource).AWSCloudFormationType()}
	for i := range t.NumField() {
		f := t.Field(i)
		name, isEnvelope := envelope[f.Name]
		switch {
		case !isEnvelope && strings.HasPrefix(f.Name, "AWSCloudFormation"):
			return jsonTree(r.Interface()) // UpdatePolicy, CreationPolicy
		case !isEnvelope || empty(v.Field(i)):
			continue
		}
		val, err := tree(v.Field(i))
		if err != nil {
			return nil, err
		}
		doc[name] = val
	}
	props, ok, err := structTree(v)
	if err != nil || !ok {
		if err == nil {
			return jsonTree(r.Interface())
		}
		return nil, err
	}
	doc["Properties"] = props
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
