package handler

import "os"

// Stack names the resources of the handler's own stack, from the variables
// the generated stack (and gen local) gives the function.
type Stack struct {
	Name          string // STREAMGEN_NAME: the spec's name
	TableName     string // STREAMGEN_TABLE_NAME: the DynamoDB table
	TableArn      string // STREAMGEN_TABLE_ARN
	FailureBucket string // STREAMGEN_FAILURE_BUCKET: with onFailure s3 (gen local: the failure folder)
	FailureQueue  string // STREAMGEN_FAILURE_QUEUE: with onFailure sqs, the queue's URL (gen local: its JSON lines file)
	AlarmTopicArn string // STREAMGEN_ALARM_TOPIC: with alarms
}

// StackFromEnv reads Stack from the environment; a name the stack does not
// set is "".
func StackFromEnv() Stack {
	return Stack{
		Name:          os.Getenv("STREAMGEN_NAME"),
		TableName:     os.Getenv("STREAMGEN_TABLE_NAME"),
		TableArn:      os.Getenv("STREAMGEN_TABLE_ARN"),
		FailureBucket: os.Getenv("STREAMGEN_FAILURE_BUCKET"),
		FailureQueue:  os.Getenv("STREAMGEN_FAILURE_QUEUE"),
		AlarmTopicArn: os.Getenv("STREAMGEN_ALARM_TOPIC"),
	}
}
