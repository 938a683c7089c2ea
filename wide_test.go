package streamgen_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/spec"
)

// wideCase is the golden case of a 200-field spec, written by wideSpec.
const wideCase = "wide-200"

// wideKinds are the field shapes a wide spec cycles through: every type,
// with constraints, a default and a nested object.
var wideKinds = []string{
	"{type: string, required: true, minLength: 1, maxLength: 256}",
	"{type: integer, minimum: 0, maximum: 1000000}",
	"{type: number}",
	"{type: boolean, default: false}",
	"{type: string, enum: [low, mid, high]}",
	"{type: list, items: {type: string}, maxItems: 10}",
	"{type: stringSet}",
	"{type: numberSet}",
	"{type: object, fields: {name: {type: string, required: true}}}",
	"{type: string, pattern: \"^[a-z0-9-]+$\"}",
}

// wideSpec is a valid spec with an id set from the request and n-1 more fields.
func wideSpec(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %d fields: the size limits of the template (go test -run TestGolden -update writes this file).\n", n)
	b.WriteString("version: 1\nname: wide\ntable:\n  partitionKey: id\nfields:\n  id: {type: string, from: requestId}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  field%04d: %s\n", i, wideKinds[i%len(wideKinds)])
	}
	return []byte(b.String())
}

// BenchmarkGenerate measures Generate on wide specs (parsing excluded).
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		s, err := spec.Parse("spec.yaml", wideSpec(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("fields=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				files, err := streamgen.Generate(s)
				if err != nil {
					b.Fatal(err)
				}
				size = 0
				for _, f := range files {
					size += len(f.Data)
				}
			}
			b.ReportMetric(float64(size), "bytes/op-output")
		})
	}
}
