package spec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "github.com/streamgen/streamgen/internal/testenv" // defines -update, for go test ./... -update
)

func intp(i int) *int          { return &i }
func dec(s string) *Decimal    { d := Decimal(s); return &d }
func num(s string) json.Number { return json.Number(s) }
func parseFile(t *testing.T, path string) *Spec {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(path, src)
	if err != nil {
		t.Fatalf("Parse(%s):\n%v", path, err)
	}
	return s
}

// The contract's own example, field by field, defaults applied.
func TestParseContract(t *testing.T) {
	got := parseFile(t, "testdata/contract.yaml")
	f := func(name string, typ Type, line int) *Field {
		return &Field{Name: name, Type: typ, Path: "fields." + name, Pos: Pos{Line: line, Col: 3}}
	}
	id := f("id", String, 23)
	id.From = FromRequestID
	createdAt := f("createdAt", Integer, 26)
	createdAt.From = FromRequestTimeEpoch
	message := f("message", String, 29)
	message.Required, message.MinLength, message.MaxLength = true, intp(1), intp(1024)
	status := f("status", String, 34)
	status.Enum, status.Default = []any{"new", "done"}, "new"
	count := f("count", Integer, 38)
	count.Minimum, count.Maximum = dec("0"), dec("1000000")
	tags := f("tags", List, 41)
	tags.Items, tags.MaxItems = &Field{Type: String, Path: "fields.tags.items", Pos: Pos{41, 25}}, intp(20)
	author := f("author", Object, 44)
	author.Fields = []*Field{
		{Name: "name", Type: String, Required: true, Path: "fields.author.fields.name", Pos: Pos{47, 7}},
		{Name: "email", Type: String, Pattern: "^[^@]+@[^@]+$", Path: "fields.author.fields.email", Pos: Pos{48, 7}},
	}
	scores := f("scores", NumberSet, 43)
	scores.MaxItems = intp(MaxLoopItems) // a #foreach loops over a number set's elements
	lines := f("lines", List, 49)
	lines.MaxItems = intp(MaxLoopItems)
	lines.Items = &Field{Type: Object, Path: "fields.lines.items", Pos: Pos{51, 5}, Fields: []*Field{
		{Name: "sku", Type: String, Required: true, Path: "fields.lines.items.fields.sku", Pos: Pos{54, 9}},
		{Name: "qty", Type: Integer, Minimum: dec("1"), Path: "fields.lines.items.fields.qty", Pos: Pos{55, 9}},
	}}
	want := &Spec{
		File:    "testdata/contract.yaml",
		Version: 1,
		Name:    "streamer",
		API:     API{Path: "/InsertItem", Stage: "prod", Auth: AuthNone, Throttle: &Throttle{Rate: 100, Burst: 200}, Routes: []Route{Create}},
		Table:   Table{PartitionKey: "id", SortKey: "createdAt", TTL: "expiresAt", OnDuplicate: Reject, Retain: true},
		Fields: []*Field{id, createdAt, message, status, count, f("price", Number, 39), f("urgent", Boolean, 40), tags,
			f("labels", StringSet, 42), scores, author, lines},
		Stream: Stream{View: "NEW_IMAGE", Events: []string{"INSERT", "MODIFY", "REMOVE"}, BatchSize: 100, BatchWindow: 0,
			Retries: 3, MaxRecordAge: -1, Parallelization: 1, Memory: 256, Timeout: 30,
			OnFailure: FailToS3, FailureRetention: 14, LogLevel: "INFO"},
		FieldsPos: Pos{22, 1},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("contract spec:\n got %s\nwant %s", g, w)
	}
}

// The smallest spec gets every default of the contract.
func TestParseDefaults(t *testing.T) {
	s, err := Parse("s.yaml", []byte("version: 1\nname: s\ntable: {partitionKey: k}\nfields: {k: {type: string, required: true}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	wantAPI := API{Path: "/InsertItem", Stage: "prod", Auth: AuthNone, Routes: []Route{Create}}
	wantTable := Table{PartitionKey: "k", OnDuplicate: Reject, Retain: true}
	wantStream := Stream{View: "NEW_IMAGE", Events: []string{"INSERT", "MODIFY", "REMOVE"}, BatchSize: 100,
		Retries: 3, MaxRecordAge: -1, Parallelization: 1, Memory: 256, Timeout: 30,
		OnFailure: FailToS3, FailureRetention: 14, LogLevel: "INFO"}
	if s.Tracing || s.Alarms != nil {
		t.Errorf("tracing %v, alarms %+v: want neither by default", s.Tracing, s.Alarms)
	}
	if !reflect.DeepEqual(s.API, wantAPI) || !reflect.DeepEqual(s.Table, wantTable) || !reflect.DeepEqual(s.Stream, wantStream) {
		t.Errorf("defaults:\n%+v\n%+v\n%+v", s.API, s.Table, s.Stream)
	}
	// The key's minLength 1 is the model's (item.minLengthOf): the spec
	// keeps what the file says.
	if k := s.Field("k"); k.MinLength != nil {
		t.Errorf("string key from the body: minLength %d, want none as written", *k.MinLength)
	}
}

// TestLoopedMaxItems: every array the request template loops over (a list
// at any depth, a number set) holds at most 1000 elements unless the spec
// says fewer; a string set is not looped and keeps no limit.
func TestLoopedMaxItems(t *testing.T) {
	s, err := Parse("s.yaml", []byte(`version: 1
name: s
table: {partitionKey: id}
fields:
  id: {type: string, from: requestId}
  l: {type: list, items: {type: list, items: {type: integer}}}
  o: {type: object, fields: {n: {type: numberSet}}}
  few: {type: list, items: {type: string}, maxItems: 3}
  ss: {type: stringSet}
`))
	if err != nil {
		t.Fatal(err)
	}
	o := s.Field("o").Fields[0]
	for _, c := range []struct {
		f    *Field
		want int
	}{{s.Field("l"), 1000}, {s.Field("l").Items, 1000}, {o, 1000}, {s.Field("few"), 3}} {
		if c.f.MaxItems == nil || *c.f.MaxItems != c.want {
			t.Errorf("%s: maxItems %v, want %d", c.f.Path, c.f.MaxItems, c.want)
		}
		if !Looped(c.f.Type) {
			t.Errorf("%s: %s not looped", c.f.Path, c.f.Type)
		}
	}
	if ss := s.Field("ss"); ss.MaxItems != nil || Looped(ss.Type) {
		t.Errorf("string set: maxItems %v, looped %v; want no limit", ss.MaxItems, Looped(ss.Type))
	}
}

// TestMaxRecordAgeOverRetention: an age past the stream's 24 hours is
// valid (the contract allows up to 604800) but said to do nothing.
func TestMaxRecordAgeOverRetention(t *testing.T) {
	const base = "version: 1\nname: s\ntable: {partitionKey: id}\nfields: {id: {type: string, from: requestId}}\nstream: {maxRecordAge: "
	for age, warned := range map[string]bool{"86400": false, "86401": true, "604800": true, "-1": false} {
		s, err := Parse("s.yaml", []byte(base+age+"}\n"))
		if err != nil {
			t.Fatalf("%s: %v", age, err)
		}
		if got := len(s.Warnings) == 1; got != warned {
			t.Errorf("maxRecordAge %s: warnings %v", age, s.Warnings)
		}
		if warned && !strings.HasPrefix(s.Warnings.Error(), "s.yaml:5:24: stream.maxRecordAge: warning: "+age+" seconds is more than the 86400 (24 hours)") {
			t.Errorf("maxRecordAge %s: warning %q", age, s.Warnings)
		}
	}
}

// TestSpeltOutGoNames: siblings whose names give one Go name are valid,
// but said to be spelt out, except where goName picks the name.
func TestSpeltOutGoNames(t *testing.T) {
	const base = "version: 1\nname: s\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n  o:\n    type: object\n    fields:\n      msg: {type: string}\n"
	for sibling, want := range map[string]string{
		"      Msg: {type: string}\n": "s.yaml:9:7: fields.o.fields.msg: warning: the handler spells its Go name out as Msg_msg, since sibling Msg also gives Msg, and renames it if that changes; set goName to pick a stable name\n" +
			"s.yaml:10:7: fields.o.fields.Msg: warning: the handler spells its Go name out as Msg_Msg, since sibling msg also gives Msg, and renames it if that changes; set goName to pick a stable name",
		"      Msg: {type: string, goName: Message}\n":                                        "s.yaml:9:7: fields.o.fields.msg: warning: the handler spells its Go name out as Msg_msg, since sibling Msg also gives Msg, and renames it if that changes; set goName to pick a stable name",
		"      Msg: {type: string, goName: Message}\n      m: {type: string, goName: Msg2}\n": "s.yaml:9:7: fields.o.fields.msg: warning: the handler spells its Go name out as Msg_msg, since sibling Msg also gives Msg, and renames it if that changes; set goName to pick a stable name",
		"      m: {type: string}\n":                                                           "",
	} {
		s, err := Parse("s.yaml", []byte(base+sibling))
		if err != nil {
			t.Fatalf("%q: %v", sibling, err)
		}
		got := ""
		if len(s.Warnings) > 0 {
			got = s.Warnings.Error()
		}
		if got != want {
			t.Errorf("%q: warnings\n%s\nwant\n%s", sibling, got, want)
		}
	}
	s, err := Parse("s.yaml", []byte(strings.Replace(base, "msg: {type: string}", "msg: {type: string, goName: Text}", 1)+"      Msg: {type: string, goName: Message}\n"))
	if err != nil || len(s.Warnings) > 0 {
		t.Errorf("both named: %v, warnings %v", err, s.Warnings)
	}
}

// Every key of the contract with a value other than its default.
func TestParseEveryKey(t *testing.T) {
	src := `version: 1
name: every-key-2
api:
  path: /v1/in.put_x-y
  stage: Stage_2
  auth: iam
  throttle: {rate: 0.5, burst: 3}
  cors: [https://a.example.com, "http://localhost:8080"]
  routes: [delete, query, create, read, update]
table:
  partitionKey: pk
  sortKey: sk
  ttl: exp
  onDuplicate: overwrite
  retain: false
fields:
  pk: {type: integer, required: true, minimum: -5, maximum: 5}
  sk: {type: number, from: requestTimeEpoch}
  exp: {type: integer, required: false}
  ip: {type: string, from: sourceIp}
  ua: {type: string, from: userAgent, goName: Agent}
  s: {type: string, pattern: "^[a-z]+$", minLength: 2, maxLength: 3, enum: [ab, abc], default: abc}
  n: {type: number, enum: [1.5, -2, 3e2], default: 3e2}
  b: {type: boolean, default: true}
  l: {type: list, minItems: 1, maxItems: 2, items: {type: list, items: {type: integer, enum: [1, 2]}}, default: [[1], [2, 1]]}
  ss: {type: stringSet, minItems: 1, maxItems: 3, default: [x, y]}
  ns: {type: numberSet, default: [1, 2.5]}
  o:
    type: object
    default: {a: x, c: {d: 1}}
    fields:
      a: {type: string, required: true, goName: First}
      b: {type: string, from: requestId}
      c: {type: object, fields: {d: {type: integer, default: 7}}}
stream:
  view: KEYS_ONLY
  events: [REMOVE, INSERT]
  batchSize: 10000
  batchWindow: 300
  retries: -1
  maxRecordAge: 604800
  parallelization: 10
  memory: 10240
  timeout: 900
  onFailure: sqs
  failureRetention: 1
  logLevel: DEBUG
  environment:
    NOTIFY_URL: https://hooks.example.com/orders
    Mode_2: "on"
  permissions:
    - actions: [events:PutEvents, s3:Get*]
      resources: ["arn:aws:events:*:*:event-bus/default", "arn:aws:s3:::b/*"]
    - actions: [sns:Publish]
      resources: ["*"]
tracing: true
alarms:
  email: [ops@example.com, b.c@d.example.org]
  iteratorAge: 86400
`
	s, err := Parse("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := (API{Path: "/v1/in.put_x-y", Stage: "Stage_2", Auth: AuthIAM, Throttle: &Throttle{Rate: 0.5, Burst: 3},
		CORS:   []string{"https://a.example.com", "http://localhost:8080"},
		Routes: []Route{Create, Read, Query, Update, Delete}}); !reflect.DeepEqual(s.API, want) {
		t.Errorf("api: %+v", s.API)
	}
	if want := (Table{PartitionKey: "pk", SortKey: "sk", TTL: "exp", OnDuplicate: Overwrite, Retain: false}); s.Table != want {
		t.Errorf("table: %+v", s.Table)
	}
	if want := (Stream{View: "KEYS_ONLY", Events: []string{"INSERT", "REMOVE"}, BatchSize: 10000, BatchWindow: 300,
		Retries: -1, MaxRecordAge: 604800, Parallelization: 10, Memory: 10240, Timeout: 900,
		OnFailure: FailToSQS, FailureRetention: 1, LogLevel: "DEBUG",
		Environment: []EnvVar{{"NOTIFY_URL", "https://hooks.example.com/orders"}, {"Mode_2", "on"}},
		Permissions: []Permission{
			{Actions: []string{"events:PutEvents", "s3:Get*"}, Resources: []string{"arn:aws:events:*:*:event-bus/default", "arn:aws:s3:::b/*"}},
			{Actions: []string{"sns:Publish"}, Resources: []string{"*"}},
		}}); !reflect.DeepEqual(s.Stream, want) {
		t.Errorf("stream: %+v", s.Stream)
	}
	if want := (&Alarms{Email: []string{"ops@example.com", "b.c@d.example.org"}, IteratorAge: 86400}); !s.Tracing || !reflect.DeepEqual(s.Alarms, want) {
		t.Errorf("tracing %v, alarms %+v", s.Tracing, s.Alarms)
	}
	values := map[string]any{
		"s":  "abc",
		"n":  num("3e2"),
		"b":  true,
		"l":  []any{[]any{num("1")}, []any{num("2"), num("1")}},
		"ss": []any{"x", "y"},
		"ns": []any{num("1"), num("2.5")},
		"o": &ObjectValue{Keys: []string{"a", "c"}, Values: map[string]any{
			"a": "x", "c": &ObjectValue{Keys: []string{"d"}, Values: map[string]any{"d": num("1")}}}},
	}
	for name, want := range values {
		if got := s.Field(name).Default; !reflect.DeepEqual(got, want) {
			t.Errorf("%s default: %#v, want %#v", name, got, want)
		}
	}
	if got := s.Field("n").Enum; !reflect.DeepEqual(got, []any{num("1.5"), num("-2"), num("3e2")}) {
		t.Errorf("n enum: %#v", got)
	}
	pk := s.Field("pk")
	if *pk.Minimum != "-5" || *pk.Maximum != "5" || !pk.Required || pk.MinLength != nil {
		t.Errorf("pk: %+v", pk)
	}
	if got := s.Field("ua").GoName; got != "Agent" {
		t.Errorf("ua goName %q", got)
	}
	o := s.Field("o")
	if o.Fields[0].GoName != "First" || o.Fields[1].GoName != "" {
		t.Errorf("nested goName: %q %q", o.Fields[0].GoName, o.Fields[1].GoName)
	}
	if o.Fields[1].From != FromRequestID || o.Fields[2].Fields[0].Path != "fields.o.fields.c.fields.d" ||
		o.Fields[2].Fields[0].Default != num("7") {
		t.Errorf("nested fields: %+v %+v", o.Fields[1], o.Fields[2].Fields[0])
	}
	if l := s.Field("l"); l.Items.Items.Type != Integer || l.Items.Items.Path != "fields.l.items.items" {
		t.Errorf("nested lists: %+v", l.Items.Items)
	}
}

func TestParseExamples(t *testing.T) {
	paths, _ := filepath.Glob("../examples/*.yaml")
	paths = append(paths, "../streamer.yaml")
	if len(paths) < 4 {
		t.Fatalf("examples: %v", paths)
	}
	for _, path := range paths {
		parseFile(t, path)
	}
	contract, _ := os.ReadFile("testdata/contract.yaml")
	example, _ := os.ReadFile("../examples/contract.yaml")
	if string(contract) != string(example) {
		t.Error("examples/contract.yaml differs from testdata/contract.yaml")
	}
}

func TestStarter(t *testing.T) {
	src, err := Starter("my-app")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("streamer.yaml", src)
	if err != nil {
		t.Fatalf("starter does not validate:\n%v", err)
	}
	if s.Name != "my-app" || !strings.Contains(string(src), "#") {
		t.Errorf("starter: name %q", s.Name)
	}
	if _, err := Starter("My_App"); err == nil {
		t.Error("Starter accepted an invalid name")
	}
}

// Nesting stops at DynamoDB's 32 levels.
func TestParseDepth(t *testing.T) {
	nested := func(levels int) string {
		var b strings.Builder
		b.WriteString("version: 1\nname: s\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n  o: ")
		for range levels - 1 {
			b.WriteString("{type: object, fields: {o: ")
		}
		b.WriteString("{type: object, fields: {x: {type: string}}}")
		b.WriteString(strings.Repeat("}}", levels-1) + "\n")
		return b.String()
	}
	if _, err := Parse("s.yaml", []byte(nested(32))); err != nil {
		t.Errorf("32 levels: %v", err)
	}
	_, err := Parse("s.yaml", []byte(nested(33)))
	if err == nil || !strings.Contains(err.Error(), "nests deeper than 32 levels") {
		t.Errorf("33 levels: %v", err)
	}
}
