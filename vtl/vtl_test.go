package vtl_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

func load(t testing.TB, file string) *spec.Spec { return testenv.Read(t, spec.ReadFile, file) }

var rc = putitem.RequestContext{
	RequestID:        "req-1",
	RequestTimeEpoch: 1700000000123,
	SourceIP:         "192.0.2.1",
	UserAgent:        `curl/8 "x" \ ' $y #z ${a} é`,
}

// bodies of testdata/all.yaml that pass its model.
var bodies = []string{
	`{"message":"hi"}`,
	`{"message":"q\"b\\s'$x#y##z#*c*#\u0000\u001f\u007f\u2028\u2029😀é\\","status":"done","note":""}`,
	`{"message":"$input.body #set($a=1) #end ${x} $!{y} \\$z \\#if","note":"\",\"x\":{\"S\":\""}`,
	`{"message":"m","count":0,"price":-0,"scores":[1e3,1.50,-2,12345678901234567890123456789012345678]}`,
	`{"message":"m","urgent":false,"tags":[],"labels":["b","a",""],"matrix":[[],[1,2.5],[]],` +
		`"author":{"name":"n"},"lines":[{"sku":"s1"},{"sku":"s2","qty":7}],"meta":{},"opts":{}}`,
	`{"message":"m","urgent":true,"tags":["'","\\'","\""],"author":{"name":"","email":"a@b"},` +
		`"meta":{"source":"s","level":1},"opts":{"kinds":["k"]},"lines":[]}`,
	`{"message":"m","opts":{"flag":true,"kinds":["a","b"]}}`,
	`{"message":"m","opts":{"kinds":["a"]}}`,
	`{"message":"m","flags":[],"kinds":["x$"],"sizes":[5,-1.5e-3]}`,
	`{"message":"m","grid":[[1,2],[3]],"lines":[{"sku":"a","codes":["c","d"]},{"sku":"b","qty":2,"codes":["e"]}]}`,
}

// TestRequestRendersAsMapping renders the request template with Velocity 1.7
// and checks that every body becomes the PutItem request package putitem says.
func TestRequestRendersAsMapping(t *testing.T) {
	r := velocity.Start(t)
	for _, file := range []string{"../putitem/testdata/all.yaml", "../streamer.yaml"} {
		s := load(t, file)
		template, err := vtl.Request(item.New(s), "T")
		if err != nil {
			t.Fatal(err)
		}
		list := bodies
		if file == "../streamer.yaml" {
			list = []string{`{"message":"hi"}`, `{"message":""}`, `{"message":"'\\'"}`}
		}
		for _, body := range list {
			res, err := r.Render(velocity.Job{Template: template, Body: body,
				Context: velocity.Context(rc.RequestID, rc.RequestTimeEpoch, rc.SourceIP, rc.UserAgent)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Error != "" {
				t.Fatalf("%s: %s", file, res.Error)
			}
			got, err := decode(res.Output)
			if err != nil {
				t.Errorf("%s: body %s: rendered invalid JSON: %v\n%s", file, body, err, res.Output)
				continue
			}
			want, err := putitem.Request(item.New(s), []byte(body), rc, "T")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: body %s\n got %s\nwant %s", file, body, encode(got), encode(want))
			}
		}
	}
}

// TestResponsesRender renders the integration response templates with
// DynamoDB's answers and checks the statuses and bodies of the contract.
func TestResponsesRender(t *testing.T) {
	r := velocity.Start(t)
	s := load(t, "../putitem/testdata/all.yaml")
	responses, err := vtl.Responses(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	byPattern := map[string]vtl.IntegrationResponse{}
	for _, ir := range responses {
		byPattern[ir.SelectionPattern] = ir
	}
	ctx := velocity.Context(rc.RequestID, rc.RequestTimeEpoch, rc.SourceIP, rc.UserAgent)

	ok := byPattern[""]
	res := render(t, r, ok.Template, `{}`, ctx)
	want, err := putitem.Answer(item.New(s), rc)
	if err != nil {
		t.Fatal(err)
	}
	if ok.StatusCode != "200" || res.Status != "" || !sameJSON(res.Output, string(want)) {
		t.Errorf("success: status %s override %q body %s, want 200 %s", ok.StatusCode, res.Status, res.Output, want)
	}

	clientError := byPattern[`4\d{2}`]
	for _, c := range []struct{ errorType, status, message string }{
		{"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "409", putitem.MessageDuplicate},
		{"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", "429", putitem.MessageThrottled},
		{"com.amazon.coral.availability#ThrottlingException", "429", putitem.MessageThrottled},
		{"com.amazonaws.dynamodb.v20120810#RequestLimitExceeded", "429", putitem.MessageThrottled},
		{"com.amazonaws.dynamodb.v20120810#TransactionConflictException", "429", putitem.MessageThrottled},
		{"com.amazon.coral.validate#ValidationException", "", putitem.MessageRejected},
		{"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "500", putitem.MessageInternal},
		{"com.amazon.coral.service#AccessDeniedException", "500", putitem.MessageInternal},
		{"", "500", putitem.MessageInternal},
	} {
		body := fmt.Sprintf(`{"__type":%q,"message":"internal detail"}`, c.errorType)
		if c.errorType == "" {
			body = `{}`
		}
		res := render(t, r, clientError.Template, body, ctx)
		if res.Status != c.status || !sameJSON(res.Output, string(putitem.ErrorAnswer(c.message))) {
			t.Errorf("%s: override %q body %s, want %q %s", c.errorType, res.Status, res.Output, c.status, putitem.ErrorAnswer(c.message))
		}
	}
	if clientError.StatusCode != "400" {
		t.Errorf("client errors select %s, want 400", clientError.StatusCode)
	}

	serverError := byPattern[`5\d{2}`]
	// A 5xx of DynamoDB may come after the write: the answer must not say
	// the item was not stored.
	res = render(t, r, serverError.Template, `{"__type":"com.amazonaws.dynamodb#InternalServerError"}`, ctx)
	if serverError.StatusCode != "500" || !sameJSON(res.Output, string(putitem.ErrorAnswer(putitem.MessageUncertain))) || strings.Contains(res.Output, "not stored") {
		t.Errorf("server error: %s %s", serverError.StatusCode, res.Output)
	}
	for _, p := range []string{`4\d{2}`, `5\d{2}`} {
		re := regexp.MustCompile("^" + p + "$")
		if !re.MatchString(p[:1]+"03") || re.MatchString("200") {
			t.Errorf("selection pattern %s", p)
		}
	}
}

func render(t *testing.T, r *velocity.Renderer, template, body string, ctx map[string]any) velocity.Result {
	t.Helper()
	return r.MustRender(t, velocity.Job{Template: template, Body: body, Context: ctx})
}

func TestRequestText(t *testing.T) {
	s := load(t, "../putitem/testdata/all.yaml")
	text, err := vtl.Request(item.New(s), "${Table}")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := vtl.Request(item.New(s), "${Table}")
	if again != text {
		t.Error("two runs differ")
	}
	if n := strings.Count(text, "${"); n != 1 {
		t.Errorf(`%d "${" in the template, want only the table's (Fn::Sub would touch the others)`, n)
	}
	// The note default holds $, #, ## and ${: none may reach Velocity raw.
	if !strings.Contains(text, `{"S":"a\u0024b\u0023c \u0023\u0023x \"q\" \\ \u0024{x} \u0023set(\u0024y=1)"}`) {
		t.Error("the note default is not escaped for Velocity")
	}
	if strings.Contains(text, "##") || strings.Contains(text, "#*") {
		t.Error("the template holds a Velocity comment")
	}
	opens := len(regexp.MustCompile(`#(if|foreach)\(`).FindAllString(text, -1))
	if ends := strings.Count(text, "#end"); opens != ends {
		t.Errorf("%d #if/#foreach, %d #end", opens, ends)
	}
	if !strings.Contains(text, `"ConditionExpression":"attribute_not_exists(\u0023pk)","ExpressionAttributeNames":{"\u0023pk":"id"}`) {
		t.Error("onDuplicate: reject has no condition on the key")
	}
	s.Table.OnDuplicate = spec.Overwrite
	overwrite, _ := vtl.Request(item.New(s), "T")
	if strings.Contains(overwrite, "ConditionExpression") {
		t.Error("onDuplicate: overwrite has a condition")
	}
}

// TestRequestSize: a 200-field spec's template.yaml inlines the request
// template and the model and must stay under 51,200 bytes.
func TestRequestSize(t *testing.T) {
	var src strings.Builder
	src.WriteString("version: 1\nname: big\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n")
	types := []string{"string", "integer", "number", "boolean", "stringSet"}
	for i := 1; i < 200; i++ {
		fmt.Fprintf(&src, "  field%03d: {type: %s}\n", i, types[i%len(types)])
	}
	s, err := spec.Parse("big.yaml", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	text, err := vtl.Request(item.New(s), "${Table}")
	if err != nil {
		t.Fatal(err)
	}
	if len(text) > 20000 {
		t.Errorf("200 fields: request template of %d bytes, want at most 20000", len(text))
	}
	t.Logf("200 fields: request template of %d bytes", len(text))
}

func TestGatewayResponses(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range vtl.GatewayResponses {
		seen[g.Type] = true
		if strings.Contains(g.Template, "#") {
			t.Errorf("%s: gateway response templates are not Velocity: %s", g.Type, g.Template)
		}
		// With the variables substituted by JSON-safe text, each must be JSON.
		filled := strings.NewReplacer("$context.error.validationErrorString", "detail",
			"$context.error.messageString", `"message"`).Replace(g.Template)
		var v map[string]any
		if err := json.Unmarshal([]byte(filled), &v); err != nil || v["message"] == nil {
			t.Errorf("%s: %s is not a JSON message", g.Type, g.Template)
		}
		// a timeout or an integration failure may come after the write
		if strings.HasPrefix(g.StatusCode, "5") && strings.Contains(g.Template, "not stored") {
			t.Errorf("%s claims the item was not stored: %s", g.Type, g.Template)
		}
	}
	for _, want := range []string{"BAD_REQUEST_BODY", "THROTTLED", "DEFAULT_4XX", "DEFAULT_5XX", "UNSUPPORTED_MEDIA_TYPE"} {
		if !seen[want] {
			t.Errorf("no gateway response %s", want)
		}
	}
}

func decode(s string) (map[string]any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}

func sameJSON(a, b string) bool {
	va, errA := decode(a)
	vb, errB := decode(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

func encode(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestNamesVelocityOrJSONPathKnow: field names that are Velocity directives,
// Java methods or JSONPath functions are written and read like any other.
func TestNamesVelocityOrJSONPathKnow(t *testing.T) {
	r := velocity.Start(t)
	var src strings.Builder
	src.WriteString("version: 1\nname: names\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n")
	names := []string{"end", "set", "if", "else", "foreach", "class", "input", "context", "size", "length", "empty", "_x", "__type", "keySet"}
	for _, n := range names {
		fmt.Fprintf(&src, "  %s: {type: string}\n", n)
	}
	src.WriteString("  o:\n    type: object\n    fields:\n      class: {type: integer}\n      end: {type: boolean}\n")
	s, err := spec.Parse("names.yaml", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	template, err := vtl.Request(item.New(s), "T")
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	body.WriteString(`{"o":{"class":1,"end":false}`)
	for _, n := range names {
		fmt.Fprintf(&body, `,%q:"$%s #%s"`, n, n, n)
	}
	body.WriteString("}")
	res := render(t, r, template, body.String(), velocity.Context(rc.RequestID, rc.RequestTimeEpoch, rc.SourceIP, rc.UserAgent))
	got, err := decode(res.Output)
	if err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, res.Output)
	}
	want, err := putitem.Request(item.New(s), []byte(body.String()), rc, "T")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %s\nwant %s", encode(got), encode(want))
	}
}

// TestLoopsAreWhatSpecLimits: the request template loops (#foreach) over
// exactly the types spec.Looped names, the ones whose maxItems the spec
// caps at API Gateway's 1000 iterations.
func TestLoopsAreWhatSpecLimits(t *testing.T) {
	for _, typ := range []spec.Type{spec.String, spec.Number, spec.Integer, spec.Boolean, spec.List, spec.Object, spec.StringSet, spec.NumberSet} {
		field := "{type: " + string(typ) + "}"
		switch typ {
		case spec.List:
			field = "{type: list, items: {type: string}}"
		case spec.Object:
			field = "{type: object, fields: {a: {type: string}}}"
		}
		s, err := spec.Parse("s.yaml", []byte("version: 1\nname: s\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n  f: "+field+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		text, err := vtl.Request(item.New(s), "t")
		if err != nil {
			t.Fatal(err)
		}
		if loops := strings.Count(text, "#foreach"); (loops > 0) != spec.Looped(typ) {
			t.Errorf("%s: %d #foreach in the template, spec.Looped is %v", typ, loops, spec.Looped(typ))
		}
	}
}

// TestPlainIsTheBody renders Plain over the item each body's request
// template makes: every field the body gave comes back as the body gave it
// (strings, numbers' text, set and list order; objects, which may gain
// server-set and default members, are the oracle's), and fields the body
// omitted only when they are server-set or defaulted.
func TestPlainIsTheBody(t *testing.T) {
	r := velocity.Start(t)
	s := load(t, "../putitem/testdata/all.yaml")
	it := item.New(s)
	request, err := vtl.Request(it, "T")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := vtl.Plain(it, "$.Item")
	if err != nil {
		t.Fatal(err)
	}
	ctx := velocity.Context(rc.RequestID, rc.RequestTimeEpoch, rc.SourceIP, rc.UserAgent)
	for _, body := range bodies {
		rendered := render(t, r, request, body, ctx)
		var req struct{ Item json.RawMessage }
		if err := json.Unmarshal([]byte(rendered.Output), &req); err != nil {
			t.Fatal(err)
		}
		res := render(t, r, plain, `{"Item":`+string(req.Item)+`}`, ctx)
		got, err := decode(res.Output)
		if err != nil {
			t.Errorf("body %s: plain JSON is not JSON: %v\n%s", body, err, res.Output)
			continue
		}
		given, _ := decode(body)
		for _, f := range it.Fields {
			g, inAnswer := got[f.Name]
			b, inBody := given[f.Name]
			switch {
			case inBody && f.Attr != item.M && (f.Items == nil || f.Items.Attr != item.M) && !reflect.DeepEqual(g, b):
				t.Errorf("body %s: %s is %s, want %s", body, f.Name, encode(g), encode(b))
			case !inBody && inAnswer && f.Presence == item.Optional:
				t.Errorf("body %s: %s is %s, want it absent", body, f.Name, encode(g))
			case !inBody && !inAnswer && f.Presence.Always():
				t.Errorf("body %s: %s is absent", body, f.Name)
			}
		}
	}
}

// TestRoutesOnlyWhenAsked: a spec without api.routes has no route besides
// create; each route asked for has its DynamoDB action.
func TestRoutesOnlyWhenAsked(t *testing.T) {
	routes, err := vtl.Routes(item.New(load(t, "../streamer.yaml")), "T")
	if err != nil || len(routes) != 0 {
		t.Fatalf("streamer.yaml: routes %v (%v), want none", routes, err)
	}
	routes, err = vtl.Routes(item.New(load(t, "../testdata/routes/spec.yaml")), "T")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range routes {
		actions = append(actions, string(r.Route)+":"+r.Action)
	}
	if want := []string{"read:GetItem", "query:Query", "update:UpdateItem", "delete:DeleteItem"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("routes %v, want %v", actions, want)
	}
}
