package stack

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/vtl"
)

// TestUpdateAndDeleteMethods: PATCH and DELETE on the item's address, each
// calling its action with its own role, allowed exactly that action on this
// table; PATCH validates the body against the update model and the path
// keys; both have the stage's auth; the deployment depends on them.
func TestUpdateAndDeleteMethods(t *testing.T) {
	for _, auth := range []string{"iam", "api_key"} {
		s := parse(t, strings.Replace(seed, "table:", "api: {auth: "+auth+", routes: [update, delete]}\ntable:", 1))
		it := item.New(s)
		st := stackOf(t, s)
		tmpl := build(t, s)
		for _, c := range []struct {
			method, httpMethod, role, action string
			build                            func(*item.Item, string) (*vtl.Route, error)
		}{
			{"MyAppUpdateMethod", "PATCH", "MyAppUpdateRole", "UpdateItem", vtl.Update},
			{"MyAppDeleteMethod", "DELETE", "MyAppDeleteRole", "DeleteItem", vtl.Delete},
		} {
			m := tmpl.Resources[c.method].Properties
			if m == nil {
				t.Fatalf("%s: no %s", auth, c.method)
			}
			if got := get(t, m, "HttpMethod"); got != c.httpMethod {
				t.Errorf("%s: %s is %v", auth, c.method, got)
			}
			if got := get(t, m, "ResourceId", "Ref"); got != "MyAppKeyPath" {
				t.Errorf("%s: %s on %v", auth, c.method, got)
			}
			wantAuth, wantKey := "AWS_IAM", false
			if auth == "api_key" {
				wantAuth, wantKey = "NONE", true
			}
			if get(t, m, "AuthorizationType") != wantAuth || get(t, m, "ApiKeyRequired") != wantKey {
				t.Errorf("%s: %s authorization %v, key %v", auth, c.method, get(t, m, "AuthorizationType"), get(t, m, "ApiKeyRequired"))
			}
			integration := get(t, m, "Integration")
			if got := get(t, integration, "Uri", "Fn::Sub"); got != "arn:${AWS::Partition}:apigateway:${AWS::Region}:dynamodb:action/"+c.action {
				t.Errorf("%s: %s uri %v", auth, c.method, got)
			}
			if got := get(t, integration, "Credentials", "Fn::GetAtt", 0); got != c.role {
				t.Errorf("%s: %s credentials %v", auth, c.method, got)
			}
			route, err := c.build(it, TableRef(it))
			if err != nil {
				t.Fatal(err)
			}
			if got := get(t, integration, "RequestTemplates", "application/json", "Fn::Sub"); got != route.Request {
				t.Errorf("%s: %s request template is not vtl's", auth, c.method)
			}
			statements := get(t, tmpl.Resources[c.role].Properties, "Policies", 0, "PolicyDocument", "Statement").([]any)
			want := []any{map[string]any{
				"Effect":   "Allow",
				"Action":   []any{"dynamodb:" + c.action},
				"Resource": []any{map[string]any{"Fn::GetAtt": []any{"MyAppTable", "Arn"}}},
			}}
			if !reflect.DeepEqual(statements, want) {
				t.Errorf("%s: %s may do %v, want only %s on the table", auth, c.role, statements, c.action)
			}
			if !slices.Contains(tmpl.Resources[deploymentOf(t, tmpl)].DependsOn, c.method) {
				t.Errorf("%s: the deployment does not depend on %s", auth, c.method)
			}
		}
		patch := tmpl.Resources["MyAppUpdateMethod"].Properties
		if got := get(t, patch, "RequestModels", "application/json", "Ref"); got != "MyAppUpdateModel" {
			t.Errorf("%s: PATCH model %v", auth, got)
		}
		if got := get(t, patch, "RequestValidatorId", "Ref"); got != "MyAppUpdateValidator" {
			t.Errorf("%s: PATCH validator %v", auth, got)
		}
		validator := tmpl.Resources["MyAppUpdateValidator"].Properties
		if validator["ValidateRequestBody"] != true || validator["ValidateRequestParameters"] != true {
			t.Errorf("%s: the update validator checks %v", auth, validator)
		}
		if got := get(t, tmpl.Resources["MyAppUpdateModel"].Properties, "Schema"); got != st.InlinedUpdateModel || !strings.Contains(st.InlinedUpdateModel, `"minProperties":1`) {
			t.Errorf("%s: update model inlined as %v", auth, got)
		}
		if del := tmpl.Resources["MyAppDeleteMethod"].Properties; del["RequestModels"] != nil {
			t.Errorf("%s: DELETE has a body model", auth)
		}
		// Without create there is no create model, validator or role.
		for _, id := range []string{"MyAppPostMethod", "MyAppBodyModel", "MyAppPutItemRole"} {
			if _, ok := tmpl.Resources[id]; ok {
				t.Errorf("%s: %s without the create route", auth, id)
			}
		}
	}
}

func deploymentOf(t *testing.T, tmpl template) string {
	t.Helper()
	for id, r := range tmpl.Resources {
		if r.Type == "AWS::ApiGateway::Deployment" {
			return id
		}
	}
	t.Fatal("no deployment")
	return ""
}
