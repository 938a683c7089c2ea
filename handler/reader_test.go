package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/streamgen/streamgen/internal/testenv" // defines -update, for go test ./... -update
)

func TestStringsSurviveByteForByte(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"uote \\ / $ # ##", "\u2028\u2029 é 😀", "\x00\x01\x1f", "\ud7ff\ue000\U0010ffff"} {
		enc, err := json.Marshal(map[string]string{"S": s})
		if err != nil {
			t.Fatal(err)
		}
		r := NewReader(enc)
		got := r.S("s")
		r.End()
		if r.Err() != nil || got != s {
			t.Errorf("S(%s) = %q, %v; want %q", enc, got, r.Err(), s)
		}
	}
}

func TestEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`{"S":"\ud83d\ude00"}`: "😀",
		`{"S":"\ud83d"}`:       "\ufffd", // lone surrogates become U+FFFD, as encoding/json does
		`{"S":"\ud83dx"}`:      "\ufffdx",
		`{"S":"\/\b\f\n\r\t"}`: "/\b\f\n\r\t",
		`{"S":"a\u0041b"}`:     "aAb",
	} {
		r := NewReader([]byte(in))
		if got := r.S("s"); r.Err() != nil || got != want {
			t.Errorf("S(%s) = %q, %v; want %q", in, got, r.Err(), want)
		}
	}
}

func TestAttributeErrorsNameThePath(t *testing.T) {
	for in, want := range map[string]string{
		`{"N":"1"}`:             `author.name: expected attribute type S, found N`,
		`{"NULL":true}`:         `author.name: expected attribute type S, found NULL`,
		`{}`:                    `author.name: expected an attribute value {"S": ...}, found {}`,
		`"x"`:                   `author.name: expected an attribute value {"S": ...}, found '"'`,
		`{"S":"x","N":"1"}`:     `author.name: attribute value has more than one type`,
		`{"S":"a` + "\n" + `"}`: `author.name: control character in string`,
		`{"S":"abc`:             `author.name: unterminated string`,
		`{"S":"\q"}`:            `author.name: invalid escape \q`,
	} {
		r := NewReader([]byte(in))
		r.S("author.name")
		if r.Err() == nil || !strings.Contains(r.Err().Error(), want) {
			t.Errorf("S(%s): error %v, want %q", in, r.Err(), want)
		}
	}
}

func TestInt(t *testing.T) {
	for in, want := range map[string]int64{
		`{"N":"0"}`:                    0,
		`{"N":"-42"}`:                  -42,
		`{"N":"9223372036854775807"}`:  math.MaxInt64,
		`{"N":"-9223372036854775808"}`: math.MinInt64,
		`{"N":"1E+3"}`:                 1000,
		`{"N":"5.0"}`:                  5,
	} {
		r := NewReader([]byte(in))
		if got := r.Int("n"); r.Err() != nil || got != want {
			t.Errorf("Int(%s) = %d, %v; want %d", in, got, r.Err(), want)
		}
	}
	for _, in := range []string{`{"N":"9223372036854775808"}`, `{"N":"1.5"}`, `{"N":""}`, `{"N":"-"}`, `{"N":"1e30"}`, `{"N":"x"}`} {
		r := NewReader([]byte(in))
		if r.Int("n"); r.Err() == nil {
			t.Errorf("Int(%s): no error", in)
		}
	}
}

func TestNumberKeepsItsText(t *testing.T) {
	const exact = "123456789012345678901234567890.12345678"
	r := NewReader([]byte(`{"NS":["` + exact + `","-1E+3"]}`))
	got := r.NS("ns")
	if r.Err() != nil || len(got) != 2 || got[0] != exact || got[1] != "-1E+3" {
		t.Fatalf("NS = %v, %v", got, r.Err())
	}
	if j, err := json.Marshal(got); err != nil || string(j) != "["+exact+",-1E+3]" {
		t.Errorf("marshal = %s, %v", j, err)
	}
	if i, err := got[1].Int64(); err != nil || i != -1000 {
		t.Errorf("Int64(-1E+3) = %d, %v", i, err)
	}
	if _, err := Number(exact).Int64(); err == nil {
		t.Errorf("Int64(%s): no error", exact)
	}
	if f, err := Number("2.5").Float64(); err != nil || f != 2.5 {
		t.Errorf("Float64 = %v, %v", f, err)
	}
	if r := NewReader([]byte(`{"N":"12abc"}`)); r.N("n") != "" || r.Err() == nil {
		t.Errorf("N accepted 12abc")
	}
}

func TestListPresentEmptyIsNotNil(t *testing.T) {
	r := NewReader([]byte(`{"L":[]}`))
	if got := List(r, "l", "l[]", (*Reader).S); got == nil || len(got) != 0 || r.Err() != nil {
		t.Errorf("List = %#v, %v", got, r.Err())
	}
	r = NewReader([]byte(`{"L":[{"S":"a"},{"N":"1"}]}`))
	List(r, "l", "l[]", (*Reader).S)
	if r.Err() == nil || !strings.HasPrefix(r.Err().Error(), "l[]: expected attribute type S") {
		t.Errorf("error %v", r.Err())
	}
}

func TestSkipIsBounded(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+10) + strings.Repeat("]", maxDepth+10)
	r := NewReader([]byte(deep))
	r.Skip()
	if r.Err() == nil {
		t.Fatal("no error for nesting beyond maxDepth")
	}
}

type testItem struct{ ID, Msg string }

func decodeTestItem(r *Reader, v *testItem) {
	for i := 0; r.Member(i); i++ {
		switch string(r.Key()) {
		case "id":
			v.ID = r.S("id")
		case "msg":
			v.Msg = r.S("msg")
		default:
			r.Skip()
		}
	}
}

func testHandler(process func(context.Context, *Record[testItem, testItem]) error) *Handler[testItem, testItem] {
	return &Handler[testItem, testItem]{
		DecodeItem: decodeTestItem, DecodeKeys: decodeTestItem, Process: process,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
}

const testRecord = `{"eventID":"e%d","eventName":"INSERT","dynamodb":{"ApproximateCreationDateTime":1700000000.25,` +
	`"Keys":{"id":{"S":"k"}},"NewImage":{"id":{"S":"k"},"msg":{"S":"hi"}},"SequenceNumber":"%d","SizeBytes":20,"StreamViewType":"NEW_IMAGE"}}`

func records(n int) string {
	var recs []string
	for i := range n {
		recs = append(recs, strings.NewReplacer("%d", string(rune('0'+i))).Replace(testRecord))
	}
	return `{"Records":[` + strings.Join(recs, ",") + `]}`
}

// An event that is not readable identifies no record: the whole batch fails
// with an error, so Lambda retries all of it.
func TestUnreadableEventFailsTheBatch(t *testing.T) {
	called := false
	h := testHandler(func(context.Context, *Record[testItem, testItem]) error { called = true; return nil })
	for _, payload := range []string{
		records(3)[:100],
		`{"Records":[{"eventID":"x","dynamodb":{"Keys":{}}}]}`, // no sequence number
		records(2) + "garbage",
	} {
		if _, err := h.Handle(context.Background(), []byte(payload)); err == nil {
			t.Errorf("no error for %s", payload)
		}
	}
	if called {
		t.Error("Process ran for an unreadable event")
	}
}

func TestRecordFields(t *testing.T) {
	var got *Record[testItem, testItem]
	h := testHandler(func(_ context.Context, rec *Record[testItem, testItem]) error { got = rec; return nil })
	resp, err := h.Invoke(context.Background(), []byte(records(1)))
	if err != nil || string(resp) != `{"batchItemFailures":[]}` {
		t.Fatalf("Invoke = %s, %v", resp, err)
	}
	want := time.Unix(1700000000, 250_000_000)
	if got.EventID != "e0" || got.EventName != Insert || got.SequenceNumber != "0" || !got.Created.Equal(want) ||
		got.SizeBytes != 20 || got.Keys.ID != "k" || got.NewImage == nil || got.NewImage.Msg != "hi" || got.OldImage != nil {
		t.Errorf("record %+v", got)
	}
}

func TestProcessErrorStopsTheBatch(t *testing.T) {
	var seen []string
	h := testHandler(func(_ context.Context, rec *Record[testItem, testItem]) error {
		seen = append(seen, rec.SequenceNumber)
		if rec.SequenceNumber == "2" {
			return errors.New("downstream is down")
		}
		return nil
	})
	resp, err := h.Invoke(context.Background(), []byte(records(5)))
	if err != nil || string(resp) != `{"batchItemFailures":[{"itemIdentifier":"2"}]}` {
		t.Fatalf("Invoke = %s, %v", resp, err)
	}
	if strings.Join(seen, ",") != "0,1,2" {
		t.Errorf("processed %v, want 0,1,2", seen)
	}
}

func TestPanicIsReported(t *testing.T) {
	var logs strings.Builder
	h := testHandler(func(context.Context, *Record[testItem, testItem]) error { panic("boom") })
	h.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	resp, err := h.Handle(context.Background(), []byte(records(2)))
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "0" {
		t.Fatalf("Handle = %+v, %v", resp, err)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(logs.String(), "\n", 2)[0]), &line); err != nil {
		t.Fatal(err)
	}
	if line["level"] != "ERROR" || line["sequence_number"] != "0" || line["event_id"] != "e0" ||
		line["event_name"] != "INSERT" || !strings.Contains(line["error"].(string), "panic: boom") {
		t.Errorf("log line %v", line)
	}
}

// With no time left before the margin, no record starts: the first one is reported.
func TestNoTimeLeftStartsNothing(t *testing.T) {
	called := false
	h := testHandler(func(context.Context, *Record[testItem, testItem]) error { called = true; return nil })
	h.SafetyMargin = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	resp, err := h.Handle(ctx, []byte(records(3)))
	if err != nil || called || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "0" {
		t.Fatalf("Handle = %+v, %v, process called: %v", resp, err, called)
	}
}

func TestDecodeStopsAtTheBadRecord(t *testing.T) {
	h := testHandler(nil)
	payload := strings.Replace(records(3), `"Keys":{"id":{"S":"k"}},"NewImage":{"id":{"S":"k"},"msg":{"S":"hi"}},"SequenceNumber":"1"`,
		`"Keys":{"id":{"S":"k"}},"NewImage":{"id":{"S":"k"},"msg":{"BOOL":true}},"SequenceNumber":"1"`, 1)
	recs, err := h.Decode([]byte(payload))
	if err == nil || len(recs) != 1 || !strings.Contains(err.Error(), "record 1: decode NewImage: msg: expected attribute type S, found BOOL") {
		t.Fatalf("Decode = %d records, %v", len(recs), err)
	}
}

// The sample event aws-lambda-go tests itself with: binary attributes the
// spec cannot hold are skipped, every record is read.
func TestAWSSampleEvent(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	if err != nil {
		t.Fatal(err)
	}
	payload, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "events", "testdata", "dynamodb-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	decode := func(r *Reader, v *testItem) {
		for i := 0; r.Member(i); i++ {
			switch string(r.Key()) {
			case "key":
				v.ID = r.S("key")
			case "val":
				v.Msg = r.S("val")
			default:
				r.Skip()
			}
		}
	}
	h := testHandler(nil)
	h.DecodeItem, h.DecodeKeys = decode, decode
	recs, err := h.Decode(payload)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Fatal("no records")
	}
	for _, rec := range recs {
		if rec.SequenceNumber == "" || rec.Keys != (testItem{ID: "binary", Msg: "data"}) || rec.Created.Unix() != 1480642020 {
			t.Errorf("record %+v", rec)
		}
		if rec.NewImage != nil && *rec.NewImage != rec.Keys {
			t.Errorf("NewImage %+v", rec.NewImage)
		}
	}
}

func decodeRequiredMsg(r *Reader, v *testItem) {
	seen := false
	for i := 0; r.Member(i); i++ {
		switch string(r.Key()) {
		case "id":
			v.ID = r.S("id")
		case "msg":
			v.Msg = r.S("msg")
			seen = true
		default:
			r.Skip()
		}
	}
	if !seen {
		r.Missing("msg")
	}
}

// An old image may predate a field becoming required: it decodes with the
// zero value there. A new image without it is still undecodable.
func TestOldImageMayLackRequiredAttributes(t *testing.T) {
	h := testHandler(nil)
	h.DecodeItem = decodeRequiredMsg
	const modify = `{"Records":[{"eventID":"e","eventName":"MODIFY","dynamodb":{"Keys":{"id":{"S":"k"}},` +
		`"NewImage":%s,"OldImage":{"id":{"S":"k"}},"SequenceNumber":"7","StreamViewType":"NEW_AND_OLD_IMAGES"}}]}`
	recs, err := h.Decode(fmt.Appendf(nil, modify, `{"id":{"S":"k"},"msg":{"S":"now"}}`))
	if err != nil || len(recs) != 1 || recs[0].OldImage == nil || *recs[0].OldImage != (testItem{ID: "k"}) || recs[0].NewImage.Msg != "now" {
		t.Fatalf("Decode = %+v, %v", recs, err)
	}
	_, err = h.Decode(fmt.Appendf(nil, modify, `{"id":{"S":"k"}}`))
	if err == nil || !strings.Contains(err.Error(), "decode NewImage: msg: required attribute is missing") {
		t.Fatalf("new image without msg: %v", err)
	}
}
