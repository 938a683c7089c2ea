package local

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serveTestAPI serves the seed's API as Start does, with short timeouts.
func serveTestAPI(t *testing.T, timeouts Timeouts) (addr string, store *Store) {
	t.Helper()
	a, store := newTestAPI(t, parseSpec(t, "../testdata/seed/spec.yaml", nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newAPIServer(a, timeouts)
	go srv.Serve(jsonErrors(ln))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), store
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second)) // a hung test fails instead
	return c
}

// closedAfter reads c until the server closes it and returns how long that took.
func closedAfter(t *testing.T, c net.Conn, start time.Time) time.Duration {
	t.Helper()
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatalf("the server did not close the connection: %v", err)
	}
	return time.Since(start)
}

// readJSONAnswer reads one answer from r and checks it is JSON {"message": ...}.
func readJSONAnswer(t *testing.T, what string, r *bufio.Reader) (int, string) {
	t.Helper()
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("%s: no answer: %v", what, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var answer struct{ Message string }
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" || json.Unmarshal(body, &answer) != nil || answer.Message == "" {
		t.Errorf("%s: %s %s %q, want a JSON message", what, resp.Status, ct, body)
	}
	return resp.StatusCode, answer.Message
}

func TestAPIServerCutsOffSlowAndIdleClients(t *testing.T) {
	timeouts := Timeouts{Header: 300 * time.Millisecond, Request: 600 * time.Millisecond, Idle: 400 * time.Millisecond}
	addr, store := serveTestAPI(t, timeouts)
	within := func(what string, took, limit time.Duration) {
		t.Helper()
		if took < limit || took > limit+3*time.Second { // the slack is for a loaded machine
			t.Errorf("%s: cut off after %s, want about %s", what, took, limit)
		}
	}

	// Each start is taken before the server can start its clock, so that a
	// cut-off never looks early.
	start := time.Now()
	slowHeaders := dial(t, addr)
	io.WriteString(slowHeaders, "POST /InsertItem HTTP/1.1\r\nHost: x\r\n")
	within("headers never finished", closedAfter(t, slowHeaders, start), timeouts.Header)

	start = time.Now()
	slowBody := dial(t, addr)
	io.WriteString(slowBody, "POST /InsertItem HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"message\":")
	code, msg := readJSONAnswer(t, "body never finished", bufio.NewReader(slowBody))
	if code != http.StatusRequestTimeout || msg != "Request Timeout" {
		t.Errorf("body never finished: %d %q, want 408 Request Timeout", code, msg)
	}
	within("body never finished", closedAfter(t, slowBody, start), timeouts.Request)

	idle := dial(t, addr)
	start = time.Now() // the idle clock starts once the answer is written
	io.WriteString(idle, "POST /InsertItem HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n{\"message\":\"hi\"}")
	r := bufio.NewReader(idle)
	if code, _ := readAnswer(t, r); code != http.StatusOK {
		t.Fatalf("a valid request: %d", code)
	}
	within("idle after an answer", closedAfter(t, idle, start), timeouts.Idle)

	if recs, _ := store.Records(0, 10); len(recs) != 1 {
		t.Errorf("%d records, want only the valid request's", len(recs))
	}
}

func readAnswer(t *testing.T, r *bufio.Reader) (int, string) {
	t.Helper()
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// net/http answers a request it cannot read by itself, in text/plain; the
// API answers those in JSON too.
func TestAPIServerAnswersJSONToRequestsNetHTTPRefuses(t *testing.T) {
	addr, _ := serveTestAPI(t, Timeouts{})
	for _, c := range []struct {
		what, request string
		code          int
		message       string
	}{
		{"malformed request line", "GARBAGE\r\n\r\n", 400, "Bad Request"},
		{"no Host", "POST /InsertItem HTTP/1.1\r\n\r\n", 400, "Bad Request: missing required Host header"},
		{"header too large", "POST /InsertItem HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("x", http.DefaultMaxHeaderBytes+8192) + "\r\n\r\n", 431, "Request Header Fields Too Large"},
		{"unknown transfer coding", "POST /InsertItem HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n", 501, "Unsupported transfer encoding"},
		{"unknown HTTP version", "POST /InsertItem HTTP/9.9\r\nHost: x\r\n\r\n", 505, "HTTP Version Not Supported: unsupported protocol version"},
		{"two lengths", "POST /InsertItem HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "Bad Request"},
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 403, "Missing Authentication Token"},
	} {
		conn := dial(t, addr)
		go io.WriteString(conn, c.request) // the server may answer before it read everything
		code, msg := readJSONAnswer(t, c.what, bufio.NewReader(conn))
		if code != c.code || msg != c.message {
			t.Errorf("%s: %d %q, want %d %q", c.what, code, msg, c.code, c.message)
		}
	}
}

func TestAPIRefusesBodiesThatAreNotUnicode(t *testing.T) {
	a, store := newTestAPI(t, parseSpec(t, "../testdata/seed/spec.yaml", nil))
	for what, body := range map[string]string{
		"Latin-1 byte":        "{\"message\":\"caf\xe9\"}",
		"lone high surrogate": `{"message":"\ud800"}`,
		"lone low surrogate":  `{"message":"x\udc00y"}`,
		"reversed pair":       `{"message":"\ude00\ud83d"}`,
	} {
		check(t, what, call(a, "POST", "/InsertItem", body), 400, `\{"message":"Invalid request body: not (UTF-8|Unicode) text: .*"\}`)
	}
	check(t, "a pair", call(a, "POST", "/InsertItem", `{"message":"\ud83d\ude00"}`), 200, `\{"id":"[^"]+"\}`)
	recs, _ := store.Records(0, 10)
	if len(recs) != 1 || !strings.Contains(string(recs[0].NewImage["message"]), `😀`) {
		t.Errorf("records %+v, want only the valid pair's", recs)
	}
}
