package streamgen

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/spec"
)

// TestCheckLimits: each size AWS limits is refused one byte over, with the
// limit named, at the spec's fields; at the limit it passes.
func TestCheckLimits(t *testing.T) {
	s := &spec.Spec{File: "s.yaml", FieldsPos: spec.Pos{Line: 4, Col: 1}}
	if err := checkLimits(s, maxMappingTemplate, maxModel, maxTemplate); err != nil {
		t.Errorf("at the limits: %v", err)
	}
	for _, c := range []struct {
		request, model, template int
		want                     string
	}{
		{maxMappingTemplate + 1, 0, 0, "s.yaml:4:1: fields: a mapping template is 300001 bytes, over API Gateway's 300000 (maximum mapping template size, 300 KB)"},
		{0, maxModel + 1, 0, "s.yaml:4:1: fields: the body models are 400001 bytes, over API Gateway's 400000 (model size per API, 400 KB)"},
		{0, 0, maxTemplate + 1, "s.yaml:4:1: fields: template.yaml is 1000001 bytes, over CloudFormation's 1000000 (template body size in an Amazon S3 object, 1 MB)"},
	} {
		err := checkLimits(s, c.request, c.model, c.template)
		var errs spec.Errors
		if !errors.As(err, &errs) || len(errs) != 1 || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("got %v\nwant %s...", err, c.want)
		}
	}
}

// TestGenerateRefusesOverLimits: specs whose request template or model API
// Gateway would refuse are spec errors of Generate, not stacks that fail
// at deploy time.
func TestGenerateRefusesOverLimits(t *testing.T) {
	var wide strings.Builder
	wide.WriteString("version: 1\nname: w\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&wide, "  field%04d: {type: object, fields: {name: {type: string, required: true}, n: {type: number}}}\n", i)
	}
	values := make([]string, 40000)
	for i := range values {
		values[i] = fmt.Sprintf("value%06d", i)
	}
	enum := "version: 1\nname: e\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n  kind: {type: string, enum: [" + strings.Join(values, ", ") + "]}\n"
	for name, c := range map[string]struct{ file, src, want string }{
		"3000 fields": {"w.yaml", wide.String(), "w.yaml:4:1: fields: a mapping template is "},
		"huge enum":   {"e.yaml", enum, "e.yaml:4:1: fields: the body models are "},
	} {
		s, err := spec.Parse(c.file, []byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files, err := Generate(s)
		var errs spec.Errors
		if files != nil || !errors.As(err, &errs) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %d files, error %.200v", name, len(files), err)
		}
	}
}

// TestModelsCountTogether: API Gateway's model limit is per API, so the
// update route's model adds to create's: fields whose create model alone
// (or update's alone) fits are refused with both routes.
func TestModelsCountTogether(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nname: m\napi: {auth: api_key, routes: ROUTES}\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "  f%03d: {type: string, pattern: '^%s$'}\n", i, strings.Repeat("ab", 1200))
	}
	for routes, want := range map[string]string{"[create]": "", "[update]": "", "[create, update]": "m.yaml:5:1: fields: the body models are "} {
		s, err := spec.Parse("m.yaml", []byte(strings.Replace(b.String(), "ROUTES", routes, 1)))
		if err != nil {
			t.Fatalf("%s: %v", routes, err)
		}
		_, err = Generate(s)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", routes, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%s: error %.200v, want %s...", routes, err, want)
		}
	}
}
