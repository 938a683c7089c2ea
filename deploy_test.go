package streamgen_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/streamgen/streamgen/internal/testenv"
)

// motoUnmodelled are the resource types of our templates that moto 5 has no
// CloudFormation model for: it skips them (with a warning in its log) and
// still completes the stack. Any other type missing from the deployed stack
// fails the test, so a resource moto drops silently cannot hide.
var motoUnmodelled = map[string]bool{
	"AWS::ApiGateway::Account":          true,
	"AWS::ApiGateway::ApiKey":           true,
	"AWS::ApiGateway::GatewayResponse":  true,
	"AWS::ApiGateway::Model":            true,
	"AWS::ApiGateway::RequestValidator": true,
	"AWS::ApiGateway::Stage":            true,
	"AWS::ApiGateway::UsagePlan":        true,
	"AWS::ApiGateway::UsagePlanKey":     true,
}

// TestDeployOutToMoto deploys out/template.yaml with `aws cloudformation
// deploy` to a local moto_server and checks the stack is CREATE_COMPLETE, that
// every resource moto models was created, and what the created table,
// function, event source mapping, queue and API look like.
func TestDeployOutToMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	moto := testenv.StartMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	aws := func(args ...string) []byte {
		t.Helper()
		out, err := moto.AWS(ctx, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	awsJSON := func(v any, args ...string) {
		t.Helper()
		if err := json.Unmarshal(aws(append(args, "--output", "json")...), v); err != nil {
			t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
		}
	}

	zipPath := filepath.Join(t.TempDir(), "handler.zip")
	writeFile(t, zipPath, handlerZip(t))
	aws("s3api", "create-bucket", "--bucket", "code")
	aws("s3", "cp", zipPath, "s3://code/streamer/handler.zip")

	// Stacks of one spec side by side, as staging beside prod: the first
	// sets API Gateway's logs role for the account (deployed with the
	// README's recipe), the others find it set. Their exports must not
	// collide: moto records exports, and refuses a repeated name, only for
	// create-stack (its change sets, which deploy uses, drop the outputs).
	logsRoleResources := map[string]bool{"StreamerApiGatewayLogsRole": true, "StreamerApiGatewayAccount": true}
	var listed struct{ StackResourceSummaries []stackResource }
	for _, st := range []struct {
		name     string
		logsRole string
	}{{"streamer", ""}, {"streamer-staging", "false"}, {"streamer-prod", "false"}} {
		if st.name == "streamer" {
			// as the recipe of out/README.md: true while the account has no role
			if role := strings.TrimSpace(string(aws("apigateway", "get-account", "--query", "cloudwatchRoleArn", "--output", "text"))); role != "None" {
				t.Fatalf("a fresh moto has the logs role %q", role)
			}
			st.logsRole = "true"
			aws("cloudformation", "deploy", "--template-file", filepath.Join("out", "template.yaml"),
				"--stack-name", st.name, "--capabilities", "CAPABILITY_IAM",
				"--parameter-overrides", "CodeBucket=code", "CodeKey=streamer/handler.zip", "CreateApiGatewayLogsRole="+st.logsRole)
		} else {
			aws("cloudformation", "create-stack", "--template-body", "file://"+filepath.Join("out", "template.yaml"),
				"--stack-name", st.name, "--capabilities", "CAPABILITY_IAM", "--parameters",
				"ParameterKey=CodeBucket,ParameterValue=code", "ParameterKey=CodeKey,ParameterValue=streamer/handler.zip",
				"ParameterKey=CreateApiGatewayLogsRole,ParameterValue="+st.logsRole)
			aws("cloudformation", "wait", "stack-create-complete", "--stack-name", st.name)
		}

		var stacks struct {
			Stacks []struct{ StackStatus, StackStatusReason string }
		}
		awsJSON(&stacks, "cloudformation", "describe-stacks", "--stack-name", st.name)
		if len(stacks.Stacks) != 1 || stacks.Stacks[0].StackStatus != "CREATE_COMPLETE" {
			t.Fatalf("stack %s: %+v, want CREATE_COMPLETE", st.name, stacks.Stacks)
		}

		listed.StackResourceSummaries = nil
		awsJSON(&listed, "cloudformation", "list-stack-resources", "--stack-name", st.name)
		created := map[string]string{}
		for _, r := range listed.StackResourceSummaries {
			if r.LogicalResourceId != "" {
				created[r.LogicalResourceId] = r.ResourceStatus
			}
		}
		var skipped []string
		for id, typ := range templateResources(t, filepath.Join("out", "template.yaml")) {
			switch status, ok := created[id]; {
			case logsRoleResources[id] && st.logsRole == "false":
				if ok {
					t.Errorf("%s: %s created although the account has a logs role", st.name, id)
				}
			case ok && status == "CREATE_COMPLETE":
			case !ok && motoUnmodelled[typ]:
				skipped = append(skipped, id+" ("+typ+")")
			default:
				t.Errorf("%s: %s (%s): status %q in moto", st.name, id, typ, status)
			}
		}
		sort.Strings(skipped)
		t.Logf("%s: CREATE_COMPLETE with %d resources created; moto has no model for: %s", st.name, len(created), strings.Join(skipped, ", "))
	}
	var exports struct {
		Exports []struct{ Name, ExportingStackId string }
	}
	awsJSON(&exports, "cloudformation", "list-exports")
	names := map[string]bool{}
	for _, e := range exports.Exports {
		names[e.Name] = true
	}
	for _, stack := range []string{"streamer-staging", "streamer-prod"} {
		for _, output := range []string{"ApiUrl", "TableName", "TableArn", "StreamArn", "HandlerName", "DeadLetterQueueUrl"} {
			if !names[stack+"-"+output] {
				t.Errorf("no export %s-%s: %+v", stack, output, exports.Exports)
			}
		}
	}
	// The checks below look at the first stack.
	listed.StackResourceSummaries = nil
	awsJSON(&listed, "cloudformation", "list-stack-resources", "--stack-name", "streamer")
	deployedID(t, listed.StackResourceSummaries, "StreamerApiGatewayLogsRole") // the first stack made the role

	var table struct {
		Table struct {
			KeySchema           []struct{ AttributeName, KeyType string }
			StreamSpecification struct {
				StreamEnabled  bool
				StreamViewType string
			}
			LatestStreamArn string
		}
	}
	awsJSON(&table, "dynamodb", "describe-table", "--table-name", deployedID(t, listed.StackResourceSummaries, "StreamerTable"))
	if ks := table.Table.KeySchema; len(ks) != 1 || ks[0].AttributeName != "id" || ks[0].KeyType != "HASH" {
		t.Errorf("table keys: %+v, want id HASH", ks)
	}
	if st := table.Table.StreamSpecification; !st.StreamEnabled || st.StreamViewType != "NEW_IMAGE" {
		t.Errorf("table stream: %+v, want NEW_IMAGE", st)
	}

	function := deployedID(t, listed.StackResourceSummaries, "StreamerHandler")
	var fn struct {
		Runtime, Handler string
		MemorySize       int
		Timeout          int
	}
	awsJSON(&fn, "lambda", "get-function-configuration", "--function-name", function)
	// moto's CloudFormation model of a function drops Architectures (and
	// LoggingConfig): the golden template shows arm64, moto cannot.
	if fn.Runtime != "provided.al2023" || fn.Handler != "bootstrap" || fn.MemorySize != 256 || fn.Timeout != 30 {
		t.Errorf("function: %+v", fn)
	}

	var mappings struct {
		EventSourceMappings []struct {
			EventSourceArn, StartingPosition string
			BatchSize                        int
			FunctionResponseTypes            []string
		}
	}
	awsJSON(&mappings, "lambda", "list-event-source-mappings", "--function-name", function)
	if ms := mappings.EventSourceMappings; len(ms) != 1 || ms[0].EventSourceArn != table.Table.LatestStreamArn || ms[0].BatchSize != 100 {
		t.Errorf("event source mappings: %+v, want one on %s with batch size 100", ms, table.Table.LatestStreamArn)
	}

	var queue struct{ Attributes map[string]string }
	awsJSON(&queue, "sqs", "get-queue-attributes", "--queue-url", deployedID(t, listed.StackResourceSummaries, "StreamerDeadLetterQueue"), "--attribute-names", "All")
	if got := queue.Attributes["MessageRetentionPeriod"]; got != "1209600" {
		t.Errorf("dead-letter queue retention %q, want 1209600", got)
	}

	var resources struct {
		Items []struct {
			Path            string
			ResourceMethods map[string]any
		}
	}
	awsJSON(&resources, "apigateway", "get-resources", "--rest-api-id", deployedID(t, listed.StackResourceSummaries, "StreamerApi"))
	found := false
	for _, r := range resources.Items {
		if _, ok := r.ResourceMethods["POST"]; ok && r.Path == "/InsertItem" {
			found = true
		}
	}
	if !found {
		t.Errorf("no POST /InsertItem in the API: %+v", resources.Items)
	}
}

// templateResources maps each logical ID of a template to its type.
func templateResources(t *testing.T, path string) map[string]string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct {
		Resources map[string]struct {
			Type string `yaml:"Type"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(src, &tmpl); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for id, r := range tmpl.Resources {
		out[id] = r.Type
	}
	return out
}

type stackResource struct{ LogicalResourceId, PhysicalResourceId, ResourceType, ResourceStatus string }

func deployedID(t *testing.T, resources []stackResource, logical string) string {
	t.Helper()
	for _, r := range resources {
		if r.LogicalResourceId == logical && r.PhysicalResourceId != "" {
			return r.PhysicalResourceId
		}
	}
	t.Fatalf("no physical ID for %s in the deployed stack", logical)
	return ""
}

// handlerZip is a stand-in for the handler's zip: moto stores the code, it
// does not run it here.
func handlerZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("#!/bin/sh\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
