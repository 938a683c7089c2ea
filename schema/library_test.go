package schema

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/streamgen/streamgen/internal/oracle"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// library is the model of s compiled by santhosh-tekuri/jsonschema, the
// draft-04 validator Validator is held to.
func library(t *testing.T, s *spec.Spec) *jsonschema.Schema {
	t.Helper()
	model, err := Model(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	return testenv.Draft4(t, model)
}

// libraryProblems is Validate's answer with the library in place of
// Validator's keywords: the same checks of the text first, then every leaf
// problem the library reports as "at LOCATION: message", sorted, the first
// five. Bounds are exact decimals, as Validate writes them, and additional
// properties are named in sorted order (the library lists them in map order).
func libraryProblems(sch *jsonschema.Schema, body []byte) error {
	doc, err := readBody(body, func(b []byte) (any, error) { return jsonschema.UnmarshalJSON(bytes.NewReader(b)) })
	if err != nil {
		return err
	}
	err = sch.Validate(doc)
	var verr *jsonschema.ValidationError
	if err == nil || !errors.As(err, &verr) {
		return err
	}
	var problems []string
	for _, unit := range verr.BasicOutput().Errors {
		if unit.Error == nil || len(unit.Errors) > 0 {
			continue
		}
		msg := unit.Error.String()
		switch k := unit.Error.Kind.(type) {
		case *kind.AdditionalProperties:
			sort.Strings(k.Properties)
			msg = unit.Error.String()
		case *kind.Minimum:
			msg = fmt.Sprintf("minimum: got %s, want at least %s", decimal(k.Got), decimal(k.Want))
		case *kind.Maximum:
			msg = fmt.Sprintf("maximum: got %s, want at most %s", decimal(k.Got), decimal(k.Want))
		}
		problems = append(problems, fmt.Sprintf("at %s: %s", where(unit.InstanceLocation), msg))
	}
	return joinProblems(problems)
}

// librarySpecs are the golden cases that generate, the seed and the
// contract's example.
func librarySpecs(t *testing.T) map[string]*spec.Spec {
	t.Helper()
	paths, err := filepath.Glob("../testdata/*/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, "../streamer.yaml", "../examples/contract.yaml")
	specs := map[string]*spec.Spec{}
	for _, path := range paths {
		s, err := spec.ReadFile(path)
		if err != nil {
			if _, statErr := os.Stat(filepath.Join(filepath.Dir(path), "error.txt")); statErr == nil {
				continue // a bad spec of the golden cases
			}
			t.Fatalf("%s: %v", path, err)
		}
		specs[path] = s
	}
	return specs
}

// extraBodies are bodies beyond the corpus: several problems at once, more
// than five, bodies that are not JSON or not Unicode.
var extraBodies = []string{
	``, ` `, `not json`, `{} x`, `{"a":1}{}`, `[]`, `null`, `"s"`, `1.5`, `{}`, "{\"a\":\"\xff\"}", `{"a":"\ud800"}`,
	`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}`,
	`{"~a/b":1,"it's":2,"q\"":3,"\u2028":4}`,
}

// TestUpdateValidatorIsTheLibrary holds the update model's validator to the
// library as TestValidatorIsTheLibrary does, with bodies of nulls and
// enum values besides.
func TestUpdateValidatorIsTheLibrary(t *testing.T) {
	for path, s := range librarySpecs(t) {
		t.Run(filepath.Base(filepath.Dir(path)), func(t *testing.T) {
			it := item.New(s)
			v, err := NewUpdateValidator(it)
			if err != nil {
				t.Fatal(err)
			}
			model, err := UpdateModel(it)
			if err != nil {
				t.Fatal(err)
			}
			var extra [][]byte
			for _, f := range s.Fields {
				for _, value := range []string{`null`, `"new"`, `"x"`, `1`} {
					extra = append(extra, []byte(fmt.Sprintf("{%q:%s}", f.Name, value)))
				}
			}
			holdToLibrary(t, s, v, testenv.Draft4(t, model), extra)
		})
	}
}

// holdToLibrary compares v with the library's sch on every corpus body of
// s, the extra bodies and extraBodies, and bodies wrong everywhere.
func holdToLibrary(t *testing.T, s *spec.Spec, v *Validator, sch *jsonschema.Schema, extra [][]byte) {
	t.Helper()
	corpus, err := oracle.Corpus(s)
	if err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	for _, b := range corpus {
		bodies = append(bodies, b.JSON)
	}
	for _, b := range extraBodies {
		bodies = append(bodies, []byte(b))
	}
	bodies = append(append(bodies, wrongEverywhere(s)...), extra...)
	for _, body := range bodies {
		got, want := v.Validate(body), libraryProblems(sch, body)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("body %.300s:\n  validator: %v\n  library:   %v", body, got, want)
		}
	}
}

// TestValidatorIsTheLibrary holds Validator to the library, message for
// message, on every corpus body of every case, and on bodies with every
// field wrong at once.
func TestValidatorIsTheLibrary(t *testing.T) {
	specs := librarySpecs(t)
	if len(specs) < 10 {
		t.Fatalf("only %d specs", len(specs))
	}
	for path, s := range specs {
		t.Run(filepath.Base(filepath.Dir(path)), func(t *testing.T) {
			v, err := NewValidator(item.New(s))
			if err != nil {
				t.Fatal(err)
			}
			holdToLibrary(t, s, v, library(t, s), nil)
		})
	}
}

// wrongEverywhere gives every top-level field of s each kind of wrong value
// at once, and long arrays, for bodies with many problems.
func wrongEverywhere(s *spec.Spec) [][]byte {
	long := make([]string, 30)
	for i := range long {
		long[i] = fmt.Sprint(i % 25)
	}
	nums := "[" + strings.Join(long, ",") + "]"
	strs := `["` + strings.Join(long, `","`) + `"]`
	var out [][]byte
	for _, value := range []string{`null`, `true`, `"x"`, `""`, `-1`, `0`, `1.5`, `1e400`, `-1e400`, `9223372036854775808`,
		`123456789.125`, `1.0`, `1.0000000000000000001`, `[]`, `[1,1]`, `["a","a"]`, `[1.0,1]`, `[[1],[1.0]]`,
		`[{"a":1},{"a":1.0}]`, nums, strs, `{}`, `{"x":1}`} {
		var b strings.Builder
		b.WriteString("{")
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%s", f.Name, value)
		}
		b.WriteString("}")
		out = append(out, []byte(b.String()))
	}
	return out
}
