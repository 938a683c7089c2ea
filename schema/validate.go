package schema

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/streamgen/streamgen/spec"
)

// Validator checks request bodies against a spec's model, as the deployed
// API's request validator does.
type Validator struct {
	schema *jsonschema.Schema
}

// NewValidator compiles the model of s with a draft-04 validator.
func NewValidator(s *spec.Spec) (*Validator, error) {
	model, err := Model(s)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(model))
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	const url = "model.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return &Validator{schema: sch}, nil
}

// maxProblems is how many problems a message lists.
const maxProblems = 5

// Validate returns nil when the model accepts body, else an error whose
// message says what is wrong and where, for a 400 answer. An empty body is an
// empty object, as API Gateway's mapping template sees it.
func (v *Validator) Validate(body []byte) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	err = v.schema.Validate(doc)
	var verr *jsonschema.ValidationError
	if err == nil || !errors.As(err, &verr) {
		return err
	}
	var problems []string
	for _, unit := range verr.BasicOutput().Errors {
		if unit.Error != nil && len(unit.Errors) == 0 {
			problems = append(problems, fmt.Sprintf("at %s: %s", where(unit.InstanceLocation), unit.Error))
		}
	}
	sort.Strings(problems)
	if len(problems) > maxProblems {
		problems = append(problems[:maxProblems], fmt.Sprintf("and %d more", len(problems)-maxProblems))
	}
	return errors.New(strings.Join(problems, "; "))
}

// where names a location in the body: "/" for the body itself.
func where(instanceLocation string) string {
	if instanceLocation == "" {
		return "/"
	}
	return instanceLocation
}
