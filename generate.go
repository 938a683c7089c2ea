package streamgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/handlergen"
	"github.com/streamgen/streamgen/internal/version"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/stack"
	"github.com/streamgen/streamgen/templates"
)

// Generate derives every file of a stack from s: template.yaml, README.md,
// the create route's request.vtl and model.json, and the handler's code,
// sorted by path. The same spec always gives the same bytes.
func Generate(s *spec.Spec) ([]genfile.File, error) {
	it := item.New(s)
	// The handler's code does not depend on the stack: it is made on another
	// core meanwhile (both only read it). Buffered, so that an early return
	// lets the goroutine end.
	type result struct {
		files []genfile.File
		err   error
	}
	handlerDone := make(chan result, 1)
	go func() {
		files, err := handlerFiles(it)
		handlerDone <- result{files, err}
	}()
	st, err := stack.Build(it)
	if err != nil {
		return nil, err
	}
	// The models the stack inlines count together: the limit is per API.
	models := len(st.InlinedModel) + len(st.InlinedUpdateModel)
	if err := checkLimits(s, st.LargestMappingTemplate, models, len(st.YAML)); err != nil {
		return nil, err
	}
	readme, err := readme(it, len(st.YAML) > MaxInlineTemplate)
	if err != nil {
		return nil, err
	}
	files := []genfile.File{
		{Path: "template.yaml", Data: st.YAML},
		{Path: "README.md", Data: readme},
	}
	if s.API.Has(spec.Create) { // the create route is what inlines them
		files = append(files,
			genfile.File{Path: "request.vtl", Data: []byte(st.RequestTemplate)},
			genfile.File{Path: "model.json", Data: st.Model})
	}
	handler := <-handlerDone
	if handler.err != nil {
		return nil, handler.err
	}
	files = append(files, handler.files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// Sizes AWS limits what the stack inlines to. KB is read as 1,000 bytes,
// the stricter reading of AWS's tables.
const (
	// "Maximum mapping template size: 300 KB" and "Model size per API:
	// 400 KB", not adjustable (API Gateway, "Quotas for configuring and
	// running a REST API"). The model counts as inlined: compact JSON.
	maxMappingTemplate = 300_000
	maxModel           = 400_000
	// "Template body size in an Amazon S3 object: 1 MB" (CloudFormation
	// quotas); CloudFormation refuses more with "Template may not exceed
	// 1000000 bytes in size".
	maxTemplate = 1_000_000
	// MaxInlineTemplate is "Template body size in a request: 51,200
	// bytes": a larger template deploys from S3 (aws cloudformation deploy
	// --s3-bucket), which the generated README then says.
	MaxInlineTemplate = 51_200
)

// checkLimits refuses a spec whose stack AWS would refuse: a spec error at
// its fields, which make the texts this large.
func checkLimits(s *spec.Spec, mappingTemplateBytes, modelBytes, templateBytes int) error {
	var errs spec.Errors
	add := func(format string, args ...any) {
		errs = append(errs, &spec.Error{File: s.File, Pos: s.FieldsPos, Path: "fields", Msg: fmt.Sprintf(format, args...)})
	}
	if mappingTemplateBytes > maxMappingTemplate {
		add("a mapping template is %d bytes, over API Gateway's %d (maximum mapping template size, 300 KB): use fewer fields", mappingTemplateBytes, maxMappingTemplate)
	}
	if modelBytes > maxModel {
		add("the body models are %d bytes, over API Gateway's %d (model size per API, 400 KB): use fewer fields, enum values or shorter patterns", modelBytes, maxModel)
	}
	if templateBytes > maxTemplate {
		add("template.yaml is %d bytes, over CloudFormation's %d (template body size in an Amazon S3 object, 1 MB): use fewer fields", templateBytes, maxTemplate)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// DeployNote is what to tell the user about deploying files, or "": a
// template over 51,200 bytes deploys only from an S3 bucket.
func DeployNote(files []genfile.File) string {
	for _, f := range files {
		if f.Path == "template.yaml" && len(f.Data) > MaxInlineTemplate {
			return fmt.Sprintf("template.yaml is %d bytes, more than the %d CloudFormation takes inline: deploy it with aws cloudformation deploy --s3-bucket BUCKET (README.md there shows how)", len(f.Data), MaxInlineTemplate)
		}
	}
	return ""
}

// readmeTemplate is parsed when first used: only the commands that generate
// pay for it.
var readmeTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templates.FS, "readme.md.tmpl"))
})

type readmeData struct {
	Name, SpecFile, Path, Stage, View string
	APIKey, IAM                       bool   // how callers authenticate: an API key, SigV4; else not at all
	Version, Module                   string // the generator's; the handler's module path
	Events                            string
	Example                           string // a body that passes the model, quoted for a shell's '...'
	Reject, Retain                    bool
	ToS3, Permissions, Alarms         bool
	Retention, IteratorAge            int
	LogLevel                          string
	Emails                            string // the alarm addresses, for a sentence
	TemplateInS3                      bool   // over 51,200 bytes: deployed from the code bucket
	Create                            bool
	Routes                            string // without create, the routes for a sentence: "read and query"
	Read, Query                       bool   // the routes on the item's address
	Keys                              []exampleKey
	Address                           string // the item's address after $URL, e.g. "/$PK/$SK"
	Update, Delete                    bool
	UpdateExample                     string // an update body that passes the update model, quoted for '...'
}

// exampleKey is a key of the README's read and query examples: its value in
// the example body, quoted for a shell's '...', or where to find it.
type exampleKey struct {
	Var, Name, Value string
	ServerSet        bool
}

// exampleKeys are the key values of it's example body, PK then SK.
func exampleKeys(it *item.Item) []exampleKey {
	var body map[string]json.RawMessage
	_ = json.Unmarshal(it.ExampleBody(), &body) // ExampleBody is a JSON object
	var keys []exampleKey
	for i, k := range it.Keys {
		key := exampleKey{Var: []string{"PK", "SK"}[i], Name: k.Name, ServerSet: k.Presence == item.ServerSet}
		var text string
		if raw, ok := body[k.Name]; ok && json.Unmarshal(raw, &text) != nil {
			text = string(raw) // a number
		}
		key.Value = strings.ReplaceAll(text, "'", `'\''`)
		keys = append(keys, key)
	}
	return keys
}

func readme(it *item.Item, templateInS3 bool) ([]byte, error) {
	s := it.Spec
	events := s.Stream.Events
	data := readmeData{
		Name:     s.Name,
		Version:  version.Generator(),
		Module:   handlergen.ModulePath(s),
		SpecFile: path.Base(strings.ReplaceAll(s.File, `\`, "/")),
		Path:     s.API.Path,
		Stage:    s.API.Stage,
		View:     string(s.Stream.View),
		APIKey:   s.API.Auth == spec.AuthAPIKey,
		IAM:      s.API.Auth == spec.AuthIAM,
		Events:   strings.Join(events, ", "),
		Example:  strings.ReplaceAll(string(it.ExampleBody()), "'", `'\''`),
		Reject:   s.Table.OnDuplicate == spec.Reject,
		Retain:   s.Table.Retain,

		ToS3:        s.Stream.OnFailure == spec.FailToS3,
		Permissions: len(s.Stream.Permissions) > 0,
		Retention:   s.Stream.FailureRetention,
		LogLevel:    s.Stream.LogLevel,

		TemplateInS3: templateInS3,
		Create:       s.API.Has(spec.Create),
		Read:         s.API.Has(spec.Read),
		Query:        s.API.Has(spec.Query),
		Update:       s.API.Has(spec.Update),
		Delete:       s.API.Has(spec.Delete),
		// nil (no Updatable field) is an update body the model refuses: the
		// README then shows none.
		UpdateExample: strings.ReplaceAll(string(it.ExampleUpdate()), "'", `'\''`),
	}
	if !data.Create {
		data.Routes = routeList(s.API.Routes)
	}
	if data.Read || data.Query || data.Update || data.Delete {
		data.Keys = exampleKeys(it)
		for _, k := range data.Keys {
			data.Address += "/$" + k.Var
		}
	}
	if a := s.Alarms; a != nil {
		data.Alarms, data.IteratorAge = true, a.IteratorAge
		data.Emails = strings.Join(a.Email, ", ")
	}
	var buf bytes.Buffer
	if err := readmeTemplate().Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("README.md: %w", err)
	}
	return buf.Bytes(), nil
}

// routeList names routes for a sentence: "read", "read and query",
// "read, query and delete".
func routeList(routes []spec.Route) string {
	names := make([]string, len(routes))
	for i, r := range routes {
		names[i] = string(r)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// handlerFiles is the stream handler's module: its Go code (package handlergen),
// go.mod, go.sum and the runtime's copy.
func handlerFiles(it *item.Item) ([]genfile.File, error) {
	files, err := handlergen.Generate(it)
	if err != nil {
		return nil, fmt.Errorf("handler: %w", err)
	}
	mod, err := handlerModuleFiles(it.Spec)
	if err != nil {
		return nil, err
	}
	return append(files, mod...), nil
}
