package stack

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	_ "github.com/streamgen/streamgen/internal/testenv" // defines -update, for go test ./... -update
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

func parse(t *testing.T, src string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("spec.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const seed = `version: 1
name: my-app
table: {partitionKey: id}
fields:
  id: {type: string, from: requestId}
  message: {type: string, required: true}
`

type template struct {
	Resources map[string]resource `yaml:"Resources"`
	Outputs   map[string]any      `yaml:"Outputs"`
}

type resource struct {
	Type                string         `yaml:"Type"`
	Properties          map[string]any `yaml:"Properties"`
	DeletionPolicy      string         `yaml:"DeletionPolicy"`
	UpdateReplacePolicy string         `yaml:"UpdateReplacePolicy"`
	DependsOn           []string       `yaml:"DependsOn"`
}

func stackOf(t *testing.T, s *spec.Spec) *Stack {
	t.Helper()
	st, err := Build(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func build(t *testing.T, s *spec.Spec) template {
	t.Helper()
	var tmpl template
	if err := yaml.Unmarshal(stackOf(t, s).YAML, &tmpl); err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// get walks maps and lists: get(v, "Integration", "Type").
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a map at %q", path, k)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no item %d", path, k)
			}
			v = l[k]
		}
	}
	return v
}

func TestIntegrationWritesOnlyThisTable(t *testing.T) {
	s := parse(t, seed)
	tmpl := build(t, s)
	post := tmpl.Resources["MyAppPostMethod"].Properties
	integration := get(t, post, "Integration")
	if got := get(t, integration, "Type"); got != "AWS" {
		t.Errorf("integration type %v", got)
	}
	if got := get(t, integration, "PassthroughBehavior"); got != "NEVER" {
		t.Errorf("passthrough %v", got)
	}
	if got := get(t, integration, "Uri", "Fn::Sub"); got != "arn:${AWS::Partition}:apigateway:${AWS::Region}:dynamodb:action/PutItem" {
		t.Errorf("uri %v", got)
	}
	if got := get(t, integration, "Credentials", "Fn::GetAtt", 0); got != "MyAppPutItemRole" {
		t.Errorf("credentials %v", got)
	}
	if got := get(t, integration, "RequestTemplates", "application/json", "Fn::Sub"); got != stackOf(t, s).RequestTemplate {
		t.Errorf("request template %v", got)
	}
	statements := get(t, tmpl.Resources["MyAppPutItemRole"].Properties, "Policies", 0, "PolicyDocument", "Statement").([]any)
	want := []any{map[string]any{
		"Effect":   "Allow",
		"Action":   []any{"dynamodb:PutItem"},
		"Resource": []any{map[string]any{"Fn::GetAtt": []any{"MyAppTable", "Arn"}}},
	}}
	if !reflect.DeepEqual(statements, want) {
		t.Errorf("integration role may do %v, want only PutItem on the table", statements)
	}
	if got := get(t, post, "RequestValidatorId", "Ref"); got != "MyAppBodyValidator" {
		t.Errorf("validator %v", got)
	}
	if got, st := get(t, tmpl.Resources["MyAppBodyModel"].Properties, "Schema"), stackOf(t, s); got != st.InlinedModel || strings.ContainsAny(st.InlinedModel, " \n") || !strings.Contains(string(st.Model), "\n  ") {
		t.Errorf("model inlined as %q, want it compact", got)
	}
}

func TestAuth(t *testing.T) {
	for _, tc := range []struct {
		auth, authorization string
		keyRequired         bool
	}{
		{"none", "NONE", false},
		{"iam", "AWS_IAM", false},
		{"api_key", "NONE", true},
	} {
		s := parse(t, strings.Replace(seed, "table:", "api: {auth: "+tc.auth+"}\ntable:", 1))
		tmpl := build(t, s)
		post := tmpl.Resources["MyAppPostMethod"].Properties
		if got := get(t, post, "AuthorizationType"); got != tc.authorization {
			t.Errorf("%s: authorization %v", tc.auth, got)
		}
		if got := get(t, post, "ApiKeyRequired"); got != tc.keyRequired {
			t.Errorf("%s: api key required %v", tc.auth, got)
		}
		for _, id := range []string{"MyAppApiKey", "MyAppUsagePlan", "MyAppUsagePlanKey"} {
			if _, ok := tmpl.Resources[id]; ok != tc.keyRequired {
				t.Errorf("%s: %s present: %v", tc.auth, id, ok)
			}
		}
		if _, ok := tmpl.Outputs["ApiKeyId"]; ok != tc.keyRequired {
			t.Errorf("%s: ApiKeyId output present: %v", tc.auth, ok)
		}
	}
}

func TestStreamFilter(t *testing.T) {
	s := parse(t, seed)
	tmpl := build(t, s)
	if f, ok := tmpl.Resources["MyAppStreamMapping"].Properties["FilterCriteria"]; ok {
		t.Errorf("all events pass, yet a filter: %v", f)
	}
	s = parse(t, seed+"stream: {events: [INSERT, REMOVE]}\n")
	tmpl = build(t, s)
	got := get(t, tmpl.Resources["MyAppStreamMapping"].Properties, "FilterCriteria", "Filters", 0, "Pattern")
	if got != `{"eventName":["INSERT","REMOVE"]}` {
		t.Errorf("filter %v", got)
	}
}

func TestRetain(t *testing.T) {
	for _, retain := range []bool{true, false} {
		src := seed + "stream: {onFailure: sqs}\n"
		want := "Retain"
		if !retain {
			src = strings.Replace(src, "table: {partitionKey: id}", "table: {partitionKey: id, retain: false}", 1)
			want = "Delete"
		}
		s := parse(t, src)
		tmpl := build(t, s)
		s3 := parse(t, strings.Replace(src, "stream: {onFailure: sqs}", "stream: {onFailure: s3}", 1))
		tmpl.Resources["MyAppFailureBucket"] = build(t, s3).Resources["MyAppFailureBucket"]
		for _, id := range []string{"MyAppTable", "MyAppDeadLetterQueue", "MyAppFailureBucket"} {
			r := tmpl.Resources[id]
			if r.DeletionPolicy != want || r.UpdateReplacePolicy != want {
				t.Errorf("retain %v: %s policies %q/%q, want %s", retain, id, r.DeletionPolicy, r.UpdateReplacePolicy, want)
			}
		}
	}
}

// TestLogicalIDs: a new field keeps every resource but the deployment, which
// must change so that the stage serves the new template.
func TestLogicalIDs(t *testing.T) {
	s := parse(t, seed)
	before := build(t, s)
	s2 := parse(t, seed+"  note: {type: string}\n")
	after := build(t, s2)
	deployments := 0
	for id, r := range before.Resources {
		if r.Type == "AWS::ApiGateway::Deployment" {
			deployments++
			if _, ok := after.Resources[id]; ok {
				t.Errorf("deployment %s kept although the request template changed", id)
			}
			continue
		}
		if _, ok := after.Resources[id]; !ok {
			t.Errorf("%s (%s) gone after adding a field", id, r.Type)
		}
	}
	if deployments != 1 {
		t.Errorf("%d deployments", deployments)
	}
	if len(after.Resources) != len(before.Resources) {
		t.Errorf("%d resources, then %d", len(before.Resources), len(after.Resources))
	}
}

func TestCORS(t *testing.T) {
	s := parse(t, seed)
	if _, ok := build(t, s).Resources["MyAppOptionsMethod"]; ok {
		t.Error("OPTIONS method without cors")
	}
	s = parse(t, strings.Replace(seed, "table:", "api: {cors: [\"https://a.example\"]}\ntable:", 1))
	tmpl := build(t, s)
	if _, ok := tmpl.Resources["MyAppOptionsMethod"]; !ok {
		t.Fatal("no OPTIONS method with cors")
	}
	for i := range get(t, tmpl.Resources["MyAppPostMethod"].Properties, "Integration", "IntegrationResponses").([]any) {
		got := get(t, tmpl.Resources["MyAppPostMethod"].Properties, "Integration", "IntegrationResponses", i, "ResponseParameters", "method.response.header.Access-Control-Allow-Origin")
		if got != "'https://a.example'" {
			t.Errorf("integration response %d: allow origin %v", i, got)
		}
	}
	for id, r := range tmpl.Resources {
		if r.Type == "AWS::ApiGateway::GatewayResponse" {
			if got := get(t, r.Properties, "ResponseParameters", "gatewayresponse.header.Access-Control-Allow-Origin"); got != "'https://a.example'" {
				t.Errorf("%s: allow origin %v", id, got)
			}
		}
	}
	s = parse(t, strings.Replace(seed, "table:", "api: {cors: [\"https://a.example\", \"https://b.example\"]}\ntable:", 1))
	tmpl = build(t, s)
	got := get(t, tmpl.Resources["MyAppPostMethod"].Properties, "Integration", "IntegrationResponses", 0, "ResponseTemplates", "application/json").(string)
	if !strings.Contains(got, "$origin == 'https://b.example'") || !strings.Contains(got, "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)") {
		t.Errorf("several origins: the response template does not echo an allowed Origin:\n%s", got)
	}
	// Gateway responses cannot test the Origin: they echo it, so that a
	// browser of an allowed origin can read a 400, 403, 429 or 5xx.
	gateway := 0
	for id, r := range tmpl.Resources {
		if r.Type != "AWS::ApiGateway::GatewayResponse" {
			continue
		}
		gateway++
		params := get(t, r.Properties, "ResponseParameters")
		if get(t, params, "gatewayresponse.header.Access-Control-Allow-Origin") != "method.request.header.Origin" || get(t, params, "gatewayresponse.header.Vary") != "'Origin'" {
			t.Errorf("several origins: %s headers %v", id, params)
		}
	}
	if gateway != len(vtl.GatewayResponses) {
		t.Errorf("%d gateway responses", gateway)
	}
}

// TestExportsNamedByStack: export names are unique per account and region,
// so each starts with the stack's name, never the spec's alone: two stacks
// of one spec (staging, prod) do not collide.
func TestExportsNamedByStack(t *testing.T) {
	s := parse(t, strings.Replace(seed, "table:", "api: {auth: api_key}\ntable:", 1))
	tmpl := build(t, s)
	if len(tmpl.Outputs) < 7 {
		t.Fatalf("%d outputs", len(tmpl.Outputs))
	}
	for name, o := range tmpl.Outputs {
		if got := get(t, o, "Export", "Name", "Fn::Sub"); got != "${AWS::StackName}-"+name {
			t.Errorf("output %s exported as %v", name, get(t, o, "Export", "Name"))
		}
	}
}

// TestAccountLogsRole: the account's CloudWatch role for API Gateway is set
// only when the stack's parameter says so; then the role is kept, the
// setting waits for an API Gateway resource (a fresh account needs one
// first) and the stage waits for the setting. The stage names the account
// resource only inside Fn::If of the same condition (no DependsOn on a
// resource that may not exist).
func TestAccountLogsRole(t *testing.T) {
	s := parse(t, seed)
	out := stackOf(t, s).YAML
	var tmpl struct {
		Parameters map[string]map[string]any `yaml:"Parameters"`
		Conditions map[string]any            `yaml:"Conditions"`
		Resources  map[string]resource       `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(out, &tmpl); err != nil {
		t.Fatal(err)
	}
	param := tmpl.Parameters["CreateApiGatewayLogsRole"]
	if !reflect.DeepEqual(param["AllowedValues"], []any{"true", "false"}) || param["Default"] != "true" {
		t.Errorf("parameter %v", param)
	}
	want := map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "CreateApiGatewayLogsRole"}, "true"}}
	if got := tmpl.Conditions["CreatesApiGatewayLogsRole"]; !reflect.DeepEqual(got, want) {
		t.Errorf("condition %v, want %v", got, want)
	}
	var raw struct {
		Resources map[string]struct {
			Condition string `yaml:"Condition"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	for id, r := range raw.Resources {
		conditional := id == "MyAppApiGatewayAccount" || id == "MyAppApiGatewayLogsRole"
		if (r.Condition == "CreatesApiGatewayLogsRole") != conditional {
			t.Errorf("%s: condition %q", id, r.Condition)
		}
	}
	for _, id := range []string{"MyAppApiGatewayLogsRole", "MyAppApiGatewayAccount"} {
		if r := tmpl.Resources[id]; r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
			t.Errorf("%s policies %q/%q, want Retain", id, r.DeletionPolicy, r.UpdateReplacePolicy)
		}
	}
	if got := tmpl.Resources["MyAppApiGatewayAccount"].DependsOn; !reflect.DeepEqual(got, []string{"MyAppApi"}) {
		t.Errorf("account setting depends on %v, want the REST API", got)
	}
	stage := tmpl.Resources["MyAppStage"]
	if len(stage.DependsOn) != 0 {
		t.Errorf("stage depends on %v", stage.DependsOn)
	}
	cond := get(t, stage.Properties, "Description", "Fn::If")
	if get(t, cond, 0) != "CreatesApiGatewayLogsRole" || !strings.Contains(get(t, cond, 1, "Fn::Sub").(string), "${MyAppApiGatewayAccount}") {
		t.Errorf("stage does not wait for the account setting: %v", cond)
	}
}

// TestListStreamsOnAnyResource: ListStreams has no resource-level
// permissions, so it is granted on "*", and it alone.
func TestListStreamsOnAnyResource(t *testing.T) {
	s := parse(t, seed)
	tmpl := build(t, s)
	statements := get(t, tmpl.Resources["MyAppHandlerRole"].Properties, "Policies", 0, "PolicyDocument", "Statement").([]any)
	found := false
	for _, st := range statements {
		actions := get(t, st, "Action").([]any)
		resources := get(t, st, "Resource").([]any)
		for _, a := range actions {
			if a == "dynamodb:ListStreams" {
				found = true
				if len(actions) != 1 || !reflect.DeepEqual(resources, []any{"*"}) {
					t.Errorf("ListStreams statement %v", st)
				}
			}
		}
		if reflect.DeepEqual(resources, []any{"*"}) && (len(actions) != 1 || actions[0] != "dynamodb:ListStreams") {
			t.Errorf("%v granted on every resource", actions)
		}
	}
	if !found {
		t.Error("no ListStreams")
	}
}

// TestAccessLogIsJSON: every access log line is one JSON object whatever
// the error message holds: API Gateway writes $context.error.messageString
// already quoted, $context.error.message bare.
func TestAccessLogIsJSON(t *testing.T) {
	message := `Invalid request body: "x" is not a number \ or '$'`
	quoted, _ := json.Marshal(message)
	line := regexp.MustCompile(`\$context\.[A-Za-z.]+`).ReplaceAllStringFunc(accessLogFormat, func(v string) string {
		switch v {
		case "$context.error.messageString":
			return string(quoted)
		case "$context.error.message":
			return message
		}
		return "v"
	})
	var entry map[string]any
	if err := json.Unmarshal([]byte(line), &entry); err != nil {
		t.Fatalf("access log line is not JSON: %v\n%s", err, line)
	}
	if entry["error"] != message {
		t.Errorf("error %q, want %q", entry["error"], message)
	}
}
