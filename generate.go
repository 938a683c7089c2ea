package streamgen

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"
	"text/template"

	"github.com/streamgen/streamgen/gocode"
	"github.com/streamgen/streamgen/internal/version"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/stack"
	"github.com/streamgen/streamgen/templates"
	"github.com/streamgen/streamgen/vtl"
)

// Generate derives every file of a stack from s: template.yaml, request.vtl,
// model.json, README.md and the handler's code, sorted by path. The same spec
// always gives the same bytes.
func Generate(s *spec.Spec) ([]File, error) {
	m, err := mappingOf(s)
	if err != nil {
		return nil, err
	}
	tmpl, err := stack.YAML(s, m)
	if err != nil {
		return nil, err
	}
	readme, err := readme(s, len(tmpl))
	if err != nil {
		return nil, err
	}
	files := []File{
		{Path: "template.yaml", Data: tmpl},
		{Path: "request.vtl", Data: []byte(m.RequestTemplate)},
		{Path: "model.json", Data: []byte(m.Model)},
		{Path: "README.md", Data: readme},
	}
	handler, err := handlerFiles(s)
	if err != nil {
		return nil, err
	}
	files = append(files, handler...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

var readmeTemplate = template.Must(template.ParseFS(templates.FS, "readme.md.tmpl"))

type readmeData struct {
	Name, SpecFile, Path, Stage, View, Auth string
	Version, Module                         string // the generator's; the handler's module path
	Events                                  string
	Example                                 string // a body that passes the model, quoted for a shell's '...'
	Reject, Retain                          bool
	ToS3, Permissions, Alarms               bool
	Retention, IteratorAge                  int
	LogLevel                                string
	Emails                                  string // the alarm addresses, for a sentence
	// LargeTemplate: over the 51,200 bytes `aws cloudformation deploy`
	// takes inline, so the recipe has it upload the template to S3.
	LargeTemplate bool
}

// maxInlineTemplate is the largest template CloudFormation takes in the
// request rather than from S3 (CloudFormation quotas, "Template body size
// in a request").
const maxInlineTemplate = 51200

func readme(s *spec.Spec, templateBytes int) ([]byte, error) {
	events := s.Stream.Events
	data := readmeData{
		Name:     s.Name,
		Version:  version.Generator(),
		Module:   gocode.ModulePath(s),
		SpecFile: path.Base(strings.ReplaceAll(s.File, `\`, "/")),
		Path:     s.API.Path,
		Stage:    s.API.Stage,
		View:     s.Stream.View,
		Auth:     string(s.API.Auth),
		Events:   strings.Join(events, ", "),
		Example:  strings.ReplaceAll(string(exampleBody(s.Fields)), "'", `'\''`),
		Reject:   s.Table.OnDuplicate == spec.Reject,
		Retain:   s.Table.Retain,

		ToS3:        s.Stream.OnFailure == spec.FailToS3,
		Permissions: len(s.Stream.Permissions) > 0,
		Retention:   s.Stream.FailureRetention,
		LogLevel:    s.Stream.LogLevel,

		LargeTemplate: templateBytes > maxInlineTemplate,
	}
	if a := s.Alarms; a != nil {
		data.Alarms, data.IteratorAge = true, a.IteratorAge
		data.Emails = strings.Join(a.Email, ", ")
	}
	var buf bytes.Buffer
	if err := readmeTemplate.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("README.md: %w", err)
	}
	return buf.Bytes(), nil
}

// mappingOf is the text the API inlines, from packages vtl and schema.
func mappingOf(s *spec.Spec) (stack.Mapping, error) {
	request, err := vtl.Request(s, stack.TableRef(s))
	if err != nil {
		return stack.Mapping{}, fmt.Errorf("request.vtl: %w", err)
	}
	responses, err := vtl.Responses(s)
	if err != nil {
		return stack.Mapping{}, fmt.Errorf("integration responses: %w", err)
	}
	model, err := schema.Model(s)
	if err != nil {
		return stack.Mapping{}, fmt.Errorf("model.json: %w", err)
	}
	m := stack.Mapping{RequestTemplate: request, Model: string(model), MethodStatuses: vtl.MethodStatusCodes}
	for _, r := range responses {
		m.Responses = append(m.Responses, stack.Response{SelectionPattern: r.SelectionPattern, StatusCode: r.StatusCode, Template: r.Template})
	}
	for _, g := range vtl.GatewayResponses {
		m.GatewayResponses = append(m.GatewayResponses, stack.GatewayResponse{Type: g.Type, StatusCode: g.StatusCode, Template: g.Template})
	}
	return m, nil
}

// handlerFiles is the stream handler's module: its Go code (package gocode),
// go.mod, go.sum and the runtime's copy.
func handlerFiles(s *spec.Spec) ([]File, error) {
	files, err := gocode.Generate(s)
	if err != nil {
		return nil, fmt.Errorf("handler: %w", err)
	}
	out := make([]File, len(files))
	for i, f := range files {
		out[i] = File{Path: f.Path, Data: f.Data, UserOwned: f.UserOwned}
	}
	mod, err := handlerModuleFiles(s)
	if err != nil {
		return nil, err
	}
	return append(out, mod...), nil
}
