// Command runtimehandler is a Lambda handler for the Runtime API tests: what
// it does depends on the event's "do" field.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Do string `json:"do"`
}

func handle(ctx context.Context, e event) (map[string]any, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	fmt.Printf("invoked %s do=%s fn=%s mem=%s\n", lc.AwsRequestID, e.Do, os.Getenv("AWS_LAMBDA_FUNCTION_NAME"), os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"))
	switch e.Do {
	case "error":
		return nil, errors.New("asked to fail")
	case "crash":
		os.Exit(3)
	case "sleep":
		time.Sleep(10 * time.Second)
	case "panic":
		panic("asked to panic")
	}
	return map[string]any{"arn": lc.InvokedFunctionArn, "deadlineInFuture": time.Until(deadline) > 0}, nil
}

func main() {
	lambda.Start(handle)
}
