package handler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/streamgen/streamgen/handler"
	"github.com/streamgen/streamgen/handler/internal/fixture/seed"
	"github.com/streamgen/streamgen/handler/internal/fixture/wide"
)

// The fixtures (internal/fixture, written by handlergen's tests) are the
// generated decoders of the seed spec and of a wide nested item, and a
// 100-record batch of each as DynamoDB Streams sends it.

func batch(t testing.TB, name string) []byte {
	data, err := os.ReadFile("internal/fixture/" + name + "/batch.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var quiet = slog.New(slog.NewJSONHandler(io.Discard, nil))

func seedHandler() *handler.Handler[seed.Item, seed.Keys] {
	return &handler.Handler[seed.Item, seed.Keys]{
		DecodeItem: seed.DecodeItem, DecodeKeys: seed.DecodeKeys, Logger: quiet,
		Process: func(context.Context, *seed.Record) error { return nil },
	}
}

func wideHandler() *handler.Handler[wide.Item, wide.Keys] {
	return &handler.Handler[wide.Item, wide.Keys]{
		DecodeItem: wide.DecodeItem, DecodeKeys: wide.DecodeKeys, Logger: quiet,
		Process: func(context.Context, *wide.Record) error { return nil },
	}
}

// The baseline: the plain way, events.DynamoDBEvent then per-attribute conversion.

func baseline[T, K any](payload []byte, item func(map[string]events.DynamoDBAttributeValue) (T, error),
	keys func(map[string]events.DynamoDBAttributeValue) (K, error)) ([]*handler.Record[T, K], error) {
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	out := make([]*handler.Record[T, K], 0, len(ev.Records))
	for _, r := range ev.Records {
		rec := &handler.Record[T, K]{
			EventID: r.EventID, EventName: handler.EventName(r.EventName),
			SequenceNumber: r.Change.SequenceNumber, Created: r.Change.ApproximateCreationDateTime.UTC(),
			SizeBytes: r.Change.SizeBytes,
		}
		var err error
		if rec.Keys, err = keys(r.Change.Keys); err != nil {
			return nil, err
		}
		if r.Change.NewImage != nil {
			v, err := item(r.Change.NewImage)
			if err != nil {
				return nil, err
			}
			rec.NewImage = &v
		}
		if r.Change.OldImage != nil {
			v, err := item(r.Change.OldImage)
			if err != nil {
				return nil, err
			}
			rec.OldImage = &v
		}
		out = append(out, rec)
	}
	return out, nil
}

func attr(m map[string]events.DynamoDBAttributeValue, name string, t events.DynamoDBDataType, required bool) (events.DynamoDBAttributeValue, bool, error) {
	av, ok := m[name]
	switch {
	case !ok && required:
		return av, false, fmt.Errorf("%s: missing", name)
	case !ok:
		return av, false, nil
	case av.DataType() != t:
		return av, false, fmt.Errorf("%s: wrong type", name)
	}
	return av, true, nil
}

func str(m map[string]events.DynamoDBAttributeValue, name string, required bool) (*string, error) {
	av, ok, err := attr(m, name, events.DataTypeString, required)
	if !ok {
		return nil, err
	}
	s := av.String()
	return &s, nil
}

func num(m map[string]events.DynamoDBAttributeValue, name string, required bool) (*handler.Number, error) {
	av, ok, err := attr(m, name, events.DataTypeNumber, required)
	if !ok {
		return nil, err
	}
	n := handler.Number(av.Number())
	return &n, nil
}

func integer(m map[string]events.DynamoDBAttributeValue, name string, required bool) (*int64, error) {
	av, ok, err := attr(m, name, events.DataTypeNumber, required)
	if !ok {
		return nil, err
	}
	i, err := strconv.ParseInt(av.Number(), 10, 64)
	return &i, err
}

func boolean(m map[string]events.DynamoDBAttributeValue, name string, required bool) (*bool, error) {
	av, ok, err := attr(m, name, events.DataTypeBoolean, required)
	if !ok {
		return nil, err
	}
	b := av.Boolean()
	return &b, nil
}

// first returns the first error of errs.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func baselineSeedItem(m map[string]events.DynamoDBAttributeValue) (seed.Item, error) {
	id, err1 := str(m, "id", true)
	msg, err2 := str(m, "message", true)
	if err := first(err1, err2); err != nil {
		return seed.Item{}, err
	}
	return seed.Item{ID: *id, Message: *msg}, nil
}

func baselineSeedKeys(m map[string]events.DynamoDBAttributeValue) (seed.Keys, error) {
	id, err := str(m, "id", true)
	if err != nil {
		return seed.Keys{}, err
	}
	return seed.Keys{ID: *id}, nil
}

func baselineWideKeys(m map[string]events.DynamoDBAttributeValue) (wide.Keys, error) {
	id, err1 := str(m, "id", true)
	created, err2 := integer(m, "createdAt", true)
	if err := first(err1, err2); err != nil {
		return wide.Keys{}, err
	}
	return wide.Keys{ID: *id, CreatedAt: *created}, nil
}

func baselineWideItem(m map[string]events.DynamoDBAttributeValue) (wide.Item, error) {
	var v wide.Item
	var errs [24]error
	var id, sourceIP, message, status *string
	var createdAt *int64
	var price *handler.Number
	var done *bool
	id, errs[0] = str(m, "id", true)
	createdAt, errs[1] = integer(m, "createdAt", true)
	sourceIP, errs[2] = str(m, "sourceIp", true)
	message, errs[3] = str(m, "message", true)
	status, errs[4] = str(m, "status", true)
	v.Count, errs[5] = integer(m, "count", false)
	price, errs[6] = num(m, "price", true)
	v.Ratio, errs[7] = num(m, "ratio", false)
	v.Urgent, errs[8] = boolean(m, "urgent", false)
	done, errs[9] = boolean(m, "done", true)
	v.ExpiresAt, errs[10] = integer(m, "expiresAt", false)
	v.UserID_user_id, errs[11] = str(m, "user_id", false)
	v.UserID_userId, errs[12] = str(m, "userId", false)
	v.X, errs[13] = str(m, "_", false)
	if err := first(errs[:]...); err != nil {
		return v, err
	}
	v.ID, v.CreatedAt, v.SourceIP, v.Message, v.Status, v.Price, v.Done = *id, *createdAt, *sourceIP, *message, *status, *price, *done
	if av, ok, err := attr(m, "tags", events.DataTypeList, false); err != nil {
		return v, err
	} else if ok {
		v.Tags = []string{}
		for _, e := range av.List() {
			if e.DataType() != events.DataTypeString {
				return v, fmt.Errorf("tags[]: wrong type")
			}
			v.Tags = append(v.Tags, e.String())
		}
	}
	if av, ok, err := attr(m, "labels", events.DataTypeStringSet, false); err != nil {
		return v, err
	} else if ok {
		v.Labels = av.StringSet()
	}
	if av, ok, err := attr(m, "scores", events.DataTypeNumberSet, false); err != nil {
		return v, err
	} else if ok {
		for _, n := range av.NumberSet() {
			v.Scores = append(v.Scores, handler.Number(n))
		}
	}
	if av, ok, err := attr(m, "author", events.DataTypeMap, false); err != nil {
		return v, err
	} else if ok {
		a, err := baselineAuthor(av.Map())
		if err != nil {
			return v, err
		}
		v.Author = &a
	}
	if av, ok, err := attr(m, "lines", events.DataTypeList, false); err != nil {
		return v, err
	} else if ok {
		v.Lines = []wide.LinesItem{}
		for _, e := range av.List() {
			if e.DataType() != events.DataTypeMap {
				return v, fmt.Errorf("lines[]: wrong type")
			}
			var line wide.LinesItem
			sku, err1 := str(e.Map(), "sku", true)
			qty, err2 := integer(e.Map(), "qty", false)
			price, err3 := num(e.Map(), "price", false)
			if err := first(err1, err2, err3); err != nil {
				return v, err
			}
			line.SKU, line.Qty, line.Price = *sku, qty, price
			v.Lines = append(v.Lines, line)
		}
	}
	if av, ok, err := attr(m, "matrix", events.DataTypeList, false); err != nil {
		return v, err
	} else if ok {
		v.Matrix = [][]int64{}
		for _, row := range av.List() {
			if row.DataType() != events.DataTypeList {
				return v, fmt.Errorf("matrix[]: wrong type")
			}
			ints := []int64{}
			for _, e := range row.List() {
				i, err := e.Integer()
				if err != nil {
					return v, err
				}
				ints = append(ints, i)
			}
			v.Matrix = append(v.Matrix, ints)
		}
	}
	if av, ok, err := attr(m, "item", events.DataTypeMap, false); err != nil {
		return v, err
	} else if ok {
		okv, err := boolean(av.Map(), "ok", false)
		if err != nil {
			return v, err
		}
		v.Item = &wide.Item_4item{Ok: okv}
	}
	return v, nil
}

func baselineAuthor(m map[string]events.DynamoDBAttributeValue) (wide.Author, error) {
	var a wide.Author
	name, err1 := str(m, "name", true)
	email, err2 := str(m, "email", false)
	if err := first(err1, err2); err != nil {
		return a, err
	}
	a.Name, a.Email = *name, email
	if av, ok, err := attr(m, "address", events.DataTypeMap, false); err != nil {
		return a, err
	} else if ok {
		city, err1 := str(av.Map(), "city", true)
		zip, err2 := str(av.Map(), "zip", false)
		if err := first(err1, err2); err != nil {
			return a, err
		}
		a.Address = &wide.AuthorAddress{City: *city, Zip: zip}
	}
	return a, nil
}

// TestBaselineAgrees checks that the generated decoders and the baseline
// read the fixtures to the same records, so the benchmarks compare equals.
func TestBaselineAgrees(t *testing.T) {
	seedGot, err := seedHandler().Decode(batch(t, "seed"))
	if err != nil {
		t.Fatal(err)
	}
	seedWant, err := baseline(batch(t, "seed"), baselineSeedItem, baselineSeedKeys)
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, seedGot, seedWant)
	wideGot, err := wideHandler().Decode(batch(t, "wide"))
	if err != nil {
		t.Fatal(err)
	}
	wideWant, err := baseline(batch(t, "wide"), baselineWideItem, baselineWideKeys)
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, wideGot, wideWant)
}

func sameRecords[T, K any](t *testing.T, got, want []*handler.Record[T, K]) {
	t.Helper()
	if len(got) != 100 || len(got) != len(want) {
		t.Fatalf("%d records, baseline %d, want 100", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.EventID != w.EventID || g.EventName != w.EventName || g.SequenceNumber != w.SequenceNumber ||
			!g.Created.Equal(w.Created) || g.SizeBytes != w.SizeBytes {
			t.Fatalf("record %d: %+v, baseline %+v", i, g, w)
		}
		for _, pair := range [][2]any{{g.Keys, w.Keys}, {g.NewImage, w.NewImage}, {g.OldImage, w.OldImage}} {
			gj, err1 := json.Marshal(pair[0])
			wj, err2 := json.Marshal(pair[1])
			if err := first(err1, err2); err != nil {
				t.Fatal(err)
			}
			if string(gj) != string(wj) {
				t.Fatalf("record %d:\n got %s\nbaseline %s", i, gj, wj)
			}
		}
	}
}

func benchDecode[T, K any](b *testing.B, payload []byte, decode func([]byte) ([]*handler.Record[T, K], error)) {
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	records := 0
	for b.Loop() {
		recs, err := decode(payload)
		if err != nil {
			b.Fatal(err)
		}
		records += len(recs)
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDecode decodes a 100-record batch into typed records.
func BenchmarkDecode(b *testing.B) {
	b.Run("seed/streamgen", func(b *testing.B) { benchDecode(b, batch(b, "seed"), seedHandler().Decode) })
	b.Run("seed/baseline", func(b *testing.B) {
		benchDecode(b, batch(b, "seed"), func(p []byte) ([]*seed.Record, error) {
			return baseline(p, baselineSeedItem, baselineSeedKeys)
		})
	})
	b.Run("wide/streamgen", func(b *testing.B) { benchDecode(b, batch(b, "wide"), wideHandler().Decode) })
	b.Run("wide/baseline", func(b *testing.B) {
		benchDecode(b, batch(b, "wide"), func(p []byte) ([]*wide.Record, error) {
			return baseline(p, baselineWideItem, baselineWideKeys)
		})
	})
}

// BenchmarkHandle runs a 100-record batch through Handle with a Process
// that does nothing: decoding plus the per-record goroutine and logging.
func BenchmarkHandle(b *testing.B) {
	payload := batch(b, "seed")
	h := seedHandler()
	b.ReportAllocs()
	batches := 0
	for b.Loop() {
		resp, err := h.Handle(context.Background(), payload)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			b.Fatal(err, resp)
		}
		batches++
	}
	b.ReportMetric(float64(100*batches)/b.Elapsed().Seconds(), "records/s")
}
