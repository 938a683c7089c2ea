package vtl

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
)

// The templates of the routes on an item's address, valid Velocity 1.7 as
// API Gateway runs it. A request template cannot answer by itself, so when a
// path key or query parameter is not valid it sends DynamoDB a request that
// DynamoDB refuses with a ValidationException (GetItem with an empty Key,
// Query without a key condition) and that reads nothing; the response
// templates turn that into the route's 400. Path values are spliced in only
// JSON-escaped ($util.escapeJavaScript, as for the user agent), a number key
// only once it matches JSON's number grammar (Java's String.matches).
// The variables: "API Gateway mapping template and access logging variable
// reference" (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html):
// $input.params().path/querystring, $util.escapeJavaScript, base64Encode/Decode,
// $context.responseOverride.status.

// Route is the integration of one route: the DynamoDB action it calls, its
// request template, its integration responses (default first) and the
// statuses its method answers.
type Route struct {
	Route   spec.Route
	Action  string // e.g. "GetItem"
	Request string
	// QueryParameters are the query string parameters the request reads.
	QueryParameters []string
	Responses       []IntegrationResponse
	StatusCodes     []string
}

// PathKeys are the path parameters of an item's address, partition key
// first: fixed names, since field names may hold characters path parameter
// names cannot.
var PathKeys = []string{"pk", "sk"}

// Address is the item's key as the path gives it: template "address" sets
// each key's variable and $bad (a number key is not decimal), "key" spells
// the DynamoDB JSON of the key.
type Address struct {
	Keys []KeyVar
}

// KeyVar is one key value in a Velocity variable.
type KeyVar struct {
	Name   string // the attribute's name
	Param  string // the path parameter, "" for a query's start key
	Var    string // e.g. "$pk"
	Number bool   // an N key: written as it is once it matched NumberPattern
}

// Escaped is the variable's text as the inside of a JSON string.
func (k KeyVar) Escaped() string { return jsonEscaped(k.Var) }

// EscapePattern is putitem.PathEscape: a path key is sent percent-encoded
// and arrives so in the template. AWS documents that HTTP APIs decode path
// parameters ("Working with routes for HTTP APIs") and states nothing of the
// kind for REST APIs; captures of REST APIs show them still encoded
// (middleapi/standard-server#93, serverless#5037).
func (Address) EscapePattern() string { return putitem.PathEscape }

// NumberPattern is JSON's number grammar (spec.IsJSONNumber) as a Java
// regular expression in a single-quoted Velocity string.
func (Address) NumberPattern() string { return numberPattern }

const numberPattern = `-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?`

// jsonEscaped is the VTL of the text of ref as the inside of a JSON string:
// escapeJavaScript escapes what JSON needs, and its \' are turned back into '.
func jsonEscaped(ref string) string {
	return `$util.escapeJavaScript(` + ref + `).replaceAll("\\'","'")`
}

// NewAddress is the address of it's items: both keys, or the partition key
// alone when partitionOnly (a query's path).
func NewAddress(it *item.Item, partitionOnly bool) Address {
	var a Address
	for i, k := range it.Keys {
		if partitionOnly && i > 0 {
			break
		}
		a.Keys = append(a.Keys, KeyVar{Name: k.Name, Param: PathKeys[i], Var: "$" + PathKeys[i], Number: k.Attr == item.N})
	}
	return a
}

// Plain is the VTL that writes the item at JSONPath base (e.g. "$.Item") of
// DynamoDB's answer as the contract's plain JSON: the spec's fields in order,
// each only when present; strings, booleans and string sets by $input.json
// (JSON as DynamoDB holds it, byte for byte), numbers as DynamoDB's number
// text, number sets and lists by #foreach (at most 1,000 elements: the
// spec's maxItems), objects recursively. Attributes the spec does not name
// are left out, and so is a field of another type than the spec's or a list
// with an element of another type, as putitem.Plain leaves them out.
func Plain(it *item.Item, base string) (string, error) {
	return execute("plain", newPlainObject(it.Fields, base, 0))
}

// plainObject is an item or an M value at Path, held in Var.
type plainObject struct {
	Var, Sep, Path string
	Attrs          []plainAttr
}

type plainAttr struct {
	Name   string
	Always bool // a key: every item has it
	Value  *plainValue
}

// plainValue is one typed attribute value at Path ({"S": ...} etc.).
type plainValue struct {
	Type   item.Attr
	Path   string
	Var    string       // the value while plainCheck checks its type
	Index  string       // L: the variable of the element's index
	Items  *plainValue  // L
	Object *plainObject // M
}

func newPlainObject(fields []*item.Field, path string, depth int) *plainObject {
	o := &plainObject{Var: fmt.Sprintf("$p%d", depth), Sep: fmt.Sprintf("$c%d", depth), Path: path}
	for _, f := range fields {
		o.Attrs = append(o.Attrs, plainAttr{
			Name:   f.Name,
			Always: f.Key != item.NotKey,
			Value:  newPlainValue(f, path+"."+f.Name, depth+1),
		})
	}
	return o
}

func newPlainValue(f *item.Field, path string, depth int) *plainValue {
	v := &plainValue{Type: f.Attr, Path: path, Var: fmt.Sprintf("$v%d", depth)}
	switch f.Attr {
	case item.L:
		v.Index = fmt.Sprintf("$j%d", depth)
		v.Items = newPlainValue(f.Items, path+".L["+v.Index+"]", depth+1)
	case item.M:
		v.Object = newPlainObject(f.Fields, path+".M", depth)
	}
	return v
}

// condition is what a ConditionalCheckFailedException answers, for the
// routes whose request has a condition.
type condition struct {
	Status  int
	Message string
}

// routeErrors are the messages of a route's error answers.
type routeErrors struct {
	Condition *condition
	Throttled string
	Invalid   string // DynamoDB's ValidationException: 400
	Failed    string // its other 4xx: 500
	// KeyCheck, when set, tells a ValidationException of a path key that
	// is not valid (BadKey) from the other ones (Invalid): the response
	// template reads the method request's path parameters again, as the
	// CORS echo reads its headers ($input.params() in a response template).
	KeyCheck *Address
	KeySizes []keySize // the string keys KeyCheck also holds to their size
	BadKey   string
}

// routeResponses are a route's integration responses: success (the 200
// template, which may override the status), then DynamoDB's 4xx by __type
// (a condition -> Condition, throttling -> 429, ValidationException -> 400
// Invalid, others -> 500 Failed), then its 5xx -> 500 uncertain.
func routeResponses(success string, errs routeErrors, uncertain string) ([]IntegrationResponse, error) {
	errs.Throttled = putitem.MessageThrottled
	clientError, err := execute("routeClientError", errs)
	if err != nil {
		return nil, err
	}
	return []IntegrationResponse{
		{StatusCode: "200", Template: success},
		{SelectionPattern: `4\d{2}`, StatusCode: "400", Template: clientError},
		{SelectionPattern: `5\d{2}`, StatusCode: "500", Template: message(uncertain)},
	}, nil
}

// Read is the read route: GetItem of the path's key, strongly consistent
// (a read after a 200 create sees the item); 200 the plain item, 404 when
// there is none, 400 MessageBadKey for a key DynamoDB refuses.
func Read(it *item.Item, tableName string) (*Route, error) {
	view := struct {
		Table   string
		Address Address
	}{tableContent(tableName), NewAddress(it, false)}
	request, err := execute("read", view)
	if err != nil {
		return nil, err
	}
	if err := checkSub(request, tableName); err != nil {
		return nil, fmt.Errorf("read request template: %w", err)
	}
	plain, err := Plain(it, "$.Item")
	if err != nil {
		return nil, err
	}
	success, err := execute("readAnswer", struct{ Member, Item, NotFound string }{"Item", plain, putitem.MessageNotFound})
	if err != nil {
		return nil, err
	}
	responses, err := routeResponses(success, routeErrors{Invalid: putitem.MessageBadKey, Failed: putitem.MessageReadFailed}, putitem.MessageReadFailed)
	if err != nil {
		return nil, err
	}
	return &Route{Route: spec.Read, Action: "GetItem", Request: request, Responses: responses,
		StatusCodes: []string{"200", "400", "404", "429", "500"}}, nil
}

// Query is the query route: Query of the path's partition, ?limit (1..100,
// default 25), ?order (asc or desc) and ?next, the token of the previous
// page: base64url without padding (RFC 4648 section 5) of its last sort key's
// text. The token is only ever the start key's sort key value, JSON-escaped,
// next to the path's own partition key: it cannot reach another partition.
func Query(it *item.Item, tableName string) (*Route, error) {
	if len(it.Keys) < 2 {
		return nil, fmt.Errorf("query needs a sort key")
	}
	address := NewAddress(it, true)
	sort := it.Keys[1]
	view := struct {
		Table                                    string
		Address                                  Address
		Partition, Start                         KeyVar
		Condition, Placeholder, ValuePlaceholder string
	}{
		Table:            tableContent(tableName),
		Address:          address,
		Partition:        address.Keys[0],
		Start:            KeyVar{Name: sort.Name, Var: "$start", Number: sort.Attr == item.N},
		Condition:        jsonString(putitem.KeyPlaceholder + " = " + partitionValue),
		Placeholder:      jsonString(putitem.KeyPlaceholder),
		ValuePlaceholder: jsonString(partitionValue),
	}
	request, err := execute("query", view)
	if err != nil {
		return nil, err
	}
	if err := checkSub(request, tableName); err != nil {
		return nil, fmt.Errorf("query request template: %w", err)
	}
	plain, err := Plain(it, "$.Items[$q]")
	if err != nil {
		return nil, err
	}
	success, err := execute("queryAnswer", struct {
		Item string
		Sort *item.Field
	}{plain, sort})
	if err != nil {
		return nil, err
	}
	responses, err := routeResponses(success, routeErrors{Invalid: putitem.MessageBadQuery, Failed: putitem.MessageReadFailed}, putitem.MessageReadFailed)
	if err != nil {
		return nil, err
	}
	return &Route{Route: spec.Query, Action: "Query", Request: request, QueryParameters: []string{"limit", "next", "order"}, Responses: responses,
		StatusCodes: []string{"200", "400", "429", "500"}}, nil
}

// partitionValue is the value placeholder of the query's key condition.
const partitionValue = ":pk"

// Routes are the integrations of it's routes besides create (Request and
// the stack's POST method), in the order of spec.RouteNames.
func Routes(it *item.Item, tableName string) ([]*Route, error) {
	builders := map[spec.Route]func(*item.Item, string) (*Route, error){spec.Read: Read, spec.Query: Query, spec.Update: Update, spec.Delete: Delete}
	var out []*Route
	for _, r := range it.Spec.API.Routes {
		if r == spec.Create {
			continue
		}
		build := builders[r]
		if build == nil {
			return nil, fmt.Errorf("no integration for the %s route", r)
		}
		route, err := build(it, tableName)
		if err != nil {
			return nil, fmt.Errorf("%s route: %w", r, err)
		}
		out = append(out, route)
	}
	return out, nil
}

// tableContent is tableName as the inside of a JSON string, $ and # kept
// (the stack's "${Table}").
func tableContent(tableName string) string {
	s, _ := json.Marshal(tableName)
	return string(s[1 : len(s)-1])
}

// checkSub refuses a template the stack's Fn::Sub would alter: the table
// name must be its only "${".
func checkSub(out, tableName string) error {
	if tableName != "" {
		out = strings.ReplaceAll(out, tableName, "")
	}
	if strings.Contains(out, "${") {
		return fmt.Errorf("a \"${\" besides the table name would break Fn::Sub")
	}
	return nil
}
