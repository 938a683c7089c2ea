package stackdiff

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// resource is one resource of a template, decoded generically so that any
// template (an older gen's, a hand-edited one) can be compared.
type resource struct {
	Type       string
	Properties map[string]any
	Attributes map[string]any // DeletionPolicy, UpdateReplacePolicy, DependsOn, ...
}

// parseResources decodes the Resources section of a CloudFormation template
// in YAML (or JSON). Scalars become strings, since CloudFormation passes
// 256 and "256" alike; short-form intrinsics (!Ref, !GetAtt, ...) become their
// long form, so both spellings compare equal.
func parseResources(src []byte) (map[string]resource, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty template")
	}
	root, ok := plain(doc.Content[0]).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a template: the top level is not a mapping")
	}
	raw, ok := root["Resources"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a template: no Resources mapping")
	}
	out := make(map[string]resource, len(raw))
	for id, v := range raw {
		body, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("resource %s is not a mapping", id)
		}
		r := resource{Attributes: map[string]any{}}
		r.Type, _ = body["Type"].(string)
		if r.Type == "" {
			return nil, fmt.Errorf("resource %s has no Type", id)
		}
		r.Properties, _ = body["Properties"].(map[string]any)
		if r.Properties == nil {
			r.Properties = map[string]any{}
		}
		for k, v := range body {
			if k != "Type" && k != "Properties" {
				r.Attributes[k] = v
			}
		}
		out[id] = r
	}
	return out, nil
}

// plain turns a YAML node into map[string]any, []any, string or nil.
func plain(n *yaml.Node) any {
	var v any
	switch n.Kind {
	case yaml.AliasNode:
		return plain(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plain(n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			l[i] = plain(c)
		}
		v = l
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		v = n.Value
	}
	return longForm(n.Tag, v)
}

// longForm rewrites a short-form intrinsic function tag as its long form.
func longForm(tag string, v any) any {
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return v
	}
	name := tag[1:]
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}
	case "GetAtt":
		if s, ok := v.(string); ok {
			resource, attribute, _ := strings.Cut(s, ".")
			v = []any{resource, attribute}
		}
	}
	return map[string]any{"Fn::" + name: v}
}
