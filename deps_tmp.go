package streamgen

import (
	_ "github.com/aws/aws-lambda-go/events"
	_ "github.com/aws/aws-lambda-go/lambda"
	_ "github.com/awslabs/goformation/v7"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/urfave/cli/v2"
	_ "go.etcd.io/bbolt"
	_ "gopkg.in/yaml.v3"
)
