package local

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/putitem"
)

// message is the pattern of the JSON answer {"message": msg}.
func message(msg string) string { return regexp.QuoteMeta(string(putitem.ErrorAnswer(msg))) }

const key = "test-key" // newTestAPI's api key

// TestRoutesOfAnItem: create, read, update and delete one item with a
// hostile partition key and a number sort key, and the stream records.
func TestRoutesOfAnItem(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "testdata/routes/spec.yaml", nil))
	user := "u \"$#\\/%é\u2028"
	addr := "/notes/" + url.PathEscape(user) + "/1.5"
	body := fmt.Sprintf(`{"user":%q,"at":1.5,"text":"a\u0000\u001f<&>","score":9.99e125,"tags":["b","a"],"meta":{"note":"n"}}`, user)
	check(t, "create", call(a, "POST", "/notes", body, "x-api-key", key), 200, `\{\}`)

	read := call(a, "GET", addr, "", "x-api-key", key)
	want := `\{"user":"u \\"\$#\\\\/%é` + "\u2028" + `","at":1\.5,"text":"a\\u0000\\u001f<&>","done":false,"score":9\.99e125,` +
		`"tags":\["b","a"\],"meta":\{"note":"n","seen":\d+\}\}`
	check(t, "read", read, 200, want)
	if read.headers.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("read: no CORS header: %v", read.headers)
	}
	check(t, "read, another text of the same number", call(a, "GET", "/notes/"+url.PathEscape(user)+"/1.50", "", "x-api-key", key), 200, want)
	check(t, "read under the stage", call(a, "GET", "/prod"+addr, "", "x-api-key", key), 200, want)
	check(t, "read, no item", call(a, "GET", "/notes/u/2", "", "x-api-key", key), 404, message(putitem.MessageNotFound))
	for _, sk := range []string{"x", "1e126", "01", "1.", "NaN", "%20"} {
		check(t, "read, sort key "+sk, call(a, "GET", "/notes/u/"+sk, "", "x-api-key", key), 400, message(putitem.MessageBadKey))
	}
	check(t, "read, partition key of 2049 bytes", call(a, "GET", "/notes/"+strings.Repeat("x", 2049)+"/1", "", "x-api-key", key), 400, message(putitem.MessageBadKey))
	check(t, "read without the api key", call(a, "GET", addr, ""), 403, message(msgForbidden))

	// update: null removes an optional field; the answer is the whole item.
	updated := call(a, "PATCH", addr, `{"score":null,"text":"new","tags":["c"],"meta":{}}`, "x-api-key", key)
	check(t, "update", updated, 200, `\{"user":"u \\"\$#\\\\/%é`+"\u2028"+`","at":1\.5,"text":"new","done":false,"tags":\["c"\],"meta":\{"seen":\d+\}\}`)
	check(t, "read after update", call(a, "GET", addr, "", "x-api-key", key), 200, regexp.QuoteMeta(updated.body))
	for _, bad := range []struct{ name, body, pattern string }{
		{"{}", `{}`, "minProperties"},
		{"no body", ``, "minProperties"},
		{"a key", `{"user":"x"}`, "additional properties 'user'"},
		{"the sort key", `{"at":2}`, "additional properties 'at'"},
		{"a server-set field", `{"meta":{"seen":1}}`, "additional properties 'seen'"},
		{"null for a required field", `{"text":null}`, "got null"},
		{"null for a defaulted field", `{"done":null}`, "got null"},
		{"a constraint", `{"text":"` + strings.Repeat("x", 101) + `"}`, "maxLength"},
		{"unknown", `{"nope":1}`, "additional properties 'nope'"},
		{"not JSON", `{"text":`, "not JSON"},
	} {
		check(t, "update, "+bad.name, call(a, "PATCH", addr, bad.body, "x-api-key", key), 400,
			regexp.QuoteMeta(`{"message":"`+putitem.MessageInvalidBody+`: `)+`.*`+regexp.QuoteMeta(bad.pattern)+`.*`)
	}
	check(t, "update, no item", call(a, "PATCH", "/notes/u/2", `{"text":"x"}`, "x-api-key", key), 404, message(putitem.MessageNotFound))
	check(t, "update, bad key", call(a, "PATCH", "/notes/u/x", `{"text":"x"}`, "x-api-key", key), 400, message(putitem.MessageBadKey))
	check(t, "update, a number DynamoDB refuses", call(a, "PATCH", addr, `{"score":1e126}`, "x-api-key", key), 400, message(putitem.MessageRejected))
	check(t, "read after the refused update", call(a, "GET", addr, "", "x-api-key", key), 200, regexp.QuoteMeta(updated.body))

	deleted := call(a, "DELETE", addr, "", "x-api-key", key)
	check(t, "delete", deleted, 200, regexp.QuoteMeta(updated.body))
	check(t, "delete again", call(a, "DELETE", addr, "", "x-api-key", key), 404, message(putitem.MessageNotFound))
	check(t, "read after delete", call(a, "GET", addr, "", "x-api-key", key), 404, message(putitem.MessageNotFound))
	check(t, "delete, bad key", call(a, "DELETE", "/notes/u/x", "", "x-api-key", key), 400, message(putitem.MessageBadKey))
	// The stack's update and delete answer a key over its size so too (vtl.Update's KeySizes).
	long := "/notes/" + strings.Repeat("é", 1024) + "x/1" // 2049 bytes
	check(t, "update, a key over its size", call(a, "PATCH", long, `{"text":"x"}`, "x-api-key", key), 400, message(putitem.MessageBadKey))
	check(t, "delete, a key over its size", call(a, "DELETE", long, "", "x-api-key", key), 400, message(putitem.MessageBadKey))

	recs, err := store.Records(0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range recs {
		names = append(names, r.EventName)
	}
	// One record per write that happened: none for the 404s and 400s.
	if fmt.Sprint(names) != "[INSERT MODIFY REMOVE]" {
		t.Fatalf("records %v, want [INSERT MODIFY REMOVE]", names)
	}
	insert, modify, remove := recs[0], recs[1], recs[2]
	if !strings.Contains(string(modify.OldImage["score"]), "9.99e125") || modify.NewImage["score"] != nil ||
		string(modify.NewImage["text"]) != `{"S":"new"}` || string(modify.OldImage["text"]) != string(insert.NewImage["text"]) {
		t.Errorf("MODIFY: old %v new %v", modify.OldImage, modify.NewImage)
	}
	if remove.NewImage != nil || string(remove.OldImage["text"]) != `{"S":"new"}` || remove.ByTTL {
		t.Errorf("REMOVE: old %v new %v", remove.OldImage, remove.NewImage)
	}
	for _, r := range recs {
		if string(r.Keys["at"]) != `{"N":"1.5"}` || len(r.Keys) != 2 {
			t.Errorf("%s keys %v", r.EventName, r.Keys)
		}
	}
}

func TestRoutesMethodsAndCORS(t *testing.T) {
	a, _ := newTestAPI(t, parseSpec(t, "testdata/routes/spec.yaml", nil))
	for path, want := range map[string]string{
		"/notes":          "OPTIONS,POST",
		"/notes/u":        "GET,OPTIONS",
		"/notes/u/1":      "DELETE,GET,OPTIONS,PATCH",
		"/prod/notes/u/1": "DELETE,GET,OPTIONS,PATCH",
	} {
		pre := call(a, "OPTIONS", path, "", "Origin", "https://x.example", "Access-Control-Request-Method", "GET")
		if pre.status != 200 || pre.headers.Get("Access-Control-Allow-Methods") != want || pre.headers.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("OPTIONS %s: %d %v, want methods %s", path, pre.status, pre.headers, want)
		}
	}
	missing := message(msgMissingToken)
	for _, c := range [][2]string{
		{"GET", "/notes"}, {"PATCH", "/notes/u"}, {"DELETE", "/notes/u"}, {"POST", "/notes/u/1"}, {"PUT", "/notes/u/1"},
		{"GET", "/notes/u/1/2"}, {"GET", "/notes/"}, {"GET", "/notes//1"}, {"GET", "/notes/u/"}, {"GET", "/other/u/1"}, {"OPTIONS", "/notes/u/1/2"},
	} {
		check(t, c[0]+" "+c[1], call(a, c[0], c[1], "", "x-api-key", key), 403, missing)
	}

	// Only the spec's routes: the seed has create alone.
	seed, _ := newTestAPI(t, parseSpec(t, "../testdata/seed/spec.yaml", nil))
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		check(t, "seed "+m, call(seed, m, "/InsertItem/x", `{"message":"y"}`), 403, missing)
	}
	// read without update or delete.
	src := "version: 1\nname: r\napi: {routes: [read, query]}\ntable: {partitionKey: p, sortKey: s}\nfields:\n  p: {type: string, required: true}\n  s: {type: string, required: true}\n"
	r, _ := newTestAPI(t, parseSpec(t, "r.yaml", []byte(src)))
	check(t, "read-only PATCH", call(r, "PATCH", "/InsertItem/a/b", `{"x":1}`), 403, missing)
	check(t, "read-only DELETE", call(r, "DELETE", "/InsertItem/a/b", ""), 403, missing)
	check(t, "read-only POST", call(r, "POST", "/InsertItem", `{"p":"a","s":"b"}`), 403, missing)
	check(t, "read-only GET", call(r, "GET", "/InsertItem/a/b", ""), 404, message(putitem.MessageNotFound))
	check(t, "read-only query", call(r, "GET", "/InsertItem/a", ""), 200, `\{"items":\[\]\}`)
}

// queryAll pages through partition pk of a with ?limit and ?order,
// returning the sort keys in the order received and the pages' sizes.
func queryAll(t *testing.T, a *API, base, pk, params string) (sks []string, pages []int) {
	t.Helper()
	next := ""
	for range 100 {
		q := "?" + params
		if next != "" {
			q += "&next=" + next
		}
		got := call(a, "GET", base+"/"+url.PathEscape(pk)+q, "", "x-api-key", key)
		if got.status != 200 {
			t.Fatalf("query %s: %d %s", q, got.status, got.body)
		}
		var page struct {
			Items []map[string]json.RawMessage
			Next  *string
		}
		if err := json.Unmarshal([]byte(got.body), &page); err != nil {
			t.Fatalf("query %s: %s: %v", q, got.body, err)
		}
		pages = append(pages, len(page.Items))
		for _, it := range page.Items {
			sk := it["at"]
			for _, name := range []string{"s", "n"} {
				if s, ok := it[name]; ok {
					sk = s
				}
			}
			sks = append(sks, string(sk))
		}
		if page.Next == nil {
			return sks, pages
		}
		next = *page.Next
	}
	t.Fatal("more than 100 pages")
	return nil, nil
}

func TestRoutesQuery(t *testing.T) {
	a, _ := newTestAPI(t, parseSpec(t, "testdata/routes/spec.yaml", nil))
	// 60 items whose sort keys sort differently as text and as numbers.
	var want []float64
	for i := range 60 {
		at := strconv.FormatFloat(float64(i*37%60-30)/4, 'g', -1, 64)
		n, _ := strconv.ParseFloat(at, 64)
		want = append(want, n)
		check(t, "create "+at, call(a, "POST", "/notes", `{"user":"p","at":`+at+`,"text":"t"}`, "x-api-key", key), 200, `\{\}`)
	}
	slices.Sort(want)
	for _, other := range []string{`{"user":"q","at":0,"text":"other"}`, `{"user":"pp","at":1,"text":"other"}`} {
		check(t, "create", call(a, "POST", "/notes", other, "x-api-key", key), 200, `\{\}`)
	}
	numbers := func(sks []string) []float64 {
		out := make([]float64, len(sks))
		for i, s := range sks {
			out[i], _ = strconv.ParseFloat(s, 64)
		}
		return out
	}

	sks, pages := queryAll(t, a, "/notes", "p", "")
	if fmt.Sprint(numbers(sks)) != fmt.Sprint(want) || fmt.Sprint(pages) != "[25 25 10]" {
		t.Errorf("default pages %v: %v, want in numeric order %v", pages, sks, want)
	}
	// A page that ends on the limit has a next, as DynamoDB's, even when
	// nothing follows: the last page is then empty.
	if _, pages := queryAll(t, a, "/notes", "p", "limit=20"); fmt.Sprint(pages) != "[20 20 20 0]" {
		t.Errorf("limit=20 pages %v", pages)
	}
	sks, pages = queryAll(t, a, "/notes", "p", "limit=7&order=desc")
	reversed := slices.Clone(want)
	slices.Reverse(reversed)
	if fmt.Sprint(numbers(sks)) != fmt.Sprint(reversed) || len(pages) != 9 || pages[8] != 4 {
		t.Errorf("desc pages %v: %v, want %v", pages, sks, reversed)
	}
	if _, pages := queryAll(t, a, "/notes", "p", "limit=100&order=asc"); fmt.Sprint(pages) != "[60]" {
		t.Errorf("limit=100 pages %v", pages)
	}
	if _, pages := queryAll(t, a, "/notes", "p", "limit=1"); len(pages) != 61 {
		t.Errorf("limit=1: %d pages", len(pages))
	}
	check(t, "empty partition", call(a, "GET", "/notes/nobody", "", "x-api-key", key), 200, `\{"items":\[\]\}`)
	check(t, "empty partition, limit", call(a, "GET", "/notes/nobody?limit=5&order=desc", "", "x-api-key", key), 200, `\{"items":\[\]\}`)
	check(t, "one item", call(a, "GET", "/notes/q?limit=5", "", "x-api-key", key), 200,
		`\{"items":\[\{"user":"q","at":0,"text":"other","done":false\}\]\}`)

	// A token continues in the path's partition only: p's token on q.
	first := call(a, "GET", "/notes/p?limit=2", "", "x-api-key", key)
	var page struct{ Next string }
	json.Unmarshal([]byte(first.body), &page)
	check(t, "p's token on q", call(a, "GET", "/notes/q?next="+page.Next, "", "x-api-key", key), 200, `\{"items":\[\{"user":"q".*\}\]\}`)

	bad := message(putitem.MessageBadQuery)
	for _, q := range []string{
		"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1.5", "limit=05", "order=up", "order=DESC",
		"next=!!!", "next=YQ%3D%3D", "next=YWJjZ", "next=a%2Bb", "next=eA", "next=MWUxMjY", "next=" + strings.Repeat("MTEx", 400),
	} {
		check(t, "query "+q, call(a, "GET", "/notes/p?"+q, "", "x-api-key", key), 400, bad)
	}
	check(t, "query, partition key of 2049 bytes", call(a, "GET", "/notes/"+strings.Repeat("x", 2049), "", "x-api-key", key), 400, message(putitem.MessageBadQuery))
	check(t, "query without the api key", call(a, "GET", "/notes/p", ""), 403, message(msgForbidden))
}

// TestRoutesQueryStringOrder: an S sort key is in the order of UTF-8
// bytes, which differs from UTF-16's (Java's, JavaScript's) for U+FFFD
// against an emoji.
func TestRoutesQueryStringOrder(t *testing.T) {
	src := "version: 1\nname: s\napi: {auth: api_key, routes: [create, query]}\ntable: {partitionKey: p, sortKey: s}\n" +
		"fields:\n  p: {type: string, required: true}\n  s: {type: string, required: true}\n"
	a, _ := newTestAPI(t, parseSpec(t, "s.yaml", []byte(src)))
	values := []string{"b", "a", "B", "é", "z", "aa", "\ufffd", "😀", "a b", "$#\\\"", "10", "9"}
	for _, v := range values {
		body, _ := json.Marshal(map[string]string{"p": "x/y", "s": v})
		check(t, "create "+v, call(a, "POST", "/InsertItem", string(body), "x-api-key", key), 200, `\{\}`)
	}
	want := slices.Clone(values)
	slices.Sort(want) // Go orders strings by their bytes
	sks, _ := queryAll(t, a, "/InsertItem", "x/y", "limit=3")
	got := make([]string, len(sks))
	for i, s := range sks {
		json.Unmarshal([]byte(s), &got[i])
	}
	if !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
	if i, j := slices.Index(got, "\ufffd"), slices.Index(got, "😀"); i > j {
		t.Errorf("U+FFFD after the emoji: UTF-16 order, not UTF-8")
	}
}

// TestRoutesWithoutSortKey: a server-set key, KEYS_ONLY records.
func TestRoutesWithoutSortKey(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "testdata/routes-no-sort-key/spec.yaml", nil))
	created := call(a, "POST", "/v1/tasks", `{"title":"t","due":5,"labels":["x"]}`)
	check(t, "create", created, 200, `\{"id":"[0-9a-f-]{36}"\}`)
	var keys struct{ ID string }
	json.Unmarshal([]byte(created.body), &keys)
	addr := "/v1/tasks/" + keys.ID
	check(t, "read", call(a, "GET", addr, ""), 200, `\{"id":"`+keys.ID+`","title":"t","due":5,"labels":\["x"\]\}`)
	check(t, "update", call(a, "PATCH", addr, `{"due":null,"labels":[]}`), 200, `\{"id":"`+keys.ID+`","title":"t","labels":\[\]\}`)
	check(t, "update the server-set key", call(a, "PATCH", addr, `{"id":"x"}`), 400, `\{"message":"Invalid request body: .*'id'.*"\}`)
	check(t, "no query without a sort key", call(a, "GET", addr+"/x", ""), 403, message(msgMissingToken))
	check(t, "delete", call(a, "DELETE", addr, ""), 200, `\{"id":"`+keys.ID+`","title":"t","labels":\[\]\}`)
	check(t, "read after delete", call(a, "GET", addr, ""), 404, message(putitem.MessageNotFound))
	recs, _ := store.Records(0, 10)
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	for i, name := range []string{"INSERT", "MODIFY", "REMOVE"} {
		r := recs[i]
		if r.EventName != name || r.NewImage != nil || r.OldImage != nil || string(r.Keys["id"]) != `{"S":"`+keys.ID+`"}` || len(r.Keys) != 1 {
			t.Errorf("record %d: %s keys %v new %v old %v, want %s with keys only", i, r.EventName, r.Keys, r.NewImage, r.OldImage, name)
		}
	}
}

// TestRoutesUnchangedUpdateHasNoRecord: an update that leaves the item the
// same (a number in another text, a set in another order) writes no stream
// record, as DynamoDB Streams writes none (see sameItem).
func TestRoutesUnchangedUpdateHasNoRecord(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "testdata/routes/spec.yaml", nil))
	check(t, "create", call(a, "POST", "/notes", `{"user":"u","at":1,"text":"t"}`, "x-api-key", key), 200, `\{\}`)
	check(t, "update", call(a, "PATCH", "/notes/u/1", `{"score":1.5,"tags":["a","b"]}`, "x-api-key", key), 200, `.*"score":1\.5.*`)
	check(t, "the same update", call(a, "PATCH", "/notes/u/1", `{"score":1.5,"tags":["a","b"]}`, "x-api-key", key), 200, `.*"score":1\.5.*`)
	check(t, "the same data", call(a, "PATCH", "/notes/u/1", `{"score":1.50,"tags":["b","a"],"text":"t"}`, "x-api-key", key), 200, `.*"score":1\.5.*`)
	check(t, "a change", call(a, "PATCH", "/notes/u/1", `{"score":1.51}`, "x-api-key", key), 200, `.*"score":1\.51.*`)
	recs, err := store.Records(0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range recs {
		names = append(names, r.EventName)
	}
	if fmt.Sprint(names) != "[INSERT MODIFY MODIFY]" {
		t.Fatalf("records %v, want [INSERT MODIFY MODIFY]", names)
	}
	if string(recs[2].OldImage["score"]) != `{"N":"1.5"}` {
		t.Errorf("last MODIFY's old score %s, want 1.5", recs[2].OldImage["score"])
	}
}

// TestRoutesStoreFailures: a broken store answers the routes' 500s.
func TestRoutesStoreFailures(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "testdata/routes/spec.yaml", nil))
	store.Close()
	check(t, "read", call(a, "GET", "/notes/u/1", "", "x-api-key", key), 500, message(putitem.MessageReadFailed))
	check(t, "query", call(a, "GET", "/notes/u", "", "x-api-key", key), 500, message(putitem.MessageReadFailed))
	check(t, "update", call(a, "PATCH", "/notes/u/1", `{"text":"x"}`, "x-api-key", key), 500, message(putitem.MessageNotChanged))
	check(t, "delete", call(a, "DELETE", "/notes/u/1", "", "x-api-key", key), 500, message(putitem.MessageNotChanged))
}

// TestRoutesQueryStopsAtOneMegabyte: a page holds at most 1 MB of items,
// then gives a next token, as DynamoDB's Query does.
func TestRoutesQueryStopsAtOneMegabyte(t *testing.T) {
	src := "version: 1\nname: big\napi: {routes: [create, query]}\ntable: {partitionKey: p, sortKey: n}\n" +
		"fields:\n  p: {type: string, required: true}\n  n: {type: integer, required: true}\n  blob: {type: string}\n"
	a, _ := newTestAPI(t, parseSpec(t, "big.yaml", []byte(src)))
	blob := strings.Repeat("x", 300*1024)
	for i := range 6 {
		check(t, "create", call(a, "POST", "/InsertItem", fmt.Sprintf(`{"p":"a","n":%d,"blob":%q}`, i, blob)), 200, `\{\}`)
	}
	if _, pages := queryAll(t, a, "/InsertItem", "a", ""); fmt.Sprint(pages) != "[4 2]" {
		t.Errorf("pages %v, want [4 2]: a page stops once it holds 1 MB", pages)
	}
}

// TestRoutesConcurrentWrites: concurrent updates and deletes share group
// commits; each answered write has its record, in the order of the writes.
func TestRoutesConcurrentWrites(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "testdata/routes/spec.yaml", nil))
	const n = 40
	for i := range n {
		check(t, "create", call(a, "POST", "/notes", fmt.Sprintf(`{"user":"c","at":%d,"text":"t"}`, i), "x-api-key", key), 200, `\{\}`)
	}
	done := make(chan answer, 2*n)
	for i := range n {
		go func() {
			done <- call(a, "PATCH", fmt.Sprintf("/notes/c/%d", i), `{"score":1}`, "x-api-key", key)
			done <- call(a, "DELETE", fmt.Sprintf("/notes/c/%d", i), "", "x-api-key", key)
		}()
	}
	for range 2 * n {
		if got := <-done; got.status != 200 {
			t.Errorf("%d %s", got.status, got.body)
		}
	}
	recs, err := store.Records(0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	last := map[string]string{}
	for _, r := range recs {
		count[r.EventName]++
		k := string(r.Keys["at"])
		if r.EventName == "REMOVE" && last[k] != "MODIFY" {
			t.Errorf("item %s: REMOVE after %s", k, last[k])
		}
		last[k] = r.EventName
	}
	if count["INSERT"] != n || count["MODIFY"] != n || count["REMOVE"] != n {
		t.Errorf("records %v, want %d of each", count, n)
	}
	check(t, "all gone", call(a, "GET", "/notes/c", "", "x-api-key", key), 200, `\{"items":\[\]\}`)
}

// TestRoutesPathKeysDecoded: the path's keys are percent-decoded as the
// templates decode them (putitem.PathKey: "+" is a plus, %2B too, %20 a
// space); an escape that is not UTF-8 is the routes' 400, as on AWS.
func TestRoutesPathKeysDecoded(t *testing.T) {
	a, _ := newTestAPI(t, parseSpec(t, "testdata/routes/spec.yaml", nil))
	check(t, "create", call(a, "POST", "/notes", `{"user":"a+b c/d?e#é%","at":1,"text":"t"}`, "x-api-key", key), 200, `\{\}`)
	for _, raw := range []string{"a+b%20c%2Fd%3Fe%23%C3%A9%25", "a%2Bb%20c%2fd%3fe%23%c3%a9%25"} {
		check(t, "read "+raw, call(a, "GET", "/notes/"+raw+"/1", "", "x-api-key", key), 200, `\{"user":"a\+b c/d\?e#é%","at":1,"text":"t","done":false\}`)
		check(t, "query "+raw, call(a, "GET", "/notes/"+raw, "", "x-api-key", key), 200, `\{"items":\[\{"user":"a\+b c/d\?e#é%".*\}\]\}`)
	}
	check(t, "read of a+b as a b", call(a, "GET", "/notes/a%20b%20c%2Fd%3Fe%23%C3%A9%25/1", "", "x-api-key", key), 404, message(putitem.MessageNotFound))
	for _, raw := range []string{"%FF", "%C3", "%ED%A0%80", "a%C0%AF"} {
		check(t, "read "+raw, call(a, "GET", "/notes/"+raw+"/1", "", "x-api-key", key), 400, message(putitem.MessageBadKey))
		check(t, "read, sort key "+raw, call(a, "GET", "/notes/u/"+raw, "", "x-api-key", key), 400, message(putitem.MessageBadKey))
		check(t, "delete "+raw, call(a, "DELETE", "/notes/"+raw+"/1", "", "x-api-key", key), 400, message(putitem.MessageBadKey))
		check(t, "query "+raw, call(a, "GET", "/notes/"+raw, "", "x-api-key", key), 400, message(putitem.MessageBadQuery))
	}
}
