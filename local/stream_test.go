package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamgen/streamgen/spec"
)

// fakeHandler processes records in order as the handler runtime does and
// fails on messages that start with "poison".
type fakeHandler struct {
	mu        sync.Mutex
	processed []string // messages, in the order they succeeded
	attempts  map[string]int
	batches   [][]string
	// wholeBatch fails the whole invocation (a function error) instead of
	// reporting the failed record.
	wholeBatch bool
}

func (h *fakeHandler) invoke(payload []byte) ([]byte, error) {
	var ev struct {
		Records []struct {
			EventName string
			DynamoDB  struct {
				NewImage       map[string]struct{ S string }
				SequenceNumber string
			} `json:"dynamodb"`
		}
	}
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var msgs []string
	for _, r := range ev.Records {
		msgs = append(msgs, r.DynamoDB.NewImage["message"].S)
	}
	h.batches = append(h.batches, msgs)
	var done []string
	for i, r := range ev.Records {
		msg := msgs[i]
		if strings.HasPrefix(msg, "poison") {
			h.attempts[msg]++
			if h.wholeBatch {
				return nil, &FunctionError{Type: "Runtime.Error", Message: "poison " + msg}
			}
			h.processed = append(h.processed, done...)
			return []byte(`{"batchItemFailures":[{"itemIdentifier":"` + r.DynamoDB.SequenceNumber + `"}]}`), nil
		}
		done = append(done, msg)
	}
	h.processed = append(h.processed, done...)
	return []byte(`{"batchItemFailures":[]}`), nil
}

func newTestStream(t *testing.T, store *Store, h *fakeHandler) *Stream {
	return &Stream{
		Store:     store,
		Invoke:    h.invoke,
		BatchSize: 4,
		Events:    []string{"INSERT", "MODIFY", "REMOVE"},
		Retries:   3,
		Region:    "us-east-1",
		SourceARN: "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x",
		Failures:  &Failures{OnFailure: spec.FailToS3, Path: filepath.Join(t.TempDir(), "failures"), MappingID: "esm-uuid"},
		Backoff:   time.Millisecond,
		Log:       io.Discard,
	}
}

// runUntil runs the stream until the checkpoint reaches seq.
func runUntil(t *testing.T, s *Stream, seq uint64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		cp, err := s.Store.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		if cp >= seq {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("checkpoint %d after 10s, want %d", cp, seq)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// failedBatches reads an S3-shaped failure folder: per batch, in stream
// order, the condition and the messages of its records, from the payload.
func failedBatches(t *testing.T, f *Failures) []string {
	t.Helper()
	type batch struct {
		start string
		text  string
	}
	var batches []batch
	keyRe := regexp.MustCompile(`^aws/lambda/esm-uuid/shardId-[0-9]{20}-local/\d{4}/\d{2}/\d{2}/\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}$`)
	err := filepath.WalkDir(f.Path, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(f.Path, path)
		if !keyRe.MatchString(filepath.ToSlash(rel)) {
			t.Errorf("failure object %s is not named as Lambda names it", rel)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var rec struct {
			RequestContext struct{ Condition string } `json:"requestContext"`
			BatchInfo      struct {
				StartSequenceNumber string `json:"startSequenceNumber"`
				BatchSize           int    `json:"batchSize"`
			} `json:"DDBStreamBatchInfo"`
			Payload string `json:"payload"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatalf("failure object %s: %v", rel, err)
		}
		var ev struct {
			Records []struct {
				DynamoDB struct {
					NewImage map[string]struct{ S string }
				} `json:"dynamodb"`
			}
		}
		if err := json.Unmarshal([]byte(rec.Payload), &ev); err != nil || len(ev.Records) != rec.BatchInfo.BatchSize {
			t.Fatalf("failure object %s: payload of %d records for a batch of %d (%v)", rel, len(ev.Records), rec.BatchInfo.BatchSize, err)
		}
		text := rec.RequestContext.Condition
		for _, r := range ev.Records {
			text += " " + r.DynamoDB.NewImage["message"].S
		}
		batches = append(batches, batch{rec.BatchInfo.StartSequenceNumber, text})
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(batches, func(i, j int) bool { return batches[i].start < batches[j].start })
	var out []string
	for _, b := range batches {
		out = append(out, b.text)
	}
	return out
}

// With onFailure: sqs, a batch given up on is one JSON line of its shard and
// sequence numbers, without the records, as the queue gets it.
func TestStreamFailureToQueueShape(t *testing.T) {
	store := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	h := &fakeHandler{attempts: map[string]int{}}
	s := newTestStream(t, store, h)
	s.Retries = 0
	s.Failures = &Failures{OnFailure: spec.FailToSQS, Path: filepath.Join(t.TempDir(), "dlq.jsonl")}
	putMessages(t, store, "poison1", "ok")
	runUntil(t, s, 2)
	data, err := os.ReadFile(s.Failures.Path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var msg map[string]any
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &msg) != nil {
		t.Fatalf("queue file:\n%s", data)
	}
	var keys []string
	for k := range msg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if fmt.Sprint(keys) != "[DDBStreamBatchInfo requestContext responseContext timestamp version]" {
		t.Errorf("queue message keys %v, want AWS's (no records)", keys)
	}
	info := msg["DDBStreamBatchInfo"].(map[string]any)
	if info["startSequenceNumber"] != seqString(1) || info["endSequenceNumber"] != seqString(1) || info["batchSize"] != 1.0 {
		t.Errorf("batch info %v", info)
	}
}

func putMessages(t *testing.T, s *Store, msgs ...string) {
	t.Helper()
	for i, m := range msgs {
		if _, err := s.Put(testItem(fmt.Sprintf("%s-%d", m, i), m), false, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStreamPoisonRecordIsGivenUpOnAndTheRestIsDelivered(t *testing.T) {
	for _, wholeBatch := range []bool{false, true} {
		t.Run(fmt.Sprintf("wholeBatch=%v", wholeBatch), func(t *testing.T) {
			store := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
			msgs := []string{"m1", "m2", "poison1", "m4", "m5", "m6", "m7", "m8", "m9", "m10"}
			putMessages(t, store, msgs...)
			h := &fakeHandler{attempts: map[string]int{}, wholeBatch: wholeBatch}
			s := newTestStream(t, store, h)
			runUntil(t, s, uint64(len(msgs)))

			want := []string{"m1", "m2", "m4", "m5", "m6", "m7", "m8", "m9", "m10"}
			if fmt.Sprint(h.processed) != fmt.Sprint(want) {
				t.Errorf("processed %v, want each of %v once, in order", h.processed, want)
			}
			if h.attempts["poison1"] < s.Retries+1 {
				t.Errorf("poison1 tried %d times, want at least %d", h.attempts["poison1"], s.Retries+1)
			}
			if got := failedBatches(t, s.Failures); fmt.Sprint(got) != "[RetryAttemptsExhausted poison1]" {
				t.Errorf("DLQ %q", got)
			}
			for _, b := range h.batches {
				if len(b) > s.BatchSize {
					t.Errorf("batch of %d > batch size %d", len(b), s.BatchSize)
				}
			}
		})
	}
}

func TestStreamFiltersEvents(t *testing.T) {
	store := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	now := time.Now()
	for _, m := range []string{"a1", "b1", "a2"} {
		if _, err := store.Put(testItem(m[:1], m), false, now); err != nil {
			t.Fatal(err)
		}
	}
	h := &fakeHandler{attempts: map[string]int{}}
	s := newTestStream(t, store, h)
	s.Events = []string{"MODIFY"}
	runUntil(t, s, 3)
	if fmt.Sprint(h.processed) != "[a2]" {
		t.Errorf("processed %v, want only the MODIFY [a2]", h.processed)
	}
}

func TestStreamMaxRecordAge(t *testing.T) {
	store := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	putMessages(t, store, "old1", "old2")
	h := &fakeHandler{attempts: map[string]int{}}
	s := newTestStream(t, store, h)
	s.MaxRecordAge = time.Minute
	s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	runUntil(t, s, 2)
	if len(h.processed) != 0 {
		t.Errorf("expired records delivered: %v", h.processed)
	}
	if got := failedBatches(t, s.Failures); fmt.Sprint(got) != "[RecordAgeExceeded old1 old2]" {
		t.Errorf("DLQ %q", got)
	}
}

func TestStreamBatchWindowGathersRecords(t *testing.T) {
	store := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	h := &fakeHandler{attempts: map[string]int{}}
	s := newTestStream(t, store, h)
	s.BatchSize = 10
	s.BatchWindow = 300 * time.Millisecond
	go func() {
		putMessages(t, store, "w1")
		time.Sleep(50 * time.Millisecond)
		putMessages(t, store, "w2", "w3")
	}()
	runUntil(t, s, 3)
	if len(h.batches) != 1 || len(h.batches[0]) != 3 {
		t.Errorf("batches %v, want one batch of the 3 records written within the window", h.batches)
	}
}

func TestStreamResumesFromCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "local.db")
	store := openTestStore(t, path, "NEW_IMAGE")
	putMessages(t, store, "r1", "r2")
	h := &fakeHandler{attempts: map[string]int{}}
	runUntil(t, newTestStream(t, store, h), 2)
	putMessages(t, store, "r3")
	h2 := &fakeHandler{attempts: map[string]int{}}
	runUntil(t, newTestStream(t, store, h2), 3)
	if fmt.Sprint(h.processed, h2.processed) != "[r1 r2] [r3]" {
		t.Errorf("first run %v, second run %v", h.processed, h2.processed)
	}
}

func TestSequenceNumbersGrowAsStrings(t *testing.T) {
	prev := ""
	for _, seq := range []uint64{1, 9, 10, 99, 100, 1 << 40} {
		s := seqString(seq)
		if len(s) != 21 || s <= prev {
			t.Errorf("seqString(%d) = %q after %q", seq, s, prev)
		}
		prev = s
	}
}

func TestStreamStopsWithoutLosingRecordsWhenTheHandlerCannotRun(t *testing.T) {
	store := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	putMessages(t, store, "a", "b")
	s := newTestStream(t, store, &fakeHandler{})
	s.Invoke = func([]byte) ([]byte, error) { return nil, errors.New("start handler: no such file") }
	if err := s.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("Run = %v, want the start error", err)
	}
	if cp, _ := store.Checkpoint(); cp != 0 {
		t.Errorf("checkpoint %d: records skipped", cp)
	}
	if got := failedBatches(t, s.Failures); len(got) != 0 {
		t.Errorf("DLQ %v: records dead-lettered for a machine problem", got)
	}
}

func TestStreamFullBatchDoesNotWaitForTheWindow(t *testing.T) {
	store := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	h := &fakeHandler{attempts: map[string]int{}}
	s := newTestStream(t, store, h)
	s.BatchSize = 2
	s.BatchWindow = time.Hour
	putMessages(t, store, "f1", "f2")
	runUntil(t, s, 2) // fails after 10s if it waits for the window
	if fmt.Sprint(h.batches) != "[[f1 f2]]" {
		t.Errorf("batches %v", h.batches)
	}
}
