package output_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/output"
	"github.com/streamgen/streamgen/spec"
)

// deployed is the spec of the stack a user has deployed.
const deployed = `version: 1
name: streamer
table:
  partitionKey: id
  sortKey: at
fields:
  id: {type: string, from: requestId}
  at: {type: integer, from: requestTimeEpoch}
  message: {type: string, required: true}
`

func generate(t *testing.T, src string) []genfile.File {
	t.Helper()
	s, err := spec.Parse("streamer.yaml", []byte(src))
	if err != nil {
		t.Fatalf("spec:\n%s\n%v", src, err)
	}
	files, err := streamgen.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func change(t *testing.T, src string, edits ...string) string {
	t.Helper()
	for i := 0; i < len(edits); i += 2 {
		if !strings.Contains(src, edits[i]) {
			t.Fatalf("spec has no %q", edits[i])
		}
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	return src
}

// TestEveryReplacingSpecChangeIsRefused regenerates the deployed spec's
// output with each spec change that makes CloudFormation replace or delete
// data, through the real generator: each is refused with the output left
// as it was, and written with AllowReplace.
func TestEveryReplacingSpecChangeIsRefused(t *testing.T) {
	withoutSortKey := change(t, deployed, "  sortKey: at\n", "")
	withTags := change(t, deployed, "  message:", "  tags: {type: list, items: {type: string}}\n  message:")
	withAuthor := change(t, deployed, "  message:", "  author: {type: object, fields: {age: {type: integer}}}\n  message:")
	tests := []struct {
		name, spec, says string
		from             string // the deployed spec; deployed when ""
	}{
		{"sort key added", deployed, "sort key at (N) is added", withoutSortKey},
		{"partition key renamed", change(t, deployed, "partitionKey: id", "partitionKey: pk", "  id: {", "  pk: {"),
			"partition key id (S) becomes pk (S)", ""},
		{"partition key type", change(t, deployed, "id: {type: string, from: requestId}", "id: {type: integer, from: requestTimeEpoch}",
			"at: {type: integer, from: requestTimeEpoch}", "at: {type: string, from: requestId}"),
			"partition key id changes type from S to N", ""},
		{"sort key removed", change(t, deployed, "  sortKey: at\n", ""), "sort key at (N) is removed", ""},
		{"sort key renamed", change(t, deployed, "sortKey: at", "sortKey: when", "  at: {", "  when: {"),
			"sort key at (N) becomes when (N)", ""},
		{"queue to bucket", deployed, "StreamerDeadLetterQueue (AWS::SQS::Queue) is removed: failed batches now go to an S3 bucket",
			change(t, deployed, "fields:", "stream: {onFailure: sqs}\nfields:")},
		{"bucket to queue", change(t, deployed, "fields:", "stream: {onFailure: sqs}\nfields:"),
			"StreamerFailureBucket (AWS::S3::Bucket) is removed: failed batches now go to an SQS queue (stream.onFailure: sqs).\n" +
				"    CloudFormation keeps the failure bucket (DeletionPolicy: Retain)", ""},
		{"stream view", change(t, deployed, "fields:", "stream: {view: KEYS_ONLY}\nfields:"),
			"stream view NEW_IMAGE becomes KEYS_ONLY", ""},
		{"stack renamed", change(t, deployed, "name: streamer", "name: orders"),
			"StreamerTable (AWS::DynamoDB::Table) is removed.\n    CloudFormation keeps the table and its items (DeletionPolicy: Retain) but it leaves the stack: orphaned", ""},
		{"stack renamed, nothing retained", change(t, deployed, "name: streamer", "name: orders", "  sortKey: at\n", "  sortKey: at\n  retain: false\n"),
			"StreamerFailureBucket (AWS::S3::Bucket) is removed.\n    CloudFormation deletes the failure bucket and the failed batches it holds (or, while the bucket is not empty",
			change(t, deployed, "  sortKey: at\n", "  sortKey: at\n  retain: false\n")},
		{"field type", change(t, deployed, "message: {type: string, required: true}", "message: {type: integer, required: true}"),
			"StreamerBodyModel (AWS::ApiGateway::Model) changes: field message changes type from string to integer.\n" +
				"    the items already stored keep the old types", ""},
		{"list becomes a set", change(t, withTags, "tags: {type: list, items: {type: string}}", "tags: {type: stringSet}"),
			"field tags changes type from list to stringSet", withTags},
		{"nested field type", change(t, withAuthor, "age: {type: integer}", "age: {type: string}"),
			"field author.age changes type from integer to string", withAuthor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			from := tt.from
			if from == "" {
				from = deployed
			}
			if err := output.Write(dir, generate(t, from), output.Options{}); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(filepath.Join(dir, "template.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			files := generate(t, tt.spec)
			err = output.Write(dir, files, output.Options{})
			var refused *output.RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("error %v, want a refusal", err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("refusal does not say %q:\n%s", tt.says, err)
			}
			if after, _ := os.ReadFile(filepath.Join(dir, "template.yaml")); string(after) != string(before) {
				t.Error("refused, yet template.yaml changed")
			}
			if err := output.Write(dir, files, output.Options{AllowReplace: true}); err != nil {
				t.Fatalf("with AllowReplace: %v", err)
			}
			if stale, err := output.Check(dir, files, output.Options{}); err != nil || len(stale) != 0 {
				t.Errorf("after AllowReplace, stale: %v %v", stale, err)
			}
		})
	}
}

func TestSafeSpecChangesAreWritten(t *testing.T) {
	withCount := change(t, deployed, "  message:", "  count: {type: integer}\n  message:")
	optionalMessage := change(t, deployed, "message: {type: string, required: true}", "message: {type: string}")
	tests := []struct {
		name, spec string
		from       string // the deployed spec; deployed when ""
	}{
		{"integer becomes number", change(t, withCount, "count: {type: integer}", "count: {type: number}"), withCount},
		{"optional field becomes required", deployed, optionalMessage},
		{"required field becomes optional", optionalMessage, ""},
		{"new optional field", change(t, deployed, "  message:", "  note: {type: string}\n  message:"), ""},
		{"new required field", change(t, deployed, "  message:", "  count: {type: integer, required: true}\n  message:"), ""},
		{"memory and batch", change(t, deployed, "fields:", "stream: {memory: 1024, batchSize: 10, retries: 5}\nfields:"), ""},
		{"events", change(t, deployed, "fields:", "stream: {events: [INSERT]}\nfields:"), ""},
		{"api path, auth and throttle", change(t, deployed, "table:", "api: {path: /v2/items, auth: api_key, throttle: {rate: 5, burst: 10}}\ntable:"), ""},
		{"duplicates overwrite", change(t, deployed, "  sortKey: at\n", "  sortKey: at\n  onDuplicate: overwrite\n"), ""},
		{"ttl", change(t, deployed, "  sortKey: at\n", "  sortKey: at\n  ttl: expires\n", "  message:", "  expires: {type: integer}\n  message:"), ""},
		{"retention off", change(t, deployed, "  sortKey: at\n", "  sortKey: at\n  retain: false\n"), ""},
		{"field removed", change(t, deployed, "  message: {type: string, required: true}\n", "  note: {type: string}\n"), ""},
		{"enum added", change(t, deployed, "message: {type: string, required: true}", "message: {type: string, required: true, enum: [a, b]}"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			from := tt.from
			if from == "" {
				from = deployed
			}
			if err := output.Write(dir, generate(t, from), output.Options{}); err != nil {
				t.Fatal(err)
			}
			files := generate(t, tt.spec)
			changes, err := output.Changes(dir, files)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) == 0 {
				t.Fatal("no resource changes: the case tests nothing")
			}
			if err := output.Write(dir, files, output.Options{}); err != nil {
				t.Fatalf("refused a change that keeps the data: %v\nchanges: %v", err, changes)
			}
		})
	}
}
