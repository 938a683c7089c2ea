package stackdiff

import (
	"encoding/json"
	"sort"
	"strings"
)

// modelType is the resource holding the JSON Schema the API validates each
// body with: the shape, at any depth, of the items the stack stores.
const modelType = "AWS::ApiGateway::Model"

// itemBreaks lists the fields, by path, whose new type cannot read what
// items stored under the old template hold there ("field count changes type
// from integer to string"), in path order. Only a number reads what an
// integer was; fields added or removed, or becoming required or optional,
// break nothing stored: the handler skips attributes it does not know and
// tolerates required ones missing from old images. The types are the API
// model's and, for the server-set fields it leaves out, the request
// template's; key fields are compared as the table's.
func itemBreaks(old, new map[string]resource) []string {
	before, after := storedKinds(old, "integer"), storedKinds(new, "number")
	var paths []string
	for path, kind := range before {
		if now, ok := after[path]; ok && now != kind && !(kind == "integer" && now == "number") {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	var why []string
	for i, path := range paths {
		// Below a field that changes type, everything does: say it once.
		if i > 0 && below(path, paths[i-1]) {
			continue
		}
		why = append(why, "field "+path+" changes type from "+before[path]+" to "+after[path])
	}
	return why
}

// storedKinds is the type of every field of the items a template's stack
// stores, by path; serverNumber is the kind of a server-set N (see serverSet).
func storedKinds(resources map[string]resource, serverNumber string) map[string]string {
	kinds := map[string]string{}
	for _, r := range resources {
		switch r.Type {
		case modelType:
			shape(schemaOf(r), "", kinds)
		case methodType:
			serverSet(r, serverNumber, kinds)
		}
	}
	return kinds
}

// below reports whether path lies inside the field at parent.
func below(path, parent string) bool {
	rest, ok := strings.CutPrefix(path, parent)
	return ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "[]"))
}

// schemaOf decodes a model's Schema: JSON text, as gen writes it, or a
// mapping. A schema it cannot read has no fields.
func schemaOf(r resource) map[string]any {
	switch s := r.Properties["Schema"].(type) {
	case map[string]any:
		return s
	case string:
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil {
			return m
		}
	}
	return nil
}

// shape records the spec type of every property of the object schema at
// path prefix into kinds, by path: "author.name", "tags[]" for a list's
// elements.
func shape(schema map[string]any, prefix string, kinds map[string]string) {
	props, _ := schema["properties"].(map[string]any)
	for name, sub := range props {
		value(sub, prefix+name, kinds)
	}
}

func value(schema any, path string, kinds map[string]string) {
	m, _ := schema.(map[string]any)
	typ, _ := m["type"].(string)
	switch typ {
	case "object":
		shape(m, path+".", kinds)
	case "array":
		items, _ := m["items"].(map[string]any)
		if unique := m["uniqueItems"]; unique == true || unique == "true" {
			elem, _ := items["type"].(string)
			typ = elem + "Set" // stringSet, numberSet
			break
		}
		typ = "list"
		value(items, path+"[]", kinds)
	}
	kinds[path] = typ
}
