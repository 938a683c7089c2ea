package spec

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: no input panics or hangs; every answer is a valid spec or
// positioned errors in file order.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../examples/*.yaml")
	seeds = append(seeds, "../streamer.yaml", "starter.yaml", "testdata/contract.yaml")
	for _, path := range seeds {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, c := range badSpecs {
		f.Add([]byte(c.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("f.yaml", src)
		if err == nil {
			if s == nil || s.Version != 1 || !ValidName(s.Name) || len(s.Fields) == 0 || s.Field(s.Table.PartitionKey) == nil {
				t.Fatalf("accepted an invalid spec: %+v", s)
			}
			return
		}
		var errs Errors
		if s != nil || !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("want nil and Errors, got %v, %#v", s, err)
		}
		for i, e := range errs {
			if e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" {
				t.Fatalf("error without position or message: %#v", e)
			}
			if i > 0 && (e.Pos.Line < errs[i-1].Pos.Line || e.Pos.Line == errs[i-1].Pos.Line && e.Pos.Col < errs[i-1].Pos.Col) {
				t.Fatalf("errors out of file order: %v", err)
			}
		}
	})
}
