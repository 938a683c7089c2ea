package vtl_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

// updateBodies of testdata/all.yaml that pass its update model.
var updateBodies = []string{
	`{"message":"hi"}`,
	`{"count":null}`,
	`{"urgent":false}`,
	`{"urgent":null,"tags":null,"labels":null,"scores":null,"matrix":null,"grid":null,"author":null}`,
	`{"note":"","message":"q\"b\\s'$x#y##z#*c*#\u0000\u001f\u2028😀é\\","status":"done"}`,
	`{"note":"\",\"x\":{\"S\":\"","message":"#f0 = :v0 REMOVE #f1 ${x} $input.body #set($a=1)"}`,
	`{"count":0,"price":-0,"scores":[1e3,1.50,-2],"sizes":[5,-1.5e-3],"kinds":["x$"],"flags":[]}`,
	`{"tags":["'","\\'","\""],"labels":["b","a"],"matrix":[[],[1,2.5]],"grid":[[1,2],[3]]}`,
	`{"author":{"name":"n","email":"a@b"},"lines":[{"sku":"s1"},{"sku":"s2","qty":7}]}`,
	`{"author":{"name":""},"count":null,"message":"m"}`,
}

var pathParams = map[string]map[string]string{"path": {"pk": `a"b\c'd$e#f`, "sk": "1700000000123"}}

// TestUpdateRenders renders the update template with Velocity 1.7: every body
// becomes the UpdateItem package putitem says (placeholders of the model's
// list only, SET for values and REMOVE for nulls, each value as create
// writes it).
func TestUpdateRenders(t *testing.T) {
	r := velocity.Start(t)
	it := item.New(load(t, "../putitem/testdata/all.yaml"))
	route, err := vtl.Update(it, "T")
	if err != nil {
		t.Fatal(err)
	}
	template := route.Request
	for _, body := range updateBodies {
		res := r.MustRender(t, velocity.Job{Template: template, Body: body, Params: pathParams,
			Context: velocity.Context(rc.RequestID, rc.RequestTimeEpoch, rc.SourceIP, rc.UserAgent)})
		got, err := decode(res.Output)
		if err != nil {
			t.Errorf("body %s: rendered invalid JSON: %v\n%s", body, err, res.Output)
			continue
		}
		want := wantUpdate(t, it, body)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body %s\n got %s\nwant %s", body, encode(got), encode(want))
		}
	}
}

// wantUpdate is package putitem's UpdateItem for body.
func wantUpdate(t *testing.T, it *item.Item, body string) map[string]any {
	t.Helper()
	u, err := putitem.UpdateOf(it, []byte(body), rc)
	if err != nil {
		t.Fatal(err)
	}
	key := map[string]any{"id": map[string]any{"S": `a"b\c'd$e#f`}, "createdAt": map[string]any{"N": "1700000000123"}}
	// decode's numbers are json.Number; putitem's number texts are strings.
	b, _ := json.Marshal(putitem.UpdateRequest(it, key, u, "T"))
	out, err := decode(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeleteRenders: the delete template is one DeleteItem of the path's key.
func TestDeleteRenders(t *testing.T) {
	r := velocity.Start(t)
	it := item.New(load(t, "../putitem/testdata/all.yaml"))
	route, err := vtl.Delete(it, "T")
	if err != nil {
		t.Fatal(err)
	}
	res := r.MustRender(t, velocity.Job{Template: route.Request, Params: pathParams,
		Context: velocity.Context(rc.RequestID, rc.RequestTimeEpoch, rc.SourceIP, rc.UserAgent)})
	want := `{"TableName":"T","Key":{"id":{"S":"a\"b\\c'd$e#f"},"createdAt":{"N":"1700000000123"}},` +
		`"ConditionExpression":"attribute_exists(#pk)","ExpressionAttributeNames":{"#pk":"id"},"ReturnValues":"ALL_OLD"}`
	if !sameJSON(res.Output, want) {
		t.Errorf("got  %s\nwant %s", res.Output, want)
	}
}

// TestWriteRouteErrors renders the update and delete routes' error templates
// for DynamoDB's errors: the condition is the 404, throttling 429, a
// ValidationException 400 (the update's a bad number key, else the refused
// item; the delete's the key), any other 4xx 500 (not changed), a 5xx 500
// (maybe changed); never AWS internals.
func TestWriteRouteErrors(t *testing.T) {
	r := velocity.Start(t)
	it := item.New(load(t, "../putitem/testdata/all.yaml")) // createdAt, the sort key, is a number
	update, err := vtl.Update(it, "T")
	if err != nil {
		t.Fatal(err)
	}
	del, err := vtl.Delete(it, "T")
	if err != nil {
		t.Fatal(err)
	}
	badKey := map[string]map[string]string{"path": {"pk": "a", "sk": "12x"}}
	for _, c := range []struct {
		route           *vtl.Route
		errType         string
		params          map[string]map[string]string
		status, message string
	}{
		{update, "ConditionalCheckFailedException", pathParams, "404", putitem.MessageNotFound},
		{del, "ConditionalCheckFailedException", pathParams, "404", putitem.MessageNotFound},
		{update, "ValidationException", pathParams, "", putitem.MessageRejected},
		{update, "ValidationException", badKey, "", putitem.MessageBadKey},
		{del, "ValidationException", badKey, "", putitem.MessageBadKey},
		{update, "ProvisionedThroughputExceededException", pathParams, "429", putitem.MessageThrottled},
		{del, "ThrottlingException", pathParams, "429", putitem.MessageThrottled},
		{update, "ResourceNotFoundException", pathParams, "500", putitem.MessageNotChanged},
		{del, "AccessDeniedException", pathParams, "500", putitem.MessageNotChanged},
	} {
		body := fmt.Sprintf(`{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":"arn:aws:dynamodb:secret"}`, c.errType)
		res := r.MustRender(t, velocity.Job{Template: c.route.Responses[1].Template, Body: body, Params: c.params})
		if res.Status != c.status || !sameJSON(res.Output, string(putitem.ErrorAnswer(c.message))) {
			t.Errorf("%s %s %v: override %q body %s, want %q %q", c.route.Route, c.errType, c.params, res.Status, res.Output, c.status, c.message)
		}
	}
	for _, route := range []*vtl.Route{update, del} {
		if route.Responses[1].StatusCode != "400" || route.Responses[2].StatusCode != "500" {
			t.Errorf("%s: the 4xx select %s and the 5xx %s", route.Route, route.Responses[1].StatusCode, route.Responses[2].StatusCode)
		}
		res := r.MustRender(t, velocity.Job{Template: route.Responses[2].Template, Body: `{"message":"secret"}`})
		if !sameJSON(res.Output, string(putitem.ErrorAnswer(putitem.MessageChangeUncertain))) {
			t.Errorf("%s 5xx: %s", route.Route, res.Output)
		}
	}
}

// TestUpdateKeySizes: the update's ValidationException is the path's key
// (MessageBadKey, as read and delete answer it) when a string key is over
// DynamoDB's size in UTF-8 bytes, else the new item (MessageRejected).
func TestUpdateKeySizes(t *testing.T) {
	r := velocity.Start(t)
	s, err := spec.Parse("s.yaml", []byte("version: 1\nname: s\napi: {auth: iam, routes: [create, update]}\n"+
		"table: {partitionKey: pk, sortKey: sk}\nfields: {pk: {type: string, required: true}, sk: {type: string, required: true}, v: {type: string}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	update, err := vtl.Update(item.New(s), "T")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"secret"}`
	for _, c := range []struct {
		name, pk, sk, message string
	}{
		{"keys at their sizes", strings.Repeat("x", 2048), strings.Repeat("y", 1024), putitem.MessageRejected},
		{"two-byte characters at the sizes", strings.Repeat("é", 1024), strings.Repeat("é", 512), putitem.MessageRejected},
		{"encoded characters at the sizes", strings.Repeat("%+ &/", 409) + "abc", strings.Repeat("😀", 256), putitem.MessageRejected},
		{"a partition key of 2049 bytes", strings.Repeat("x", 2049), "s", putitem.MessageBadKey},
		{"a partition key of 2049 bytes in 1025 characters", strings.Repeat("é", 1024) + "x", "s", putitem.MessageBadKey},
		{"a sort key of 1025 bytes", "p", strings.Repeat("y", 1025), putitem.MessageBadKey},
		{"a sort key of 1026 bytes in 257 characters", "p", strings.Repeat("😀", 256) + "é", putitem.MessageBadKey},
	} {
		// The path as a client sends it: percent-encoded.
		params := map[string]map[string]string{"path": {"pk": url.PathEscape(c.pk), "sk": url.PathEscape(c.sk)}}
		res := r.MustRender(t, velocity.Job{Template: update.Responses[1].Template, Body: body, Params: params})
		if !sameJSON(res.Output, string(putitem.ErrorAnswer(c.message))) {
			t.Errorf("%s: %s, want %q", c.name, res.Output, c.message)
		}
	}
}
