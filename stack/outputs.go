package stack

import (
	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/streamgen/streamgen/spec"
)

// outputs are what a user needs after deploying. Export names must be unique
// in an account and region ("For each AWS account, Export names must be
// unique within a region", CloudFormation's cross-stack references), so they
// start with the stack's name: two stacks of one spec (staging and prod) can
// share a region.
func (b *builder) outputs() {
	s, id := b.s, b.id
	out := func(name, description, value string) {
		b.t.Outputs[name] = cloudformation.Output{
			Value:       value,
			Description: cloudformation.String(description),
			Export:      &cloudformation.Export{Name: cloudformation.Sub("${AWS::StackName}-" + name)},
		}
	}
	apiURL := "POST the JSON body here"
	if !s.API.Has(spec.Create) {
		apiURL = "Add /{pk}"
		if s.Table.SortKey != "" {
			apiURL += "/{sk}"
		}
		apiURL += " (the item's key values, URL-encoded) for an item's address"
	}
	out("ApiUrl", apiURL,
		cloudformation.Sub("https://${"+id.API+"}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${"+id.Stage+"}"+s.API.Path))
	out("TableName", "The DynamoDB table", cloudformation.Ref(id.Table))
	out("TableArn", "The DynamoDB table's ARN", cloudformation.GetAtt(id.Table, "Arn"))
	out("StreamArn", "The table's stream", cloudformation.GetAtt(id.Table, "StreamArn"))
	out("HandlerName", "The Lambda function that processes the stream", cloudformation.Ref(id.Function))
	if s.Stream.OnFailure == spec.FailToSQS {
		out("DeadLetterQueueUrl", "Shard and sequence numbers of the batches the handler failed on for good", cloudformation.Ref(id.DeadLetterQueue))
	} else {
		out("FailureBucketName", "The batches the handler failed on for good, records included", cloudformation.Ref(id.FailureBucket))
	}
	if s.Alarms != nil {
		out("AlarmTopicArn", "The SNS topic the alarms notify", cloudformation.Ref(id.AlarmTopic))
	}
	if s.API.Auth == spec.AuthAPIKey {
		out("ApiKeyId", "aws apigateway get-api-key --include-value --api-key <this> prints the key", cloudformation.Ref(id.APIKey))
	}
}
