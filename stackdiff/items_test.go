package stackdiff

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/spec"
)

// withModel is the base template with an API model of the given properties
// (JSON), as gen inlines it.
func withModel(properties string) string {
	return base + fmt.Sprintf(`  StreamerBodyModel:
    Type: AWS::ApiGateway::Model
    Properties:
      ContentType: application/json
      Schema: '{"type":"object","properties":{%s},"additionalProperties":false}'
`, properties)
}

const stored = `"message":{"type":"string"},"count":{"type":"integer"},"price":{"type":"number"},` +
	`"urgent":{"type":"boolean"},"tags":{"type":"array","items":{"type":"string"}},` +
	`"labels":{"type":"array","items":{"type":"string"},"uniqueItems":true},` +
	`"author":{"type":"object","properties":{"name":{"type":"string"},"geo":{"type":"object","properties":{"lat":{"type":"number"}}}}},` +
	`"lines":{"type":"array","items":{"type":"object","properties":{"qty":{"type":"integer"}}}}`

func TestFieldTypeChangesBreakStoredItems(t *testing.T) {
	tests := []struct{ old, new, why string }{
		{`"message":{"type":"string"}`, `"message":{"type":"integer"}`, "field message changes type from string to integer"},
		{`"count":{"type":"integer"}`, `"count":{"type":"string"}`, "field count changes type from integer to string"},
		{`"price":{"type":"number"}`, `"price":{"type":"integer"}`, "field price changes type from number to integer"},
		{`"urgent":{"type":"boolean"}`, `"urgent":{"type":"string"}`, "field urgent changes type from boolean to string"},
		{`"tags":{"type":"array","items":{"type":"string"}}`, `"tags":{"type":"array","items":{"type":"string"},"uniqueItems":true}`,
			"field tags changes type from list to stringSet"},
		{`"tags":{"type":"array","items":{"type":"string"}}`, `"tags":{"type":"array","items":{"type":"integer"}}`,
			"field tags[] changes type from string to integer"},
		{`"labels":{"type":"array","items":{"type":"string"},"uniqueItems":true}`, `"labels":{"type":"array","items":{"type":"number"},"uniqueItems":true}`,
			"field labels changes type from stringSet to numberSet"},
		{`"labels":{"type":"array","items":{"type":"string"},"uniqueItems":true}`, `"labels":{"type":"array","items":{"type":"string"}}`,
			"field labels changes type from stringSet to list"},
		{`"lat":{"type":"number"}`, `"lat":{"type":"string"}`, "field author.geo.lat changes type from number to string"},
		{`"qty":{"type":"integer"}`, `"qty":{"type":"boolean"}`, "field lines[].qty changes type from integer to boolean"},
		{`"author":{"type":"object","properties":{"name":{"type":"string"},"geo":{"type":"object","properties":{"lat":{"type":"number"}}}}}`,
			`"author":{"type":"string"}`, "field author changes type from object to string"},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			changed := strings.Replace(stored, tt.old, tt.new, 1)
			if changed == stored {
				t.Fatalf("model has no %s", tt.old)
			}
			changes := diff(t, withModel(stored), withModel(changed))
			want := []string{tt.why}
			if len(changes) != 1 || changes[0].LogicalID != "StreamerBodyModel" || !reflect.DeepEqual(changes[0].Why, want) {
				t.Fatalf("changes %+v, want StreamerBodyModel with why %q", changes, want)
			}
			if c := changes[0]; !c.Destructive() || c.Kind != Changed || !strings.Contains(c.Loss, "the handler fails on every stream record of such an item") {
				t.Errorf("change %+v: not marked as breaking the stored items", c)
			}
		})
	}
}

func TestItemShapeChangesThatKeepStoredItemsReadable(t *testing.T) {
	for name, changed := range map[string]string{
		"integer becomes number": strings.Replace(stored, `"count":{"type":"integer"}`, `"count":{"type":"number"}`, 1),
		"field removed":          strings.Replace(stored, `"message":{"type":"string"},`, ``, 1),
		"field added":            stored + `,"note":{"type":"integer"}`,
		"constraint added":       strings.Replace(stored, `"message":{"type":"string"}`, `"message":{"type":"string","maxLength":5}`, 1),
		"list element widened":   strings.Replace(stored, `"qty":{"type":"integer"}`, `"qty":{"type":"number"}`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			changes := diff(t, withModel(stored), withModel(changed))
			if len(changes) != 1 || changes[0].Destructive() {
				t.Errorf("changes %+v, want the model changed, nothing lost", changes)
			}
		})
	}
}

// TestServerSetFromTheRequestTemplate: the server-set fields read from the
// request template of every golden case's template are exactly the spec's,
// at every depth, with the type their source stores.
func TestServerSetFromTheRequestTemplate(t *testing.T) {
	cases := 0
	for _, c := range testenv.Cases(t, "../testdata") {
		if c.Rejected {
			continue
		}
		file := c.Spec
		tmpl, err := os.ReadFile(filepath.Join(c.Dir, "template.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		cases++
		s, err := spec.Parse(file, c.Source(t))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		serverFields(s.Fields, "", want)
		resources, err := parseResources(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range resources {
			if r.Type == methodType {
				serverSet(r, "integer", got)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: server-set fields %v, want %v", file, got, want)
		}
	}
	if cases < 10 {
		t.Fatalf("only %d golden cases", cases)
	}
}

// serverFields records the server-set fields of a spec as serverSet does.
func serverFields(fields []*spec.Field, prefix string, kinds map[string]string) {
	for _, f := range fields {
		path := prefix + f.Name
		for f.Type == spec.List {
			f, path = f.Items, path+"[]"
		}
		switch {
		case f.Type == spec.Object:
			serverFields(f.Fields, path+".", kinds)
		case f.From == spec.FromRequestTimeEpoch:
			kinds[path] = "integer"
		case f.ServerSet():
			kinds[path] = "string"
		}
	}
}
