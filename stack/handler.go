package stack

import (
	"encoding/json"
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/iam"
	"github.com/awslabs/goformation/v7/cloudformation/lambda"
	"github.com/awslabs/goformation/v7/cloudformation/logs"
	"github.com/awslabs/goformation/v7/cloudformation/sqs"
)

// allEvents are the stream's event names; a filter that lets all of them
// through is left out.
var allEvents = []string{"INSERT", "MODIFY", "REMOVE"}

// handler is the stream side: the Lambda function built by `gen build`, its
// log group and role, the dead-letter queue for records that keep failing,
// and the event source mapping from the table's stream.
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

	// Records that failed processing are data too.
	retention, replaceRetention := dataPolicies(s.Table.Retain)
	b.add(id.DeadLetterQueue, &sqs.Queue{
		SqsManagedSseEnabled:                 cloudformation.Bool(true),
		MessageRetentionPeriod:               cloudformation.Int(dlqRetentionSeconds),
		Tags:                                 b.tags(),
		AWSCloudFormationDeletionPolicy:      retention,
		AWSCloudFormationUpdateReplacePolicy: replaceRetention,
	})
	b.add(id.FunctionLogs, b.logGroup())
	b.add(id.FunctionRole, &iam.Role{
		AssumeRolePolicyDocument: assumeRole("lambda.amazonaws.com"),
		Policies: []iam.Role_Policy{{
			PolicyName: "ReadStreamWriteLogsSendFailures",
			PolicyDocument: policy(
				statement{
					Actions:   []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"},
					Resources: []string{cloudformation.GetAtt(id.Table, "StreamArn")},
				},
				// Lambda calls ListStreams for the mapping. It has no
				// resource-level permissions (its Resource types are empty in
				// "Actions, resources, and condition keys for Amazon
				// DynamoDB"), so an ARN grants nothing: "*", as AWS's managed
				// AWSLambdaDynamoDBExecutionRole has it.
				statement{
					Actions:   []string{"dynamodb:ListStreams"},
					Resources: []string{"*"},
				},
				statement{
					Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
					Resources: []string{cloudformation.GetAtt(id.FunctionLogs, "Arn")},
				},
				statement{
					Actions:   []string{"sqs:SendMessage"},
					Resources: []string{cloudformation.GetAtt(id.DeadLetterQueue, "Arn")},
				},
			),
		}},
		Tags: b.tags(),
	})
	b.add(id.Function, &lambda.Function{
		Description:   cloudformation.String(fmt.Sprintf("Processes every item %s stores (streamgen)", s.Name)),
		Runtime:       cloudformation.String("provided.al2023"),
		Architectures: []string{"arm64"},
		Handler:       cloudformation.String("bootstrap"),
		Code: &lambda.Function_Code{
			S3Bucket: cloudformation.RefPtr(id.CodeBucket),
			S3Key:    cloudformation.RefPtr(id.CodeKey),
		},
		MemorySize:    cloudformation.Int(s.Stream.Memory),
		Timeout:       cloudformation.Int(s.Stream.Timeout),
		Role:          cloudformation.GetAtt(id.FunctionRole, "Arn"),
		LoggingConfig: &lambda.Function_LoggingConfig{LogGroup: cloudformation.RefPtr(id.FunctionLogs)},
		Tags:          b.tags(),
	})

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
			OnFailure: &lambda.EventSourceMapping_OnFailure{Destination: cloudformation.GetAttPtr(id.DeadLetterQueue, "Arn")},
		},
	}
	if len(s.Stream.Events) < len(allEvents) {
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
