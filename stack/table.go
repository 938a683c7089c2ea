package stack

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
)

// table is the DynamoDB table: on-demand, encrypted, recoverable to any
// second of the last 35 days, with the stream that feeds the handler.
func (b *builder) table() {
	s := b.s
	t := &dynamodb.Table{
		BillingMode:                      cloudformation.String("PAY_PER_REQUEST"),
		SSESpecification:                 &dynamodb.Table_SSESpecification{SSEEnabled: true},
		PointInTimeRecoverySpecification: &dynamodb.Table_PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: cloudformation.Bool(true)},
		StreamSpecification:              &dynamodb.Table_StreamSpecification{StreamViewType: string(s.Stream.View)},
		Tags:                             b.tags(),
	}
	for i, f := range b.it.Keys {
		keyType := "HASH"
		if i == 1 {
			keyType = "RANGE"
		}
		t.KeySchema = append(t.KeySchema, dynamodb.Table_KeySchema{AttributeName: f.Name, KeyType: keyType})
		t.AttributeDefinitions = append(t.AttributeDefinitions, dynamodb.Table_AttributeDefinition{AttributeName: f.Name, AttributeType: string(f.Attr)})
	}
	if s.Table.TTL != "" {
		t.TimeToLiveSpecification = &dynamodb.Table_TimeToLiveSpecification{AttributeName: cloudformation.String(s.Table.TTL), Enabled: true}
	}
	t.AWSCloudFormationDeletionPolicy, t.AWSCloudFormationUpdateReplacePolicy = dataPolicies(s.Table.Retain)
	b.add(b.id.Table, t)
}

// dataPolicies keep a resource holding data when the stack deletes or
// replaces it, if the spec says retain; else they say Delete explicitly.
func dataPolicies(retain bool) (policies.DeletionPolicy, policies.UpdateReplacePolicy) {
	if retain {
		return "Retain", "Retain"
	}
	return "Delete", "Delete"
}
