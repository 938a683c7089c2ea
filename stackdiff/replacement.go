package stackdiff

// replacingProperties are, per resource type of the stack, the properties
// whose change CloudFormation documents as "Update requires: Replacement"
// (AWS CloudFormation Template Reference). A type or property missing here
// updates in place. DynamoDB key attribute types are handled in tableKeys:
// they live in AttributeDefinitions, which otherwise updates in place.
var replacingProperties = map[string][]string{
	"AWS::DynamoDB::Table":              {"ImportSourceSpecification", "KeySchema", "LocalSecondaryIndexes", "TableName"},
	"AWS::SQS::Queue":                   {"FifoQueue", "QueueName"},
	"AWS::Lambda::Function":             {"FunctionName", "PackageType"},
	"AWS::Lambda::EventSourceMapping":   {"EventSourceArn", "SelfManagedEventSource", "StartingPosition", "StartingPositionTimestamp"},
	"AWS::Lambda::Permission":           {"Action", "EventSourceToken", "FunctionName", "Principal", "SourceAccount", "SourceArn"},
	"AWS::Logs::LogGroup":               {"LogGroupName"},
	"AWS::IAM::Role":                    {"Path", "RoleName"},
	"AWS::ApiGateway::Resource":         {"ParentId", "PathPart", "RestApiId"},
	"AWS::ApiGateway::Method":           {"RestApiId"},
	"AWS::ApiGateway::Model":            {"ContentType", "Name", "RestApiId"},
	"AWS::ApiGateway::RequestValidator": {"Name", "RestApiId"},
	"AWS::ApiGateway::GatewayResponse":  {"ResponseType", "RestApiId"},
	"AWS::ApiGateway::Deployment":       {"DeploymentCanarySettings", "RestApiId"},
	"AWS::ApiGateway::Stage":            {"RestApiId", "StageName"},
	"AWS::ApiGateway::ApiKey":           {"GenerateDistinctId", "Name", "Value"},
	"AWS::ApiGateway::UsagePlanKey":     {"KeyId", "KeyType", "UsagePlanId"},
	"AWS::S3::Bucket":                   {"BucketName"},
	"AWS::S3::BucketPolicy":             {"Bucket"},
	"AWS::SNS::Topic":                   {"FifoTopic", "TopicName"},
	"AWS::SNS::Subscription":            {"Endpoint", "Protocol", "TopicArn"},
	"AWS::CloudWatch::Alarm":            {"AlarmName"},
	"AWS::Logs::MetricFilter":           {"FilterName", "LogGroupName"},
	"AWS::KMS::Key":                     {"MultiRegion"},
}

// The resources whose replacement or removal loses data.
const (
	tableType  = "AWS::DynamoDB::Table"
	queueType  = "AWS::SQS::Queue"
	bucketType = "AWS::S3::Bucket" // the failure bucket
)

func replaces(typ, property string) bool {
	for _, p := range replacingProperties[typ] {
		if p == property {
			return true
		}
	}
	return false
}
