package local

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/streamgen/streamgen/spec"
)

// Failures is the stream's on-failure destination: it records the batches
// the stream gives up on as AWS's destination for the spec's
// stream.onFailure receives them ("Retain discarded records for a DynamoDB
// event source in Lambda",
// https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html):
//   - s3: one file per batch under Path, named as Lambda names the object
//     (aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>),
//     holding the invocation record with the whole event in "payload";
//   - sqs: one JSON line per batch appended to Path, the invocation record
//     without the records (the queue gets their sequence numbers only).
type Failures struct {
	OnFailure spec.OnFailure
	Path      string
	MappingID string // the event source mapping's UUID, in S3 object names
}

// FailuresPath is where the failed batches of a data file go:
// local.db -> local-failures/ (s3) or local-dlq.jsonl (sqs).
func FailuresPath(dataFile string, to spec.OnFailure) string {
	stem := strings.TrimSuffix(dataFile, filepath.Ext(dataFile))
	if to == spec.FailToSQS {
		return stem + "-dlq.jsonl"
	}
	return stem + "-failures"
}

// invocationRecord is what Lambda sends the on-failure destination.
type invocationRecord struct {
	RequestContext  requestContext  `json:"requestContext"`
	ResponseContext responseContext `json:"responseContext"`
	Version         string          `json:"version"`
	Timestamp       string          `json:"timestamp"`
	BatchInfo       batchInfo       `json:"DDBStreamBatchInfo"`
	Payload         *string         `json:"payload,omitempty"` // S3 only: the event, as a JSON string
}

type requestContext struct {
	RequestID              string `json:"requestId"`
	FunctionARN            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

type responseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"` // "Unhandled" when the invocation itself failed
}

type batchInfo struct {
	ShardID             string `json:"shardId"`
	StartSequenceNumber string `json:"startSequenceNumber"`
	EndSequenceNumber   string `json:"endSequenceNumber"`
	ArrivalOfFirst      string `json:"approximateArrivalOfFirstRecord"`
	ArrivalOfLast       string `json:"approximateArrivalOfLastRecord"`
	BatchSize           int    `json:"batchSize"`
	StreamARN           string `json:"streamArn"`
}

// localShard is the one shard of the local stream.
const localShard = "shardId-00000000000000000001-local"

// write records one batch given up on at now, with its event; it returns
// where it wrote.
func (f *Failures) write(rec invocationRecord, event []byte, now time.Time) (string, error) {
	if f.OnFailure == spec.FailToSQS {
		line, err := json.Marshal(rec)
		if err != nil {
			return "", err
		}
		return f.Path, appendSynced(f.Path, append(line, '\n'))
	}
	payload := string(event)
	rec.Payload = &payload
	data, err := json.Marshal(rec)
	if err != nil {
		return "", err
	}
	now = now.UTC()
	name := filepath.Join(f.Path, "aws", "lambda", f.MappingID, localShard, now.Format("2006/01/02"),
		now.Format("2006-01-02T15.04.05")+"-"+newUUID())
	return name, writeSynced(name, data)
}

// writeSynced writes a new file whole or not at all: a crash leaves no
// half batch under its final name.
func writeSynced(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func appendSynced(name string, line []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// newUUID is a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
