package stack

import (
	"reflect"
	"sort"
	"testing"
)

const routesSpec = `version: 1
name: notes
api: {auth: api_key, cors: [https://app.example.com], routes: [read, query, create]}
table: {partitionKey: owner, sortKey: at}
fields:
  owner: {type: string, required: true}
  at: {type: number, required: true}
`

// TestRoutes: the item's address under the API path, query on {pk} and read
// on {pk}/{sk}, each method with the stage's auth, its path parameters
// required, its own role allowed only its action on the table, and a
// preflight per resource listing its methods; the deployment waits for all.
func TestRoutes(t *testing.T) {
	tmpl := build(t, parse(t, routesSpec))
	r := tmpl.Resources
	if got := get(t, r["NotesKeyPath"].Properties, "PathPart"); got != "{pk}" {
		t.Errorf("key path %v", got)
	}
	if got := get(t, r["NotesKeyPath"].Properties, "ParentId", "Ref"); got != "NotesPath1" {
		t.Errorf("key path under %v", got)
	}
	if got := get(t, r["NotesSortKeyPath"].Properties, "PathPart"); got != "{sk}" {
		t.Errorf("sort key path %v", got)
	}
	for logical, want := range map[string]struct {
		resource, action, role string
		params                 map[string]any
	}{
		"NotesReadMethod": {"NotesSortKeyPath", "GetItem", "NotesReadRole",
			map[string]any{"method.request.path.pk": "true", "method.request.path.sk": "true"}},
		"NotesQueryMethod": {"NotesKeyPath", "Query", "NotesQueryRole",
			map[string]any{"method.request.path.pk": "true", "method.request.querystring.limit": "false",
				"method.request.querystring.next": "false", "method.request.querystring.order": "false"}},
	} {
		m := r[logical].Properties
		if get(t, m, "HttpMethod") != "GET" || get(t, m, "ResourceId", "Ref") != want.resource ||
			get(t, m, "ApiKeyRequired") != true || get(t, m, "RequestValidatorId", "Ref") != "NotesParametersValidator" {
			t.Errorf("%s: %v", logical, m)
		}
		if got := get(t, m, "RequestParameters"); !reflect.DeepEqual(got, want.params) {
			t.Errorf("%s: request parameters %v, want %v", logical, got, want.params)
		}
		if got := get(t, m, "Integration", "Uri", "Fn::Sub"); got != "arn:${AWS::Partition}:apigateway:${AWS::Region}:dynamodb:action/"+want.action {
			t.Errorf("%s: uri %v", logical, got)
		}
		if got := get(t, m, "Integration", "Credentials", "Fn::GetAtt", 0); got != want.role {
			t.Errorf("%s: credentials %v", logical, got)
		}
		got := statements(t, r[want.role], want.action)
		only := `{"Action":["dynamodb:` + want.action + `"],"Effect":"Allow","Resource":[{"Fn::GetAtt":["NotesTable","Arn"]}]}`
		if len(got) != 1 || got[0] != only || len(r[want.role].Properties["Policies"].([]any)) != 1 {
			t.Errorf("%s may do %v, want only %s", want.role, got, only)
		}
	}
	for logical, want := range map[string]string{
		"NotesOptionsMethod":        "'OPTIONS,POST'",
		"NotesKeyOptionsMethod":     "'GET,OPTIONS'",
		"NotesSortKeyOptionsMethod": "'GET,OPTIONS'",
	} {
		got := get(t, r[logical].Properties, "Integration", "IntegrationResponses", 0, "ResponseParameters", "method.response.header.Access-Control-Allow-Methods")
		if got != want {
			t.Errorf("%s allows %v, want %s", logical, got, want)
		}
	}
	var deployment resource
	for _, res := range r {
		if res.Type == "AWS::ApiGateway::Deployment" {
			deployment = res
		}
	}
	dependsOn := map[string]bool{}
	for _, d := range deployment.DependsOn {
		dependsOn[d] = true
	}
	for _, m := range []string{"NotesPostMethod", "NotesReadMethod", "NotesQueryMethod", "NotesOptionsMethod", "NotesKeyOptionsMethod", "NotesSortKeyOptionsMethod"} {
		if !dependsOn[m] {
			t.Errorf("the deployment does not wait for %s: %v", m, deployment.DependsOn)
		}
	}
}

// TestRoutesWithoutCreate: no POST, model or body validator; without a
// sort key read is on {pk}, and there is no {sk}.
func TestRoutesWithoutCreate(t *testing.T) {
	tmpl := build(t, parse(t, `version: 1
name: notes
api: {routes: [read]}
table: {partitionKey: owner}
fields:
  owner: {type: string, required: true}
`))
	var methods []string
	for logical, res := range tmpl.Resources {
		if res.Type == "AWS::ApiGateway::Method" || res.Type == "AWS::ApiGateway::Model" || res.Type == "AWS::ApiGateway::RequestValidator" {
			methods = append(methods, logical)
		}
	}
	sort.Strings(methods)
	if want := []string{"NotesParametersValidator", "NotesReadMethod"}; !reflect.DeepEqual(methods, want) {
		t.Errorf("API methods, models and validators %v, want %v", methods, want)
	}
	if got := get(t, tmpl.Resources["NotesReadMethod"].Properties, "ResourceId", "Ref"); got != "NotesKeyPath" {
		t.Errorf("read on %v", got)
	}
	if _, ok := tmpl.Resources["NotesSortKeyPath"]; ok {
		t.Error("a {sk} resource without a sort key")
	}
}

// TestDeploymentCoversRoutes: the deployment's hash covers the routes' methods:
// adding one is a new deployment, which the stage then serves.
func TestDeploymentCoversRoutes(t *testing.T) {
	deployment := func(src string) string {
		for logical, res := range build(t, parse(t, src)).Resources {
			if res.Type == "AWS::ApiGateway::Deployment" {
				return logical
			}
		}
		t.Fatal("no deployment")
		return ""
	}
	withQuery := deployment(routesSpec)
	readOnly := deployment(`version: 1
name: notes
api: {auth: api_key, cors: [https://app.example.com], routes: [read, create]}
table: {partitionKey: owner, sortKey: at}
fields:
  owner: {type: string, required: true}
  at: {type: number, required: true}
`)
	if withQuery == readOnly {
		t.Errorf("adding query keeps deployment %s", withQuery)
	}
}
