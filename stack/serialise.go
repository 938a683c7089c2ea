package stack

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"

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
