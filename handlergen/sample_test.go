package handlergen

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/streamgen/streamgen/spec"
)

// Sample stream events for a spec, as DynamoDB Streams emits them, with the
// item each image must decode to (plain JSON, the generated types' tags).

// trickyString survives only a decoder that keeps strings byte for byte.
const trickyString = "q\"uote \\ back $dollar #hash ## \u2028 \t\x01 é 😀 \ud7ff"

// sample is one value of a field in both forms.
type sample struct {
	attr  any // DynamoDB JSON attribute value, e.g. {"S": "x"}
	plain any // as the generated type marshals it
}

// sampleValue returns a value of f; n varies it (keys differ per record).
// full includes the optional fields that the body may omit.
func sampleValue(f *spec.Field, n int, full bool) sample {
	if len(f.Enum) > 0 {
		return enumSample(f)
	}
	switch f.Type {
	case spec.String:
		s := trickyString + strconv.Itoa(n)
		return sample{map[string]any{"S": s}, s}
	case spec.Number:
		num := []string{"-12.5", "123456789012345678901234567890.12345678", "0", "1E+3"}[n%4]
		return sample{map[string]any{"N": num}, json.Number(num)}
	case spec.Integer:
		num := strconv.FormatInt(int64(1700000000000+n)*int64(1-2*(n%2)), 10)
		return sample{map[string]any{"N": num}, json.Number(num)}
	case spec.Boolean:
		return sample{map[string]any{"BOOL": n%2 == 0}, n%2 == 0}
	case spec.StringSet:
		set := []any{"a", trickyString}
		return sample{map[string]any{"SS": set}, set}
	case spec.NumberSet:
		return sample{map[string]any{"NS": []any{"1", "-2.75"}}, []any{json.Number("1"), json.Number("-2.75")}}
	case spec.List:
		var attrs, plains []any
		for i := range 2 {
			s := sampleValue(f.Items, n+i, full)
			attrs, plains = append(attrs, s.attr), append(plains, s.plain)
		}
		if n%3 == 2 {
			attrs, plains = []any{}, []any{} // an empty list is a present list
		}
		return sample{map[string]any{"L": attrs}, plains}
	case spec.Object:
		m, p := sampleImage(f.Fields, n, full)
		return sample{map[string]any{"M": m}, p}
	}
	panic("sample: unknown type " + string(f.Type))
}

func enumSample(f *spec.Field) sample {
	switch v := f.Enum[0].(type) {
	case string:
		return sample{map[string]any{"S": v}, v}
	case json.Number:
		return sample{map[string]any{"N": v.String()}, v}
	}
	panic(fmt.Sprintf("sample: enum value %T", f.Enum[0]))
}

// sampleImage returns an item (or object) of fields.
func sampleImage(fields []*spec.Field, n int, full bool) (attrs, plain map[string]any) {
	attrs, plain = map[string]any{}, map[string]any{}
	for _, f := range fields {
		if !full && !f.Required && f.Default == nil && !f.ServerSet() { // optional: may be absent
			continue
		}
		s := sampleValue(f, n, full)
		attrs[f.Name], plain[f.Name] = s.attr, s.plain
	}
	// Attributes the spec does not name (written by other code) are skipped.
	attrs["zzUnknown"] = map[string]any{"M": map[string]any{"x": map[string]any{"L": []any{map[string]any{"NULL": true}}}}}
	return attrs, plain
}

// sampleRecord is a stream record and what its decoded form must be.
type sampleRecord struct {
	Record map[string]any `json:"record"`
	Expect struct {
		EventName string         `json:"eventName"`
		Seq       string         `json:"seq"`
		Created   int64          `json:"created"`
		Keys      map[string]any `json:"keys"`
		New       map[string]any `json:"new"`
		Old       map[string]any `json:"old"`
	} `json:"expect"`
}

// sampleRecords returns INSERT, MODIFY and REMOVE records (full and minimal
// items, images as the spec's view carries them) numbered from seq0.
func sampleRecords(s *spec.Spec, count int) []sampleRecord {
	view := s.Stream.View
	hasNew := view == "NEW_IMAGE" || view == "NEW_AND_OLD_IMAGES"
	hasOld := view == "OLD_IMAGE" || view == "NEW_AND_OLD_IMAGES"
	var recs []sampleRecord
	for n := range count {
		name := []string{"INSERT", "MODIFY", "REMOVE"}[n%3]
		full := n%2 == 0
		newAttrs, newPlain := sampleImage(s.Fields, n, full)
		oldAttrs, oldPlain := sampleImage(s.Fields, n, !full)
		// The old image has the same key.
		for _, k := range s.KeyFields() {
			oldAttrs[k.Name], oldPlain[k.Name] = newAttrs[k.Name], newPlain[k.Name]
		}
		keyAttrs, keyPlain := map[string]any{}, map[string]any{}
		for _, k := range s.KeyFields() {
			keyAttrs[k.Name], keyPlain[k.Name] = newAttrs[k.Name], newPlain[k.Name]
		}
		var r sampleRecord
		seq := fmt.Sprintf("44215845000000000174504%05d", n)
		created := int64(1700000000 + n)
		change := map[string]any{
			"ApproximateCreationDateTime": created,
			"Keys":                        keyAttrs,
			"SequenceNumber":              seq,
			"SizeBytes":                   26 + n,
			"StreamViewType":              view,
		}
		r.Expect.EventName, r.Expect.Seq, r.Expect.Created, r.Expect.Keys = name, seq, created, keyPlain
		if hasNew && name != "REMOVE" {
			change["NewImage"], r.Expect.New = newAttrs, newPlain
		}
		if hasOld && name != "INSERT" {
			change["OldImage"], r.Expect.Old = oldAttrs, oldPlain
		}
		r.Record = map[string]any{
			"eventID":        fmt.Sprintf("c4ca4238a0b923820dcc509a6f7584%02x", n%256),
			"eventName":      name,
			"eventVersion":   "1.1",
			"eventSource":    "aws:dynamodb",
			"awsRegion":      "us-east-1",
			"dynamodb":       change,
			"eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/" + s.Name + "/stream/2026-11-27T00:48:05.899",
		}
		if name == "REMOVE" {
			// as a TTL deletion shows it
			r.Record["userIdentity"] = map[string]any{"type": "Service", "principalId": "dynamodb.amazonaws.com"}
		}
		recs = append(recs, r)
	}
	return recs
}
