package putitem_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
)

func load(t testing.TB, file string) *spec.Spec { return testenv.Read(t, spec.ReadFile, file) }

var rc = putitem.RequestContext{
	RequestID:        "req-1",
	RequestTimeEpoch: 1700000000123,
	SourceIP:         "192.0.2.1",
	UserAgent:        `curl/8 "x" \ ' $y #z`,
}

// server is what every body of testdata/all.yaml gets from the context.
const server = `"id":{"S":"req-1"},"createdAt":{"N":"1700000000123"},"ip":{"S":"192.0.2.1"},` +
	`"agent":{"S":"curl/8 \"x\" \\ ' $y #z"}`

// defaults is what every body of testdata/all.yaml that omits them gets.
const defaults = `"status":{"S":"new"},"note":{"S":"a$b#c ##x \"q\" \\ ${x} #set($y=1)"},"price":{"N":"1.50"},` +
	`"meta":{"M":{"source":{"S":"web$"},"level":{"N":"3"},"from":{"S":"192.0.2.1"}}},` + lists

// lists are the list and set defaults of testdata/all.yaml.
const lists = `"flags":{"L":[{"BOOL":true},{"BOOL":false}]},"kinds":{"SS":["a$","#b"]},"sizes":{"NS":["1","2.0"]}`

func TestItem(t *testing.T) {
	s := load(t, "testdata/all.yaml")
	cases := []struct {
		name, body, want string
	}{
		{"minimal body: defaults and server-set fields", `{"message":"hi"}`,
			`{` + server + `,` + defaults + `,"message":{"S":"hi"}}`},
		{"strings byte for byte", `{"message":"q\"b\\s'$x#y##z\u0000\u001f\u2028😀","status":"done","note":""}`,
			`{` + server + `,"message":{"S":"q\"b\\s'$x#y##z\u0000\u001f\u2028😀"},"status":{"S":"done"},"note":{"S":""},` +
				`"price":{"N":"1.50"},"meta":{"M":{"source":{"S":"web$"},"level":{"N":"3"},"from":{"S":"192.0.2.1"}}},` + lists + `}`},
		{"numbers keep their text", `{"message":"m","count":0,"price":-0,"scores":[1e3,1.50,-2]}`,
			`{` + server + `,"message":{"S":"m"},"status":{"S":"new"},"note":{"S":"a$b#c ##x \"q\" \\ ${x} #set($y=1)"},` +
				`"meta":{"M":{"source":{"S":"web$"},"level":{"N":"3"},"from":{"S":"192.0.2.1"}}},` + lists + `,` +
				`"count":{"N":"0"},"price":{"N":"-0"},"scores":{"NS":["1e3","1.50","-2"]}}`},
		{"lists, sets and nested objects", `{"message":"m","urgent":false,"tags":[],"labels":["b","a",""],` +
			`"matrix":[[],[1,2.5]],"author":{"name":"n"},"lines":[{"sku":"s1"},{"sku":"s2","qty":7}],` +
			`"meta":{},"opts":{}}`,
			`{` + server + `,"message":{"S":"m"},"status":{"S":"new"},"note":{"S":"a$b#c ##x \"q\" \\ ${x} #set($y=1)"},` +
				`"price":{"N":"1.50"},"urgent":{"BOOL":false},"tags":{"L":[]},"labels":{"SS":["b","a",""]},` +
				`"matrix":{"L":[{"L":[]},{"L":[{"N":"1"},{"N":"2.5"}]}]},` +
				`"author":{"M":{"name":{"S":"n"},"seenAt":{"N":"1700000000123"}}},` +
				`"lines":{"L":[{"M":{"sku":{"S":"s1"},"qty":{"N":"1"},"at":{"N":"1700000000123"}}},` +
				`{"M":{"sku":{"S":"s2"},"qty":{"N":"7"},"at":{"N":"1700000000123"}}}]},` +
				`"meta":{"M":{"level":{"N":"3"},"from":{"S":"192.0.2.1"}}},"opts":{"M":{}},` + lists + `}`},
		{"a body cannot set a server-set field", `{"message":"m","id":"mine","author":{"name":"n","seenAt":1}}`,
			`{` + server + `,` + defaults + `,"message":{"S":"m"},` +
				`"author":{"M":{"name":{"S":"n"},"seenAt":{"N":"1700000000123"}}}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := putitem.Item(item.New(s), []byte(c.body), rc)
			if err != nil {
				t.Fatal(err)
			}
			want := decode(t, c.want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("body %s\n got %s\nwant %s", c.body, encode(t, got), encode(t, want))
			}
		})
	}
}

func TestItemRejectsBodiesTheModelRejects(t *testing.T) {
	s := load(t, "testdata/all.yaml")
	for _, body := range []string{
		`[]`, `{}`, `{"message":1}`, `{"message":"m","count":"1"}`, `{"message":"m","labels":[]}`,
		`{"message":"m","lines":[{}]}`, `{"message":"m"} x`, `{"message":"m","matrix":[1]}`,
	} {
		if item, err := putitem.Item(item.New(s), []byte(body), rc); err == nil {
			t.Errorf("body %s: want an error, got %s", body, encode(t, item))
		}
	}
}

func TestEmptyBodyIsAnEmptyObject(t *testing.T) {
	s := load(t, "../streamer.yaml")
	s.Fields[1].Required = false // message
	got, err := putitem.Item(item.New(s), []byte(" \n"), rc)
	if err != nil {
		t.Fatal(err)
	}
	if want := decode(t, `{"id":{"S":"req-1"}}`); !reflect.DeepEqual(got, want) {
		t.Errorf("got %s, want %s", encode(t, got), encode(t, want))
	}
}

func TestPutItem(t *testing.T) {
	s := load(t, "../streamer.yaml")
	for _, c := range []struct {
		onDuplicate spec.OnDuplicate
		want        string
	}{
		{spec.Reject, `{"TableName":"T","Item":{"id":{"S":"req-1"},"message":{"S":"hi"}},` +
			`"ConditionExpression":"attribute_not_exists(#pk)","ExpressionAttributeNames":{"#pk":"id"}}`},
		{spec.Overwrite, `{"TableName":"T","Item":{"id":{"S":"req-1"},"message":{"S":"hi"}}}`},
	} {
		s.Table.OnDuplicate = c.onDuplicate
		got, err := putitem.Request(item.New(s), []byte(`{"message":"hi"}`), rc, "T")
		if err != nil {
			t.Fatal(err)
		}
		if want := decode(t, c.want); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %s, want %s", c.onDuplicate, encode(t, got), encode(t, want))
		}
	}
}

func TestAnswer(t *testing.T) {
	all := load(t, "testdata/all.yaml")
	seed := load(t, "../streamer.yaml")
	bodyKeys := load(t, "../streamer.yaml")
	bodyKeys.Fields[0].From, bodyKeys.Fields[0].Required = spec.FromBody, true
	agentKey := load(t, "../streamer.yaml")
	agentKey.Fields[0].From = spec.FromUserAgent
	for _, c := range []struct {
		s    *spec.Spec
		want string
	}{
		{all, `{"id":"req-1","createdAt":1700000000123}`},
		{seed, `{"id":"req-1"}`},
		{bodyKeys, `{}`},
		{agentKey, `{"id":"curl/8 \"x\" \\ ' $y #z"}`},
	} {
		got, err := putitem.Answer(item.New(c.s), rc)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
}

func TestMessagesNeedNoEscaping(t *testing.T) {
	for _, m := range []string{putitem.MessageInvalidBody, putitem.MessageDuplicate, putitem.MessageThrottled,
		putitem.MessageRejected, putitem.MessageInternal, putitem.MessageUncertain, putitem.MessageMediaType} {
		if m == "" || strings.ContainsAny(m, "\"\\$#") {
			t.Errorf("message %q is empty or needs escaping in JSON or VTL", m)
		}
		var back map[string]string
		if err := json.Unmarshal(putitem.ErrorAnswer(m), &back); err != nil || back["message"] != m {
			t.Errorf("ErrorAnswer(%q) = %s", m, putitem.ErrorAnswer(m))
		}
	}
}

// TestRejectedSaysWhy: DynamoDB's ValidationException has several causes a
// body that passed the model can still hit; the 400 names each.
func TestRejectedSaysWhy(t *testing.T) {
	for _, cause := range []string{"key value", "2048 bytes", "1024 bytes", "400 KB", "38 digits", "9.99e125"} {
		if !strings.Contains(putitem.MessageRejected, cause) {
			t.Errorf("the 400 of a refused item does not name %q: %s", cause, putitem.MessageRejected)
		}
	}
	for _, internal := range []string{"ValidationException", "DynamoDB", "com.amazon"} {
		if strings.Contains(putitem.MessageRejected, internal) {
			t.Errorf("the 400 of a refused item shows %q", internal)
		}
	}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func encode(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzItem: Item never panics, and maps every body the model accepts.
func FuzzItem(f *testing.F) {
	s := load(f, "testdata/all.yaml")
	v, err := schema.NewValidator(item.New(s))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{`{"message":"hi"}`, `{"message":"m","lines":[{"sku":"a","codes":["x"]}],"grid":[[1]]}`,
		`{"message":"m","meta":{"level":2},"opts":{"kinds":["a"]}}`, `[]`, `{"message":1}`, ``, `{"message":"m","matrix":[[1e400]]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := putitem.Item(item.New(s), body, rc)
		if err != nil && v.Validate(body) == nil {
			t.Errorf("body %q passed the model but did not map: %v", body, err)
		}
	})
}
