// Package spec reads a streamgen spec (version 1, see ../shared/spec-format.md):
// it parses YAML with positions kept, applies every default of the contract and
// validates every rule, so later stages use a Spec without checking it again.
package spec

// Spec is a parsed, defaulted and validated spec.
type Spec struct {
	File    string // the path it was read from, for messages
	Version int
	Name    string
	API     API
	Table   Table
	Fields  []*Field // in the order of the file
	Stream  Stream
	Tracing bool    // X-Ray on the API stage and the handler
	Alarms  *Alarms // nil: no alarms

	FieldsPos Pos // where the fields key is, for limits the fields as a whole break

	// Warnings are settings the contract allows that do nothing, and Go
	// names spelt out for want of a goName; they do not make the spec invalid.
	Warnings Errors
}

// Alarms is the spec's alarms block: CloudWatch alarms notify an SNS topic.
type Alarms struct {
	Email       []string // addresses subscribed to the topic; may be empty
	IteratorAge int      // seconds the handler may lag behind the stream, 60..86400
}

// API is the spec's api block, defaults applied.
type API struct {
	Path     string    // always starts with "/", e.g. "/InsertItem"
	Stage    string    // "prod" by default
	Auth     Auth      // AuthNone by default
	Throttle *Throttle // nil: no stage-wide throttling
	CORS     []string  // allowed origins; empty: no CORS
	Routes   []Route   // in the order of RouteNames; [create] by default
}

// Route is an operation the API serves on the table's items.
type Route string

const (
	Create Route = "create" // POST <path>: PutItem
	Read   Route = "read"   // GET the item's address: GetItem
	Query  Route = "query"  // GET <path>/{pk}: Query of the partition (needs a sort key)
	Update Route = "update" // PATCH the item's address: UpdateItem
	Delete Route = "delete" // DELETE the item's address: DeleteItem
)

// RouteNames are the routes, in the order API.Routes keeps.
var RouteNames = []Route{Create, Read, Query, Update, Delete}

// Has reports whether the API serves the route.
func (a API) Has(r Route) bool {
	for _, x := range a.Routes {
		if x == r {
			return true
		}
	}
	return false
}

// Auth says how callers of the API authenticate.
type Auth string

const (
	AuthNone   Auth = "none"
	AuthIAM    Auth = "iam"
	AuthAPIKey Auth = "api_key"
)

// Throttle is stage-wide throttling.
type Throttle struct {
	Rate  float64 // steady requests per second, > 0
	Burst int     // > 0
}

// Table is the spec's table block, defaults applied.
type Table struct {
	PartitionKey string // name of a top-level field
	SortKey      string // "" when absent
	TTL          string // "" when absent
	OnDuplicate  OnDuplicate
	Retain       bool // true by default
}

// OnDuplicate says what a second write of the same key does.
type OnDuplicate string

const (
	Reject    OnDuplicate = "reject"
	Overwrite OnDuplicate = "overwrite"
)

// Stream is the spec's stream block, defaults applied.
type Stream struct {
	View            View
	Events          []string // a subset of EventNames, in that order
	BatchSize       int
	BatchWindow     int
	Retries         int
	MaxRecordAge    int
	Parallelization int
	Memory          int
	Timeout         int

	OnFailure        OnFailure // where a batch given up on is recorded; S3 by default
	FailureRetention int       // days a failed batch is kept
	LogLevel         string    // DEBUG | INFO | WARN | ERROR
	Environment      []EnvVar  // the handler's own variables, in file order
	Permissions      []Permission
}

// View is what a stream record carries of the item: DynamoDB's
// StreamViewType.
type View string

const (
	NewImage        View = "NEW_IMAGE"
	NewAndOldImages View = "NEW_AND_OLD_IMAGES"
	KeysOnly        View = "KEYS_ONLY"
	OldImage        View = "OLD_IMAGE"
)

// HasNewImage and HasOldImage report whether records carry the item after
// and before the write.
func (v View) HasNewImage() bool { return v == NewImage || v == NewAndOldImages }
func (v View) HasOldImage() bool { return v == OldImage || v == NewAndOldImages }

// EventNames are the stream's event names, in the order Events keeps.
var EventNames = []string{"INSERT", "MODIFY", "REMOVE"}

// OnFailure is the failure destination of the stream's event source mapping.
type OnFailure string

const (
	// FailToS3 keeps the whole invocation record, the records included.
	FailToS3 OnFailure = "s3"
	// FailToSQS keeps the batch's shard and sequence numbers only.
	FailToSQS OnFailure = "sqs"
)

// EnvVar is one environment variable of the handler.
type EnvVar struct {
	Name, Value string
}

// Permission is one Allow statement added to the handler's role.
type Permission struct {
	Actions   []string // service:Action, wildcards allowed
	Resources []string // ARNs or "*"
}

// Type is a field type of the contract.
type Type string

const (
	String    Type = "string"
	Number    Type = "number"
	Integer   Type = "integer"
	Boolean   Type = "boolean"
	List      Type = "list"
	Object    Type = "object"
	StringSet Type = "stringSet"
	NumberSet Type = "numberSet"
)

// Source is where a server-set field's value comes from.
type Source string

const (
	FromBody             Source = "" // read from the request body
	FromRequestID        Source = "requestId"
	FromRequestTimeEpoch Source = "requestTimeEpoch"
	FromSourceIP         Source = "sourceIp"
	FromUserAgent        Source = "userAgent"
)

// Field is one field of the item, or the items of a list (then Name is "").
//
// Values from the spec (Default, Enum) are JSON-shaped: string, bool,
// json.Number (exact decimal text as written), []any, or *ObjectValue for objects.
type Field struct {
	Name     string
	Type     Type
	From     Source
	Required bool
	Default  any // nil: no default
	Enum     []any

	Pattern              string // "" when absent; portable between RE2 and ECMA 262
	MinLength, MaxLength *int
	Minimum, Maximum     *Decimal
	MinItems, MaxItems   *int

	GoName string // the goName key: the field's Go name in the handler; "" to derive it

	Items  *Field   // Type == List
	Fields []*Field // Type == Object, in the order of the file

	Path string // e.g. "fields.author.fields.email", for messages
	Pos  Pos    // where the field's key is in the file
}

// Decimal is a decimal exactly as written in the spec, e.g. "0", "-1.5", "1e3".
type Decimal string

// Pos is a 1-based position in the spec file.
type Pos struct {
	Line, Col int
}

// ObjectValue is an ordered JSON object value (a default of an object field).
type ObjectValue struct {
	Keys   []string
	Values map[string]any
}

// ServerSet reports whether the server sets the field (it never comes from the body).
func (f *Field) ServerSet() bool { return f.From != FromBody }

// Field returns the top-level field with the given name, or nil.
func (s *Spec) Field(name string) *Field {
	for _, f := range s.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// KeyFields returns the partition key field and, if set, the sort key field.
func (s *Spec) KeyFields() []*Field {
	keys := []*Field{s.Field(s.Table.PartitionKey)}
	if s.Table.SortKey != "" {
		keys = append(keys, s.Field(s.Table.SortKey))
	}
	return keys
}
