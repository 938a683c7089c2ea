package stack

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// statements are the Allow statements of a role's policy, as JSON lines.
func statements(t *testing.T, role resource, policyName string) []string {
	t.Helper()
	policies, _ := role.Properties["Policies"].([]any)
	for _, p := range policies {
		if get(t, p, "PolicyName") != policyName {
			continue
		}
		var out []string
		for _, st := range get(t, p, "PolicyDocument", "Statement").([]any) {
			b, err := json.Marshal(st)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
		return out
	}
	return nil
}

func TestFailureBucketByDefault(t *testing.T) {
	s := parse(t, seed)
	tmpl := build(t, s)
	if _, ok := tmpl.Resources["MyAppDeadLetterQueue"]; ok {
		t.Error("onFailure s3 (the default) still has the queue")
	}
	bucket := tmpl.Resources["MyAppFailureBucket"]
	if bucket.Type != "AWS::S3::Bucket" {
		t.Fatalf("failure bucket: %+v", bucket)
	}
	for path, want := range map[string]any{
		"BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.SSEAlgorithm": "AES256",
		"PublicAccessBlockConfiguration.BlockPublicAcls":                                                  true,
		"PublicAccessBlockConfiguration.BlockPublicPolicy":                                                true,
		"PublicAccessBlockConfiguration.IgnorePublicAcls":                                                 true,
		"PublicAccessBlockConfiguration.RestrictPublicBuckets":                                            true,
		"OwnershipControls.Rules.0.ObjectOwnership":                                                       "BucketOwnerEnforced",
		"LifecycleConfiguration.Rules.0.ExpirationInDays":                                                 14,
		"LifecycleConfiguration.Rules.0.Status":                                                           "Enabled",
	} {
		var keys []any
		for _, k := range strings.Split(path, ".") {
			if k >= "0" && k <= "9" {
				keys = append(keys, int(k[0]-'0'))
			} else {
				keys = append(keys, k)
			}
		}
		if got := get(t, bucket.Properties, keys...); got != want {
			t.Errorf("bucket %s = %v, want %v", path, got, want)
		}
	}
	deny := get(t, tmpl.Resources["MyAppFailureBucketPolicy"].Properties, "PolicyDocument", "Statement", 0)
	if get(t, deny, "Effect") != "Deny" || get(t, deny, "Condition", "Bool", "aws:SecureTransport") != "false" {
		t.Errorf("bucket policy is not TLS-only: %v", deny)
	}
	dest := get(t, tmpl.Resources["MyAppStreamMapping"].Properties, "DestinationConfig", "OnFailure", "Destination")
	if !reflect.DeepEqual(dest, map[string]any{"Fn::GetAtt": []any{"MyAppFailureBucket", "Arn"}}) {
		t.Errorf("on-failure destination %v", dest)
	}
	got := strings.Join(statements(t, tmpl.Resources["MyAppHandlerRole"], "ReadStreamWriteLogsSendFailures"), "\n")
	for _, want := range []string{
		`"Action":["s3:PutObject"],"Condition":{"StringEquals":{"s3:ResourceAccount":{"Ref":"AWS::AccountId"}}},"Effect":"Allow","Resource":[{"Fn::Sub":"${MyAppFailureBucket.Arn}/*"}]`,
		`"Action":["s3:ListBucket"],"Condition":{"StringEquals":{"s3:ResourceAccount":{"Ref":"AWS::AccountId"}}},"Effect":"Allow","Resource":[{"Fn::GetAtt":["MyAppFailureBucket","Arn"]}]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("role lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "sqs:") || strings.Contains(got, "xray:") {
		t.Errorf("role has rights it does not need:\n%s", got)
	}
	if _, ok := tmpl.Outputs["FailureBucketName"]; !ok {
		t.Error("no FailureBucketName output")
	}
}

func TestFailureQueue(t *testing.T) {
	s := parse(t, seed+"stream: {onFailure: sqs, failureRetention: 3}\n")
	tmpl := build(t, s)
	if _, ok := tmpl.Resources["MyAppFailureBucket"]; ok {
		t.Error("onFailure sqs has a bucket")
	}
	if got := get(t, tmpl.Resources["MyAppDeadLetterQueue"].Properties, "MessageRetentionPeriod"); got != 3*86400 {
		t.Errorf("retention %v seconds, want 3 days", got)
	}
	got := strings.Join(statements(t, tmpl.Resources["MyAppHandlerRole"], "ReadStreamWriteLogsSendFailures"), "\n")
	if !strings.Contains(got, `"sqs:SendMessage"`) || strings.Contains(got, "s3:") {
		t.Errorf("role:\n%s", got)
	}
	if _, ok := tmpl.Outputs["DeadLetterQueueUrl"]; !ok {
		t.Error("no DeadLetterQueueUrl output")
	}
}

func TestEnvironmentPermissionsLogsTracing(t *testing.T) {
	s := parse(t, seed+`tracing: true
stream:
  logLevel: WARN
  environment: {NOTIFY_URL: "https://x.example.com/${a}", MODE: fast}
  permissions:
    - {actions: [events:PutEvents], resources: ["arn:aws:events:*:*:event-bus/default"]}
`)
	tmpl := build(t, s)
	fn := tmpl.Resources["MyAppHandler"].Properties
	vars := get(t, fn, "Environment", "Variables").(map[string]any)
	want := map[string]any{
		"NOTIFY_URL":               "https://x.example.com/${a}",
		"MODE":                     "fast",
		"STREAMGEN_NAME":           "my-app",
		"STREAMGEN_TABLE_NAME":     map[string]any{"Ref": "MyAppTable"},
		"STREAMGEN_TABLE_ARN":      map[string]any{"Fn::GetAtt": []any{"MyAppTable", "Arn"}},
		"STREAMGEN_FAILURE_BUCKET": map[string]any{"Ref": "MyAppFailureBucket"},
	}
	if !reflect.DeepEqual(vars, want) {
		t.Errorf("variables %v, want %v", vars, want)
	}
	if got := get(t, fn, "LoggingConfig"); !reflect.DeepEqual(got, map[string]any{
		"LogGroup": map[string]any{"Ref": "MyAppHandlerLogs"}, "LogFormat": "JSON", "ApplicationLogLevel": "WARN"}) {
		t.Errorf("logging %v", got)
	}
	if got := get(t, fn, "TracingConfig", "Mode"); got != "Active" {
		t.Errorf("tracing mode %v", got)
	}
	if got := get(t, tmpl.Resources["MyAppStage"].Properties, "TracingEnabled"); got != true {
		t.Errorf("stage tracing %v", got)
	}
	role := tmpl.Resources["MyAppHandlerRole"]
	if got := statements(t, role, "FromSpec"); !reflect.DeepEqual(got, []string{
		`{"Action":["events:PutEvents"],"Effect":"Allow","Resource":["arn:aws:events:*:*:event-bus/default"]}`}) {
		t.Errorf("spec's statements %v", got)
	}
	if got := strings.Join(statements(t, role, "ReadStreamWriteLogsSendFailures"), "\n"); !strings.Contains(got,
		`{"Action":["xray:PutTraceSegments","xray:PutTelemetryRecords"],"Effect":"Allow","Resource":["*"]}`) {
		t.Errorf("no X-Ray rights:\n%s", got)
	}

	plain := parse(t, seed)
	tmpl = build(t, plain)
	if _, ok := tmpl.Resources["MyAppHandler"].Properties["TracingConfig"]; ok {
		t.Error("tracing without tracing: true")
	}
	if got := statements(t, tmpl.Resources["MyAppHandlerRole"], "FromSpec"); got != nil {
		t.Errorf("statements without permissions: %v", got)
	}
	if got := get(t, tmpl.Resources["MyAppHandler"].Properties, "LoggingConfig", "ApplicationLogLevel"); got != "INFO" {
		t.Errorf("default level %v", got)
	}
}

func TestAlarms(t *testing.T) {
	s := parse(t, seed)
	for id := range build(t, s).Resources {
		if strings.Contains(id, "Alarm") {
			t.Errorf("no alarms block, yet %s", id)
		}
	}
	for _, onFailure := range []string{"s3", "sqs"} {
		s := parse(t, seed+"stream: {onFailure: "+onFailure+"}\nalarms: {email: [a@example.com, b@example.com], iteratorAge: 120}\n")
		tmpl := build(t, s)
		var alarms []string
		for id, r := range tmpl.Resources {
			if r.Type != "AWS::CloudWatch::Alarm" {
				continue
			}
			alarms = append(alarms, id)
			p := r.Properties
			if get(t, p, "TreatMissingData") != "notBreaching" || len(get(t, p, "AlarmDescription").(string)) < 40 {
				t.Errorf("%s: %v", id, p)
			}
			if !reflect.DeepEqual(get(t, p, "AlarmActions"), []any{map[string]any{"Ref": "MyAppAlarmTopic"}}) {
				t.Errorf("%s notifies %v", id, get(t, p, "AlarmActions"))
			}
		}
		sort.Strings(alarms)
		want := []string{"MyAppAlarmApi5xx", "MyAppAlarmDeliveryFailures", "MyAppAlarmFailedBatches", "MyAppAlarmHandlerErrors",
			"MyAppAlarmIteratorAge", "MyAppAlarmRecordFailures", "MyAppAlarmTableErrors", "MyAppAlarmTableThrottles"}
		if !reflect.DeepEqual(alarms, want) {
			t.Errorf("%s: alarms %v, want %v", onFailure, alarms, want)
		}
		if got := get(t, tmpl.Resources["MyAppAlarmIteratorAge"].Properties, "Threshold"); got != 120000 {
			t.Errorf("iterator age threshold %v ms, want 120000", got)
		}
		failed := tmpl.Resources["MyAppAlarmFailedBatches"].Properties
		wantMetric := map[string]string{"s3": "PutRequests", "sqs": "ApproximateNumberOfMessagesVisible"}[onFailure]
		if get(t, failed, "MetricName") != wantMetric {
			t.Errorf("%s: failed batches watch %v", onFailure, get(t, failed, "MetricName"))
		}
		if onFailure == "s3" && get(t, tmpl.Resources["MyAppFailureBucket"].Properties, "MetricsConfigurations", 0, "Id") != "FailedBatches" {
			t.Error("the bucket has no request metrics for the alarm")
		}
		subscribed := map[string]string{}
		for id, r := range tmpl.Resources {
			if r.Type == "AWS::SNS::Subscription" && get(t, r.Properties, "Protocol") == "email" {
				subscribed[get(t, r.Properties, "Endpoint").(string)] = id
			}
		}
		if len(subscribed) != 2 || subscribed["a@example.com"] == "" || subscribed["b@example.com"] == "" {
			t.Errorf("subscriptions %v", subscribed)
		}
		// An address keeps its subscription when the others change.
		alone := parse(t, seed+"alarms: {email: [b@example.com]}\n")
		if _, ok := build(t, alone).Resources[subscribed["b@example.com"]]; !ok {
			t.Errorf("removing a@example.com renames b@example.com's subscription %s", subscribed["b@example.com"])
		}
		if get(t, tmpl.Resources["MyAppAlarmTopic"].Properties, "KmsMasterKeyId") == nil {
			t.Error("topic not encrypted")
		}
		if _, ok := tmpl.Outputs["AlarmTopicArn"]; !ok {
			t.Error("no AlarmTopicArn output")
		}
	}
}
