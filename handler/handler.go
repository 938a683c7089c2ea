// Package handler is the runtime library of generated stream handlers: the
// generated code holds only what differs per spec (the item's types and their
// decoders, in the handler's item_gen.go); this package runs the batch. gen
// writes a copy of it into each handler's module (internal/handler).
//
// A batch is processed in order. The first record that cannot be decoded,
// whose Process returns an error or panics, or that the deadline leaves no
// time for, stops the batch and is returned as the batch item failure (Lambda
// ReportBatchItemFailures for streams): Lambda retries from that record on,
// so no later record is skipped and the shard's order holds.
package handler

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Record is one stream record with its images decoded into the item type T
// and the key type K.
type Record[T, K any] struct {
	EventID        string
	EventName      EventName
	SequenceNumber string
	// Created is the record's ApproximateCreationDateTime.
	Created   time.Time
	SizeBytes int64
	Keys      K
	// NewImage is the item after the change; nil for REMOVE and when the
	// stream view type does not carry new images (KEYS_ONLY, OLD_IMAGE).
	NewImage *T
	// OldImage is the item before the change; nil for INSERT and when the
	// stream view type does not carry old images (KEYS_ONLY, NEW_IMAGE). An
	// item stored before the spec required a field has the zero value there.
	OldImage *T

	log *slog.Logger
}

// Logger returns the handler's logger with this record's event ID, event
// name and sequence number attached.
func (rec *Record[T, K]) Logger() *slog.Logger {
	return rec.log.With(recordAttrs(rec.EventID, rec.EventName, rec.SequenceNumber)...)
}

func recordAttrs(id string, name EventName, seq string) []any {
	return []any{"event_id", id, "event_name", string(name), "sequence_number", seq}
}

// Handler processes DynamoDB stream batches for the item type T and key type K.
type Handler[T, K any] struct {
	// DecodeItem decodes an image (a map of attribute values) into v.
	DecodeItem func(r *Reader, v *T)
	// DecodeKeys decodes a record's Keys into v.
	DecodeKeys func(r *Reader, v *K)
	// Process is the user's function, called once per record, in order.
	Process func(ctx context.Context, rec *Record[T, K]) error
	// Logger receives the handler's structured logs; nil: JSON on stdout at
	// the level of AWS_LAMBDA_LOG_LEVEL or LOG_LEVEL (default INFO).
	Logger *slog.Logger
	// SafetyMargin is the time kept free before the invocation's deadline:
	// no record starts later, and a record still running then is reported as
	// failed. 0: a tenth of the time available, between 200ms and 2s.
	SafetyMargin time.Duration
}

// Start runs h as the Lambda function's handler; it does not return.
func Start[T, K any](h *Handler[T, K]) {
	lambda.Start(h)
}

// Invoke implements lambda.Handler: it reads the event's bytes itself, so
// images are decoded straight into T without an intermediate map.
func (h *Handler[T, K]) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	resp, err := h.Handle(ctx, payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(resp)
}

// Handle processes one stream event. An error means no record could be
// identified (the event is not readable): Lambda then retries the whole batch.
func (h *Handler[T, K]) Handle(ctx context.Context, payload []byte) (events.DynamoDBEventResponse, error) {
	log := h.logger()
	ok := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	var r Reader
	recs, err := readEvent(&r, payload, nil)
	if err != nil {
		log.Error("stream event not readable; the whole batch will be retried", "error", err)
		return ok, err
	}
	ctx, cancel := h.withMargin(ctx)
	defer cancel()
	for i := range recs {
		raw := &recs[i]
		attrs := recordAttrs(raw.eventID, raw.eventName, raw.seq)
		if ctx.Err() != nil {
			log.Warn("deadline near: stopping the batch; this record and the later ones will be retried",
				append(attrs, "unprocessed", len(recs)-i)...)
			return failed(raw.seq), nil
		}
		rec, err := h.decode(&r, raw, log)
		if err == nil {
			err = h.process(ctx, rec)
		}
		if err != nil {
			log.Error("record failed: it and the later records of the batch will be retried",
				append(attrs, "error", err, "unprocessed", len(recs)-i)...)
			return failed(raw.seq), nil
		}
		log.Debug("record processed", attrs...)
	}
	log.Info("batch processed", "records", len(recs))
	return ok, nil
}

// Decode reads a whole stream event into records without processing them,
// stopping at the first record that cannot be decoded (for tools and tests;
// Handle decodes each record just before processing it).
func (h *Handler[T, K]) Decode(payload []byte) ([]*Record[T, K], error) {
	var r Reader
	recs, err := readEvent(&r, payload, nil)
	if err != nil {
		return nil, err
	}
	log := h.logger()
	out := make([]*Record[T, K], len(recs))
	for i := range recs {
		if out[i], err = h.decode(&r, &recs[i], log); err != nil {
			return out[:i], fmt.Errorf("record %s: %w", recs[i].seq, err)
		}
	}
	return out, nil
}

func failed(seq string) events.DynamoDBEventResponse {
	return events.DynamoDBEventResponse{
		BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: seq}},
	}
}

// withMargin returns ctx with its deadline moved SafetyMargin earlier.
func (h *Handler[T, K]) withMargin(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	margin := h.SafetyMargin
	if margin == 0 {
		margin = min(max(time.Until(deadline)/10, 200*time.Millisecond), 2*time.Second)
	}
	return context.WithDeadline(ctx, deadline.Add(-margin))
}

// decode turns a raw record into a Record, decoding its keys and images.
func (h *Handler[T, K]) decode(r *Reader, raw *rawRecord, log *slog.Logger) (*Record[T, K], error) {
	rec := &Record[T, K]{
		EventID:        raw.eventID,
		EventName:      raw.eventName,
		SequenceNumber: raw.seq,
		Created:        raw.created,
		SizeBytes:      raw.sizeBytes,
		log:            log,
	}
	if raw.keys == nil {
		return nil, errNoKeys
	}
	r.Reset(raw.keys)
	h.DecodeKeys(r, &rec.Keys)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("decode Keys: %w", err)
	}
	var err error
	if rec.NewImage, err = h.image(r, raw.newImage, "NewImage", false); err != nil {
		return nil, err
	}
	if rec.OldImage, err = h.image(r, raw.oldImage, "OldImage", true); err != nil {
		return nil, err
	}
	return rec, nil
}

// image decodes one image; an old one may lack required attributes, since it
// can be of an item stored under an earlier spec, and refusing it would block
// the shard on history.
func (h *Handler[T, K]) image(r *Reader, data []byte, name string, old bool) (*T, error) {
	if data == nil {
		return nil, nil
	}
	v := new(T)
	r.Reset(data)
	r.allowMissing = old
	h.DecodeItem(r, v)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return v, nil
}

// PanicError is a panic of Process, turned into the record's failure.
type PanicError struct {
	Value any
	Stack string
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic: %v\n%s", e.Value, e.Stack)
}

// process runs Process on its own goroutine so that a record that ignores
// ctx still cannot keep the batch past the deadline: the handler answers in
// time and the record is retried (Process may then run twice, which the
// at-least-once delivery of streams allows anyway).
func (h *Handler[T, K]) process(ctx context.Context, rec *Record[T, K]) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- &PanicError{Value: p, Stack: string(debug.Stack())}
			}
		}()
		done <- h.Process(ctx, rec)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("not finished before the deadline's safety margin: %w", ctx.Err())
	}
}

func (h *Handler[T, K]) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return defaultLogger()
}

var defaultLogger = sync.OnceValue(func() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: levelFromEnv()}))
})

// levelFromEnv reads the level Lambda's logging configuration sets
// (AWS_LAMBDA_LOG_LEVEL), else LOG_LEVEL.
func levelFromEnv() slog.Level {
	for _, name := range []string{"AWS_LAMBDA_LOG_LEVEL", "LOG_LEVEL"} {
		var level slog.Level
		v := strings.ToUpper(os.Getenv(name))
		if v == "TRACE" {
			v = "DEBUG"
		}
		if v != "" && level.UnmarshalText([]byte(v)) == nil {
			return level
		}
	}
	return slog.LevelInfo
}
