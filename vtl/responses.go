package vtl

import (
	"strings"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
)

// IntegrationResponse is one integration response of the PutItem integration.
// For an AWS integration API Gateway matches SelectionPattern against the
// HTTP status DynamoDB answered.
type IntegrationResponse struct {
	SelectionPattern string // "" for the default response (DynamoDB's 200)
	StatusCode       string // the method response it selects; the template may override it
	Template         string // the application/json response mapping template (VTL)
}

// MethodStatusCodes are the statuses the POST method can answer; each needs a
// method response with an application/json body.
var MethodStatusCodes = []string{"200", "400", "409", "429", "500"}

// Responses returns the integration responses of s, default first:
//   - 200: the server-set key fields, e.g. {"id":"..."}, or {} (putitem.Answer);
//   - DynamoDB 4xx: by __type, conditional check -> 409, throughput,
//     throttling or a transaction conflict (retryable, as a throttle) ->
//     429, ValidationException (a body that passed the model but that
//     DynamoDB refuses) -> 400, anything else -> 500 (the write did not
//     happen), each with a message of package putitem and no AWS internals;
//   - DynamoDB 5xx -> 500: the write may or may not have happened.
func Responses(it *item.Item) ([]IntegrationResponse, error) {
	type key struct{ Name, Value string }
	var keys []key
	for _, k := range it.ServerKeys() {
		keys = append(keys, key{k.Name, serverValues[k.From].JSON})
	}
	success, err := execute("success", keys)
	if err != nil {
		return nil, err
	}
	return routeResponses(success, routeErrors{
		Condition: &condition{409, putitem.MessageDuplicate},
		Invalid:   putitem.MessageRejected,
		Failed:    putitem.MessageInternal,
	}, putitem.MessageUncertain)
}

func execute(name string, data any) (string, error) {
	var b strings.Builder
	if err := tmpl().ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// GatewayResponse customises an answer API Gateway gives by itself, before or
// instead of the integration. Its template is NOT Velocity: API Gateway only
// substitutes variables such as $context.error.messageString in it.
type GatewayResponse struct {
	Type       string // the response type, e.g. BAD_REQUEST_BODY
	StatusCode string // "" keeps the type's own status
	Template   string // the application/json body
}

// GatewayResponses are the gateway responses every stack has, so that every
// answer is application/json with a "message":
//   - BAD_REQUEST_BODY: the validator's detail (validationErrorString holds
//     no unescaped double quote, so it sits inside a JSON string);
//   - THROTTLED and QUOTA_EXCEEDED: 429, as the contract's throttled answer;
//   - UNSUPPORTED_MEDIA_TYPE: 415, the body is not application/json;
//   - DEFAULT_4XX: API Gateway's own message, already a JSON string;
//   - DEFAULT_5XX: 500 for every 5xx API Gateway makes (timeouts too), as the
//     contract answers any other failure; the item may be stored.
var GatewayResponses = []GatewayResponse{
	{Type: "BAD_REQUEST_BODY", StatusCode: "400",
		Template: `{"message":"` + putitem.MessageInvalidBody + `: $context.error.validationErrorString"}`},
	{Type: "THROTTLED", StatusCode: "429", Template: message(putitem.MessageThrottled)},
	{Type: "QUOTA_EXCEEDED", StatusCode: "429", Template: message(putitem.MessageThrottled)},
	{Type: "UNSUPPORTED_MEDIA_TYPE", StatusCode: "415", Template: message(putitem.MessageMediaType)},
	{Type: "DEFAULT_4XX", Template: `{"message":$context.error.messageString}`},
	{Type: "DEFAULT_5XX", StatusCode: "500", Template: message(putitem.MessageUncertain)},
}

func message(m string) string { return string(putitem.ErrorAnswer(m)) }
