// Package vtl writes the API Gateway mapping templates of the stack: the
// request template that turns a body into a DynamoDB PutItem request, the
// integration response templates that map DynamoDB's answers to the
// contract's, and the gateway responses. The rules are package putitem's; Go
// here decides how each attribute is written and templates/*.vtl.tmpl spell it.
//
// The request template is valid Velocity 1.7 and compact: no per-field
// boilerplate beyond one presence test. It reads strings, booleans and string
// sets with $input.json (a JSON literal, byte for byte), numbers as the text
// $input.json gives inside a JSON string, and tests presence with containsKey
// on the map $input.path returns, because $input.path('$.s') == "" cannot tell
// an absent field from an empty string. Text the generator writes (defaults,
// names) never holds a literal $ or #: in JSON strings they are \u0024, \u0023.
package vtl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/templates"
)

// tmpl is parsed when first used, as are the package's other templates and
// patterns: only the commands that generate pay for them.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("vtl").Delims("<<", ">>").
		ParseFS(templates.FS, "request.vtl.tmpl", "responses.vtl.tmpl", "routes.vtl.tmpl", "write.vtl.tmpl"))
})

// Request returns the request mapping template of it.
//
// tableName is written as the TableName JSON string (JSON-escaped, $ and # kept).
// The stack passes "${Table}" (its table's logical ID) and wraps the whole text
// in Fn::Sub: the template holds no other "${", so Sub changes nothing else.
// Tests and `gen local` may pass a plain table name.
func Request(it *item.Item, tableName string) (string, error) {
	item := newObject(it.Fields, "$", 0)
	view := requestView{Table: tableContent(tableName), Item: item}
	if it.Spec.Table.OnDuplicate == spec.Reject {
		view.Condition = `"ConditionExpression":` + jsonString(putitem.ConditionExpression) +
			`,"ExpressionAttributeNames":{` + jsonString(putitem.KeyPlaceholder) + ":" + jsonString(it.Keys[0].Name) + "}"
	}
	var b strings.Builder
	if err := tmpl().ExecuteTemplate(&b, "request", view); err != nil {
		return "", err
	}
	out := b.String()
	if err := checkSub(out, tableName); err != nil {
		return "", fmt.Errorf("request template: %w", err)
	}
	return out, nil
}

// requestView is what templates/request.vtl.tmpl spells.
type requestView struct {
	Table     string  // JSON string content of the table name
	Item      *object // the item's attributes, from the body's root $o0
	Condition string  // JSON members of the duplicate check, "" for overwrite
}

// object is the attributes of an item or of an M value. Its body JSON object
// is in the Velocity variable Var, set from Path.
type object struct {
	Var   string // e.g. "$o1"
	Sep   string // separator variable when no attribute is always written, else ""
	Attrs []attr // always-written attributes first, so they carry the commas
}

// attr is how one attribute is written: from the body (Value), from Literal
// (the server-set expression or the default's DynamoDB JSON), or from the
// body when Test holds and else from Literal (a default) or not at all.
type attr struct {
	Name     string
	Presence item.Presence
	Lead     string // written before the attribute: "", "," or the separator variable
	After    string // written after it: sets the separator variable to "," in separator mode
	Test     string // presence test in the body, e.g. $o0.containsKey("name")
	Value    *value // how the body's value is read; nil for a server-set field
	Literal  string // DynamoDB JSON of the default, or the server-set expression
}

// Optional, Defaulted and ServerSet are the attribute's presence, for the template.
func (a attr) Optional() bool  { return a.Presence == item.Optional }
func (a attr) Defaulted() bool { return a.Presence == item.Defaulted }
func (a attr) ServerSet() bool { return a.Presence == item.ServerSet }

// value reads one body value at JSONPath Path as attribute type Type.
type value struct {
	Type   item.Attr
	Path   string  // JSONPath, inside a Velocity "string": $ followed by a name is a variable
	Index  string  // L: the variable holding the element's index
	Items  *value  // L: the elements
	Object *object // M: the attributes
}

// Whole reports whether $input.json gives the value as it is stored: a
// string, boolean or string set is the same JSON in the body and in DynamoDB.
func (v *value) Whole() bool { return v.Type == item.S || v.Type == item.BOOL || v.Type == item.SS }

// Number, NumberSet, List and Object say how the template writes the other types.
func (v *value) Number() bool    { return v.Type == item.N }
func (v *value) NumberSet() bool { return v.Type == item.NS }
func (v *value) List() bool      { return v.Type == item.L }
func (v *value) IsObject() bool  { return v.Type == item.M }

func newObject(fields []*item.Field, path string, depth int) *object {
	o := &object{Var: fmt.Sprintf("$o%d", depth)}
	var always, optional []attr
	for _, f := range fields {
		a := attr{Name: f.Name, Presence: f.Presence, Test: fmt.Sprintf(`%s.containsKey("%s")`, o.Var, f.Name)}
		switch f.Presence {
		case item.ServerSet:
			a.Literal = serverValues[f.From].Attr
		case item.Defaulted:
			a.Literal = literal(f.DefaultAttr)
		}
		if f.Presence.FromBody() {
			a.Value = newValue(f, path+"."+f.Name, depth+1)
		}
		if a.Presence.Always() {
			always = append(always, a)
		} else {
			optional = append(optional, a)
		}
	}
	o.Attrs = append(always, optional...)
	if len(always) == 0 && len(optional) > 0 {
		o.Sep = fmt.Sprintf("$s%d", depth)
	}
	for i := range o.Attrs {
		switch {
		case o.Sep != "":
			o.Attrs[i].Lead, o.Attrs[i].After = o.Sep, fmt.Sprintf(`#set(%s=",")`, o.Sep)
		case i > 0:
			o.Attrs[i].Lead = ","
		}
	}
	return o
}

func newValue(f *item.Field, path string, depth int) *value {
	v := &value{Type: f.Attr, Path: path}
	switch f.Attr {
	case item.L:
		v.Index = fmt.Sprintf("$i%d", depth)
		v.Items = newValue(f.Items, path+"["+v.Index+"]", depth+1)
	case item.M:
		v.Object = newObject(f.Fields, path, depth)
	}
	return v
}

// Server-set values as VTL. The user agent is client text: escapeJavaScript
// makes it a valid JSON string body once its \' are turned back into ',
// and $! renders a missing header as "".
var serverValues = map[spec.Source]struct{ Attr, JSON string }{
	spec.FromRequestID:        {`{"S":"$context.requestId"}`, `"$context.requestId"`},
	spec.FromRequestTimeEpoch: {`{"N":"$context.requestTimeEpoch"}`, `$context.requestTimeEpoch`},
	spec.FromSourceIP:         {`{"S":"$context.identity.sourceIp"}`, `"$context.identity.sourceIp"`},
	spec.FromUserAgent:        {`{"S":"` + userAgent + `"}`, `"` + userAgent + `"`},
}

var userAgent = jsonEscaped(`"$!context.identity.userAgent"`)

// literal writes a default's DynamoDB JSON value (item.Field.DefaultAttr) as
// template text: JSON with $ and # escaped in strings, so Velocity leaves it
// alone, and a server-set field as its VTL expression.
func literal(v any) string {
	var b strings.Builder
	writeLiteral(&b, v)
	return b.String()
}

func writeLiteral(b *strings.Builder, v any) {
	switch v := v.(type) {
	case item.ServerSetValue:
		b.WriteString(serverValues[v.Field.From].Attr)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonString(k))
			b.WriteByte(':')
			writeLiteral(b, v[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeLiteral(b, e)
		}
		b.WriteByte(']')
	case string:
		b.WriteString(jsonString(v))
	case bool:
		fmt.Fprint(b, v)
	default:
		panic(fmt.Sprintf("vtl: literal of %T", v)) // defaultAttr makes only the types above
	}
}

// jsonString is s as a JSON string literal that Velocity copies unchanged.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return strings.NewReplacer("$", `\u0024`, "#", `\u0023`).Replace(out)
}
