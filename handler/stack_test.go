package handler

import (
	"reflect"
	"testing"

	"github.com/streamgen/streamgen/spec"
)

// The names StackFromEnv reads are the ones the generator sets.
func TestStackFromEnv(t *testing.T) {
	values := []string{"orders", "orders-Table-1", "arn:aws:dynamodb:x:1:table/t", "bucket-1", "https://sqs/q", "arn:aws:sns:x:1:t"}
	if len(spec.GeneratedEnv) != len(values) {
		t.Fatalf("%d generated variables, %d read", len(spec.GeneratedEnv), len(values))
	}
	for i, name := range spec.GeneratedEnv {
		t.Setenv(name, values[i])
	}
	want := Stack{Name: values[0], TableName: values[1], TableArn: values[2], FailureBucket: values[3], FailureQueue: values[4], AlarmTopicArn: values[5]}
	if got := StackFromEnv(); !reflect.DeepEqual(got, want) {
		t.Errorf("StackFromEnv() = %+v, want %+v", got, want)
	}
}

// Lambda passes stream.logLevel as AWS_LAMBDA_LOG_LEVEL; it wins over LOG_LEVEL.
func TestLevelFromLambda(t *testing.T) {
	for _, level := range []string{"DEBUG", "INFO", "WARN", "ERROR"} {
		t.Setenv("AWS_LAMBDA_LOG_LEVEL", level)
		t.Setenv("LOG_LEVEL", "ERROR")
		if got := levelFromEnv().String(); got != level {
			t.Errorf("AWS_LAMBDA_LOG_LEVEL=%s: level %s", level, got)
		}
	}
}
