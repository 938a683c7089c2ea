package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Stream delivers the store's stream log to the handler as Lambda's event
// source mapping does for a DynamoDB stream with one shard: in order, in
// batches, with the event filter, partial batch responses
// (ReportBatchItemFailures), bisect on error, retries, a maximum record age,
// and an on-failure destination (Failures). The checkpoint is stored
// after each batch, so a restart resumes where delivery stopped and a record
// is never skipped: at least once, as on AWS.
type Stream struct {
	Store        *Store
	Invoke       func(payload []byte) ([]byte, error)
	BatchSize    int
	BatchWindow  time.Duration
	Events       []string // event names that reach the handler
	Retries      int      // -1: until the record expires
	MaxRecordAge time.Duration
	Region       string
	SourceARN    string // the stream's ARN, in each record
	FunctionARN  string
	Failures     *Failures     // where batches given up on are recorded
	Backoff      time.Duration // wait before the first retry; doubles up to maxBackoff
	Log          io.Writer

	now func() time.Time
}

const (
	maxBackoff = 5 * time.Second
	// maxPayload keeps a batch under Lambda's 6 MB invocation payload.
	maxPayload = 5 << 20
	pollEvery  = time.Second
)

// Run delivers records until ctx is done. An in-flight batch is finished and
// checkpointed first, so stopping loses nothing.
func (s *Stream) Run(ctx context.Context) error {
	if s.now == nil {
		s.now = time.Now
	}
	done, err := s.Store.Checkpoint()
	if err != nil {
		return err
	}
	limit := s.BatchSize // shrinks while bisecting
	attempts := 0        // failed attempts of the batch that starts after done
	for ctx.Err() == nil {
		batch, end, err := s.nextBatch(done, limit)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			if end > done { // only filtered-out records
				if err := s.checkpoint(&done, end); err != nil {
					return err
				}
				continue
			}
			s.wait(ctx, time.Time{})
			continue
		}
		if attempts == 0 && limit == s.BatchSize && len(batch) < limit && s.BatchWindow > 0 {
			if until := time.UnixMilli(batch[0].Created).Add(s.BatchWindow); s.now().Before(until) {
				s.wait(ctx, until)
				continue
			}
		}
		if expired := s.expired(batch); expired > 0 {
			if err := s.giveUp(batch[:expired], "RecordAgeExceeded", attempts, false, "record older than maxRecordAge"); err != nil {
				return err
			}
			if err := s.checkpoint(&done, batch[expired-1].Seq); err != nil {
				return err
			}
			attempts = 0
			continue
		}

		failed, cause, unhandled, err := s.deliver(batch)
		if err != nil {
			return err
		}
		switch {
		case failed < 0: // success
			if err := s.checkpoint(&done, end); err != nil {
				return err
			}
			limit, attempts = s.BatchSize, 0
			continue
		case failed > 0: // partial success: keep what succeeded, retry from the failure
			if err := s.checkpoint(&done, batch[failed-1].Seq); err != nil {
				return err
			}
			limit, attempts = len(batch)-failed, 1
		case len(batch) > 1: // the first record failed: bisect, which costs no retry
			limit = len(batch) / 2
		default:
			attempts++
		}
		fmt.Fprintf(s.Log, "stream: batch %s..%s failed: %s\n", seqString(batch[0].Seq), seqString(batch[len(batch)-1].Seq), cause)
		if len(batch) == 1 && failed == 0 && s.Retries >= 0 && attempts > s.Retries {
			if err := s.giveUp(batch, "RetryAttemptsExhausted", attempts, unhandled, cause); err != nil {
				return err
			}
			if err := s.checkpoint(&done, batch[0].Seq); err != nil {
				return err
			}
			limit, attempts = s.BatchSize, 0
			continue
		}
		s.sleep(ctx, s.backoff(attempts))
	}
	return nil
}

// nextBatch returns up to limit records after done that pass the event filter,
// and the sequence number of the last record it looked at.
func (s *Stream) nextBatch(done uint64, limit int) ([]*Record, uint64, error) {
	var batch []*Record
	end, size := done, 0
	for {
		recs, err := s.Store.Records(end, 1000)
		if err != nil || len(recs) == 0 {
			return batch, end, err
		}
		for _, r := range recs {
			if !s.passes(r) {
				end = r.Seq
				continue
			}
			if len(batch) == limit || (len(batch) > 0 && size+r.SizeBytes > maxPayload) {
				return batch, end, nil
			}
			batch = append(batch, r)
			size += r.SizeBytes
			end = r.Seq
		}
	}
}

func (s *Stream) passes(r *Record) bool {
	for _, e := range s.Events {
		if e == r.EventName {
			return true
		}
	}
	return false
}

// expired counts the records at the head of batch older than MaxRecordAge.
func (s *Stream) expired(batch []*Record) int {
	if s.MaxRecordAge <= 0 {
		return 0
	}
	n := 0
	for n < len(batch) && s.now().Sub(time.UnixMilli(batch[n].Created)) > s.MaxRecordAge {
		n++
	}
	return n
}

// deliver invokes the handler with batch. It returns -1 when every record
// succeeded, else the index of the first record to retry, why, and whether
// the invocation failed as a whole. An error is not the handler's failure
// but the machine's (the handler cannot be started): delivery stops, and
// the records stay for the next start.
func (s *Stream) deliver(batch []*Record) (int, string, bool, error) {
	payload, err := json.Marshal(eventOf(batch, s.Region, s.SourceARN))
	if err != nil {
		return 0, "", false, err
	}
	body, err := s.Invoke(payload)
	var fe *FunctionError
	if errors.As(err, &fe) {
		return 0, fe.Error(), true, nil
	}
	if err != nil {
		return 0, "", false, err
	}
	var resp struct {
		BatchItemFailures []struct {
			ItemIdentifier *string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	// An empty or unreadable response is a success, as for Lambda.
	if json.Unmarshal(body, &resp) != nil {
		return -1, "", false, nil
	}
	first := -1
	for _, f := range resp.BatchItemFailures {
		i := -1
		if f.ItemIdentifier != nil {
			i = indexOf(batch, *f.ItemIdentifier)
		}
		if i < 0 {
			return 0, fmt.Sprintf("batchItemFailures names no record of the batch: %s", body), false, nil
		}
		if first < 0 || i < first {
			first = i
		}
	}
	if first >= 0 {
		return first, "the handler reported record " + seqString(batch[first].Seq) + " as failed", false, nil
	}
	return -1, "", false, nil
}

func indexOf(batch []*Record, id string) int {
	for i, r := range batch {
		if seqString(r.Seq) == id {
			return i
		}
	}
	return -1
}

func (s *Stream) checkpoint(done *uint64, seq uint64) error {
	if err := s.Store.SetCheckpoint(seq); err != nil {
		return fmt.Errorf("stream checkpoint: %w", err)
	}
	*done = seq
	return nil
}

func (s *Stream) backoff(attempts int) time.Duration {
	d := s.Backoff
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// wait returns on a new write, at until (if set), on ctx done, or after pollEvery.
func (s *Stream) wait(ctx context.Context, until time.Time) {
	d := pollEvery
	if !until.IsZero() {
		d = min(d, until.Sub(s.now()))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.Store.Written():
	case <-t.C:
	case <-ctx.Done():
	}
}

func (s *Stream) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// giveUp records the batch in the failure destination, as Lambda's
// invocation record, and says so. unhandled is whether the last invocation
// failed as a whole (rather than reporting a record).
func (s *Stream) giveUp(recs []*Record, condition string, attempts int, unhandled bool, cause string) error {
	event, err := json.Marshal(eventOf(recs, s.Region, s.SourceARN))
	if err != nil {
		return err
	}
	first, last := recs[0], recs[len(recs)-1]
	rec := invocationRecord{
		RequestContext: requestContext{
			RequestID:              newUUID(),
			FunctionARN:            s.FunctionARN,
			Condition:              condition,
			ApproximateInvokeCount: attempts + 1,
		},
		ResponseContext: responseContext{StatusCode: 200, ExecutedVersion: "$LATEST"},
		Version:         "1.0",
		Timestamp:       s.now().UTC().Format("2006-01-02T15:04:05.000Z"),
		BatchInfo: batchInfo{
			ShardID:             localShard,
			StartSequenceNumber: seqString(first.Seq),
			EndSequenceNumber:   seqString(last.Seq),
			ArrivalOfFirst:      time.UnixMilli(first.Created).UTC().Format(time.RFC3339),
			ArrivalOfLast:       time.UnixMilli(last.Created).UTC().Format(time.RFC3339),
			BatchSize:           len(recs),
			StreamARN:           s.SourceARN,
		},
	}
	if unhandled {
		rec.ResponseContext.FunctionError = "Unhandled"
	}
	where, err := s.Failures.write(rec, event, s.now())
	if err != nil {
		return fmt.Errorf("failure destination %s: %w", s.Failures.Path, err)
	}
	fmt.Fprintf(s.Log, "stream: gave up on %d record(s) %s..%s (%s): %s; recorded in %s\n",
		len(recs), seqString(first.Seq), seqString(last.Seq), condition, cause, where)
	return nil
}

// event is the DynamoDB Streams event exactly as Lambda sends it.
type event struct {
	Records []eventRecord `json:"Records"`
}

type eventRecord struct {
	EventID        string       `json:"eventID"`
	EventName      string       `json:"eventName"`
	EventVersion   string       `json:"eventVersion"`
	EventSource    string       `json:"eventSource"`
	AWSRegion      string       `json:"awsRegion"`
	DynamoDB       streamRecord `json:"dynamodb"`
	EventSourceARN string       `json:"eventSourceARN"`
	UserIdentity   *identity    `json:"userIdentity,omitempty"`
}

// identity marks a removal by Time to Live, as DynamoDB does.
type identity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
}

type streamRecord struct {
	ApproximateCreationDateTime int64  `json:"ApproximateCreationDateTime"`
	Keys                        Item   `json:"Keys"`
	NewImage                    Item   `json:"NewImage,omitempty"`
	OldImage                    Item   `json:"OldImage,omitempty"`
	SequenceNumber              string `json:"SequenceNumber"`
	SizeBytes                   int    `json:"SizeBytes"`
	StreamViewType              string `json:"StreamViewType"`
}

func eventOf(batch []*Record, region, sourceARN string) event {
	ev := event{Records: make([]eventRecord, len(batch))}
	for i, r := range batch {
		ev.Records[i] = recordOf(r, region, sourceARN)
	}
	return ev
}

func recordOf(r *Record, region, sourceARN string) eventRecord {
	rec := eventRecord{
		EventID:      r.EventID,
		EventName:    r.EventName,
		EventVersion: "1.1",
		EventSource:  "aws:dynamodb",
		AWSRegion:    region,
		DynamoDB: streamRecord{
			ApproximateCreationDateTime: r.Created / 1000,
			Keys:                        r.Keys,
			NewImage:                    r.NewImage,
			OldImage:                    r.OldImage,
			SequenceNumber:              seqString(r.Seq),
			SizeBytes:                   r.SizeBytes,
			StreamViewType:              r.View,
		},
		EventSourceARN: sourceARN,
	}
	if r.ByTTL {
		rec.UserIdentity = &identity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"}
	}
	return rec
}

// seqString formats a sequence number as DynamoDB does: a decimal string of
// 21 digits, growing with each record.
func seqString(seq uint64) string {
	return "1" + fmt.Sprintf("%020d", seq)
}
