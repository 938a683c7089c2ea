package stack

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/iam"

	"github.com/streamgen/streamgen/spec"
)

// statement is one Allow statement of an IAM policy.
type statement struct {
	Actions   []string
	Resources []string
	Condition map[string]map[string]string // nil: none
}

type policyDocument struct {
	Version   string
	Statement []policyStatement
}

type policyStatement struct {
	Effect    string
	Principal map[string]string `json:",omitempty"`
	Action    []string
	Resource  []string                     `json:",omitempty"`
	Condition map[string]map[string]string `json:",omitempty"`
}

func policy(statements ...statement) policyDocument {
	doc := policyDocument{Version: "2012-10-17"}
	for _, s := range statements {
		doc.Statement = append(doc.Statement, policyStatement{Effect: "Allow", Action: s.Actions, Resource: s.Resources, Condition: s.Condition})
	}
	return doc
}

// assumeRole lets the given AWS service assume a role.
func assumeRole(service string) policyDocument {
	return policyDocument{
		Version: "2012-10-17",
		Statement: []policyStatement{{
			Effect:    "Allow",
			Principal: map[string]string{"Service": service},
			Action:    []string{"sts:AssumeRole"},
		}},
	}
}

// routeRole adds the role a route's integration assumes: allowed exactly
// the route's DynamoDB action on exactly this table, so a route can do
// nothing another route does.
func (b *builder) routeRole(r spec.Route, action string) {
	b.add(b.id.Role(r), &iam.Role{
		AssumeRolePolicyDocument: assumeRole("apigateway.amazonaws.com"),
		Policies: []iam.Role_Policy{{
			PolicyName: action,
			PolicyDocument: policy(statement{
				Actions:   []string{"dynamodb:" + action},
				Resources: []string{cloudformation.GetAtt(b.id.Table, "Arn")},
			}),
		}},
		Tags: b.tags(),
	})
}
