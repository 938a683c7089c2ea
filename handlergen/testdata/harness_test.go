package main

// Copied next to a generated handler by handlergen's tests: runs sample stream
// records (records.json, from the spec) through the generated decoders and
// the handler runtime.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"example.com/user/internal/handler"
)

type sampleRecord struct {
	Record json.RawMessage `json:"record"`
	Expect struct {
		EventName string          `json:"eventName"`
		Seq       string          `json:"seq"`
		Created   int64           `json:"created"`
		Keys      json.RawMessage `json:"keys"`
		New       json.RawMessage `json:"new"`
		Old       json.RawMessage `json:"old"`
	} `json:"expect"`
}

func samples(t *testing.T) []sampleRecord {
	data, err := os.ReadFile("records.json")
	if err != nil {
		t.Fatal(err)
	}
	var recs []sampleRecord
	if err := json.Unmarshal(data, &recs); err != nil {
		t.Fatal(err)
	}
	return recs
}

func event(recs []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for i, r := range recs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(r)
	}
	b.WriteString("]}")
	return b.Bytes()
}

func raws(recs []sampleRecord) []json.RawMessage {
	var out []json.RawMessage
	for _, r := range recs {
		out = append(out, r.Record)
	}
	return out
}

// newHandler returns a handler that records what process sees.
func newHandler(process func(ctx context.Context, rec *Record) error) *handler.Handler[Item, Keys] {
	return &handler.Handler[Item, Keys]{
		DecodeItem: decodeItem,
		DecodeKeys: decodeKeys,
		Process:    process,
		Logger:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
}

// sameJSON compares a decoded value, marshalled, with the expected plain JSON.
func sameJSON(t *testing.T, what string, got any, want json.RawMessage) {
	t.Helper()
	gotText, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%s: marshal: %v", what, err)
	}
	var g, w any
	dg := json.NewDecoder(bytes.NewReader(gotText))
	dg.UseNumber()
	dw := json.NewDecoder(bytes.NewReader(want))
	dw.UseNumber()
	if err := dg.Decode(&g); err != nil {
		t.Fatal(err)
	}
	if err := dw.Decode(&w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, gotText, want)
	}
}

func TestDecodeRecords(t *testing.T) {
	recs := samples(t)
	var seen []*Record
	h := newHandler(func(ctx context.Context, rec *Record) error {
		seen = append(seen, rec)
		return nil
	})
	resp, err := h.Handle(context.Background(), event(raws(recs)))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Handle: %v %+v", err, resp)
	}
	if len(seen) != len(recs) {
		t.Fatalf("processed %d records, want %d", len(seen), len(recs))
	}
	for i, rec := range seen {
		want := recs[i].Expect
		if string(rec.EventName) != want.EventName || rec.SequenceNumber != want.Seq || !rec.Created.Equal(time.Unix(want.Created, 0)) {
			t.Errorf("record %d: %s %s %v, want %s %s %d", i, rec.EventName, rec.SequenceNumber, rec.Created, want.EventName, want.Seq, want.Created)
		}
		sameJSON(t, want.Seq+" Keys", rec.Keys, want.Keys)
		sameJSON(t, want.Seq+" NewImage", rec.NewImage, want.New)
		sameJSON(t, want.Seq+" OldImage", rec.OldImage, want.Old)
	}
}

// A record whose keys cannot be decoded stops the batch at exactly that record.
func TestBadRecordInTheMiddle(t *testing.T) {
	recs := samples(t)
	all := raws(recs)
	bad := len(all) / 2
	all[bad] = bytes.Replace(all[bad], []byte(`"Keys":{`), []byte(`"Keys":{"`+firstKey(t, recs[bad])+`":{"BOOL":true},`), 1)
	var processed []string
	h := newHandler(func(ctx context.Context, rec *Record) error {
		processed = append(processed, rec.SequenceNumber)
		return nil
	})
	resp, err := h.Handle(context.Background(), event(all))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != recs[bad].Expect.Seq {
		t.Fatalf("failures %+v, want exactly %s", resp.BatchItemFailures, recs[bad].Expect.Seq)
	}
	if len(processed) != bad {
		t.Fatalf("processed %v, want the %d records before the bad one", processed, bad)
	}
}

func firstKey(t *testing.T, r sampleRecord) string {
	var keys map[string]any
	if err := json.Unmarshal(r.Expect.Keys, &keys); err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		return k
	}
	t.Fatal("record without keys")
	return ""
}

func TestPanicStopsTheBatch(t *testing.T) {
	recs := samples(t)
	calls := 0
	h := newHandler(func(ctx context.Context, rec *Record) error {
		calls++
		if calls == 2 {
			panic("boom")
		}
		return nil
	})
	resp, err := h.Handle(context.Background(), event(raws(recs)))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != recs[1].Expect.Seq || calls != 2 {
		t.Fatalf("failures %+v after %d calls, want %s after 2", resp.BatchItemFailures, calls, recs[1].Expect.Seq)
	}
}

// A record that ignores its context still cannot hold the batch past the
// deadline: the handler answers within the safety margin, reporting it.
// Process never returns before Handle does, so only the margin can end the
// batch; the margin leaves the batch two seconds to reach the first
// record and Handle most of a minute to answer, so a loaded machine passes.
func TestDeadline(t *testing.T) {
	recs := samples(t)
	var calls atomic.Int32
	release := make(chan struct{})
	defer close(release) // Process outlives Handle here
	h := newHandler(func(ctx context.Context, rec *Record) error {
		calls.Add(1)
		<-release
		return nil
	})
	const timeout, startWithin = time.Minute, 2 * time.Second
	h.SafetyMargin = timeout - startWithin
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	resp, err := h.Handle(ctx, event(raws(recs)))
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Errorf("Handle returned after the deadline")
	}
	if calls.Load() != 1 || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != recs[0].Expect.Seq {
		t.Fatalf("failures %+v after %d calls, want %s after 1", resp.BatchItemFailures, calls.Load(), recs[0].Expect.Seq)
	}
}
