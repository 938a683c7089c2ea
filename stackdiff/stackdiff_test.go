package stackdiff

import (
	"strings"
	"testing"
)

// base is a hand-written template in goformation's long form with the
// resources that hold data; the tests edit it one change at a time.
const base = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  StreamerTable:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      StreamSpecification:
        StreamViewType: NEW_IMAGE
  StreamerDeadLetterQueue:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  StreamerHandler:
    Type: AWS::Lambda::Function
    Properties:
      MemorySize: 256
      Role:
        Fn::GetAtt: [StreamerHandlerRole, Arn]
  StreamerStreamMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn:
        Fn::GetAtt: [StreamerTable, StreamArn]
      StartingPosition: TRIM_HORIZON
`

func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("base template has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

func diff(t *testing.T, old, new string) []Change {
	t.Helper()
	changes, err := Templates([]byte(old), []byte(new))
	if err != nil {
		t.Fatal(err)
	}
	return changes
}

func TestDestructiveChangesAreCaught(t *testing.T) {
	tests := []struct {
		name, old, new string
		id             string
		kind           Kind
		why, loss      string // substrings
	}{
		{
			name: "partition key renamed",
			old:  "        - AttributeName: id\n          AttributeType: S\n      KeySchema:\n        - AttributeName: id",
			new:  "        - AttributeName: pk\n          AttributeType: S\n      KeySchema:\n        - AttributeName: pk",
			id:   "StreamerTable", kind: Replaced,
			why:  "partition key id (S) becomes pk (S)",
			loss: "kept (UpdateReplacePolicy: Retain) but orphaned",
		},
		{
			name: "partition key type",
			old:  "AttributeType: S", new: "AttributeType: N",
			id: "StreamerTable", kind: Replaced,
			why: "partition key id changes type from S to N", loss: "new, empty table",
		},
		{
			name: "sort key added",
			old:  "          KeyType: HASH\n",
			new:  "          KeyType: HASH\n        - AttributeName: at\n          KeyType: RANGE\n",
			id:   "StreamerTable", kind: Replaced,
			why: "sort key at () is added", loss: "new, empty table",
		},
		{
			name: "table name set",
			old:  "      BillingMode: PAY_PER_REQUEST\n", new: "      BillingMode: PAY_PER_REQUEST\n      TableName: items\n",
			id: "StreamerTable", kind: Replaced, why: "TableName changes", loss: "new, empty table",
		},
		{
			name: "stream view",
			old:  "StreamViewType: NEW_IMAGE", new: "StreamViewType: KEYS_ONLY",
			id: "StreamerTable", kind: Changed,
			why: "stream view NEW_IMAGE becomes KEYS_ONLY", loss: "new ARN",
		},
		{
			name: "stream removed",
			old:  "      StreamSpecification:\n        StreamViewType: NEW_IMAGE\n", new: "",
			id: "StreamerTable", kind: Changed, why: "the stream is disabled", loss: "deletes the stream",
		},
		{
			name: "table removed though retained",
			old:  "  StreamerTable:\n", new: "  OtherTable:\n",
			id: "StreamerTable", kind: Removed, loss: "orphaned",
		},
		{
			name: "queue becomes FIFO",
			old:  "      MessageRetentionPeriod: 1209600\n", new: "      MessageRetentionPeriod: 1209600\n      FifoQueue: true\n",
			id: "StreamerDeadLetterQueue", kind: Replaced, why: "FifoQueue changes", loss: "failed stream records",
		},
		{
			name: "queue named",
			old:  "      MessageRetentionPeriod: 1209600\n", new: "      MessageRetentionPeriod: 1209600\n      QueueName: dlq\n",
			id: "StreamerDeadLetterQueue", kind: Replaced, why: "QueueName changes", loss: "failed stream records",
		},
		{
			name: "queue removed",
			old:  "  StreamerDeadLetterQueue:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 1209600\n", new: "",
			id: "StreamerDeadLetterQueue", kind: Removed, loss: "deletes the dead-letter queue",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changes := diff(t, base, edit(t, tt.old, tt.new))
			var found *Change
			for i, c := range changes {
				if c.LogicalID == tt.id {
					found = &changes[i]
				}
			}
			if found == nil {
				t.Fatalf("no change of %s in %v", tt.id, changes)
			}
			if found.Kind != tt.kind {
				t.Errorf("kind %v, want %v", found.Kind, tt.kind)
			}
			if !found.Destructive() || !strings.Contains(found.Loss, tt.loss) {
				t.Errorf("loss %q, want it to say %q", found.Loss, tt.loss)
			}
			if why := strings.Join(found.Why, "; "); !strings.Contains(why, tt.why) {
				t.Errorf("why %q, want it to say %q", why, tt.why)
			}
		})
	}
}

func TestSafeChangesPass(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           string // the one change, as printed
	}{
		{"memory", "MemorySize: 256", "MemorySize: 512",
			"changed   StreamerHandler (AWS::Lambda::Function): MemorySize"},
		{"non-key attribute", "          AttributeType: S\n", "          AttributeType: S\n        - AttributeName: other\n          AttributeType: N\n",
			"changed   StreamerTable (AWS::DynamoDB::Table): AttributeDefinitions"},
		{"retain dropped", "    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n", "",
			"changed   StreamerTable (AWS::DynamoDB::Table): DeletionPolicy, UpdateReplacePolicy"},
		{"queue retention", "MessageRetentionPeriod: 1209600", "MessageRetentionPeriod: 60",
			"changed   StreamerDeadLetterQueue (AWS::SQS::Queue): MessageRetentionPeriod"},
		{"stream mapping replaced", "StartingPosition: TRIM_HORIZON", "StartingPosition: LATEST",
			"replaced  StreamerStreamMapping (AWS::Lambda::EventSourceMapping): StartingPosition"},
		{"resource added", "Resources:\n", "Resources:\n  Extra:\n    Type: AWS::Logs::LogGroup\n",
			"added     Extra (AWS::Logs::LogGroup)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changes := diff(t, base, edit(t, tt.old, tt.new))
			if len(changes) != 1 || changes[0].String() != tt.want {
				t.Fatalf("changes %v, want exactly %q", changes, tt.want)
			}
			if changes[0].Destructive() {
				t.Errorf("%v is not destructive, but says: %s", changes[0], changes[0].Loss)
			}
		})
	}
}

func TestShortFormIntrinsicsEqualLongForm(t *testing.T) {
	short := edit(t, "      Role:\n        Fn::GetAtt: [StreamerHandlerRole, Arn]\n", "      Role: !GetAtt StreamerHandlerRole.Arn\n")
	short = strings.Replace(short, "MemorySize: 256", `MemorySize: "256"`, 1)
	if changes := diff(t, base, short); len(changes) != 0 {
		t.Fatalf("same template in another spelling: %v", changes)
	}
}

func TestRemovedTableWithoutRetainIsDeleted(t *testing.T) {
	old := edit(t, "    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n", "")
	changes := diff(t, old, strings.Replace(old, "StreamerTable:", "RenamedTable:", 1))
	if len(changes) != 2 || changes[0].LogicalID != "RenamedTable" || changes[0].Kind != Added ||
		changes[1].Kind != Removed || !strings.Contains(changes[1].Loss, "deletes the table and every item") {
		t.Fatalf("changes %+v", changes)
	}
}

func TestUnchangedTableNameCannotBeReplaced(t *testing.T) {
	named := edit(t, "      BillingMode: PAY_PER_REQUEST\n", "      BillingMode: PAY_PER_REQUEST\n      TableName: items\n")
	changes := diff(t, named, strings.Replace(named, "AttributeType: S", "AttributeType: N", 1))
	if len(changes) != 1 || !strings.Contains(changes[0].Loss, "update fails and rolls back") {
		t.Fatalf("changes %+v", changes)
	}
}

func TestBadTemplates(t *testing.T) {
	for _, src := range []string{"", "- a list", "Resources: 3", "Resources:\n  X: {}\n", "{"} {
		if _, err := Templates([]byte(src), []byte(base)); err == nil {
			t.Errorf("template %q: no error", src)
		}
	}
}

func TestRetainedQueue(t *testing.T) {
	old := edit(t, "    Type: AWS::SQS::Queue\n", "    Type: AWS::SQS::Queue\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n")
	changes := diff(t, old, strings.Replace(old, "StreamerDeadLetterQueue:", "OtherQueue:", 1))
	if len(changes) != 2 || changes[1].Kind != Removed || !strings.Contains(changes[1].Loss, "orphaned") {
		t.Fatalf("removed: %+v", changes)
	}
	changes = diff(t, old, strings.Replace(old, "MessageRetentionPeriod: 1209600", "MessageRetentionPeriod: 1209600\n      QueueName: q", 1))
	if len(changes) != 1 || changes[0].Kind != Replaced || !strings.Contains(changes[0].Loss, "kept (UpdateReplacePolicy: Retain) but orphaned") {
		t.Fatalf("replaced: %+v", changes)
	}
}

// The failure bucket holds data like the queue; moving from one to the other
// says why and how to keep the old one.
func TestFailureDestinationMoves(t *testing.T) {
	const bucket = "  StreamerFailureBucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n"
	queue := "  StreamerDeadLetterQueue:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 1209600\n"
	withBucket := edit(t, queue, bucket)

	changes := diff(t, base, withBucket)
	byID := map[string]Change{}
	for _, c := range changes {
		byID[c.LogicalID] = c
	}
	q := byID["StreamerDeadLetterQueue"]
	if q.Kind != Removed || !q.Destructive() || q.Fix != "to keep the queue, add onFailure: sqs to the spec's stream block" ||
		!strings.Contains(strings.Join(q.Why, ";"), "failed batches now go to an S3 bucket") {
		t.Errorf("queue to bucket: %+v", q)
	}
	if b := byID["StreamerFailureBucket"]; b.Kind != Added || b.Destructive() {
		t.Errorf("added bucket: %+v", b)
	}

	changes = diff(t, withBucket, base)
	for _, c := range changes {
		if c.LogicalID == "StreamerFailureBucket" && (c.Kind != Removed || !strings.Contains(c.Loss, "keeps the failure bucket (DeletionPolicy: Retain)") ||
			c.Fix == "") {
			t.Errorf("bucket to queue: %+v", c)
		}
	}

	// A bucket removed with nothing in its place has no fix to offer.
	noDestination := edit(t, queue, "")
	changes = diff(t, edit(t, queue, queue+bucket), noDestination)
	for _, c := range changes {
		if c.Fix != "" {
			t.Errorf("%s: fix %q with no new destination", c.LogicalID, c.Fix)
		}
	}
}

func TestIdenticalTemplatesHaveNoChanges(t *testing.T) {
	changes, err := Templates([]byte(base), []byte(base))
	if err != nil || len(changes) != 0 {
		t.Fatalf("changes %v, %v; want none", changes, err)
	}
	if _, err := Templates([]byte(base), []byte(base+"\n")); err != nil {
		t.Fatalf("a template equal but for a newline: %v", err)
	}
}
