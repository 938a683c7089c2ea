package putitem_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
)

// routesSpec is a table with a string sort key and every kind of field.
const routesSpec = `version: 1
name: notes
table: {partitionKey: user, sortKey: at}
api: {auth: api_key, routes: [create, read, query, update, delete]}
fields:
  user: {type: string, required: true}
  at: {type: string, required: true}
  text: {type: string, required: true}
  n: {type: number}
  ok: {type: boolean}
  tags: {type: stringSet}
  nums: {type: numberSet}
  lines:
    type: list
    items:
      type: object
      fields:
        sku: {type: string, required: true}
        qty: {type: integer, default: 1}
  meta:
    type: object
    fields:
      deep: {type: list, items: {type: list, items: {type: number}}}
      note: {type: string}
  level: {type: integer, default: 3}
`

func parse(t *testing.T, src string) *item.Item {
	t.Helper()
	s, err := spec.Parse("routes.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return item.New(s)
}

// typed decodes DynamoDB JSON as encoding/json does (numbers are strings there).
func typed(t *testing.T, src string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(src), &m); err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return m
}

func TestPlain(t *testing.T) {
	it := parse(t, routesSpec)
	cases := []struct{ name, item, want string }{
		{"required only",
			`{"user":{"S":"u"},"at":{"S":"a"},"text":{"S":"hi"},"level":{"N":"3"}}`,
			`{"user":"u","at":"a","text":"hi","level":3}`},
		{"spec order, not the item's",
			`{"level":{"N":"3"},"text":{"S":"t"},"at":{"S":"a"},"user":{"S":"u"}}`,
			`{"user":"u","at":"a","text":"t","level":3}`},
		{"hostile strings byte for byte",
			`{"user":{"S":"$x #set($y=1) \\ \" '"},"text":{"S":"\u0000\u0001\u001f\u007f\b\f\n\r\t"}}`,
			`{"user":"$x #set($y=1) \\ \" '","text":"\u0000\u0001\u001f` + "\x7f" + `\b\f\n\r\t"}`},
		{"non-ASCII and HTML characters as they are",
			`{"text":{"S":"é 😀 \u2028 <a>&"}}`,
			"{\"text\":\"é 😀 \u2028 <a>&\"}"},
		{"numbers as DynamoDB's text",
			`{"text":{"S":"t"},"n":{"N":"9.99e125"},"level":{"N":"12345678901234567890123456789012345678"}}`,
			`{"text":"t","n":9.99e125,"level":12345678901234567890123456789012345678}`},
		{"negative and small",
			`{"n":{"N":"-1E-130"},"level":{"N":"0"}}`,
			`{"n":-1E-130,"level":0}`},
		{"booleans and sets",
			`{"ok":{"BOOL":false},"tags":{"SS":["b","a\"","$"]},"nums":{"NS":["1","2.50","-3e2"]}}`,
			`{"ok":false,"tags":["b","a\"","$"],"nums":[1,2.50,-3e2]}`},
		{"nested lists and objects, nested absent fields absent",
			`{"lines":{"L":[{"M":{"qty":{"N":"2"},"sku":{"S":"x"}}},{"M":{"sku":{"S":"y"},"extra":{"S":"z"}}}]},` +
				`"meta":{"M":{"deep":{"L":[{"L":[{"N":"1"},{"N":"2.0"}]},{"L":[]}]}}}}`,
			`{"lines":[{"sku":"x","qty":2},{"sku":"y"}],"meta":{"deep":[[1,2.0],[]]}}`},
		{"attributes the spec does not name are left out",
			`{"text":{"S":"t"},"ttl":{"N":"1"},"other":{"S":"x"}}`,
			`{"text":"t"}`},
		{"a value of another type is left out",
			`{"text":{"N":"1"},"ok":{"S":"true"}}`,
			`{}`},
		{"a list with an element of another type is left out whole, an object's field alone",
			`{"text":{"S":"t"},"lines":{"L":[{"M":{"sku":{"S":"x"}}},{"S":"y"}]},"meta":{"M":{"deep":{"L":[{"L":[{"N":"1"},{"S":"2"}]}]}}}}`,
			`{"text":"t","meta":{}}`},
		{"an element's field of another type is left out alone",
			`{"lines":{"L":[{"M":{"sku":{"N":"1"},"qty":{"N":"2"}}}]}}`,
			`{"lines":[{"qty":2}]}`},
		{"empty item", `{}`, `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := putitem.Plain(it, typed(t, c.item))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if !json.Valid(got) {
				t.Errorf("not JSON: %s", got)
			}
		})
	}
	for _, bad := range []string{`{"n":{"N":"1e"}}`, `{"n":{"N":"NaN"}}`, `{"nums":{"NS":["x"]}}`} {
		if got, err := putitem.Plain(it, typed(t, bad)); err == nil {
			t.Errorf("%s: got %s, want an error", bad, got)
		}
	}
}

// TestPlainRoundTrip: a create body with hostile strings and edge numbers
// comes back from the item create writes as the same JSON values.
func TestPlainRoundTrip(t *testing.T) {
	it := parse(t, routesSpec)
	body := `{"user":"\"\\$#","at":"\u0000\u001f\u2028😀","text":"#set($x=1)${y}\\","n":9.99e125,` +
		`"tags":["a","b"],"nums":[1,12345678901234567890123456789012345678],"ok":true,` +
		`"lines":[{"sku":"s"}],"meta":{"deep":[[-1e-130]]}}`
	attrs, err := putitem.Item(it, []byte(body), rc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := putitem.Plain(it, reencode(t, attrs))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"user":"\"\\$#","at":"\u0000\u001f` + "\u2028😀" + `","text":"#set($x=1)${y}\\","n":9.99e125,"ok":true,` +
		`"tags":["a","b"],"nums":[1,12345678901234567890123456789012345678],"lines":[{"sku":"s","qty":1}],` +
		`"meta":{"deep":[[-1e-130]]},"level":3}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// reencode is attrs as a store or DynamoDB gives them back: JSON, decoded.
func reencode(t *testing.T, attrs map[string]any) map[string]any {
	data, err := json.Marshal(attrs)
	if err != nil {
		t.Fatal(err)
	}
	return typed(t, string(data))
}

func TestKey(t *testing.T) {
	all := item.New(load(t, "testdata/all.yaml")) // id S, createdAt N
	for _, c := range []struct {
		pk, sk string
		want   string // JSON of the key, or "" for ErrBadKey
	}{
		{"a", "1", `{"createdAt":{"N":"1"},"id":{"S":"a"}}`},
		{`"\$#`, "-1.5e3", `{"createdAt":{"N":"-1.5e3"},"id":{"S":"\"\\$#"}}`},
		{"é", "12345678901234567890123456789012345678", `{"createdAt":{"N":"12345678901234567890123456789012345678"},"id":{"S":"é"}}`},
		{"a", "9.99e125", `{"createdAt":{"N":"9.99e125"},"id":{"S":"a"}}`},
		{"a", "1e126", ""},
		{"a", "123456789012345678901234567890123456789", ""},
		{"a", "x", ""},
		{"a", "01", ""},
		{"a", "+1", ""},
		{"a", "1.", ""},
		{"a", " 1", ""},
		{"a", "", ""},
		{"", "1", ""},
		{strings.Repeat("x", 2048), "1", `{"createdAt":{"N":"1"},"id":{"S":"` + strings.Repeat("x", 2048) + `"}}`},
		{strings.Repeat("x", 2049), "1", ""},
		{strings.Repeat("é", 1025), "1", ""}, // 2050 bytes
		{"\xff", "1", ""},
	} {
		key, err := putitem.Key(all, c.pk, c.sk)
		if c.want == "" {
			if !errors.Is(err, putitem.ErrBadKey) {
				t.Errorf("%.20q %q: got %v, %v; want ErrBadKey", c.pk, c.sk, key, err)
			}
			continue
		}
		got, _ := json.Marshal(key)
		if err != nil || string(got) != c.want {
			t.Errorf("%.20q %q: got %s, %v; want %.80s", c.pk, c.sk, got, err, c.want)
		}
	}
	notes := parse(t, routesSpec)
	if _, err := putitem.Key(notes, "u", strings.Repeat("x", 1024)); err != nil {
		t.Errorf("sort key of 1024 bytes: %v", err)
	}
	if _, err := putitem.Key(notes, "u", strings.Repeat("x", 1025)); !errors.Is(err, putitem.ErrBadKey) {
		t.Errorf("sort key of 1025 bytes: %v, want ErrBadKey", err)
	}
	nosk := parse(t, "version: 1\nname: one\ntable: {partitionKey: n}\nfields:\n  n: {type: number, required: true}\n")
	if key, err := putitem.Key(nosk, "1.50", ""); err != nil || !reflect.DeepEqual(key, map[string]any{"n": map[string]any{"N": "1.50"}}) {
		t.Errorf("no sort key: %v, %v", key, err)
	}
}

func TestToken(t *testing.T) {
	notes := parse(t, routesSpec)
	all := item.New(load(t, "testdata/all.yaml"))
	for _, sk := range []string{"a", "$#\\\"", "é😀\u2028", "\x00", strings.Repeat("z", 1024), "??>>", "~~~"} {
		tok, err := putitem.EncodeToken(notes, map[string]any{"user": map[string]any{"S": "u"}, "at": map[string]any{"S": sk}})
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(tok, "+/=") {
			t.Errorf("%q: token %s is not base64url without padding", sk, tok)
		}
		back, err := putitem.DecodeToken(notes, tok)
		if err != nil || back["S"] != sk {
			t.Errorf("%q: token %s decodes to %v, %v", sk, tok, back, err)
		}
	}
	// "??>>" is "Pz8-Pg" in base64url: - and _ are the alphabet's.
	if tok, _ := putitem.EncodeToken(notes, map[string]any{"at": map[string]any{"S": "??>>"}}); tok != "Pz8-Pg" {
		t.Errorf("token of ??>> = %s, want Pz8-Pg", tok)
	}
	tok, err := putitem.EncodeToken(all, map[string]any{"id": map[string]any{"S": "x"}, "createdAt": map[string]any{"N": "1700000000123"}})
	if err != nil || tok != "MTcwMDAwMDAwMDEyMw" {
		t.Errorf("N token = %s, %v", tok, err)
	}
	if v, err := putitem.DecodeToken(all, tok); err != nil || v["N"] != "1700000000123" {
		t.Errorf("N token decodes to %v, %v", v, err)
	}
	for _, bad := range []struct {
		it    *item.Item
		token string
	}{
		{notes, ""},
		{notes, "YQ=="},  // padding
		{notes, "YQ="},   // padding
		{notes, "a+b/"},  // standard alphabet
		{notes, "YWJj!"}, // not the alphabet
		{notes, "YWJjZ"}, // length 5: 1 more than a multiple of 4
		{notes, "Y"},
		{notes, "_w"},                        // 0xff: not UTF-8
		{notes, strings.Repeat("eHh4", 342)}, // 1026 bytes, over the sort key's 1024
		{all, "eA"},                          // "x": not a number
		{all, "MDE"},                         // "01"
		{all, "MWUxMjY"},                     // "1e126": beyond DynamoDB's range
		{all, "IDE"},                         // " 1"
		{notes, "YQ\n"},                      // a newline
		{notes, "%59%51"},                    // URL escapes are decoded before
		{all, "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5"}, // 39 digits
	} {
		if v, err := putitem.DecodeToken(bad.it, bad.token); !errors.Is(err, putitem.ErrBadQuery) {
			t.Errorf("token %q: got %v, %v; want ErrBadQuery", bad.token, v, err)
		}
	}
}

func TestQueryRequest(t *testing.T) {
	notes := parse(t, routesSpec)
	req, err := putitem.QueryRequest(notes, "u\"$", putitem.QueryParams{}, "T")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(req)
	want := `{"ConsistentRead":true,"ExpressionAttributeNames":{"#pk":"user"},"ExpressionAttributeValues":{":pk":{"S":"u\"$"}},` +
		`"KeyConditionExpression":"#pk = :pk","Limit":25,"ScanIndexForward":true,"TableName":"T"}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	req, err = putitem.QueryRequest(notes, "u", putitem.QueryParams{Limit: "100", Order: "desc", Next: "YQ"}, "T")
	if err != nil {
		t.Fatal(err)
	}
	if req["Limit"] != 100 || req["ScanIndexForward"] != false ||
		!reflect.DeepEqual(req["ExclusiveStartKey"], map[string]any{"user": map[string]any{"S": "u"}, "at": map[string]any{"S": "a"}}) {
		t.Errorf("got %v", req)
	}
	if req, _ := putitem.QueryRequest(notes, "u", putitem.QueryParams{Limit: "1", Order: "asc"}, "T"); req["Limit"] != 1 || req["ScanIndexForward"] != true {
		t.Errorf("limit 1 asc: %v", req)
	}
	for _, q := range []putitem.QueryParams{
		{Limit: "0"}, {Limit: "101"}, {Limit: "-1"}, {Limit: "01"}, {Limit: "1.0"}, {Limit: "1e1"}, {Limit: " 5"}, {Limit: "x"},
		{Order: "DESC"}, {Order: "up"}, {Next: "!"}, {Next: "YWJjZ"},
	} {
		if _, err := putitem.QueryRequest(notes, "u", q, "T"); !errors.Is(err, putitem.ErrBadQuery) {
			t.Errorf("%+v: %v, want ErrBadQuery", q, err)
		}
	}
	if _, err := putitem.QueryRequest(notes, "", putitem.QueryParams{}, "T"); !errors.Is(err, putitem.ErrBadKey) {
		t.Errorf("empty pk: %v, want ErrBadKey", err)
	}
}

func TestQueryAnswer(t *testing.T) {
	notes := parse(t, routesSpec)
	items := []map[string]any{typed(t, `{"user":{"S":"u"},"at":{"S":"a"},"text":{"S":"x"}}`), typed(t, `{"user":{"S":"u"},"at":{"S":"b"}}`)}
	got, err := putitem.QueryAnswer(notes, items, typed(t, `{"user":{"S":"u"},"at":{"S":"b"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"items":[{"user":"u","at":"a","text":"x"},{"user":"u","at":"b"}],"next":"Yg"}`; string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	got, err = putitem.QueryAnswer(notes, nil, nil)
	if err != nil || string(got) != `{"items":[]}` {
		t.Errorf("empty: %s, %v", got, err)
	}
}

func TestUpdate(t *testing.T) {
	notes := parse(t, routesSpec)
	// Updatable, in order: text n ok tags nums lines meta level (#f0..#f7).
	cases := []struct{ body, expr, names, values string }{
		{`{"text":"x"}`, "SET #f0 = :v0", `{"#f0":"text"}`, `{":v0":{"S":"x"}}`},
		{`{"n":null}`, "REMOVE #f1", `{"#f1":"n"}`, `{}`},
		{`{"level":5,"tags":null,"text":"#f1 = :v1, $x","meta":null,"ok":false}`,
			"SET #f0 = :v0, #f2 = :v2, #f7 = :v7 REMOVE #f3, #f6",
			`{"#f0":"text","#f2":"ok","#f3":"tags","#f6":"meta","#f7":"level"}`,
			`{":v0":{"S":"#f1 = :v1, $x"},":v2":{"BOOL":false},":v7":{"N":"5"}}`},
		{`{"lines":[{"sku":"a"}],"nums":[1.50,9.99e125]}`, "SET #f4 = :v4, #f5 = :v5", `{"#f4":"nums","#f5":"lines"}`,
			`{":v4":{"NS":["1.50","9.99e125"]},":v5":{"L":[{"M":{"qty":{"N":"1"},"sku":{"S":"a"}}}]}}`},
	}
	for _, c := range cases {
		u, err := putitem.UpdateOf(notes, []byte(c.body), rc)
		if err != nil {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		names, _ := json.Marshal(u.Names)
		values, _ := json.Marshal(u.Values)
		if u.Expression != c.expr || string(names) != c.names || string(values) != c.values {
			t.Errorf("%s:\n got  %s %s %s\n want %s %s %s", c.body, u.Expression, names, values, c.expr, c.names, c.values)
		}
		req := putitem.UpdateRequest(notes, map[string]any{"user": map[string]any{"S": "u"}}, u, "T")
		if req["ConditionExpression"] != "attribute_exists(#pk)" || req["ReturnValues"] != "ALL_NEW" ||
			req["ExpressionAttributeNames"].(map[string]any)["#pk"] != "user" {
			t.Errorf("%s: request %v", c.body, req)
		}
		if _, has := req["ExpressionAttributeValues"]; has != (len(u.Values) > 0) {
			t.Errorf("%s: ExpressionAttributeValues %v", c.body, req["ExpressionAttributeValues"])
		}
	}
	for _, bad := range []string{`{}`, ``, `[]`, `{"user":"u"}`, `{"at":"a"}`, `{"text":null}`, `{"level":null}`, `{"nope":1}`, `{"text":1}`} {
		if u, err := putitem.UpdateOf(notes, []byte(bad), rc); err == nil {
			t.Errorf("%s: got %+v, want an error", bad, u)
		}
	}
}

func TestUpdateApply(t *testing.T) {
	notes := parse(t, routesSpec)
	old := typed(t, `{"user":{"S":"u"},"at":{"S":"a"},"text":{"S":"t"},"n":{"N":"1"},"ttl":{"N":"9"}}`)
	u, err := putitem.UpdateOf(notes, []byte(`{"n":null,"text":"new","ok":true}`), rc)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(u.Apply(old))
	if want := `{"at":{"S":"a"},"ok":{"BOOL":true},"text":{"S":"new"},"ttl":{"N":"9"},"user":{"S":"u"}}`; string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if old["n"] == nil {
		t.Error("Apply changed the old item")
	}
}

func TestDeleteAndGetRequest(t *testing.T) {
	notes := parse(t, routesSpec)
	key := map[string]any{"user": map[string]any{"S": "u"}, "at": map[string]any{"S": "a"}}
	got, _ := json.Marshal(putitem.DeleteRequest(notes, key, "T"))
	want := `{"ConditionExpression":"attribute_exists(#pk)","ExpressionAttributeNames":{"#pk":"user"},` +
		`"Key":{"at":{"S":"a"},"user":{"S":"u"}},"ReturnValues":"ALL_OLD","TableName":"T"}`
	if string(got) != want {
		t.Errorf("delete: got %s", got)
	}
	got, _ = json.Marshal(putitem.GetRequest(key, "T"))
	if want := `{"ConsistentRead":true,"Key":{"at":{"S":"a"},"user":{"S":"u"}},"TableName":"T"}`; string(got) != want {
		t.Errorf("get: got %s", got)
	}
}

var expressionPattern = regexp.MustCompile(`^(SET #f\d+ = :v\d+(, #f\d+ = :v\d+)*)?( ?REMOVE #f\d+(, #f\d+)*)?$`)

// FuzzUpdate: every body the update model accepts maps to an update whose
// expression is placeholders only, naming Updatable fields, and whose new
// item gives back, as plain JSON, each scalar, set or list of scalars the
// body set, exactly as sent.
func FuzzUpdate(f *testing.F) {
	it := item.New(load(f, "testdata/all.yaml"))
	v, err := schema.NewUpdateValidator(it)
	if err != nil {
		f.Fatal(err)
	}
	for _, body := range []string{
		`{}`, `{"count":null}`, `{"message":"#f0 = :v0 REMOVE #f1 ${x} \" \\ \u0000\u2028😀"}`,
		`{"status":"done","price":9.99e125,"scores":[1.50,-2e-130],"labels":["$","#"]}`,
		`{"tags":null,"urgent":false,"matrix":[[1,2.5],[]],"author":{"name":"n"}}`, `{"id":"x"}`, `{"note":null}`,
	} {
		f.Add([]byte(body))
	}
	updatable := map[string]*item.Field{}
	for _, f := range putitem.UpdatableFields(it) {
		updatable[f.Name] = f
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if v.Validate(body) != nil {
			return
		}
		u, err := putitem.UpdateOf(it, body, rc)
		if err != nil {
			t.Fatalf("the model accepted %s, but UpdateOf failed: %v", body, err)
		}
		if u.Expression == "" || !expressionPattern.MatchString(u.Expression) {
			t.Fatalf("expression %q", u.Expression)
		}
		for _, name := range u.Names {
			if updatable[name.(string)] == nil {
				t.Fatalf("%s is not updatable", name)
			}
		}
		plain, err := putitem.Plain(it, reencode(t, u.Apply(map[string]any{})))
		if err != nil || !json.Valid(plain) {
			t.Fatalf("plain %s: %v", plain, err)
		}
		sent, got := decodeNumbers(t, body), decodeNumbers(t, plain)
		for name, value := range sent {
			f := updatable[name]
			if value == nil {
				if _, ok := got[name]; ok {
					t.Fatalf("%s: removed, but the item has it", name)
				}
				continue
			}
			if f.Type == spec.Object || f.Type == spec.List && f.Items.Type == spec.Object {
				continue // nested defaults and server-set values are added
			}
			if a, b := jsonText(t, value), jsonText(t, got[name]); a != b {
				t.Fatalf("%s: sent %s, the item gives %s", name, a, b)
			}
		}
	})
}

func decodeNumbers(t *testing.T, data []byte) map[string]any {
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	return m
}

func jsonText(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
