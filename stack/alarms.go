package stack

import (
	"fmt"
	"sort"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/cloudwatch"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/logs"
	"github.com/awslabs/goformation/v7/cloudformation/sns"

	"github.com/streamgen/streamgen/spec"
)

// alarm is one CloudWatch alarm of the stack, on one metric.
type alarm struct {
	kind        string // the logical ID's suffix
	namespace   string
	metric      string
	dimensions  map[string]string
	statistic   string
	period      int // seconds
	periods     int // evaluation periods
	threshold   float64
	comparison  string
	description string // what happened and what to do
}

// alarms adds the SNS topic, its email subscriptions and the alarms that
// notify it. The topic is encrypted with a key of the stack, because
// CloudWatch cannot publish to a topic encrypted with the AWS managed key
// (https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns).
//
// Metrics: Lambda's Errors, IteratorAge (milliseconds) and
// DestinationDeliveryFailures
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html),
// API Gateway's 5XXError by ApiName and Stage
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html),
// DynamoDB's ThrottledRequests and SystemErrors by TableName and Operation
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html),
// S3's request metric PutRequests and SQS's ApproximateNumberOfMessagesVisible.
func (b *builder) alarms() {
	s, id := b.s, b.id
	if s.Alarms == nil {
		return
	}
	account := cloudformation.Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
	b.add(id.AlarmKey, &kms.Key{
		Description:       cloudformation.String("Encrypts the alarm topic of " + s.Name + " (streamgen)"),
		EnableKeyRotation: cloudformation.Bool(true),
		KeyPolicy: policyDocument{
			Version: "2012-10-17",
			Statement: []policyStatement{
				{Effect: "Allow", Principal: map[string]string{"AWS": account}, Action: []string{"kms:*"}, Resource: []string{"*"}},
				{Effect: "Allow", Principal: map[string]string{"Service": "cloudwatch.amazonaws.com"},
					Action: []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"}},
			},
		},
		// It only encrypts notifications in transit through the topic:
		// nothing stored needs it once the stack is gone.
		PendingWindowInDays:                  cloudformation.Int(7),
		Tags:                                 b.tags(),
		AWSCloudFormationDeletionPolicy:      "Delete",
		AWSCloudFormationUpdateReplacePolicy: "Delete",
	})
	b.add(id.AlarmTopic, &sns.Topic{
		DisplayName:    cloudformation.String(s.Name + " alarms"),
		KmsMasterKeyId: cloudformation.RefPtr(id.AlarmKey),
		Tags:           b.tags(),
	})
	for _, address := range s.Alarms.Email {
		b.add(id.AlarmEmail(address), &sns.Subscription{
			Protocol: "email",
			Endpoint: cloudformation.String(address),
			TopicArn: cloudformation.Ref(id.AlarmTopic),
		})
	}

	// Record failures are answered, not raised, so Lambda's Errors does not
	// count them: the handler's own ERROR log lines do.
	namespace := "streamgen/" + s.Name
	b.add(id.HandlerErrorLogFilter, &logs.MetricFilter{
		LogGroupName:  cloudformation.Ref(id.FunctionLogs),
		FilterPattern: `{ $.level = "ERROR" }`,
		MetricTransformations: []logs.MetricFilter_MetricTransformation{{
			MetricNamespace: namespace,
			MetricName:      "HandlerErrorLogs",
			MetricValue:     "1",
		}},
	})

	function := map[string]string{"FunctionName": cloudformation.Ref(id.Function)}
	putItem := map[string]string{"TableName": cloudformation.Ref(id.Table), "Operation": "PutItem"}
	list := []alarm{
		b.failedBatchAlarm(),
		{kind: "DeliveryFailures", namespace: "AWS/Lambda", metric: "DestinationDeliveryFailures", dimensions: function,
			statistic: "Sum", period: 60, periods: 1, threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
			description: "Lambda gave up on a batch and could not write it to the failure destination: those records are lost. " +
				"Check that the failure destination exists and that the handler's role may write to it."},
		{kind: "HandlerErrors", namespace: "AWS/Lambda", metric: "Errors", dimensions: function,
			statistic: "Sum", period: 300, periods: 1, threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
			description: "The handler crashed, timed out or could not read a batch; the batch is retried. " +
				"Read the handler's log group for the error and fix the handler or raise stream.timeout/stream.memory."},
		{kind: "RecordFailures", namespace: namespace, metric: "HandlerErrorLogs",
			statistic: "Sum", period: 300, periods: 1, threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
			description: "The handler logged an error, usually a record it failed on; the record is retried, then given up on. " +
				"Search the handler's log group for level ERROR."},
		{kind: "IteratorAge", namespace: "AWS/Lambda", metric: "IteratorAge", dimensions: function,
			statistic: "Maximum", period: 60, periods: 5, threshold: float64(s.Alarms.IteratorAge) * 1000, comparison: "GreaterThanThreshold",
			description: fmt.Sprintf("The handler lags more than %d seconds behind the stream (IteratorAge is in milliseconds); "+
				"records older than 24 hours leave the stream unprocessed. Look for a record it keeps retrying, "+
				"or raise stream.parallelization or stream.batchSize.", s.Alarms.IteratorAge)},
		{kind: "Api5xx", namespace: "AWS/ApiGateway", metric: "5XXError",
			dimensions: map[string]string{"ApiName": s.Name, "Stage": s.API.Stage},
			statistic:  "Sum", period: 300, periods: 1, threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
			description: "The API answered 500: writes failed. Read the stage's access log and the PutItem integration's errors."},
		{kind: "TableThrottles", namespace: "AWS/DynamoDB", metric: "ThrottledRequests", dimensions: putItem,
			statistic: "Sum", period: 300, periods: 1, threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
			description: "DynamoDB throttled writes of the API (clients got 429). Check the table's hot keys and account limits."},
		{kind: "TableErrors", namespace: "AWS/DynamoDB", metric: "SystemErrors", dimensions: putItem,
			statistic: "Sum", period: 300, periods: 1, threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
			description: "DynamoDB failed writes with internal errors (clients got 500). Check the AWS Health Dashboard; clients should retry."},
	}
	for _, a := range list {
		b.add(id.Alarm(a.kind), b.cloudwatchAlarm(a))
	}
}

// failedBatchAlarm fires when the failure destination received a batch.
func (b *builder) failedBatchAlarm() alarm {
	id := b.id
	a := alarm{kind: "FailedBatches", statistic: "Sum", period: 60, periods: 1, threshold: 1, comparison: "GreaterThanOrEqualToThreshold"}
	if b.s.Stream.OnFailure == spec.FailToSQS {
		// Visible messages: the alarm stays on until the queue is dealt with.
		a.namespace, a.metric, a.statistic, a.period = "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 300
		a.dimensions = map[string]string{"QueueName": cloudformation.GetAtt(id.DeadLetterQueue, "QueueName")}
		a.description = "The handler kept failing on a batch and Lambda gave up on it: the dead-letter queue holds its shard " +
			"and sequence numbers. Read the records from the stream within 24 hours (out/README.md, Failed batches)."
		return a
	}
	a.namespace, a.metric = "AWS/S3", "PutRequests"
	a.dimensions = map[string]string{"BucketName": cloudformation.Ref(id.FailureBucket), "FilterId": failureMetricsFilter}
	a.description = "The handler kept failing on a batch and Lambda gave up on it: the batch, records included, is in the " +
		"failure bucket. Fix the handler, then replay it (out/README.md, Failed batches)."
	return a
}

func (b *builder) cloudwatchAlarm(a alarm) *cloudwatch.Alarm {
	topic := []string{cloudformation.Ref(b.id.AlarmTopic)}
	names := make([]string, 0, len(a.dimensions))
	for name := range a.dimensions {
		names = append(names, name)
	}
	sort.Strings(names)
	var dims []cloudwatch.Alarm_Dimension
	for _, name := range names {
		dims = append(dims, cloudwatch.Alarm_Dimension{Name: name, Value: a.dimensions[name]})
	}
	return &cloudwatch.Alarm{
		AlarmDescription:   cloudformation.String(a.description),
		Namespace:          cloudformation.String(a.namespace),
		MetricName:         cloudformation.String(a.metric),
		Dimensions:         dims,
		Statistic:          cloudformation.String(a.statistic),
		Period:             cloudformation.Int(a.period),
		EvaluationPeriods:  a.periods,
		Threshold:          cloudformation.Float64(a.threshold),
		ComparisonOperator: a.comparison,
		// No data means nothing happened: no request, no record, no failure.
		TreatMissingData: cloudformation.String("notBreaching"),
		AlarmActions:     topic,
		OKActions:        topic,
	}
}
