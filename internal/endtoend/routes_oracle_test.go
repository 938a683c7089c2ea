package endtoend_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/oracle"
	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

// stringSortCase is a spec with a string sort key, which no golden case
// has: the query's token then carries hostile strings.
const stringSortCase = "string-sort-key"

func stringSortSpec(t *testing.T) *spec.Spec {
	t.Helper()
	src := "version: 1\nname: threads\napi: {routes: [create, read, query]}\n" +
		"table: {partitionKey: topic, sortKey: title}\nfields:\n" +
		"  topic: {type: string, required: true}\n  title: {type: string, required: true}\n  n: {type: number}\n"
	s, err := spec.Parse("threads.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// routeCases are the oracle's cases with a read or query route.
func routeCases(t *testing.T) []oracleCase {
	t.Helper()
	var out []oracleCase
	for _, c := range append(oracleCases(t), newOracleCase(t, stringSortCase, stringSortSpec(t))) {
		if c.spec != nil && (c.spec.API.Has(spec.Read) || c.spec.API.Has(spec.Query)) {
			out = append(out, c)
		}
	}
	return out
}

// routeOf is the route r of it as package vtl writes it, nil when the spec
// does not have it.
func routeOf(t *testing.T, it *item.Item, r spec.Route, table string) *vtl.Route {
	t.Helper()
	routes, err := vtl.Routes(it, table)
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range routes {
		if route.Route == r {
			return route
		}
	}
	return nil
}

// storedItem is an item as the create route's rendered request holds it.
type storedItem struct {
	name string
	raw  json.RawMessage // the Item of the rendered PutItem request
	item map[string]any  // the contract's item
}

// TestOracleRoutes renders the read and query templates with Velocity for
// every golden case with those routes: every valid corpus body, rendered by
// the create route's template, read back through GetItem's answer is the
// body plus the server-set fields, byte for byte and in spec order; every
// path key, hostile or not, reaches DynamoDB's Key JSON-escaped and exactly;
// query's parameters and tokens are checked and a token round-trips.
func TestOracleRoutes(t *testing.T) {
	renderer := velocity.Start(t)
	nasty := nastyByBody()
	cases := routeCases(t)
	if len(cases) < 3 {
		t.Fatalf("%d cases with read or query routes, want the goldens routes and routes-pk and %s", len(cases), stringSortCase)
	}
	var reads, pages int
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			it := item.New(c.spec)
			read, query := routeOf(t, it, spec.Read, oracleTable), routeOf(t, it, spec.Query, oracleTable)
			corpus, err := oracle.Corpus(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			var stored []storedItem
			for i, body := range corpus {
				if c.modelAccepts(body.JSON) != nil {
					continue
				}
				req := oracleRequest(i, body, nasty)
				raw := renderedItem(t, renderer, c, body, req)
				want, err := oracle.Item(c.spec, body.JSON, req)
				if err != nil {
					t.Fatal(err)
				}
				stored = append(stored, storedItem{body.Name, raw, want})
				if read != nil {
					if err := checkReadOf(renderer, c.spec, read, raw, want); err != nil {
						t.Errorf("%s: %v", body.Name, err)
					}
					reads++
				}
			}
			if len(stored) < minValidBodies {
				t.Errorf("only %d valid bodies, want %d", len(stored), minValidBodies)
			}
			if read != nil {
				checkReadAddress(t, renderer, c.spec, read)
				checkRouteErrors(t, renderer, read, putitem.MessageBadKey)
			}
			if query != nil {
				pages += checkQueryPages(t, renderer, c.spec, query, stored)
				checkQueryParameters(t, renderer, c.spec, query)
				checkRouteErrors(t, renderer, query, putitem.MessageBadQuery)
			}
		})
	}
	summary := fmt.Sprintf("oracle routes: %d cases, %d items read back through Velocity and matched, %d query pages rendered and their tokens round-tripped", len(cases), reads, pages)
	t.Log(summary)
	fmt.Println(summary)
}

// renderedItem is the Item of the create route's request for body, as
// Velocity renders it: the text DynamoDB would store.
func renderedItem(t *testing.T, r *velocity.Renderer, c oracleCase, body oracle.Body, req oracle.Request) json.RawMessage {
	t.Helper()
	res := r.MustRender(t, velocity.Job{Template: c.request, Body: string(body.JSON),
		Context: velocity.Context(req.RequestID, req.EpochMillis, req.SourceIP, req.UserAgent)})
	var request struct{ Item json.RawMessage }
	if err := json.Unmarshal([]byte(res.Output), &request); err != nil || request.Item == nil {
		t.Fatalf("%s: the create request is not JSON with an Item: %v\n%.300s", body.Name, err, res.Output)
	}
	return request.Item
}

// rawPath are the path parameters as a client sends them and a REST API
// hands them to the template: percent-encoded (url.PathEscape leaves "+"
// and other sub-delims as they are, and escapes "/", "?", "#", "%").
func rawPath(decoded map[string]string) map[string]string {
	raw := map[string]string{}
	for k, v := range decoded {
		raw[k] = url.PathEscape(v)
	}
	return raw
}

// pathParams are the path parameters of item's address: the key values as
// text (a number as its text), before renderRoute encodes them.
func pathParams(s *spec.Spec, item map[string]any, keys int) map[string]string {
	params := map[string]string{}
	for i, f := range s.KeyFields()[:keys] {
		params[vtl.PathKeys[i]] = keyValueText(item[f.Name].(map[string]any))
	}
	return params
}

func keyValueText(attr map[string]any) string {
	if n, ok := attr["N"].(string); ok {
		return n
	}
	return attr["S"].(string)
}

func renderRoute(r *velocity.Renderer, template, body string, path, query map[string]string) (velocity.Result, error) {
	res, err := r.Render(velocity.Job{Template: template, Body: body,
		Context: velocity.Context("c0ffee00-0000-4000-8000-000000000001", 1767225600000, "198.51.100.7", "curl/8.5.0"),
		Params:  map[string]map[string]string{"path": rawPath(path), "querystring": query, "header": {}}})
	if err == nil && res.Error != "" {
		err = fmt.Errorf("Velocity: %s", res.Error)
	}
	return res, err
}

// checkReadOf reads the stored item through the read route: its request
// asks for exactly the item's key, and GetItem's answer holding the stored
// text renders as the contract's plain item.
func checkReadOf(r *velocity.Renderer, s *spec.Spec, read *vtl.Route, raw json.RawMessage, want map[string]any) error {
	res, err := renderRoute(r, read.Request, "", pathParams(s, want, len(s.KeyFields())), nil)
	if err != nil {
		return err
	}
	got, err := strictJSON([]byte(res.Output))
	if err != nil {
		return fmt.Errorf("read request is not JSON: %v\n%.300s", err, res.Output)
	}
	wantRequest := map[string]any{"TableName": oracleTable, "Key": keyOf(s, want), "ConsistentRead": true}
	if !reflect.DeepEqual(got, wantRequest) {
		return fmt.Errorf("read request\n  %.400s\nwant\n  %.400s", jsonText(got), jsonText(wantRequest))
	}
	answer := append(append([]byte(`{"Item":`), raw...), '}')
	res, err = renderRoute(r, read.Responses[0].Template, string(answer), nil, nil)
	if err != nil {
		return err
	}
	if res.Status != "" {
		return fmt.Errorf("read answer: status %s for a stored item", res.Status)
	}
	if err := sameAsLocal(s, res.Output, raw); err != nil {
		return err
	}
	return samePlain(s, res.Output, want)
}

// sameAsLocal: the answer is byte for byte what gen local answers for the
// stored attributes (putitem.Plain, its reference).
func sameAsLocal(s *spec.Spec, output string, raw json.RawMessage) error {
	var attrs map[string]any
	if err := json.Unmarshal(raw, &attrs); err != nil {
		return err
	}
	local, err := putitem.Plain(item.New(s), attrs)
	if err != nil {
		return fmt.Errorf("putitem.Plain: %v", err)
	}
	if output != string(local) {
		return fmt.Errorf("the answer differs from gen local's:\n  velocity:  %.400s\n  gen local: %.400s", output, local)
	}
	return nil
}

// samePlain checks a rendered answer against the contract's item: the same
// members in spec order, strings byte for byte, numbers as the stored text.
func samePlain(s *spec.Spec, output string, want map[string]any) error {
	got, err := strictJSON([]byte(output))
	if err != nil {
		return fmt.Errorf("answer is not JSON: %v\n%.400s", err, output)
	}
	if plain := plainObject(s.Fields, want); !reflect.DeepEqual(got, plain) {
		return fmt.Errorf("answer\n  %.500s\nwant\n  %.500s", output, jsonText(plain))
	}
	return inSpecOrder(s, output, want)
}

// memberOrder is the names of a JSON object's members, in order.
func memberOrder(object string) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(object))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object: %.100s", object)
	}
	var names []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		names = append(names, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// checkReadAddress: every hostile string as a string key reaches the Key
// exactly; a number key is used only when it is a JSON number, else the
// request is one DynamoDB refuses (GetItem with an empty Key); no Item is a 404.
func checkReadAddress(t *testing.T, r *velocity.Renderer, s *spec.Spec, read *vtl.Route) {
	t.Helper()
	keys := s.KeyFields()
	base := map[string]string{}
	for i, f := range keys {
		base[vtl.PathKeys[i]] = "k"
		if f.Type != spec.String {
			base[vtl.PathKeys[i]] = "1"
		}
	}
	refusal := map[string]any{"TableName": oracleTable, "Key": map[string]any{}}
	for i, f := range keys {
		param := vtl.PathKeys[i]
		try := func(value string, want any) {
			t.Helper()
			path := map[string]string{}
			for k, v := range base {
				path[k] = v
			}
			path[param] = value
			res, err := renderRoute(r, read.Request, "", path, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := strictJSON([]byte(res.Output))
			if err != nil {
				t.Errorf("%s %q: request is not JSON: %v\n%.300s", param, value, err, res.Output)
				return
			}
			if want != nil {
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %q: request %.300s, want the refusal %s", param, value, res.Output, jsonText(want))
				}
				return
			}
			key, _ := got.(map[string]any)["Key"].(map[string]any)
			attr, _ := key[f.Name].(map[string]any)
			if len(key) != len(keys) || len(attr) != 1 || keyValueText(attr) != value {
				t.Errorf("%s %q: Key %s, want the value exactly", param, value, jsonText(key))
			}
		}
		if f.Type == spec.String {
			for _, n := range oracle.NastyStrings() {
				try(n.Value, nil)
			}
			for _, v := range []string{"a+b", "a b", "100%", "%41", "%2F", "a/b", "?#&=;", "é😀\u2028"} {
				try(v, nil)
			}
			// A raw key that is not percent-encoded UTF-8 is refused, not a
			// template error (which API Gateway would answer 500).
			for _, raw := range []string{"%zz", "%", "a%4", "%FF", "%C3", "%C0%AF", "%ED%A0%80"} {
				path := rawPath(base)
				path[param] = raw
				res := r.MustRender(t, velocity.Job{Template: read.Request, Params: map[string]map[string]string{"path": path}})
				if got, err := strictJSON([]byte(res.Output)); err != nil || !reflect.DeepEqual(got, refusal) {
					t.Errorf("%s raw %q: request %.300s, want the refusal %s", param, raw, res.Output, jsonText(refusal))
				}
			}
			continue
		}
		for _, n := range []string{"0", "-0", "12", "-1.5", "1e-130", "9.99e125", "1E+3", strings.Repeat("9", 38)} {
			try(n, nil)
		}
		for _, bad := range []string{"", "abc", "01", "1.", ".5", "+1", "1e", "--1", "0x10", "1 ", " 1", "NaN", "Infinity", "1,5", `1"}`, "1\u2028"} {
			try(bad, refusal)
		}
	}
	res, err := renderRoute(r, read.Responses[0].Template, `{}`, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "404" || !jsonEqual(res.Output, string(putitem.ErrorAnswer(putitem.MessageNotFound))) {
		t.Errorf("no Item: status %q answer %s, want 404 %q", res.Status, res.Output, putitem.MessageNotFound)
	}
}

// checkRouteErrors renders the route's error templates for DynamoDB's
// errors: a ValidationException is the 400 with invalid, throttling 429,
// any other 4xx or a 5xx 500; never AWS internals.
func checkRouteErrors(t *testing.T, r *velocity.Renderer, route *vtl.Route, invalid string) {
	t.Helper()
	const secret = "arn:aws:dynamodb:us-east-1:123456789012:table/secret"
	for errType, want := range map[string]struct{ status, message string }{
		"ValidationException":                    {"", invalid},
		"ProvisionedThroughputExceededException": {"429", putitem.MessageThrottled},
		"ThrottlingException":                    {"429", putitem.MessageThrottled},
		"RequestLimitExceeded":                   {"429", putitem.MessageThrottled},
		"ResourceNotFoundException":              {"500", putitem.MessageReadFailed},
		"AccessDeniedException":                  {"500", putitem.MessageReadFailed},
	} {
		body := fmt.Sprintf(`{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":"%s"}`, errType, secret)
		res, err := renderRoute(r, route.Responses[1].Template, body, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != want.status || !jsonEqual(res.Output, string(putitem.ErrorAnswer(want.message))) || strings.Contains(res.Output, "arn:") {
			t.Errorf("%s %s: status %q answer %s, want %q %q", route.Route, errType, res.Status, res.Output, want.status, want.message)
		}
	}
	res, err := renderRoute(r, route.Responses[2].Template, `{"message":"`+secret+`"}`, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if route.Responses[2].StatusCode != "500" || !jsonEqual(res.Output, string(putitem.ErrorAnswer(putitem.MessageReadFailed))) {
		t.Errorf("%s 5xx: %s", route.Route, res.Output)
	}
}

// checkQueryPages pages through each partition of the stored items as
// DynamoDB's Query would answer (sort key order, Limit, LastEvaluatedKey):
// each page renders as the plain items, "next" is present exactly when
// DynamoDB gave a LastEvaluatedKey, and passing it back starts the next
// request right after that key, in the path's partition. It returns the
// pages rendered.
func checkQueryPages(t *testing.T, r *velocity.Renderer, s *spec.Spec, query *vtl.Route, stored []storedItem) int {
	t.Helper()
	keys := s.KeyFields()
	partitions := map[string][]storedItem{}
	latest := map[string]int{} // key -> index in its partition: a repeated key overwrites (or is refused; either way one item)
	var order []string
	for _, st := range stored {
		pk := jsonText(st.item[keys[0].Name])
		key := keyText(s, st.item)
		if _, ok := partitions[pk]; !ok {
			order = append(order, pk)
		}
		if i, ok := latest[key]; ok {
			partitions[pk][i] = st
			continue
		}
		latest[key] = len(partitions[pk])
		partitions[pk] = append(partitions[pk], st)
	}
	pages := 0
	for _, pk := range order {
		items := partitions[pk]
		sort.SliceStable(items, func(i, j int) bool { return sortKeyLess(keys[1], items[i].item, items[j].item) })
		path := pathParams(s, items[0].item, 1)
		for _, limit := range []int{1, 2, 25} {
			next := ""
			for start := 0; ; start += limit {
				end := min(start+limit, len(items))
				params := map[string]string{"limit": fmt.Sprint(limit)}
				if next != "" {
					params["next"] = next
				}
				request := renderQuery(t, r, s, query, path, params)
				if start > 0 {
					want := keyOf(s, items[start-1].item)
					if got := request["ExclusiveStartKey"]; !reflect.DeepEqual(got, want) {
						t.Fatalf("page after %s: ExclusiveStartKey %s, want %s", items[start-1].name, jsonText(got), jsonText(want))
					}
				}
				if request["Limit"] != json.Number(fmt.Sprint(limit)) || request["ScanIndexForward"] != true {
					t.Errorf("request %s: want Limit %d, ascending", jsonText(request), limit)
				}
				var answer bytes.Buffer
				answer.WriteString(`{"Items":[`)
				for i, st := range items[start:end] {
					if i > 0 {
						answer.WriteByte(',')
					}
					answer.Write(st.raw)
				}
				fmt.Fprintf(&answer, `],"Count":%d,"ScannedCount":%d`, end-start, end-start)
				if end < len(items) {
					fmt.Fprintf(&answer, `,"LastEvaluatedKey":%s`, jsonText(keyOf(s, items[end-1].item)))
				}
				answer.WriteByte('}')
				res, err := renderRoute(r, query.Responses[0].Template, answer.String(), nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				next = checkQueryAnswer(t, s, res, items[start:end], end < len(items))
				if end == len(items) {
					break
				}
				if want := items[end-1].item[keys[1].Name].(map[string]any); decodeToken(t, next) != keyValueText(want) {
					t.Errorf("token %q does not hold the last sort key %s", next, jsonText(want))
				}
			}
		}
	}
	res, err := renderRoute(r, query.Responses[0].Template, `{"Items":[],"Count":0,"ScannedCount":0}`, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "" || res.Output != `{"items":[]}` {
		t.Errorf("empty partition: status %q answer %s", res.Status, res.Output)
	}
	return pages
}

// checkQueryAnswer checks one rendered page and returns its next token.
func checkQueryAnswer(t *testing.T, s *spec.Spec, res velocity.Result, items []storedItem, more bool) string {
	t.Helper()
	var page struct {
		Items []json.RawMessage `json:"items"`
		Next  *string           `json:"next"`
	}
	if _, err := strictJSON([]byte(res.Output)); err != nil || res.Status != "" {
		t.Fatalf("query answer (status %q) is not JSON: %v\n%.500s", res.Status, err, res.Output)
	}
	if err := json.Unmarshal([]byte(res.Output), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != len(items) || (page.Next != nil) != more {
		t.Fatalf("query answer: %d items (want %d), next %v (want one: %v)", len(page.Items), len(items), page.Next, more)
	}
	for i, raw := range page.Items {
		if err := samePlain(s, string(raw), items[i].item); err != nil {
			t.Errorf("%s: %v", items[i].name, err)
		}
		if err := sameAsLocal(s, string(raw), items[i].raw); err != nil {
			t.Errorf("%s: %v", items[i].name, err)
		}
	}
	if page.Next == nil {
		return ""
	}
	return *page.Next
}

// decodeToken reads a token as RFC 4648 section 5 base64url without padding.
func decodeToken(t *testing.T, token string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatalf("token %q is not base64url without padding: %v", token, err)
	}
	return string(b)
}

// renderQuery renders the query request and checks what any accepted one
// must be: the path's partition, the fixed expression and table, nothing else.
func renderQuery(t *testing.T, r *velocity.Renderer, s *spec.Spec, query *vtl.Route, path, params map[string]string) map[string]any {
	t.Helper()
	res, err := renderRoute(r, query.Request, "", path, params)
	if err != nil {
		t.Fatal(err)
	}
	got, err := strictJSON([]byte(res.Output))
	if err != nil {
		t.Fatalf("query request for %v is not JSON: %v\n%.400s", params, err, res.Output)
	}
	// gen local (putitem.QueryRequest) takes and refuses the same.
	local, localErr := putitem.QueryRequest(item.New(s), path["pk"], putitem.QueryParams{Limit: params["limit"], Order: params["order"], Next: params["next"]}, oracleTable)
	refused := reflect.DeepEqual(got, map[string]any{"TableName": oracleTable})
	switch {
	case errors.Is(localErr, putitem.ErrBadKey) && !refused && dynamoRefusesKey(s.KeyFields()[0], path["pk"]):
		// DynamoDB refuses this key (400); gen local refuses it itself.
	case refused != (localErr != nil):
		t.Errorf("query %v: Velocity refuses it: %v, gen local: %v", params, refused, localErr)
	case localErr == nil:
		if localJSON, err := strictJSON([]byte(jsonText(local))); err != nil || !reflect.DeepEqual(got, localJSON) {
			t.Errorf("query %v: Velocity's request\n  %s\ngen local's\n  %s", params, jsonText(got), jsonText(local))
		}
	}
	return got.(map[string]any)
}

// checkQueryParameters: a valid limit, order and token make a Query of the
// path's partition and nothing else; anything else is the request DynamoDB
// refuses (a Query without a key condition), answered 400.
func checkQueryParameters(t *testing.T, r *velocity.Renderer, s *spec.Spec, query *vtl.Route) {
	t.Helper()
	keys := s.KeyFields()
	pkAttr, skAttr := "S", "S"
	path := map[string]string{"pk": "p\"\\$#'\u2028é"}
	if keys[0].Type != spec.String {
		pkAttr, path["pk"] = "N", "-12.5"
	}
	if keys[1].Type != spec.String {
		skAttr = "N"
	}
	token := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	refusal := map[string]any{"TableName": oracleTable}
	valid := []struct {
		params map[string]string
		limit  string
		desc   bool
		start  string // the start sort key's text, "" for none
	}{
		{map[string]string{}, "25", false, ""},
		{map[string]string{"limit": "1"}, "1", false, ""},
		{map[string]string{"limit": "100", "order": "desc"}, "100", true, ""},
		{map[string]string{"order": "asc", "next": token("42")}, "25", false, "42"},
		{map[string]string{"next": token("-1.5e-3")}, "25", false, "-1.5e-3"},
	}
	if skAttr == "S" {
		for _, n := range oracle.NastyStrings() {
			if len(n.Value) < 1024 {
				valid = append(valid, struct {
					params map[string]string
					limit  string
					desc   bool
					start  string
				}{map[string]string{"next": token(n.Value)}, "25", false, n.Value})
			}
		}
	}
	for _, v := range valid {
		got := renderQuery(t, r, s, query, path, v.params)
		want := map[string]any{
			"TableName":                 oracleTable,
			"KeyConditionExpression":    "#pk = :pk",
			"ExpressionAttributeNames":  map[string]any{"#pk": keys[0].Name},
			"ExpressionAttributeValues": map[string]any{":pk": map[string]any{pkAttr: path["pk"]}},
			"Limit":                     json.Number(v.limit),
			"ScanIndexForward":          !v.desc,
			"ConsistentRead":            true,
		}
		if v.start != "" {
			want["ExclusiveStartKey"] = map[string]any{keys[0].Name: map[string]any{pkAttr: path["pk"]}, keys[1].Name: map[string]any{skAttr: v.start}}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v: request\n  %s\nwant\n  %s", v.params, jsonText(got), jsonText(want))
		}
	}
	bad := []map[string]string{
		{"limit": "0"}, {"limit": "101"}, {"limit": "-1"}, {"limit": "01"}, {"limit": "1.5"}, {"limit": "ten"}, {"limit": "1e1"}, {"limit": " 5"},
		{"order": "DESC"}, {"order": "up"}, {"order": " asc"},
		{"next": "a"}, {"next": "abcde"}, {"next": "ab=="}, {"next": "a+b/"}, {"next": "a b"}, {"next": "é"}, {"next": "%41"}, {"next": "YQ.."},
	}
	if skAttr == "N" {
		bad = append(bad, map[string]string{"next": token("abc")}, map[string]string{"next": token("1 ")}, map[string]string{"next": token("0x1")})
	}
	for _, params := range bad {
		if got := renderQuery(t, r, s, query, path, params); !reflect.DeepEqual(got, refusal) {
			t.Errorf("%v: request %s, want the refusal %s", params, jsonText(got), jsonText(refusal))
		}
	}
	// Any token whatever: the request is the refusal or stays in the path's partition.
	for _, raw := range []string{"____", "-_-_", "AAAA", "_w", "3q2-7w", "gICA", "YR", "YWJjZA", "YWJjZB"} {
		got := renderQuery(t, r, s, query, path, map[string]string{"next": raw})
		if reflect.DeepEqual(got, refusal) {
			continue
		}
		start, _ := got["ExclusiveStartKey"].(map[string]any)
		if len(got) != 8 || !reflect.DeepEqual(start[keys[0].Name], map[string]any{pkAttr: path["pk"]}) || len(start) != 2 {
			t.Errorf("token %q: request %s leaves the partition or adds members", raw, jsonText(got))
		}
	}
}

// dynamoRefusesKey reports whether DynamoDB refuses text as the value of
// key f: an empty or oversized string, a number beyond its digits or range.
func dynamoRefusesKey(f *spec.Field, text string) bool {
	if f.Type == spec.String {
		return text == "" || len(text) > 2048
	}
	return !spec.IsJSONNumber(text) || !dynamoNumber(text)
}

// sortKeyLess orders items as DynamoDB orders a partition: numbers by
// value, strings by their UTF-8 bytes.
func sortKeyLess(f *spec.Field, a, b map[string]any) bool {
	x, y := a[f.Name].(map[string]any), b[f.Name].(map[string]any)
	if n, ok := x["N"].(string); ok {
		p, _ := new(big.Rat).SetString(n)
		q, _ := new(big.Rat).SetString(y["N"].(string))
		return p.Cmp(q) < 0
	}
	return x["S"].(string) < y["S"].(string)
}
