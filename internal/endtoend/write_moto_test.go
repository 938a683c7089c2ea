package endtoend_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/streamgen/streamgen/internal/oracle"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

// writeCases are the cases whose update and delete run on moto: every type,
// nested objects, sets, server-set and body keys, number sort keys, defaults.
var writeCases = []string{"routes", "routes-pk", "seed", "all-types", "defaults", "nested", "server-set", "sets", "sort-key-ttl", "view-new-and-old", "view-old-image", deepCase}

// TestUpdateDeleteOnMoto runs the rendered update and delete requests on
// moto's DynamoDB and renders its answers with the routes' response
// templates: items stored by the create template, then updated by the update
// corpus (values set, nulls removing optional fields): the update's answer
// (ALL_NEW) and the read route's answer equal the contract's item as plain
// JSON (spec order, strings byte for byte, numbers by value) and are byte for
// byte what gen local answers (putitem.Plain) for DynamoDB's item; every other
// item deleted: the answer (ALL_OLD) is the item, and a second delete or an
// update of the gone key answers 404. A number key that is not decimal or
// a string key over its size answers 400 MessageBadKey. The stream shows INSERT, MODIFY and REMOVE in
// order. The routes' templates depend on the fields only, so every case runs
// them, whatever its routes.
func TestUpdateDeleteOnMoto(t *testing.T) {
	if testing.Short() && !testenv.InCI() {
		t.Skip("runs thousands of requests on moto: slow")
	}
	moto := testenv.StartMoto(t)
	renderer := velocity.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var updated, removed, deleted, notFound, records int
	for _, name := range writeCases {
		s := parseCase(t, name)
		t.Run(name, func(t *testing.T) {
			st := writeOnMoto(t, moto, renderer, ctx, s, "write-"+name)
			updated += st.updated
			removed += st.removed
			deleted += st.deleted
			notFound += st.notFound
			records += st.records
		})
	}
	summary := fmt.Sprintf("update and delete on moto: %d cases, %d updates matched the contract's item (%d fields removed by null), %d deletes answered the old item, %d updates and deletes of absent keys failed on the condition, %d stream records in order",
		len(writeCases), updated, removed, deleted, notFound, records)
	t.Log(summary)
	fmt.Println(summary)
}

// maxWrites is how many items of each case are stored, updated and (every
// other one) deleted.
const maxWrites = 60

type writeStats struct{ updated, removed, deleted, notFound, records int }

func writeOnMoto(t *testing.T, moto *testenv.Moto, renderer *velocity.Renderer, ctx context.Context, s *spec.Spec, table string) writeStats {
	it := item.New(s)
	createTable(t, moto, ctx, s, table)
	create, err := vtl.Request(it, table)
	if err != nil {
		t.Fatal(err)
	}
	templates := map[string]string{"create": create}
	routes := map[string]*vtl.Route{}
	for route, build := range map[string]func(*item.Item, string) (*vtl.Route, error){"read": vtl.Read, "update": vtl.Update, "delete": vtl.Delete} {
		r, err := build(it, table)
		if err != nil {
			t.Fatal(err)
		}
		templates[route], routes[route] = r.Request, r
	}
	creates, err := oracle.Corpus(s)
	if err != nil {
		t.Fatal(err)
	}
	updates, err := oracle.UpdateCorpus(s)
	if err != nil {
		t.Fatal(err)
	}
	var validUpdates, removals []oracle.Body
	for _, u := range updates {
		if oracle.CheckUpdate(s, u.JSON) == nil {
			validUpdates = append(validUpdates, u)
			if strings.HasPrefix(u.Name, "null/") || strings.HasPrefix(u.Name, "mixed/") {
				removals = append(removals, u)
			}
		}
	}
	nasty := nastyByBody()
	var st writeStats
	var wantEvents []string
	seen := map[string]bool{}
	for i, body := range creates {
		if oracle.Check(s, body.JSON) != nil {
			continue
		}
		req := oracleRequest(i, body, nasty)
		stored, err := oracle.Item(s, body.JSON, req)
		if err != nil {
			t.Fatal(err)
		}
		key := keyText(s, stored)
		if dynamoRefusal(s, stored) != "" || seen[key] {
			continue
		}
		if len(seen) == maxWrites {
			break
		}
		seen[key] = true
		ctxVars := velocity.Context(req.RequestID, req.EpochMillis, req.SourceIP, req.UserAgent)
		if status, answer := send(t, moto, renderer, ctx, "PutItem", templates["create"], string(body.JSON), ctxVars, nil); status != 200 {
			t.Fatalf("%s: PutItem %d %s", body.Name, status, answer)
		}
		wantEvents = append(wantEvents, "INSERT")
		params := keyParams(s, stored)

		// Every third update removes fields.
		u := validUpdates[len(seen)%len(validUpdates)]
		if len(seen)%3 == 0 && len(removals) > 0 {
			u = removals[len(seen)/3%len(removals)]
		}
		update, err := oracle.UpdateOf(s, u.JSON, req)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{}
		for k, v := range stored {
			want[k] = v
		}
		for k, v := range update.Set {
			want[k] = v
		}
		for _, k := range update.Remove {
			delete(want, k)
		}
		status, answer := send(t, moto, renderer, ctx, "UpdateItem", templates["update"], string(u.JSON), ctxVars, params)
		switch refusal := dynamoRefusal(s, want); {
		case strings.HasPrefix(refusal, "set member"):
			// DynamoDB refuses it; moto 5 does not check numbers in sets.
			if status == 200 {
				wantEvents = append(wantEvents, "MODIFY")
				want = attributesOf(t, answer)
			}
		case refusal != "":
			if status != 400 || !strings.Contains(string(answer), "ValidationException") {
				t.Errorf("%s after %s: DynamoDB must refuse it (%s), answered %d %.300s", u.Name, body.Name, refusal, status, answer)
			}
			want = stored
		case status != 200:
			t.Errorf("%s after %s: UpdateItem %d %.300s", u.Name, body.Name, status, answer)
			want = stored
		default:
			wantEvents = append(wantEvents, "MODIFY")
			st.updated++
			st.removed += len(update.Remove)
			got := attributesOf(t, answer)
			if !sameItem(s, got, want) {
				t.Errorf("%s after %s: the update answered\n  %.500s\nwant\n  %.500s", u.Name, body.Name, jsonText(got), jsonText(want))
			}
			if err := answers(renderer, s, routes["update"], status, answer, params, want); err != nil {
				t.Errorf("%s after %s: update: %v", u.Name, body.Name, err)
			}
			for _, k := range update.Remove {
				if _, still := got[k]; still {
					t.Errorf("%s: null did not remove %s", u.Name, k)
				}
			}
		}
		status, answer = send(t, moto, renderer, ctx, "GetItem", templates["read"], "", ctxVars, params)
		if err := answers(renderer, s, routes["read"], status, answer, params, want); err != nil {
			t.Errorf("%s after %s: read: %v", u.Name, body.Name, err)
		}
		if len(seen)%2 == 1 {
			continue
		}
		status, answer = send(t, moto, renderer, ctx, "DeleteItem", templates["delete"], "", ctxVars, params)
		if got := attributesOf(t, answer); status != 200 || !sameItem(s, got, want) {
			t.Errorf("%s: delete answered %d\n  %.500s\nwant the item\n  %.500s", body.Name, status, answer, jsonText(want))
		}
		if err := answers(renderer, s, routes["delete"], status, answer, params, want); err != nil {
			t.Errorf("%s: delete: %v", body.Name, err)
		}
		wantEvents = append(wantEvents, "REMOVE")
		st.deleted++
		for route, target := range map[string]string{"delete": "DeleteItem", "update": "UpdateItem"} {
			status, answer := send(t, moto, renderer, ctx, target, templates[route], string(u.JSON), ctxVars, params)
			if status != 400 || !strings.Contains(string(answer), "ConditionalCheckFailedException") {
				t.Errorf("%s: %s of a deleted key answered %d %.300s, want ConditionalCheckFailedException", body.Name, route, status, answer)
			}
			if err := answers(renderer, s, routes[route], status, answer, params, nil); err != nil {
				t.Errorf("%s: %s of a deleted key: %v", body.Name, route, err)
			}
			st.notFound++
		}
	}
	checkBadKeys(t, moto, renderer, ctx, s, routes, validUpdates[0])
	if st.updated < 20 || st.deleted < 10 {
		t.Errorf("only %d updates and %d deletes ran", st.updated, st.deleted)
	}
	var event struct{ Records []struct{ EventName string } }
	if err := json.Unmarshal(readStream(t, moto, ctx, table), &event); err != nil {
		t.Fatal(err)
	}
	var gotEvents []string
	for _, r := range event.Records {
		gotEvents = append(gotEvents, r.EventName)
	}
	if !reflect.DeepEqual(gotEvents, wantEvents) {
		t.Errorf("stream events\n  %v\nwant\n  %v", gotEvents, wantEvents)
	}
	st.records = len(gotEvents)
	return st
}

// createTable is s's table as the stack makes it: its keys and its stream.
func createTable(t *testing.T, moto *testenv.Moto, ctx context.Context, s *spec.Spec, table string) {
	t.Helper()
	var defs, schema []map[string]string
	for i, f := range s.KeyFields() {
		typ, role := "S", "HASH"
		if f.Type != spec.String {
			typ = "N"
		}
		if i == 1 {
			role = "RANGE"
		}
		defs = append(defs, map[string]string{"AttributeName": f.Name, "AttributeType": typ})
		schema = append(schema, map[string]string{"AttributeName": f.Name, "KeyType": role})
	}
	var out any
	call(t, moto, ctx, "DynamoDB_20120810.CreateTable", map[string]any{
		"TableName": table, "AttributeDefinitions": defs, "KeySchema": schema, "BillingMode": "PAY_PER_REQUEST",
		"StreamSpecification": map[string]any{"StreamEnabled": true, "StreamViewType": s.Stream.View},
	}, &out)
}

// keyParams are the path parameters of the item's address as a client
// sends them: the key values percent-encoded.
func keyParams(s *spec.Spec, stored map[string]any) map[string]map[string]string {
	params := map[string]string{}
	for i, f := range s.KeyFields() {
		attr := stored[f.Name].(map[string]any)
		v, _ := attr["S"].(string)
		if n, ok := attr["N"].(string); ok {
			v = n
		}
		params[[]string{"pk", "sk"}[i]] = v
	}
	return map[string]map[string]string{"path": rawPath(params)}
}

// send renders a route's request template and sends it as API Gateway's
// integration does.
func send(t *testing.T, moto *testenv.Moto, r *velocity.Renderer, ctx context.Context, action, template, body string,
	ctxVars map[string]any, params map[string]map[string]string) (int, []byte) {
	t.Helper()
	res := r.MustRender(t, velocity.Job{Template: template, Body: body, Context: ctxVars, Params: params})
	status, answer, err := moto.Call(ctx, "DynamoDB_20120810."+action, []byte(res.Output))
	if err != nil {
		t.Fatal(err)
	}
	return status, answer
}

func attributesOf(t *testing.T, answer []byte) map[string]any {
	t.Helper()
	var out struct{ Attributes map[string]any }
	if err := json.Unmarshal(answer, &out); err != nil {
		t.Fatalf("%v: %.300s", err, answer)
	}
	return out.Attributes
}

// sameItem compares two items of s as plain JSON: strings byte for byte,
// numbers by value, sets in any order.
func sameItem(s *spec.Spec, got, want map[string]any) bool {
	return reflect.DeepEqual(canonicalObject(s.Fields, plainObject(s.Fields, got)), canonicalObject(s.Fields, plainObject(s.Fields, want))) &&
		len(got) == len(want)
}

// answers renders a route's answer to DynamoDB's (status, answer) as API
// Gateway selects it (4xx, 5xx or the default) and checks it: want's plain
// item with 200, or with want nil the 404.
func answers(r *velocity.Renderer, s *spec.Spec, route *vtl.Route, status int, answer []byte, params map[string]map[string]string, want map[string]any) error {
	res, err := renderAnswer(r, route, status, answer, params)
	if err != nil {
		return err
	}
	if want == nil {
		if res.Status != "404" || !jsonEqual(res.Output, string(putitem.ErrorAnswer(putitem.MessageNotFound))) {
			return fmt.Errorf("answered %q %s, want 404 %q", res.Status, res.Output, putitem.MessageNotFound)
		}
		return nil
	}
	if res.Status != "" {
		return fmt.Errorf("status %s for the item, want 200: %s", res.Status, res.Output)
	}
	dec := json.NewDecoder(strings.NewReader(res.Output))
	dec.UseNumber()
	var got any
	if err := dec.Decode(&got); err != nil {
		return fmt.Errorf("answer is not JSON: %v\n%.400s", err, res.Output)
	}
	plain := plainObject(s.Fields, want)
	if !reflect.DeepEqual(canonicalObject(s.Fields, got), canonicalObject(s.Fields, plain)) {
		return fmt.Errorf("answered\n  %.500s\nwant\n  %.500s", res.Output, jsonText(plain))
	}
	if err := inSpecOrder(s, res.Output, want); err != nil {
		return err
	}
	// Byte for byte what gen local answers for DynamoDB's item.
	var typed map[string]map[string]any
	if err := json.Unmarshal(answer, &typed); err != nil {
		return err
	}
	attrs := typed["Item"]
	if attrs == nil {
		attrs = typed["Attributes"]
	}
	local, err := putitem.Plain(item.New(s), attrs)
	if err != nil {
		return err
	}
	if res.Output != string(local) {
		return fmt.Errorf("answered\n  %.500s\nputitem.Plain (gen local) answers\n  %.500s", res.Output, local)
	}
	return nil
}

// inSpecOrder checks that the members of a plain item's JSON are want's
// fields in the spec's order.
func inSpecOrder(s *spec.Spec, output string, want map[string]any) error {
	order, err := memberOrder(output)
	if err != nil {
		return err
	}
	var wantOrder []string
	for _, f := range s.Fields {
		if _, ok := want[f.Name]; ok {
			wantOrder = append(wantOrder, f.Name)
		}
	}
	if !reflect.DeepEqual(order, wantOrder) {
		return fmt.Errorf("members %v, want the spec's order %v", order, wantOrder)
	}
	return nil
}

// renderAnswer renders the integration response API Gateway selects for
// DynamoDB's HTTP status: the response's template sees the answer as body
// and the method request's parameters.
func renderAnswer(r *velocity.Renderer, route *vtl.Route, status int, answer []byte, params map[string]map[string]string) (velocity.Result, error) {
	response := route.Responses[0]
	for _, ir := range route.Responses[1:] {
		if regexp.MustCompile("^(?:" + ir.SelectionPattern + ")$").MatchString(fmt.Sprint(status)) {
			response = ir
		}
	}
	res, err := r.Render(velocity.Job{Template: response.Template, Body: string(answer), Params: params,
		Context: velocity.Context("r", 1, "198.51.100.7", "curl/8.5.0")})
	if err == nil && res.Error != "" {
		err = fmt.Errorf("Velocity: %s", res.Error)
	}
	if err == nil && res.Status == "" && response.StatusCode != "200" {
		res.Status = response.StatusCode
	}
	return res, err
}

// checkBadKeys: a number key that is not a decimal number never reaches
// DynamoDB as a key, and DynamoDB refuses a string key over its size in
// UTF-8 bytes (2048 partition, 1024 sort); update and delete answer both
// 400 MessageBadKey, the message gen local answers for the keys
// putitem.Key refuses (not only a refusal: the same one).
func checkBadKeys(t *testing.T, moto *testenv.Moto, r *velocity.Renderer, ctx context.Context, s *spec.Spec, routes map[string]*vtl.Route, update oracle.Body) {
	t.Helper()
	it := item.New(s)
	good := map[string]string{"sk": ""}
	for i, f := range s.KeyFields() {
		good[vtl.PathKeys[i]] = "k"
		if f.Type != spec.String {
			good[vtl.PathKeys[i]] = "1"
		}
	}
	for i, f := range s.KeyFields() {
		param := vtl.PathKeys[i]
		value := "1e"
		if f.Type == spec.String {
			max := []int{putitem.MaxPartitionKeyBytes, putitem.MaxSortKeyBytes}[i]
			value = strings.Repeat("é", max/2) + "x" // max+1 bytes in max/2+1 characters
		}
		params := map[string]string{"pk": good["pk"], "sk": good["sk"]}
		params[param] = value
		if _, err := putitem.Key(it, params["pk"], params["sk"]); !errors.Is(err, putitem.ErrBadKey) {
			t.Errorf("%s=%.20q…: putitem.Key (gen local) %v, want ErrBadKey", param, value, err)
		}
		for route, action := range map[string]string{"update": "UpdateItem", "delete": "DeleteItem"} {
			p := map[string]map[string]string{"path": params}
			var status int
			var answer []byte
			if f.Type == spec.String {
				// moto checks no key's size on UpdateItem or DeleteItem (it
				// answers the condition's failure): DynamoDB's refusal of a key
				// over its size ("Service, account, and table quotas in Amazon
				// DynamoDB") is a ValidationException.
				status, answer = 400, []byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"One or more parameter values were invalid"}`)
			} else {
				status, answer = send(t, moto, r, ctx, action, routes[route].Request, string(update.JSON), velocity.Context("r", 1, "ip", "ua"), p)
			}
			res, err := renderAnswer(r, routes[route], status, answer, p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != "400" || !jsonEqual(res.Output, string(putitem.ErrorAnswer(putitem.MessageBadKey))) {
				t.Errorf("%s with %s=%.20q…: DynamoDB answered %d %.200s; the route answered %q %s, want 400 %q",
					route, param, value, status, answer, res.Status, res.Output, putitem.MessageBadKey)
			}
		}
	}
}
