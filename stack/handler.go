package stack

import (
	"encoding/json"
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/iam"
	"github.com/awslabs/goformation/v7/cloudformation/lambda"
	"github.com/awslabs/goformation/v7/cloudformation/logs"

	"github.com/streamgen/streamgen/spec"
)

// handler is the stream side: the Lambda function built by `gen build`, its
// log group and role, the failure destination for batches that keep
// failing, and the event source mapping from the table's stream.
func (b *builder) handler() error {
	s, id := b.s, b.id
	b.t.Parameters[id.CodeBucket] = cloudformation.Parameter{
		Type:        "String",
		Description: cloudformation.String("S3 bucket holding the handler's zip (gen build)"),
	}
	b.t.Parameters[id.CodeKey] = cloudformation.Parameter{
		Type:        "String",
		Description: cloudformation.String("S3 key of the handler's zip (gen build)"),
	}

	destination, sendFailures := b.failureDestination()
	b.add(id.FunctionLogs, b.logGroup())
	rights := []statement{
		{
			Actions:   []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"},
			Resources: []string{cloudformation.GetAtt(id.Table, "StreamArn")},
		},
		// Lambda calls ListStreams for the mapping. It has no
		// resource-level permissions (its Resource types are empty in
		// "Actions, resources, and condition keys for Amazon
		// DynamoDB"), so an ARN grants nothing: "*", as AWS's managed
		// AWSLambdaDynamoDBExecutionRole has it.
		{
			Actions:   []string{"dynamodb:ListStreams"},
			Resources: []string{"*"},
		},
		{
			Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resources: []string{cloudformation.GetAtt(id.FunctionLogs, "Arn")},
		},
	}
	rights = append(rights, sendFailures...)
	if s.Tracing {
		// What active tracing sends; X-Ray has no resource-level permissions
		// (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html).
		rights = append(rights, statement{
			Actions:   []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"},
			Resources: []string{"*"},
		})
	}
	rolePolicies := []iam.Role_Policy{{PolicyName: "ReadStreamWriteLogsSendFailures", PolicyDocument: policy(rights...)}}
	if len(s.Stream.Permissions) > 0 {
		var extra []statement
		for _, p := range s.Stream.Permissions {
			extra = append(extra, statement{Actions: p.Actions, Resources: p.Resources})
		}
		rolePolicies = append(rolePolicies, iam.Role_Policy{PolicyName: "FromSpec", PolicyDocument: policy(extra...)})
	}
	b.add(id.FunctionRole, &iam.Role{
		AssumeRolePolicyDocument: assumeRole("lambda.amazonaws.com"),
		Policies:                 rolePolicies,
		Tags:                     b.tags(),
	})
	fn := &lambda.Function{
		Description:   cloudformation.String(fmt.Sprintf("Processes every item %s stores (streamgen)", s.Name)),
		Runtime:       cloudformation.String("provided.al2023"),
		Architectures: []string{"arm64"},
		Handler:       cloudformation.String("bootstrap"),
		Code: &lambda.Function_Code{
			S3Bucket: cloudformation.RefPtr(id.CodeBucket),
			S3Key:    cloudformation.RefPtr(id.CodeKey),
		},
		MemorySize:  cloudformation.Int(s.Stream.Memory),
		Timeout:     cloudformation.Int(s.Stream.Timeout),
		Role:        cloudformation.GetAtt(id.FunctionRole, "Arn"),
		Environment: &lambda.Function_Environment{Variables: b.environment()},
		// Lambda drops JSON lines whose "level" is below ApplicationLogLevel
		// and tells the runtime the level in AWS_LAMBDA_LOG_LEVEL, which
		// package handler honours so they are not even written; levels need
		// the JSON format
		// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html).
		LoggingConfig: &lambda.Function_LoggingConfig{
			LogGroup:            cloudformation.RefPtr(id.FunctionLogs),
			LogFormat:           cloudformation.String("JSON"),
			ApplicationLogLevel: cloudformation.String(s.Stream.LogLevel),
		},
		Tags: b.tags(),
	}
	if s.Tracing {
		fn.TracingConfig = &lambda.Function_TracingConfig{Mode: cloudformation.String("Active")}
	}
	b.add(id.Function, fn)

	mapping := &lambda.EventSourceMapping{
		EventSourceArn:                 cloudformation.GetAttPtr(id.Table, "StreamArn"),
		FunctionName:                   cloudformation.Ref(id.Function),
		StartingPosition:               cloudformation.String("TRIM_HORIZON"),
		BatchSize:                      cloudformation.Int(s.Stream.BatchSize),
		MaximumBatchingWindowInSeconds: cloudformation.Int(s.Stream.BatchWindow),
		MaximumRetryAttempts:           cloudformation.Int(s.Stream.Retries),
		MaximumRecordAgeInSeconds:      cloudformation.Int(s.Stream.MaxRecordAge),
		ParallelizationFactor:          cloudformation.Int(s.Stream.Parallelization),
		BisectBatchOnFunctionError:     cloudformation.Bool(true),
		FunctionResponseTypes:          []string{"ReportBatchItemFailures"},
		DestinationConfig: &lambda.EventSourceMapping_DestinationConfig{
			OnFailure: &lambda.EventSourceMapping_OnFailure{Destination: cloudformation.String(destination)},
		},
	}
	if len(s.Stream.Events) < len(spec.EventNames) { // a filter that lets all through is left out
		pattern, err := json.Marshal(map[string][]string{"eventName": s.Stream.Events})
		if err != nil {
			return fmt.Errorf("stack: the stream filter: %w", err)
		}
		mapping.FilterCriteria = &lambda.EventSourceMapping_FilterCriteria{
			Filters: []lambda.EventSourceMapping_Filter{{Pattern: cloudformation.String(string(pattern))}},
		}
	}
	b.add(id.StreamMapping, mapping)
	return nil
}

// environment is the spec's variables and those that tell the handler its
// stack (spec.GeneratedEnv).
func (b *builder) environment() map[string]string {
	s, id := b.s, b.id
	vars := map[string]string{
		spec.EnvName:      s.Name,
		spec.EnvTableName: cloudformation.Ref(id.Table),
		spec.EnvTableArn:  cloudformation.GetAtt(id.Table, "Arn"),
	}
	if s.Stream.OnFailure == spec.FailToSQS {
		vars[spec.EnvFailureQueue] = cloudformation.Ref(id.DeadLetterQueue)
	} else {
		vars[spec.EnvFailureBucket] = cloudformation.Ref(id.FailureBucket)
	}
	if s.Alarms != nil {
		vars[spec.EnvAlarmTopicArn] = cloudformation.Ref(id.AlarmTopic)
	}
	for _, v := range s.Stream.Environment {
		vars[v.Name] = v.Value
	}
	return vars
}

// logGroup keeps logs 30 days; it goes with the stack, as logs are not the
// data the spec's retain is about.
func (b *builder) logGroup() *logs.LogGroup {
	return &logs.LogGroup{
		RetentionInDays:                      cloudformation.Int(logRetentionDays),
		Tags:                                 b.tags(),
		AWSCloudFormationDeletionPolicy:      "Delete",
		AWSCloudFormationUpdateReplacePolicy: "Delete",
	}
}
