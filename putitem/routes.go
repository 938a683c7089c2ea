package putitem

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// The reference of the read, query, update and delete routes (the
// contract's "Routes", the shared design of the routes): the DynamoDB
// requests their request templates render and the plain JSON their
// response templates give back. Attribute values are shaped as Item gives
// them ({"S": "..."}, {"N": "1.5"}, ...).

// Plain is the plain JSON of a stored item, the answer of read, update and
// delete and each item of a query: the fields of it present in attrs, in the
// spec's order, at any depth; strings as $input.json writes them (see
// writeString), numbers as the text DynamoDB gives, sets as arrays. A field
// that is absent, or stored as another type than the spec's (a list: with
// an element of another type, at any depth of lists), is left out, and so is
// every attribute the spec does not name.
func Plain(it *item.Item, attrs map[string]any) ([]byte, error) {
	var b bytes.Buffer
	if err := writeObject(&b, it.Fields, attrs); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeObject(b *bytes.Buffer, fields []*item.Field, attrs map[string]any) error {
	b.WriteByte('{')
	first := true
	for _, f := range fields {
		v, ok := stored(f, attrs[f.Name])
		if !ok {
			continue
		}
		var value bytes.Buffer
		if err := writeValue(&value, f, v); errors.Is(err, errOtherType) {
			continue
		} else if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, f.Name)
		b.WriteByte(':')
		b.Write(value.Bytes())
	}
	b.WriteByte('}')
	return nil
}

// errOtherType: a list holds an element of another type than the spec's;
// its whole field is left out, as a field of another type is.
var errOtherType = errors.New("a list element of another type")

// stored is the value of attribute value av if it holds f's type.
func stored(f *item.Field, av any) (any, bool) {
	m, ok := av.(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := m[string(f.Attr)]
	return v, ok
}

func writeValue(b *bytes.Buffer, f *item.Field, v any) error {
	switch f.Attr {
	case item.S:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("S holds %T", v)
		}
		writeString(b, s)
	case item.N:
		return writeNumber(b, v)
	case item.BOOL:
		t, ok := v.(bool)
		if !ok {
			return fmt.Errorf("BOOL holds %T", v)
		}
		b.WriteString(strconv.FormatBool(t))
	case item.L:
		l, ok := v.([]any)
		if !ok {
			return fmt.Errorf("L holds %T", v)
		}
		b.WriteByte('[')
		for i, e := range l {
			if i > 0 {
				b.WriteByte(',')
			}
			ev, ok := stored(f.Items, e)
			if !ok {
				return errOtherType
			}
			if err := writeValue(b, f.Items, ev); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		b.WriteByte(']')
	case item.M:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("M holds %T", v)
		}
		return writeObject(b, f.Fields, m)
	case item.SS, item.NS:
		set, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s holds %T", f.Attr, v)
		}
		b.WriteByte('[')
		for i, e := range set {
			if i > 0 {
				b.WriteByte(',')
			}
			if f.Attr == item.NS {
				if err := writeNumber(b, e); err != nil {
					return fmt.Errorf("[%d]: %w", i, err)
				}
				continue
			}
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("[%d]: SS holds %T", i, e)
			}
			writeString(b, s)
		}
		b.WriteByte(']')
	default:
		return fmt.Errorf("unknown attribute type %q", f.Attr)
	}
	return nil
}

// writeNumber writes DynamoDB's number text as it is; DynamoDB only ever
// gives JSON numbers, but a text that is not one would break the answer.
func writeNumber(b *bytes.Buffer, v any) error {
	n, ok := v.(string)
	if !ok || !spec.IsJSONNumber(n) {
		return fmt.Errorf("N holds %v, not a number", v)
	}
	b.WriteString(n)
	return nil
}

// writeString writes s as a JSON string as API Gateway's $input.json does
// (internal/velocity's harness): `"` and `\` escaped, \n \r \t \b \f by
// name, other control characters as \u00xx, everything else (DEL, U+2028,
// any non-ASCII) as its UTF-8 bytes. Unlike encoding/json it keeps <, > and
// &, so the answer is byte for byte the deployed one.
func writeString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
				continue
			}
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// ErrBadKey and ErrBadQuery are the 400 answers MessageBadKey and
// MessageBadQuery.
var (
	ErrBadKey   = errors.New(MessageBadKey)
	ErrBadQuery = errors.New(MessageBadQuery)
)

// DynamoDB's key sizes in UTF-8 bytes ("Service, account, and table quotas
// in Amazon DynamoDB": partition key value 2048 bytes, sort key 1024).
const (
	MaxPartitionKeyBytes = 2048
	MaxSortKeyBytes      = 1024
)

// MaxKeyBytes is DynamoDB's size limit on a value of the key field k.
func MaxKeyBytes(k *item.Field) int {
	if k.Key == item.SortKey {
		return MaxSortKeyBytes
	}
	return MaxPartitionKeyBytes
}

// KeyValue is the attribute value of key field k from text, a URL-decoded
// path segment ({pk} or {sk}): a string as it is, a number when it is a
// decimal number (JSON's grammar) DynamoDB can store. Anything else,
// including an empty or oversized value, is ErrBadKey (DynamoDB's
// ValidationException).
func KeyValue(k *item.Field, text string) (map[string]any, error) {
	if text == "" || !utf8.ValidString(text) {
		return nil, ErrBadKey
	}
	if k.Attr == item.N {
		if !spec.IsJSONNumber(text) || spec.NumberLimits(text) != "" {
			return nil, ErrBadKey
		}
		return map[string]any{"N": text}, nil
	}
	if len(text) > MaxKeyBytes(k) {
		return nil, ErrBadKey
	}
	return map[string]any{"S": text}, nil
}

// PathEscape is a Java and Go regular expression of one character
// percent-escaped (RFC 3986 section 2.1) as well-formed UTF-8 (RFC 3629
// section 4). A path key is valid when no "%" is left once every match is
// removed: a find loop, where a full match of (?:[^%]|escape)* overflows
// Java's stack on a long key.
const PathEscape = `%[0-7][0-9A-Fa-f]|%[Cc][2-9A-Fa-f]` + cont + `|%[Dd][0-9A-Fa-f]` + cont +
	`|%[Ee]0%[ABab][0-9A-Fa-f]` + cont + `|%[Ee][1-9A-Ca-cEeFf]` + cont + cont + `|%[Ee][Dd]%[89][0-9A-Fa-f]` + cont +
	`|%[Ff]0%[9ABab][0-9A-Fa-f]` + cont + cont + `|%[Ff][1-3]` + cont + cont + cont + `|%[Ff]4%8[0-9A-Fa-f]` + cont + cont

// cont is a UTF-8 continuation byte (80 to BF) percent-escaped.
const cont = `%[89ABab][0-9A-Fa-f]`

// The patterns are compiled when first used: only gen local and the tests
// read paths and query strings.
var pathEscape = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(PathEscape) })

// PathKey is the text of a raw path segment, its percent-escapes decoded; a
// "+" stays a plus (RFC 3986: only a query's form encoding makes it a
// space). False when a "%" is not part of a PathEscape.
func PathKey(raw string) (string, bool) {
	if strings.Contains(pathEscape().ReplaceAllString(raw, ""), "%") {
		return "", false
	}
	text, err := url.PathUnescape(raw)
	return text, err == nil
}

// Key is the DynamoDB Key of an item address: the path's pk and, with a sort
// key, sk.
func Key(it *item.Item, pk, sk string) (map[string]any, error) {
	key := map[string]any{}
	for i, text := range []string{pk, sk}[:len(it.Keys)] {
		v, err := KeyValue(it.Keys[i], text)
		if err != nil {
			return nil, err
		}
		key[it.Keys[i].Name] = v
	}
	return key, nil
}

// GetRequest is the read route's GetItem.
func GetRequest(key map[string]any, tableName string) map[string]any {
	return map[string]any{"TableName": tableName, "Key": key, "ConsistentRead": true}
}

// DeleteRequest is the delete route's DeleteItem: only an existing item, the
// old item back.
func DeleteRequest(it *item.Item, key map[string]any, tableName string) map[string]any {
	return map[string]any{
		"TableName": tableName, "Key": key,
		"ConditionExpression":      ExistsCondition,
		"ExpressionAttributeNames": map[string]any{KeyPlaceholder: it.Keys[0].Name},
		"ReturnValues":             "ALL_OLD",
	}
}

// ExistsCondition makes an update or delete of an absent key fail
// (ConditionalCheckFailedException: the 404).
const ExistsCondition = "attribute_exists(#pk)"

// Query limits: ?limit= is 1..100, 25 when not given.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

var (
	limitPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(100|[1-9][0-9]?)$`) })
	tokenPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]+$`) })
)

// QueryParams are the query route's query string. An empty value is an
// absent one, as the request template ($input.params) sees it.
type QueryParams struct {
	Limit, Order, Next string
}

// QueryRequest is the query route's Query of partition pk: Limit from
// ?limit=, ScanIndexForward false for ?order=desc, and ?next= decoded by
// DecodeToken into the ExclusiveStartKey within the same partition. Bad
// parameters are ErrBadQuery, a bad pk ErrBadKey.
func QueryRequest(it *item.Item, pk string, q QueryParams, tableName string) (map[string]any, error) {
	pkValue, err := KeyValue(it.Keys[0], pk)
	if err != nil {
		return nil, err
	}
	if len(it.Keys) < 2 {
		return nil, errors.New("query: the table has no sort key")
	}
	limit := DefaultLimit
	if q.Limit != "" {
		if !limitPattern().MatchString(q.Limit) {
			return nil, ErrBadQuery
		}
		limit, _ = strconv.Atoi(q.Limit)
	}
	forward := true
	switch q.Order {
	case "", "asc":
	case "desc":
		forward = false
	default:
		return nil, ErrBadQuery
	}
	req := map[string]any{
		"TableName":                 tableName,
		"KeyConditionExpression":    KeyPlaceholder + " = :pk",
		"ExpressionAttributeNames":  map[string]any{KeyPlaceholder: it.Keys[0].Name},
		"ExpressionAttributeValues": map[string]any{":pk": pkValue},
		"Limit":                     limit,
		"ScanIndexForward":          forward,
		"ConsistentRead":            true,
	}
	if q.Next != "" {
		sk, err := DecodeToken(it, q.Next)
		if err != nil {
			return nil, err
		}
		req["ExclusiveStartKey"] = map[string]any{it.Keys[0].Name: pkValue, it.Keys[1].Name: sk}
	}
	return req, nil
}

// EncodeToken is the next token of a query page whose LastEvaluatedKey is
// lastKey: base64url without padding (RFC 4648 section 5) of the sort key
// value's text, the S string or the N text. Only the sort key is in it: the
// partition is the path's, so a token cannot move a query elsewhere.
func EncodeToken(it *item.Item, lastKey map[string]any) (string, error) {
	sk := it.Keys[len(it.Keys)-1]
	text, ok := stored(sk, lastKey[sk.Name])
	s, isString := text.(string)
	if !ok || !isString || len(it.Keys) < 2 {
		return "", fmt.Errorf("LastEvaluatedKey %v has no %s sort key", lastKey, sk.Attr)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s)), nil
}

// DecodeToken is the sort key attribute value of token, or ErrBadQuery
// unless it is base64url without padding (only A-Z a-z 0-9 - _, a length
// that is not 1 more than a multiple of 4) of UTF-8 text that is a valid
// sort key value: at most 1024 bytes, for an N key a decimal number
// DynamoDB can store.
func DecodeToken(it *item.Item, token string) (map[string]any, error) {
	if !tokenPattern().MatchString(token) || len(token)%4 == 1 {
		return nil, ErrBadQuery
	}
	// Strict: a token with stray bits after its last byte is none a page
	// gave, as the query template finds (it encodes the text back).
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil {
		return nil, ErrBadQuery
	}
	v, err := KeyValue(it.Keys[len(it.Keys)-1], string(raw))
	if err != nil {
		return nil, ErrBadQuery
	}
	return v, nil
}

// QueryAnswer is the query route's 200: {"items":[...]} with each item as
// Plain gives it, and "next" when DynamoDB gave a LastEvaluatedKey.
func QueryAnswer(it *item.Item, items []map[string]any, lastKey map[string]any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i, attrs := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		p, err := Plain(it, attrs)
		if err != nil {
			return nil, fmt.Errorf("items[%d]: %w", i, err)
		}
		b.Write(p)
	}
	b.WriteByte(']')
	if lastKey != nil {
		token, err := EncodeToken(it, lastKey)
		if err != nil {
			return nil, err
		}
		b.WriteString(`,"next":"` + token + `"`)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Update is an update body as UpdateItem's expression: SET for each given
// field with a value, REMOVE for each given null, in the spec's order. The
// placeholders are fixed per field (the i-th Updatable field is #f<i> and
// :v<i>), so the expression's text comes from the spec, never the body.
type Update struct {
	Set        map[string]any // field name -> its new attribute value
	Remove     []string       // field names
	Expression string         // UpdateExpression
	Names      map[string]any // #fN -> field name
	Values     map[string]any // :vN -> attribute value
}

// UpdateOf maps body, an update body that passed schema.UpdateModel, to its
// Update. A value is mapped as create maps it (a nested object
// takes its defaults and server-set values, as a whole new value does); no
// top-level default is applied.
func UpdateOf(it *item.Item, body []byte, rc RequestContext) (*Update, error) {
	obj, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	u := &Update{Set: map[string]any{}, Names: map[string]any{}, Values: map[string]any{}}
	var set, remove []string
	known := 0
	for i, f := range UpdatableFields(it) {
		bv, given := obj[f.Name]
		if !given {
			continue
		}
		known++
		name, value := "#f"+strconv.Itoa(i), ":v"+strconv.Itoa(i)
		u.Names[name] = f.Name
		if bv == nil {
			if !f.Removable() {
				return nil, fmt.Errorf("%s: null, but the field cannot be removed", f.Name)
			}
			u.Remove = append(u.Remove, f.Name)
			remove = append(remove, name)
			continue
		}
		av, err := attribute(f, bv, rc.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		u.Set[f.Name] = av
		u.Values[value] = av
		set = append(set, name+" = "+value)
	}
	if known != len(obj) {
		return nil, errors.New("body: a field that update cannot change")
	}
	if known == 0 {
		return nil, errors.New("body: no field to change")
	}
	u.Expression = clause("SET ", set)
	if len(remove) > 0 {
		if u.Expression != "" {
			u.Expression += " "
		}
		u.Expression += clause("REMOVE ", remove)
	}
	return u, nil
}

func clause(verb string, parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return verb + strings.Join(parts, ", ")
}

// UpdatableFields are the fields an update body may give, in the spec's
// order: their index is their placeholder's number.
func UpdatableFields(it *item.Item) []*item.Field {
	var out []*item.Field
	for _, f := range it.Fields {
		if f.Updatable() {
			out = append(out, f)
		}
	}
	return out
}

// UpdateRequest is the update route's UpdateItem for u: only an existing
// item (#pk is the partition key), the whole new item back.
func UpdateRequest(it *item.Item, key map[string]any, u *Update, tableName string) map[string]any {
	names := map[string]any{KeyPlaceholder: it.Keys[0].Name}
	for k, v := range u.Names {
		names[k] = v
	}
	req := map[string]any{
		"TableName": tableName, "Key": key,
		"UpdateExpression":         u.Expression,
		"ConditionExpression":      ExistsCondition,
		"ExpressionAttributeNames": names,
		"ReturnValues":             "ALL_NEW",
	}
	if len(u.Values) > 0 { // DynamoDB refuses an empty map
		req["ExpressionAttributeValues"] = u.Values
	}
	return req
}

// Apply is the item UpdateItem leaves: old with u's SETs and REMOVEs.
func (u *Update) Apply(old map[string]any) map[string]any {
	out := make(map[string]any, len(old)+len(u.Set))
	for k, v := range old {
		if !slices.Contains(u.Remove, k) {
			out[k] = v
		}
	}
	for name, v := range u.Set {
		out[name] = v
	}
	return out
}
