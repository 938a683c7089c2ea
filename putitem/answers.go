package putitem

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/streamgen/streamgen/item"
)

// Messages of the endpoint's answers (the contract's table), the same in the
// deployed stack's response templates (package vtl) and in `gen local`. They
// hold no `"`, `\`, `$` or `#`, so JSON and VTL take them as they are.
const (
	// MessageInvalidBody starts a 400 for a body the model rejects; the
	// validator's detail follows after ": ".
	MessageInvalidBody = "Invalid request body"
	// MessageDuplicate is the 409 of onDuplicate: reject.
	MessageDuplicate = "An item with this key already exists"
	// MessageThrottled is the 429 of the stage throttle or of DynamoDB.
	MessageThrottled = "Too many requests, retry later"
	// MessageRejected is the 400 of a body that passed the model but that
	// DynamoDB refuses (its ValidationException), for any of its reasons.
	MessageRejected = "The item was refused by the database: a key value over its size (2048 bytes partition key, 1024 bytes sort key), " +
		"an item over 400 KB, or a number beyond 38 digits or its range (1e-130 to 9.99e125)"
	// MessageInternal is the 500 of a write that failed before it could
	// happen (DynamoDB's other 4xx answers, a failed local store).
	MessageInternal = "Internal error, the item was not stored"
	// MessageUncertain is the 500 of a write whose outcome is unknown: a
	// 5xx of DynamoDB, a timeout or another failure of API Gateway itself
	// may come after the item was stored.
	MessageUncertain = "Internal error, the item may or may not be stored"
	// MessageMediaType is the 415 of a request that is not application/json.
	MessageMediaType = "Content-Type must be application/json"

	// The answers of the read, query, update and delete routes.

	// MessageNotFound is the 404 of a key with no item (read, update, delete).
	MessageNotFound = "No item has this key"
	// MessageBadKey is the 400 of a path key DynamoDB cannot take: a number
	// key that is not a decimal number, or a key over its size.
	MessageBadKey = "The key in the path is not valid: a number key is a decimal number, a partition key at most 2048 bytes, a sort key at most 1024 bytes"
	// MessageBadQuery is the 400 of a query DynamoDB refuses: its partition
	// key or a parameter out of range. The query's template cannot tell
	// DynamoDB's refusals apart, so one message names every cause.
	MessageBadQuery = "Invalid query: the partition key in the path is a valid key (a number key is a decimal number, at most 2048 bytes), " +
		"limit is an integer from 1 to 100, order is asc or desc, and next is a valid token"
	// MessageReadFailed is the 500 of a read or query that failed.
	MessageReadFailed = "Internal error, the item could not be read"
	// MessageNotChanged is the 500 of an update or delete that failed before
	// it could happen.
	MessageNotChanged = "Internal error, the item was not changed"
	// MessageChangeUncertain is the 500 of an update or delete whose outcome
	// is unknown (see MessageUncertain).
	MessageChangeUncertain = "Internal error, the item may or may not be changed"
)

// Answer is the body of the 200 answer: a JSON object of the server-set key
// fields and their values ({} when the body gave every key); strings as JSON
// strings, requestTimeEpoch as a JSON number.
func Answer(it *item.Item, rc RequestContext) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range it.ServerKeys() {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k.Name)
		b.Write(name)
		b.WriteByte(':')
		v, err := rc.value(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k.Name, err)
		}
		attr := v.(map[string]any)
		if n, ok := attr["N"]; ok {
			b.WriteString(n.(string))
			continue
		}
		str, _ := json.Marshal(attr["S"])
		b.Write(str)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ErrorAnswer is the body of an error answer: {"message": message}.
func ErrorAnswer(message string) []byte {
	b, _ := json.Marshal(map[string]string{"message": message})
	return b
}
