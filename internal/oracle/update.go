package oracle

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/streamgen/streamgen/spec"
)

// Updatable are the fields an update body may set, in spec order: neither a
// key (it addresses the item) nor server-set. The update expression's
// placeholders #fN and :vN number this list.
func Updatable(s *spec.Spec) []*spec.Field {
	keys := map[string]bool{s.Table.PartitionKey: true, s.Table.SortKey: true}
	var out []*spec.Field
	for _, f := range s.Fields {
		if !keys[f.Name] && !f.ServerSet() {
			out = append(out, f)
		}
	}
	return out
}

// removable says whether an update's null may remove f: only a field a
// stored item may lack (neither required nor defaulted).
func removable(f *spec.Field) bool { return !f.Required && f.Default == nil }

// Update is what the contract says an update body does to the item.
type Update struct {
	Set    map[string]any // field name -> its new attribute value (DynamoDB JSON)
	Remove []string       // the fields given as null, in spec order
}

// CheckUpdate says why the contract rejects an update body, or nil: it must
// be an object of at least one Updatable field, each with a value valid as
// for create, or null for a field a stored item may lack.
func CheckUpdate(s *spec.Spec, body []byte) error {
	_, err := UpdateOf(s, body, Request{})
	return err
}

// UpdateOf is what a valid update body sets and removes; req gives the
// server-set fields of the objects it holds.
func UpdateOf(s *spec.Spec, body []byte, req Request) (Update, error) {
	v, err := Decode(body)
	if err != nil {
		return Update{}, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return Update{}, fmt.Errorf("$: want an object, got %s", kind(v))
	}
	if len(m) == 0 {
		return Update{}, fmt.Errorf("$: no field to update")
	}
	updatable := Updatable(s)
	byName := map[string]*spec.Field{}
	for _, f := range updatable {
		byName[f.Name] = f
	}
	for _, name := range sortedNames(m) {
		f := byName[name]
		switch {
		case f == nil:
			return Update{}, fmt.Errorf("$: field %q cannot be updated", name)
		case m[name] == nil && !removable(f):
			return Update{}, fmt.Errorf("$.%s: null, but the field cannot be removed", name)
		case m[name] != nil:
			if err := CheckValue(f, m[name], "$."+name); err != nil {
				return Update{}, err
			}
		}
	}
	u := Update{Set: map[string]any{}}
	for _, f := range updatable {
		switch v, given := m[f.Name]; {
		case !given:
		case v == nil:
			u.Remove = append(u.Remove, f.Name)
		default:
			u.Set[f.Name] = attribute(f, v, req)
		}
	}
	return u, nil
}

// UpdateCorpus returns adversarial update bodies for s: every body of Corpus
// cut down to the Updatable fields (so every nasty string and edge number in
// every position, every type), each removable field as null alone and all of
// them at once, values and nulls mixed, and bodies the contract rejects:
// empty, a key, a server-set field, a null that cannot remove, names that
// look like the expression's placeholders or syntax.
func UpdateCorpus(s *spec.Spec) ([]Body, error) {
	create, err := Corpus(s)
	if err != nil {
		return nil, err
	}
	updatable := Updatable(s)
	var bodies []Body
	add := func(name string, members ...Member) {
		bodies = append(bodies, Body{Name: name, JSON: encode(Object(members), false)})
	}
	var full []Member
	for _, c := range create {
		var fields map[string]json.RawMessage
		if json.Unmarshal(c.JSON, &fields) != nil {
			continue
		}
		var members []Member
		for _, f := range updatable {
			if v, ok := fields[f.Name]; ok {
				members = append(members, Member{f.Name, rawJSON(v)})
			}
		}
		if len(members) > 0 {
			add("create/"+c.Name, members...)
		}
		if c.Name == "full" {
			full = members
		}
	}
	var nulls []Member
	for _, f := range updatable {
		null := Member{f.Name, nil}
		if removable(f) {
			nulls = append(nulls, null)
			add("null/"+f.Name, null)
		} else {
			add("null-not-removable/"+f.Name, null)
		}
	}
	if len(nulls) > 0 {
		add("null/all", nulls...)
	}
	var mixed []Member
	for i, m := range full {
		if i%2 == 1 && removable(s.Field(m.Name)) {
			m.Value = nil
		}
		mixed = append(mixed, m)
	}
	if len(mixed) > 0 {
		add("mixed/every-other-null", mixed...)
	}
	one := json.Number("1")
	add("rejected/empty")
	for _, f := range s.Fields {
		if !slices.Contains(updatable, f) {
			add("rejected/not-updatable/"+f.Name, Member{f.Name, "x"})
		}
	}
	for i, name := range []string{"#f0", ":v0", "#pk", "x = :v0, #f0", "a) REMOVE #f1", "SET", "", "$input.body", `"}`} {
		add(fmt.Sprintf("rejected/name-%d", i), Member{name, one})
	}
	return bodies, nil
}
