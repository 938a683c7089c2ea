package local

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
)

func parseSpec(t testing.TB, file string, src []byte) *spec.Spec {
	t.Helper()
	if src == nil {
		var err error
		if src, err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
	}
	s, err := spec.Parse(file, src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newTestAPI(t testing.TB, s *spec.Spec) (*API, *Store) {
	t.Helper()
	store := openTestStoreFor(t, s)
	v, err := schema.NewValidator(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	a := NewAPI(item.New(s), store, v)
	if a.Updates, err = schema.NewUpdateValidator(item.New(s)); err != nil {
		t.Fatal(err)
	}
	a.Log = io.Discard
	a.APIKey = "test-key"
	return a, store
}

func openTestStoreFor(t testing.TB, s *spec.Spec) *Store {
	t.Helper()
	store, err := OpenStore(filepath.Join(t.TempDir(), "local.db"), keyNames(item.New(s)), s.Stream.View)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

type answer struct {
	status  int
	body    string
	headers http.Header
}

func call(a *API, method, path, body string, headers ...string) answer {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Body.String(), rec.Header()}
}

// check asserts status, application/json and a body matching the pattern.
func check(t *testing.T, what string, got answer, status int, bodyPattern string) {
	t.Helper()
	if got.status != status || !regexp.MustCompile(`^(?:`+bodyPattern+`)$`).MatchString(got.body) {
		t.Errorf("%s: %d %s, want %d %s", what, got.status, got.body, status, bodyPattern)
	}
	if ct := got.headers.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
}

func TestAPIAnswersOfTheSeed(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "../testdata/seed/spec.yaml", nil))
	ok := call(a, "POST", "/InsertItem", `{"message":"hello \"$#\u2028 😀"}`)
	check(t, "valid", ok, 200, `\{"id":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"\}`)
	var keys struct{ ID string }
	json.Unmarshal([]byte(ok.body), &keys)
	item, err := store.Get(Item{"id": json.RawMessage(`{"S":"` + keys.ID + `"}`)})
	if err != nil || string(item["message"]) != `{"S":"hello \"$#\u2028 😀"}` {
		t.Errorf("stored message %s, %v", item["message"], err)
	}
	check(t, "stage path", call(a, "POST", "/prod/InsertItem", `{"message":"x"}`), 200, `\{"id":"[^"]+"\}`)
	check(t, "missing field", call(a, "POST", "/InsertItem", `{}`), 400, `\{"message":"Invalid request body: .*message.*"\}`)
	check(t, "unknown field", call(a, "POST", "/InsertItem", `{"message":"x","mesage":"y"}`), 400, `\{"message":"Invalid request body: .*mesage.*"\}`)
	check(t, "server-set field in body", call(a, "POST", "/InsertItem", `{"message":"x","id":"mine"}`), 400, `\{"message":"Invalid request body: .*id.*"\}`)
	check(t, "wrong type", call(a, "POST", "/InsertItem", `{"message":1}`), 400, `\{"message":"Invalid request body: .*"\}`)
	check(t, "not JSON", call(a, "POST", "/InsertItem", `{"message":`), 400, `\{"message":"Invalid request body: .*"\}`)
	check(t, "GET", call(a, "GET", "/InsertItem", ``), 403, `\{"message":"Missing Authentication Token"\}`)
	check(t, "unknown path", call(a, "POST", "/Other", `{"message":"x"}`), 403, `\{"message":"Missing Authentication Token"\}`)
	check(t, "no CORS preflight", call(a, "OPTIONS", "/InsertItem", ``), 403, `\{"message":"Missing Authentication Token"\}`)
	check(t, "too large", call(a, "POST", "/InsertItem", `{"message":"`+strings.Repeat("x", maxBody)+`"}`), 413, `\{"message":"Request Too Long"\}`)

	recs, _ := store.Records(0, 100)
	if len(recs) != 2 {
		t.Errorf("%d stream records, want 2 (one per 200)", len(recs))
	}

	store.Close() // a broken store: the write fails
	check(t, "store failure", call(a, "POST", "/InsertItem", `{"message":"x"}`), 500, `\{"message":"Internal error, the item was not stored"\}`)
}

func TestAPIRejectsDuplicatesAndKeepsTheItem(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "../testdata/nested/spec.yaml", nil))
	first := `{"orderId":"o-1","customer":{"name":"Ann","address":{"city":"Oslo"}},"lines":[{"sku":"a","qty":1}]}`
	check(t, "first", call(a, "POST", "/v1/orders", first), 200, `\{\}`)
	second := `{"orderId":"o-1","customer":{"name":"Bob","address":{"city":"Rome"}},"lines":[{"sku":"b"}]}`
	check(t, "duplicate", call(a, "POST", "/v1/orders", second), 409, `\{"message":"An item with this key already exists"\}`)
	item, _ := store.Get(Item{"orderId": json.RawMessage(`{"S":"o-1"}`)})
	if !strings.Contains(string(item["customer"]), "Ann") {
		t.Errorf("stored customer %s, want the first write's", item["customer"])
	}
	check(t, "empty key", call(a, "POST", "/v1/orders", `{"orderId":"","customer":{"name":"A","address":{"city":"B"}},"lines":[{"sku":"a"}]}`),
		400, `\{"message":"Invalid request body.*"\}|\{"message":"The item was refused by the database.*"\}`)

	src := []byte("version: 1\nname: n\ntable: {partitionKey: id}\nfields:\n  id: {type: string, required: true}\n  price: {type: number}\n")
	n, _ := newTestAPI(t, parseSpec(t, "n.yaml", src))
	check(t, "number beyond DynamoDB", call(n, "POST", "/InsertItem", `{"id":"a","price":1e200}`),
		400, `\{"message":"The item was refused by the database.*"\}`)
	check(t, "39 digits", call(n, "POST", "/InsertItem", `{"id":"a","price":1.23456789012345678901234567890123456789}`),
		400, `\{"message":"The item was refused by the database.*"\}`)
	check(t, "38 digits", call(n, "POST", "/InsertItem", `{"id":"a","price":1.2345678901234567890123456789012345678}`), 200, `\{\}`)
}

func TestAPIKeyAndThrottle(t *testing.T) {
	src := []byte("version: 1\nname: t\napi: {auth: api_key, throttle: {rate: 0.001, burst: 2}}\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n  m: {type: string}\n")
	a, _ := newTestAPI(t, parseSpec(t, "t.yaml", src))
	check(t, "no key", call(a, "POST", "/InsertItem", `{}`), 403, `\{"message":"Forbidden"\}`)
	check(t, "wrong key", call(a, "POST", "/InsertItem", `{}`, "x-api-key", "nope"), 403, `\{"message":"Forbidden"\}`)
	check(t, "1st", call(a, "POST", "/InsertItem", `{}`, "x-api-key", "test-key"), 200, `\{"id":"[^"]+"\}`)
	check(t, "2nd", call(a, "POST", "/InsertItem", `{"m":"x"}`, "X-Api-Key", "test-key"), 200, `\{"id":"[^"]+"\}`)
	check(t, "3rd, over the burst", call(a, "POST", "/InsertItem", `{}`, "x-api-key", "test-key"), 429, `\{"message":"Too many requests, retry later"\}`)
}

func TestAPICORS(t *testing.T) {
	one, _ := newTestAPI(t, parseSpec(t, "../testdata/cors-one-origin/spec.yaml", nil))
	pre := call(one, "OPTIONS", "/InsertItem", "", "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST")
	if pre.status != 200 || pre.headers.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		pre.headers.Get("Access-Control-Allow-Methods") != "OPTIONS,POST" || !strings.Contains(pre.headers.Get("Access-Control-Allow-Headers"), "X-Api-Key") {
		t.Errorf("preflight: %d %v", pre.status, pre.headers)
	}
	bad := call(one, "POST", "/InsertItem", `{}`, "Origin", "https://app.example.com")
	if bad.status != 400 || bad.headers.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("error answer without CORS header: %d %v", bad.status, bad.headers)
	}

	multi, _ := newTestAPI(t, parseSpec(t, "../testdata/cors-origins/spec.yaml", nil))
	for origin, want := range map[string]string{"https://admin.example.com": "https://admin.example.com", "https://evil.example.com": ""} {
		got := call(multi, "POST", "/InsertItem", `{"message":"x"}`, "Origin", origin)
		if got.status != 200 || got.headers.Get("Access-Control-Allow-Origin") != want || got.headers.Get("Vary") != "Origin" {
			t.Errorf("Origin %s: %d allow-origin %q vary %q, want %q", origin, got.status, got.headers.Get("Access-Control-Allow-Origin"), got.headers.Get("Vary"), want)
		}
	}
	// API Gateway's own answers (gateway responses) echo any Origin: they
	// cannot test it. The preflight still admits only the listed origins.
	for _, origin := range []string{"https://admin.example.com", "https://evil.example.com"} {
		for name, got := range map[string]answer{
			"400 from the validator": call(multi, "POST", "/InsertItem", `{"message":1}`, "Origin", origin),
			"403 for another path":   call(multi, "GET", "/nope", ``, "Origin", origin),
		} {
			if got.headers.Get("Access-Control-Allow-Origin") != origin || got.headers.Get("Vary") != "Origin" {
				t.Errorf("Origin %s, %s: %d allow-origin %q vary %q", origin, name, got.status, got.headers.Get("Access-Control-Allow-Origin"), got.headers.Get("Vary"))
			}
		}
	}
	if pre := call(multi, "OPTIONS", "/InsertItem", "", "Origin", "https://evil.example.com", "Access-Control-Request-Method", "POST"); pre.headers.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight of an origin not listed: allow-origin %q", pre.headers.Get("Access-Control-Allow-Origin"))
	}
}

func TestAPIAnswersJSONEvenOnABug(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "../testdata/seed/spec.yaml", nil))
	a.Validator = nil // a bug: the validator is missing
	check(t, "panic", call(a, "POST", "/InsertItem", `{"message":"x"}`), 500, `\{"message":"Internal error, the item was not stored"\}`)
	if recs, _ := store.Records(0, 10); len(recs) != 0 {
		t.Errorf("%d records stored", len(recs))
	}
}

// TestAPIKeyAndItemSizes: what DynamoDB refuses for its sizes is the same
// 400 here, counted as DynamoDB counts (UTF-8 bytes, not JSON text).
func TestAPIKeyAndItemSizes(t *testing.T) {
	a, _ := newTestAPI(t, parseSpec(t, "k.yaml", []byte(keySpec)))
	body := func(pk, sk, note string) string {
		b, _ := json.Marshal(map[string]string{"pk": pk, "sk": sk, "note": note})
		return string(b)
	}
	rejected := regexp.QuoteMeta(string(mustJSON(t, map[string]string{"message": putitem.MessageRejected})))
	check(t, "partition key of 2049 bytes", call(a, "POST", "/InsertItem", body(strings.Repeat("é", 1024)+"x", "s", "")), 400, rejected)
	check(t, "sort key of 1025 bytes", call(a, "POST", "/InsertItem", body("p", strings.Repeat("x", 1025), "")), 400, rejected)
	check(t, "300 KB of quotes, 600 KB as JSON", call(a, "POST", "/InsertItem", body("p", "s", strings.Repeat(`"`, 300*1024))), 200, `\{\}`)
	check(t, "401 KB", call(a, "POST", "/InsertItem", body("p2", "s", strings.Repeat("é", 401*512))), 400, rejected)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
