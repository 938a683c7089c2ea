package item

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// IDs are the logical IDs of the stack's resources. They derive from the spec
// name only, so regenerating a spec keeps every resource (and its data) in
// place.
type IDs struct {
	prefix string

	Table, API, Model, Validator, PostMethod, OptionsMethod, IntegrationRole string
	Stage, AccessLogs, Account, AccountRole                                  string
	CreateLogsRole, CreatesLogsRole                                          string // parameter, condition
	UsagePlan, APIKey, UsagePlanKey                                          string
	Function, FunctionRole, FunctionLogs, DeadLetterQueue, StreamMapping     string
	FailureBucket, FailureBucketPolicy                                       string
	AlarmKey, AlarmTopic, HandlerErrorLogFilter                              string
	CodeBucket, CodeKey                                                      string
}

func newIDs(name string) IDs {
	p := pascal(name)
	return IDs{
		prefix:                p,
		Table:                 p + "Table",
		API:                   p + "Api",
		Model:                 p + "BodyModel",
		Validator:             p + "BodyValidator",
		PostMethod:            p + "PostMethod",
		OptionsMethod:         p + "OptionsMethod",
		IntegrationRole:       p + "PutItemRole",
		Stage:                 p + "Stage",
		AccessLogs:            p + "AccessLogs",
		Account:               p + "ApiGatewayAccount",
		AccountRole:           p + "ApiGatewayLogsRole",
		UsagePlan:             p + "UsagePlan",
		APIKey:                p + "ApiKey",
		UsagePlanKey:          p + "UsagePlanKey",
		Function:              p + "Handler",
		FunctionRole:          p + "HandlerRole",
		FunctionLogs:          p + "HandlerLogs",
		DeadLetterQueue:       p + "DeadLetterQueue",
		StreamMapping:         p + "StreamMapping",
		FailureBucket:         p + "FailureBucket",
		FailureBucketPolicy:   p + "FailureBucketPolicy",
		AlarmKey:              p + "AlarmKey",
		AlarmTopic:            p + "AlarmTopic",
		HandlerErrorLogFilter: p + "HandlerErrorLogFilter",
		CodeBucket:            "CodeBucket",
		CreateLogsRole:        "CreateApiGatewayLogsRole",
		CreatesLogsRole:       "CreatesApiGatewayLogsRole",
		CodeKey:               "CodeKey",
	}
}

// PathSegment is the resource of the i-th (1-based) segment of the API path.
func (i IDs) PathSegment(n int) string { return i.prefix + "Path" + strconv.Itoa(n) }

// GatewayResponse is the resource of a gateway response type, e.g. BAD_REQUEST_BODY.
func (i IDs) GatewayResponse(typ string) string {
	return i.prefix + "GatewayResponse" + pascal(strings.ToLower(typ))
}

// Deployment changes with the API's definition: CloudFormation creates a new
// deployment only for a new logical ID, and without one the stage would keep
// serving the old methods and templates. The name sorts after the methods'
// names because moto's change sets create resources in name order and
// ignore DependsOn (CloudFormation itself follows DependsOn).
func (i IDs) Deployment(apiHash string) string { return i.prefix + "StageDeployment" + apiHash }

// AlarmEmail is the subscription of an address of alarms.email, named by a
// digest of the address: reordering or removing other addresses leaves it
// alone (a new subscription asks the address to confirm again).
func (i IDs) AlarmEmail(address string) string {
	sum := sha256.Sum256([]byte(address))
	return i.prefix + "AlarmEmail" + hex.EncodeToString(sum[:4])
}

// Alarm is the CloudWatch alarm of the given kind, e.g. "HandlerErrors".
func (i IDs) Alarm(kind string) string { return i.prefix + "Alarm" + kind }

// pascal turns "my-stream_2" into "MyStream2": logical IDs are alphanumeric.
func pascal(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			if upper {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			upper = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	return b.String()
}
