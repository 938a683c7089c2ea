package stack

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/s3"
	"github.com/awslabs/goformation/v7/cloudformation/sqs"

	"github.com/streamgen/streamgen/spec"
)

// failureMetricsFilter names the bucket's request metrics, which the
// failed-batch alarm watches.
const failureMetricsFilter = "FailedBatches"

// failureDestination adds where the event source mapping records a batch it
// gives up on, and returns its ARN and the role statements sending there needs.
//
// An S3 destination receives the whole invocation record, the records
// included; SQS only their shard and sequence numbers ("Retain discarded
// records for a DynamoDB event source in Lambda",
// https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
// Failed records are data too: both follow the table's retain.
func (b *builder) failureDestination() (string, []statement) {
	s, id := b.s, b.id
	retention, replaceRetention := dataPolicies(s.Table.Retain)
	if s.Stream.OnFailure == spec.FailToSQS {
		b.add(id.DeadLetterQueue, &sqs.Queue{
			SqsManagedSseEnabled:                 cloudformation.Bool(true),
			MessageRetentionPeriod:               cloudformation.Int(s.Stream.FailureRetention * 86400),
			Tags:                                 b.tags(),
			AWSCloudFormationDeletionPolicy:      retention,
			AWSCloudFormationUpdateReplacePolicy: replaceRetention,
		})
		return cloudformation.GetAtt(id.DeadLetterQueue, "Arn"), []statement{{
			Actions:   []string{"sqs:SendMessage"},
			Resources: []string{cloudformation.GetAtt(id.DeadLetterQueue, "Arn")},
		}}
	}

	bucket := &s3.Bucket{
		BucketEncryption: &s3.Bucket_BucketEncryption{
			// S3-managed keys: a KMS key would need kms:GenerateDataKey on the role too.
			ServerSideEncryptionConfiguration: []s3.Bucket_ServerSideEncryptionRule{{
				ServerSideEncryptionByDefault: &s3.Bucket_ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"},
			}},
		},
		PublicAccessBlockConfiguration: &s3.Bucket_PublicAccessBlockConfiguration{
			BlockPublicAcls:       cloudformation.Bool(true),
			BlockPublicPolicy:     cloudformation.Bool(true),
			IgnorePublicAcls:      cloudformation.Bool(true),
			RestrictPublicBuckets: cloudformation.Bool(true),
		},
		OwnershipControls: &s3.Bucket_OwnershipControls{
			Rules: []s3.Bucket_OwnershipControlsRule{{ObjectOwnership: cloudformation.String("BucketOwnerEnforced")}},
		},
		LifecycleConfiguration: &s3.Bucket_LifecycleConfiguration{
			Rules: []s3.Bucket_Rule{{
				Id:                             cloudformation.String("ExpireFailedBatches"),
				Status:                         "Enabled",
				ExpirationInDays:               cloudformation.Int(s.Stream.FailureRetention),
				AbortIncompleteMultipartUpload: &s3.Bucket_AbortIncompleteMultipartUpload{DaysAfterInitiation: 1},
			}},
		},
		Tags:                                 b.tags(),
		AWSCloudFormationDeletionPolicy:      retention,
		AWSCloudFormationUpdateReplacePolicy: replaceRetention,
	}
	if s.Alarms != nil {
		// Request metrics (PutRequests) are what tells that a batch arrived.
		bucket.MetricsConfigurations = []s3.Bucket_MetricsConfiguration{{Id: failureMetricsFilter}}
	}
	b.add(id.FailureBucket, bucket)
	arn := cloudformation.GetAtt(id.FailureBucket, "Arn")
	objects := cloudformation.Sub("${" + id.FailureBucket + ".Arn}/*")
	b.add(id.FailureBucketPolicy, &s3.BucketPolicy{
		Bucket: cloudformation.Ref(id.FailureBucket),
		PolicyDocument: policyDocument{
			Version: "2012-10-17",
			Statement: []policyStatement{{
				Effect:    "Deny",
				Principal: map[string]string{"AWS": "*"},
				Action:    []string{"s3:*"},
				Resource:  []string{arn, objects},
				Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
			}},
		},
	})
	// Lambda needs both; the account condition keeps a bucket of the same
	// name in another account from receiving the records (the guide's
	// "Security best practices for Amazon S3 destinations").
	inAccount := map[string]map[string]string{"StringEquals": {"s3:ResourceAccount": cloudformation.Ref("AWS::AccountId")}}
	return arn, []statement{
		{Actions: []string{"s3:PutObject"}, Resources: []string{objects}, Condition: inAccount},
		{Actions: []string{"s3:ListBucket"}, Resources: []string{arn}, Condition: inAccount},
	}
}
