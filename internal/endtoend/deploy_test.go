package endtoend_test

import (
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
	"AWS::S3::BucketPolicy":             true,
	"AWS::CloudWatch::Alarm":            true,
	"AWS::SNS::Subscription":            true,
	"AWS::Logs::MetricFilter":           true,
}

// TestDeployOutToMoto deploys out/template.yaml, and the golden case with
// every addition to the spec, with `aws cloudformation deploy` to a local
// moto_server and checks each stack is CREATE_COMPLETE, that every resource
// moto models was created, and what the created table, function, event
// source mapping, failure bucket, alarms and API look like.
func TestDeployOutToMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	moto := testenv.StartMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d := &motoDeploy{t: t, ctx: ctx, moto: moto}

	zipPath := filepath.Join(t.TempDir(), "handler.zip")
	testenv.WriteFile(t, zipPath, testenv.HandlerZip(t))
	d.aws("s3api", "create-bucket", "--bucket", "code")
	d.aws("s3", "cp", zipPath, "s3://code/streamer/handler.zip")

	// Stacks of one spec side by side, as staging beside prod: the first
	// sets API Gateway's logs role for the account (deployed with the
	// README's recipe), the others find it set. Their exports must not
	// collide: moto records exports, and refuses a repeated name, only for
	// create-stack (its change sets, which deploy uses, drop the outputs).
	out := filepath.Join("out", "template.yaml")
	// as the recipe of out/README.md: true while the account has no role
	if role := strings.TrimSpace(string(d.aws("apigateway", "get-account", "--query", "cloudwatchRoleArn", "--output", "text"))); role != "None" {
		t.Fatalf("a fresh moto has the logs role %q", role)
	}
	listed := d.deploy(out, "streamer", "true", false)
	deployedID(t, listed, "StreamerApiGatewayLogsRole") // the first stack made the role
	for _, name := range []string{"streamer-staging", "streamer-prod"} {
		d.deploy(out, name, "false", true)
	}
	var exports struct {
		Exports []struct{ Name, ExportingStackId string }
	}
	d.json(&exports, "cloudformation", "list-exports")
	names := map[string]bool{}
	for _, e := range exports.Exports {
		names[e.Name] = true
	}
	for _, stack := range []string{"streamer-staging", "streamer-prod"} {
		for _, output := range []string{"ApiUrl", "TableName", "TableArn", "StreamArn", "HandlerName", "FailureBucketName"} {
			if !names[stack+"-"+output] {
				t.Errorf("no export %s-%s: %+v", stack, output, exports.Exports)
			}
		}
	}

	// The checks below look at the first stack.
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
	d.json(&table, "dynamodb", "describe-table", "--table-name", deployedID(t, listed, "StreamerTable"))
	if ks := table.Table.KeySchema; len(ks) != 1 || ks[0].AttributeName != "id" || ks[0].KeyType != "HASH" {
		t.Errorf("table keys: %+v, want id HASH", ks)
	}
	if st := table.Table.StreamSpecification; !st.StreamEnabled || st.StreamViewType != "NEW_IMAGE" {
		t.Errorf("table stream: %+v, want NEW_IMAGE", st)
	}

	function := deployedID(t, listed, "StreamerHandler")
	var fn struct {
		Runtime, Handler string
		MemorySize       int
		Timeout          int
		Environment      struct{ Variables map[string]string }
	}
	d.json(&fn, "lambda", "get-function-configuration", "--function-name", function)
	// moto's CloudFormation model of a function drops Architectures (and
	// LoggingConfig): the golden template shows arm64, moto cannot.
	if fn.Runtime != "provided.al2023" || fn.Handler != "bootstrap" || fn.MemorySize != 256 || fn.Timeout != 30 {
		t.Errorf("function: %+v", fn)
	}
	bucket := deployedID(t, listed, "StreamerFailureBucket")
	if v := fn.Environment.Variables; v["STREAMGEN_TABLE_NAME"] != deployedID(t, listed, "StreamerTable") ||
		v["STREAMGEN_FAILURE_BUCKET"] != bucket || v["STREAMGEN_NAME"] != "streamer" {
		t.Errorf("function environment %v", v)
	}

	var mappings struct {
		EventSourceMappings []struct {
			EventSourceArn, StartingPosition string
			BatchSize                        int
			FunctionResponseTypes            []string
		}
	}
	d.json(&mappings, "lambda", "list-event-source-mappings", "--function-name", function)
	if ms := mappings.EventSourceMappings; len(ms) != 1 || ms[0].EventSourceArn != table.Table.LatestStreamArn || ms[0].BatchSize != 100 {
		t.Errorf("event source mappings: %+v, want one on %s with batch size 100", ms, table.Table.LatestStreamArn)
	}

	d.checkFailureBucket(bucket)

	var resources struct {
		Items []struct {
			Path            string
			ResourceMethods map[string]any
		}
	}
	d.json(&resources, "apigateway", "get-resources", "--rest-api-id", deployedID(t, listed, "StreamerApi"))
	found := false
	for _, r := range resources.Items {
		if _, ok := r.ResourceMethods["POST"]; ok && r.Path == "/InsertItem" {
			found = true
		}
	}
	if !found {
		t.Errorf("no POST /InsertItem in the API: %+v", resources.Items)
	}

	// Every key of the additions: the environment, the alarms' topic and key
	// (moto cannot create the alarms and subscriptions themselves).
	listed = d.deploy(filepath.Join("testdata", "every-addition", "template.yaml"), "every-addition", "false", false)
	d.json(&fn, "lambda", "get-function-configuration", "--function-name", deployedID(t, listed, "EveryAdditionHandler"))
	if got := fn.Environment.Variables["NOTIFY_URL"]; got != "https://hooks.example.com/orders" {
		t.Errorf("NOTIFY_URL %q", got)
	}
	d.checkFailureBucket(deployedID(t, listed, "EveryAdditionFailureBucket"))
	topic := deployedID(t, listed, "EveryAdditionAlarmTopic")
	var attrs struct{ Attributes map[string]string }
	d.json(&attrs, "sns", "get-topic-attributes", "--topic-arn", topic)
	if attrs.Attributes["KmsMasterKeyId"] == "" {
		t.Errorf("alarm topic not encrypted: %v", attrs.Attributes)
	}
}

// motoDeploy deploys templates to one moto_server.
type motoDeploy struct {
	t    *testing.T
	ctx  context.Context
	moto *testenv.Moto
}

func (d *motoDeploy) aws(args ...string) []byte {
	d.t.Helper()
	out, err := d.moto.AWS(d.ctx, args...)
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

func (d *motoDeploy) json(v any, args ...string) {
	d.t.Helper()
	if err := json.Unmarshal(d.aws(append(args, "--output", "json")...), v); err != nil {
		d.t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
}

// deploy deploys the template as stack name, with the parameter
// CreateApiGatewayLogsRole=logsRole, by `aws cloudformation deploy` (the
// README's recipe) or, with createStack, by create-stack. It checks that the
// stack completed and that moto created every resource it models, but the
// account's logs role and setting when logsRole is false.
func (d *motoDeploy) deploy(template, name, logsRole string, createStack bool) []stackResource {
	t := d.t
	t.Helper()
	compatible := motoCompatible(t, template)
	if createStack {
		d.aws("cloudformation", "create-stack", "--template-body", "file://"+compatible,
			"--stack-name", name, "--capabilities", "CAPABILITY_IAM", "--parameters",
			"ParameterKey=CodeBucket,ParameterValue=code", "ParameterKey=CodeKey,ParameterValue=streamer/handler.zip",
			"ParameterKey=CreateApiGatewayLogsRole,ParameterValue="+logsRole)
		d.aws("cloudformation", "wait", "stack-create-complete", "--stack-name", name)
	} else {
		d.aws("cloudformation", "deploy", "--template-file", compatible,
			"--stack-name", name, "--capabilities", "CAPABILITY_IAM",
			"--parameter-overrides", "CodeBucket=code", "CodeKey=streamer/handler.zip", "CreateApiGatewayLogsRole="+logsRole)
	}
	var stacks struct {
		Stacks []struct{ StackStatus, StackStatusReason string }
	}
	d.json(&stacks, "cloudformation", "describe-stacks", "--stack-name", name)
	if len(stacks.Stacks) != 1 || stacks.Stacks[0].StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("stack %s: %+v, want CREATE_COMPLETE", name, stacks.Stacks)
	}
	var listed struct{ StackResourceSummaries []stackResource }
	d.json(&listed, "cloudformation", "list-stack-resources", "--stack-name", name)
	created := map[string]string{}
	for _, r := range listed.StackResourceSummaries {
		if r.LogicalResourceId != "" {
			created[r.LogicalResourceId] = r.ResourceStatus
		}
	}
	var skipped []string
	for id, typ := range templateResources(t, template) {
		isLogsRole := strings.HasSuffix(id, "ApiGatewayLogsRole") || typ == "AWS::ApiGateway::Account"
		switch status, ok := created[id]; {
		case isLogsRole && logsRole == "false":
			if ok {
				t.Errorf("%s: %s created although the account has a logs role", name, id)
			}
		case ok && status == "CREATE_COMPLETE":
		case !ok && motoUnmodelled[typ]:
			skipped = append(skipped, id+" ("+typ+")")
		default:
			t.Errorf("%s: %s (%s): status %q in moto", name, id, typ, status)
		}
	}
	sort.Strings(skipped)
	t.Logf("%s: CREATE_COMPLETE with %d resources created; moto has no model for: %s", name, len(created), strings.Join(skipped, ", "))
	return listed.StackResourceSummaries
}

// motoCompatible is a copy of the template that moto 5 can deploy: its KMS
// key model reads Tags as TagKey/TagValue, where CloudFormation's
// AWS::KMS::Key has Key/Value (and fails with a KeyError), so the copy
// leaves the key's tags out.
func motoCompatible(t *testing.T, template string) string {
	t.Helper()
	src, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	resources, _ := doc["Resources"].(map[string]any)
	for _, r := range resources {
		if r, ok := r.(map[string]any); ok && r["Type"] == "AWS::KMS::Key" {
			delete(r["Properties"].(map[string]any), "Tags")
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	testenv.WriteFile(t, path, out)
	return path
}

// checkFailureBucket checks the bucket is encrypted.
func (d *motoDeploy) checkFailureBucket(bucket string) {
	t := d.t
	t.Helper()
	var enc struct {
		ServerSideEncryptionConfiguration struct {
			Rules []struct{ ApplyServerSideEncryptionByDefault struct{ SSEAlgorithm string } }
		}
	}
	d.json(&enc, "s3api", "get-bucket-encryption", "--bucket", bucket)
	if r := enc.ServerSideEncryptionConfiguration.Rules; len(r) != 1 || r[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != "AES256" {
		t.Errorf("bucket encryption %+v", r)
	}
	// moto's bucket model drops PublicAccessBlockConfiguration and
	// LifecycleConfiguration, and it has no model of the TLS-only
	// BucketPolicy: the golden templates and stack's
	// TestFailureBucketByDefault show them.
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
