// Package putitem is the pure-Go reference of how a request body becomes a
// DynamoDB item: the rules the request mapping template (package vtl)
// implements, in Go, for `gen local` and for the tests that render the VTL
// with Velocity and compare. Named for the request it stands for, as
// "mapping" already means API Gateway's mapping templates and Lambda's event
// source mapping.
//
// The rules, per field, in this order: a server-set field takes its value from
// the request context; a field the body gives is mapped from the body; a field
// with a default is mapped from the default; any other field is absent.
// Strings are kept byte for byte and numbers as their exact decimal text.
//
// The same reference covers the other routes (routes.go): the item's key
// from the path (Key), the GetItem, Query, UpdateItem and DeleteItem
// requests, the query's next token, the update expression of an update
// body (UpdateOf: #fN/:vN placeholders only), and the plain JSON the
// response templates give back (Plain, QueryAnswer).
package putitem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// RequestContext holds the values of a request that server-set fields take.
type RequestContext struct {
	RequestID        string // $context.requestId
	RequestTimeEpoch int64  // $context.requestTimeEpoch, milliseconds
	SourceIP         string // $context.identity.sourceIp
	UserAgent        string // $context.identity.userAgent; "" when the request had none
}

// Item maps body, a request body that passed the model (package schema), to
// the item the request mapping template writes: attribute name -> DynamoDB
// JSON attribute value, shaped as encoding/json decodes it into any
// (map[string]any{"S": "..."}, {"N": "1.5"}, {"BOOL": true}, {"L": []any{...}},
// {"M": map[string]any{...}}, {"SS": []any{"a"}}, {"NS": []any{"1"}}).
func Item(it *item.Item, body []byte, rc RequestContext) (map[string]any, error) {
	obj, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	return Attributes(it.Fields, obj, rc.value)
}

// decodeObject decodes body, which must be a JSON object (see decode).
func decodeObject(body []byte) (map[string]any, error) {
	v, err := decode(body)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("body: want a JSON object")
	}
	return obj, nil
}

// Request is the whole DynamoDB PutItem request the request mapping template
// renders for body, with tableName as its TableName.
func Request(it *item.Item, body []byte, rc RequestContext, tableName string) (map[string]any, error) {
	attrs, err := Item(it, body, rc)
	if err != nil {
		return nil, err
	}
	req := map[string]any{"TableName": tableName, "Item": attrs}
	if it.Spec.Table.OnDuplicate == spec.Reject {
		req["ConditionExpression"] = ConditionExpression
		req["ExpressionAttributeNames"] = map[string]any{KeyPlaceholder: it.Keys[0].Name}
	}
	return req, nil
}

// ConditionExpression makes a write of an existing key fail (onDuplicate:
// reject); KeyPlaceholder stands for the partition key's name in it.
const (
	ConditionExpression = "attribute_not_exists(#pk)"
	KeyPlaceholder      = "#pk"
)

// ServerValue returns the attribute value of the server-set field f.
type ServerValue func(f *item.Field) (any, error)

// Attributes maps obj, a JSON object of the given fields, to attribute name
// -> attribute value by the package's rules. server gives server-set values.
func Attributes(fields []*item.Field, obj map[string]any, server ServerValue) (map[string]any, error) {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		var (
			v   any
			err error
		)
		bv, given := obj[f.Name]
		switch {
		case f.Presence == item.ServerSet:
			v, err = server(f)
		case given:
			v, err = attribute(f, bv, server)
		case f.Presence == item.Defaulted:
			v, err = withServerValues(f.DefaultAttr, server)
		case f.Presence == item.Required:
			err = errors.New("required but absent")
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		out[f.Name] = v
	}
	return out, nil
}

// attribute maps v, a JSON value of field f from a body decoded with
// json.Number, to its DynamoDB attribute value.
func attribute(f *item.Field, v any, server ServerValue) (any, error) {
	switch f.Type {
	case spec.String:
		s, ok := v.(string)
		if !ok {
			return nil, typeError(f, v)
		}
		return map[string]any{"S": s}, nil
	case spec.Number, spec.Integer:
		n, err := number(f, v)
		if err != nil {
			return nil, err
		}
		return map[string]any{"N": n}, nil
	case spec.Boolean:
		b, ok := v.(bool)
		if !ok {
			return nil, typeError(f, v)
		}
		return map[string]any{"BOOL": b}, nil
	case spec.List:
		vs, ok := v.([]any)
		if !ok {
			return nil, typeError(f, v)
		}
		l := make([]any, len(vs))
		for i, e := range vs {
			a, err := attribute(f.Items, e, server)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			l[i] = a
		}
		return map[string]any{"L": l}, nil
	case spec.Object:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, typeError(f, v)
		}
		m, err := Attributes(f.Fields, obj, server)
		if err != nil {
			return nil, err
		}
		return map[string]any{"M": m}, nil
	case spec.StringSet, spec.NumberSet:
		vs, ok := v.([]any)
		if !ok || len(vs) == 0 {
			return nil, fmt.Errorf("want a non-empty array for a %s, got %s", f.Type, show(v))
		}
		set := make([]any, len(vs))
		for i, e := range vs {
			if f.Type == spec.StringSet {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("[%d]: want a string, got %s", i, show(e))
				}
				set[i] = s
				continue
			}
			n, err := number(f, e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			set[i] = n
		}
		return map[string]any{string(f.Attr): set}, nil
	}
	return nil, fmt.Errorf("unknown type %q", f.Type)
}

// value is the ServerValue of a real request.
func (rc RequestContext) value(f *item.Field) (any, error) {
	switch f.From {
	case spec.FromRequestID:
		return map[string]any{"S": rc.RequestID}, nil
	case spec.FromRequestTimeEpoch:
		return map[string]any{"N": fmt.Sprint(rc.RequestTimeEpoch)}, nil
	case spec.FromSourceIP:
		return map[string]any{"S": rc.SourceIP}, nil
	case spec.FromUserAgent:
		return map[string]any{"S": rc.UserAgent}, nil
	}
	return nil, fmt.Errorf("unknown source %q", f.From)
}

// number is the exact decimal text of v, a json.Number from a body decoded
// with UseNumber.
func number(f *item.Field, v any) (string, error) {
	if n, ok := v.(json.Number); ok {
		return string(n), nil
	}
	return "", typeError(f, v)
}

// withServerValues is a default's attribute value (item.Field.DefaultAttr)
// with the values of the server-set fields in it.
func withServerValues(v any, server ServerValue) (any, error) {
	switch v := v.(type) {
	case item.ServerSetValue:
		return server(v.Field)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			filled, err := withServerValues(e, server)
			if err != nil {
				return nil, err
			}
			out[k] = filled
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			filled, err := withServerValues(e, server)
			if err != nil {
				return nil, err
			}
			out[i] = filled
		}
		return out, nil
	}
	return v, nil
}

func typeError(f *item.Field, v any) error {
	return fmt.Errorf("want a %s, got %s", f.Type, show(v))
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil || len(b) > 40 {
		return fmt.Sprintf("a %T", v)
	}
	return string(b)
}

// decode parses a JSON document keeping numbers as json.Number. An empty
// body is an empty object, as API Gateway's $input.path('$') sees it.
func decode(body []byte) (any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("body: data after the JSON value")
	}
	return v, nil
}
