package handler_test

import (
	"context"
	"encoding/json"
	"testing"
)

// FuzzDecode: no stream event panics or hangs the handler's decoder. A
// decoded event is JSON; Handle, which decodes each record before it
// processes it, fails no record of an event that decodes whole, and fails
// at most the first undecodable one of any other.
func FuzzDecode(f *testing.F) {
	f.Add(batch(f, "seed"))
	for _, s := range []string{
		`{"Records":[]}`,
		`{"Records":[{"eventID":"1","eventName":"INSERT","dynamodb":{"Keys":{"id":{"S":"a"}},"NewImage":{"id":{"S":"a"},"message":{"S":"\ud83d\ude00\u0000"}},"SequenceNumber":"1","SizeBytes":1}}]}`,
		`{"Records":[{"eventID":"2","eventName":"MODIFY","dynamodb":{"ApproximateCreationDateTime":1.7e9,"Keys":{"id":{"S":"a"}},"OldImage":{"id":{"S":"a"}},"NewImage":{"id":{"S":"a"},"message":{"S":"x"},"extra":{"M":{"l":{"L":[{"N":"1"},{"NULL":true},{"BS":["AA=="]}]}}}},"SequenceNumber":"2"}}]}`,
		`{"Records":[{"eventID":"3","eventName":"REMOVE","dynamodb":{"Keys":{"id":{"N":"1"}},"SequenceNumber":"3"}}]}`,
		`{"Records":[{"dynamodb":{"Keys":{"id":{"S":"a"}}}}],"Records":null}`,
	} {
		f.Add([]byte(s))
	}
	h := seedHandler()
	f.Fuzz(func(t *testing.T, payload []byte) {
		recs, err := h.Decode(payload)
		if err == nil && !json.Valid(payload) {
			t.Fatalf("decoded %d records from text that is not JSON", len(recs))
		}
		for i, rec := range recs {
			if rec == nil {
				t.Fatalf("record %d of %d is nil (error %v)", i, len(recs), err)
			}
		}
		resp, herr := h.Handle(context.Background(), payload)
		switch {
		case herr != nil && err == nil:
			t.Fatalf("Handle failed the event (%v) that Decode read", herr)
		case err == nil && len(resp.BatchItemFailures) != 0:
			t.Fatalf("Handle failed %v of an event that decodes whole", resp.BatchItemFailures)
		case len(resp.BatchItemFailures) > 1:
			t.Fatalf("Handle failed %d records; it stops at the first", len(resp.BatchItemFailures))
		}
	})
}
