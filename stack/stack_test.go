package stack

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/streamgen/streamgen/spec"
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

// fixture is a small mapping; the real text is package vtl's and schema's.
func fixture(s *spec.Spec) Mapping {
	return Mapping{
		RequestTemplate: `{"TableName":"` + TableRef(s) + `","Item":{"message":{"S":$input.json('$.message')}}}`,
		Model:           "{\n  \"type\": \"object\"\n}\n",
		Responses: []Response{
			{StatusCode: "200", Template: `{}`},
			{SelectionPattern: `4\d{2}`, StatusCode: "400", Template: `{"message":"refused"}`},
		},
		MethodStatuses:   []string{"200", "400", "409", "429", "500"},
		GatewayResponses: []GatewayResponse{{Type: "BAD_REQUEST_BODY", StatusCode: "400", Template: `{"message":"bad"}`}, {Type: "DEFAULT_4XX", Template: `{}`}},
	}
}

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

func build(t *testing.T, s *spec.Spec, m Mapping) template {
	t.Helper()
	out, err := YAML(s, m)
	if err != nil {
		t.Fatal(err)
	}
	var tmpl template
	if err := yaml.Unmarshal(out, &tmpl); err != nil {
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
	tmpl := build(t, s, fixture(s))
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
	if got := get(t, integration, "RequestTemplates", "application/json", "Fn::Sub"); got != fixture(s).RequestTemplate {
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
	if got := get(t, tmpl.Resources["MyAppBodyModel"].Properties, "Schema"); got != `{"type":"object"}` {
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
		tmpl := build(t, s, fixture(s))
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
	tmpl := build(t, s, fixture(s))
	if f, ok := tmpl.Resources["MyAppStreamMapping"].Properties["FilterCriteria"]; ok {
		t.Errorf("all events pass, yet a filter: %v", f)
	}
	s = parse(t, seed+"stream: {events: [INSERT, REMOVE]}\n")
	tmpl = build(t, s, fixture(s))
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
		tmpl := build(t, s, fixture(s))
		s3 := parse(t, strings.Replace(src, "stream: {onFailure: sqs}", "stream: {onFailure: s3}", 1))
		tmpl.Resources["MyAppFailureBucket"] = build(t, s3, fixture(s3)).Resources["MyAppFailureBucket"]
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
	before := build(t, s, fixture(s))
	s2 := parse(t, seed+"  note: {type: string}\n")
	m2 := fixture(s2)
	m2.RequestTemplate = strings.Replace(m2.RequestTemplate, "}}}", `},"note":{"S":$input.json('$.note')}}}`, 1)
	after := build(t, s2, m2)
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
	if _, ok := build(t, s, fixture(s)).Resources["MyAppOptionsMethod"]; ok {
		t.Error("OPTIONS method without cors")
	}
	s = parse(t, strings.Replace(seed, "table:", "api: {cors: [\"https://a.example\"]}\ntable:", 1))
	tmpl := build(t, s, fixture(s))
	if _, ok := tmpl.Resources["MyAppOptionsMethod"]; !ok {
		t.Fatal("no OPTIONS method with cors")
	}
	for i := range fixture(s).Responses {
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
	tmpl = build(t, s, fixture(s))
	got := get(t, tmpl.Resources["MyAppPostMethod"].Properties, "Integration", "IntegrationResponses", 0, "ResponseTemplates", "application/json").(string)
	if !strings.Contains(got, "$origin == 'https://b.example'") || !strings.Contains(got, "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)") {
		t.Errorf("several origins: the response template does not echo an allowed Origin:\n%s", got)
	}
}

func TestMappingIsChecked(t *testing.T) {
	s := parse(t, seed)
	for name, breakIt := range map[string]func(*Mapping){
		"no table":       func(m *Mapping) { m.RequestTemplate = `{"TableName":"x"}` },
		"another ${":     func(m *Mapping) { m.RequestTemplate += "${x}" },
		"two defaults":   func(m *Mapping) { m.Responses[1].SelectionPattern = "" },
		"model not JSON": func(m *Mapping) { m.Model = "{" },
	} {
		m := fixture(s)
		breakIt(&m)
		if _, err := YAML(s, m); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestPascal(t *testing.T) {
	for in, want := range map[string]string{"streamer": "Streamer", "my-app": "MyApp", "a-1-b": "A1B", "x9": "X9"} {
		if got := pascal(in); got != want {
			t.Errorf("pascal(%q) = %q, want %q", in, got, want)
		}
	}
}
