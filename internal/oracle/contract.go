// Package oracle is test tooling that states the spec contract
// (/work/shared/spec-format.md) a second time, independently of the product's
// schema and putitem packages: which request bodies are valid, and which
// DynamoDB item a valid body must become. It also builds the adversarial corpus
// of bodies the oracle tests send through Velocity, the model and DynamoDB.
package oracle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/streamgen/streamgen/spec"
)

var (
	minInt64 = new(big.Rat).SetInt64(math.MinInt64)
	maxInt64 = new(big.Rat).SetInt64(math.MaxInt64)
)

// Request is what the server sets fields from: API Gateway's $context.
type Request struct {
	RequestID   string
	EpochMillis int64
	SourceIP    string
	UserAgent   string
}

// Decode parses a body the way the contract reads it: one JSON value,
// numbers kept as their text.
func Decode(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("body is not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("body is not JSON: data after the value")
	}
	return v, nil
}

// Check says why the contract rejects body, or nil if it must be stored.
func Check(s *spec.Spec, body []byte) error {
	v, err := Decode(body)
	if err != nil {
		return err
	}
	return checkObject(withKeyMinLength(s).Fields, v, "$")
}

// withKeyMinLength is s with the contract's minLength 1 on each string key
// the body gives (DynamoDB refuses an empty key string), stated here as
// well as in the product's model, as the oracle is independent of it.
func withKeyMinLength(s *spec.Spec) *spec.Spec {
	out := *s
	out.Fields = append([]*spec.Field(nil), s.Fields...)
	for i, f := range out.Fields {
		isKey := f.Name == s.Table.PartitionKey || (s.Table.SortKey != "" && f.Name == s.Table.SortKey)
		if isKey && f.Type == spec.String && !f.ServerSet() && f.MinLength == nil {
			key, one := *f, 1
			key.MinLength = &one
			out.Fields[i] = &key
		}
	}
	return &out
}

func checkObject(fields []*spec.Field, v any, path string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: want an object, got %s", path, kind(v))
	}
	byName := map[string]*spec.Field{}
	for _, f := range fields {
		byName[f.Name] = f
	}
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f := byName[name]
		switch {
		case f == nil:
			return fmt.Errorf("%s: unknown field %q", path, name)
		case f.ServerSet():
			return fmt.Errorf("%s: field %q is set by the server", path, name)
		}
		if err := CheckValue(f, m[name], path+"."+name); err != nil {
			return err
		}
	}
	for _, f := range fields {
		if _, ok := m[f.Name]; f.Required && !ok {
			return fmt.Errorf("%s: required field %q is missing", path, f.Name)
		}
	}
	return nil
}

// CheckValue says why v is not a valid value of field f, or nil. v is
// JSON-shaped as Decode returns it.
func CheckValue(f *spec.Field, v any, path string) error {
	switch f.Type {
	case spec.String:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: want a string, got %s", path, kind(v))
		}
		n := utf8.RuneCountInString(s) // JSON Schema counts code points
		if f.MinLength != nil && n < *f.MinLength {
			return fmt.Errorf("%s: shorter than %d", path, *f.MinLength)
		}
		if f.MaxLength != nil && n > *f.MaxLength {
			return fmt.Errorf("%s: longer than %d", path, *f.MaxLength)
		}
		if f.Pattern != "" && !regexp.MustCompile(f.Pattern).MatchString(s) {
			return fmt.Errorf("%s: does not match %q", path, f.Pattern)
		}
	case spec.Number, spec.Integer:
		r, err := number(v)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if f.Type == spec.Integer && !r.IsInt() {
			return fmt.Errorf("%s: want an integer, got %v", path, v)
		}
		// The team's mapping decision: integer -> int64 in the handler, so a
		// larger integer would be stored and then never processed.
		if f.Type == spec.Integer && (r.Cmp(minInt64) < 0 || r.Cmp(maxInt64) > 0) {
			return fmt.Errorf("%s: integer %v is outside int64's range", path, v)
		}
		if f.Minimum != nil && r.Cmp(rat(string(*f.Minimum))) < 0 {
			return fmt.Errorf("%s: below %s", path, *f.Minimum)
		}
		if f.Maximum != nil && r.Cmp(rat(string(*f.Maximum))) > 0 {
			return fmt.Errorf("%s: above %s", path, *f.Maximum)
		}
	case spec.Boolean:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: want true or false, got %s", path, kind(v))
		}
	case spec.Object:
		return checkObject(f.Fields, v, path)
	case spec.List, spec.StringSet, spec.NumberSet:
		items, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want an array, got %s", path, kind(v))
		}
		if f.MinItems != nil && len(items) < *f.MinItems {
			return fmt.Errorf("%s: fewer than %d items", path, *f.MinItems)
		}
		if f.MaxItems != nil && len(items) > *f.MaxItems {
			return fmt.Errorf("%s: more than %d items", path, *f.MaxItems)
		}
		if f.Type == spec.List {
			for i, item := range items {
				if err := CheckValue(f.Items, item, fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			return nil
		}
		if len(items) == 0 {
			return fmt.Errorf("%s: a set holds at least one value", path)
		}
		seen := map[string]bool{}
		for i, item := range items {
			var key string
			if f.Type == spec.StringSet {
				s, ok := item.(string)
				if !ok {
					return fmt.Errorf("%s[%d]: want a string, got %s", path, i, kind(item))
				}
				key = s
			} else {
				r, err := number(item)
				if err != nil {
					return fmt.Errorf("%s[%d]: %v", path, i, err)
				}
				key = r.RatString() // 1 and 1.0 are the same set member
			}
			if seen[key] {
				return fmt.Errorf("%s[%d]: duplicate set member", path, i)
			}
			seen[key] = true
		}
	default:
		return fmt.Errorf("%s: unknown field type %q", path, f.Type)
	}
	if len(f.Enum) > 0 && !inEnum(f, v) {
		return fmt.Errorf("%s: not one of the enum values", path)
	}
	return nil
}

func inEnum(f *spec.Field, v any) bool {
	for _, e := range f.Enum {
		switch e := e.(type) {
		case string:
			if s, ok := v.(string); ok && s == e {
				return true
			}
		case json.Number:
			if r, err := number(v); err == nil && r.Cmp(rat(string(e))) == 0 {
				return true
			}
		}
	}
	return false
}

func number(v any) (*big.Rat, error) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("want a number, got %s", kind(v))
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return nil, fmt.Errorf("bad number %s", n)
	}
	return r, nil
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("oracle: spec decimal " + strconv.Quote(s) + " does not parse")
	}
	return r
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Item is the DynamoDB item (attribute values in DynamoDB JSON: {"S": ...},
// {"N": "text"}, ...) the contract says a valid body becomes: body values as
// given (numbers as their exact text), defaults for omitted fields that have
// one, nothing for other omitted fields, server-set fields from the request.
func Item(s *spec.Spec, body []byte, req Request) (map[string]any, error) {
	s = withKeyMinLength(s)
	v, err := Decode(body)
	if err != nil {
		return nil, err
	}
	if err := checkObject(s.Fields, v, "$"); err != nil {
		return nil, err
	}
	return object(s.Fields, v.(map[string]any), req), nil
}

func object(fields []*spec.Field, m map[string]any, req Request) map[string]any {
	item := map[string]any{}
	for _, f := range fields {
		if f.ServerSet() {
			item[f.Name] = serverSet(f.From, req)
		} else if v, ok := m[f.Name]; ok {
			item[f.Name] = attribute(f, v, req)
		} else if f.Default != nil {
			item[f.Name] = attribute(f, defaultValue(f.Default), req)
		}
	}
	return item
}

func serverSet(from spec.Source, req Request) map[string]any {
	switch from {
	case spec.FromRequestID:
		return map[string]any{"S": req.RequestID}
	case spec.FromRequestTimeEpoch:
		return map[string]any{"N": strconv.FormatInt(req.EpochMillis, 10)}
	case spec.FromSourceIP:
		return map[string]any{"S": req.SourceIP}
	case spec.FromUserAgent:
		return map[string]any{"S": req.UserAgent}
	}
	panic("oracle: unknown source " + string(from))
}

func attribute(f *spec.Field, v any, req Request) map[string]any {
	switch f.Type {
	case spec.String:
		return map[string]any{"S": v}
	case spec.Number, spec.Integer:
		return map[string]any{"N": string(v.(json.Number))}
	case spec.Boolean:
		return map[string]any{"BOOL": v}
	case spec.Object:
		return map[string]any{"M": object(f.Fields, v.(map[string]any), req)}
	case spec.List:
		items := []any{}
		for _, item := range v.([]any) {
			items = append(items, attribute(f.Items, item, req))
		}
		return map[string]any{"L": items}
	case spec.StringSet:
		return map[string]any{"SS": v}
	case spec.NumberSet:
		var members []any
		for _, n := range v.([]any) {
			members = append(members, string(n.(json.Number)))
		}
		return map[string]any{"NS": members}
	}
	panic("oracle: unknown field type " + string(f.Type))
}

// defaultValue turns a spec default into the JSON shape Decode gives.
func defaultValue(d any) any {
	switch d := d.(type) {
	case *spec.ObjectValue:
		m := map[string]any{}
		for _, k := range d.Keys {
			m[k] = defaultValue(d.Values[k])
		}
		return m
	case []any:
		out := make([]any, len(d))
		for i, e := range d {
			out[i] = defaultValue(e)
		}
		return out
	}
	return d
}

// Canonical returns v, a decoded DynamoDB item or attribute value, with set
// members sorted: DynamoDB does not keep the order of a set.
func Canonical(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if k == "SS" || k == "NS" {
				if members, ok := e.([]any); ok {
					sorted := append([]any(nil), members...)
					sort.Slice(sorted, func(i, j int) bool { return fmt.Sprint(sorted[i]) < fmt.Sprint(sorted[j]) })
					out[k] = sorted
					continue
				}
			}
			out[k] = Canonical(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = Canonical(e)
		}
		return out
	}
	return v
}
