package stack

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
