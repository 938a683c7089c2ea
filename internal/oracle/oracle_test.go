package oracle_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/oracle"
	_ "github.com/streamgen/streamgen/internal/testenv" // defines -update, for go test ./... -update
	"github.com/streamgen/streamgen/spec"
)

func contractSpec(t *testing.T) *spec.Spec {
	t.Helper()
	src, err := os.ReadFile("../../examples/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse("contract.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCorpus: the corpus of the contract's own example has at least 60 bodies,
// most of them valid, and every kind of invalid body the contract names.
func TestCorpus(t *testing.T) {
	s := contractSpec(t)
	bodies, err := oracle.Corpus(s)
	if err != nil {
		t.Fatal(err)
	}
	valid := 0
	names := map[string]bool{}
	for _, b := range bodies {
		if names[b.Name] {
			t.Errorf("duplicate body name %s", b.Name)
		}
		names[b.Name] = true
		err := oracle.Check(s, b.JSON)
		if err == nil {
			valid++
		}
		wantInvalid := !strings.HasPrefix(b.Name, "full") && !strings.HasPrefix(b.Name, "minimal") &&
			!strings.HasPrefix(b.Name, "string/") && !strings.HasPrefix(b.Name, "number/") &&
			!strings.HasPrefix(b.Name, "limits/") && !strings.HasPrefix(b.Name, "lists/") && !strings.HasPrefix(b.Name, "sets/") && !strings.HasPrefix(b.Name, "loops/")
		if wantInvalid && err == nil {
			t.Errorf("%s: the contract accepts %.200s", b.Name, b.JSON)
		}
		if !wantInvalid && err != nil {
			t.Errorf("%s: the contract rejects it: %v\n%.300s", b.Name, err, b.JSON)
		}
	}
	t.Logf("%d bodies, %d valid", len(bodies), valid)
	if valid < 60 {
		t.Errorf("only %d valid bodies", valid)
	}
}

func TestItem(t *testing.T) {
	s := contractSpec(t)
	req := oracle.Request{RequestID: "r1", EpochMillis: 42, SourceIP: "ip", UserAgent: "ua"}
	item, err := oracle.Item(s, []byte(`{"message":"a\"b","count":-0,"author":{"name":"n"},"lines":[{"sku":"x"}],"scores":[1.50]}`), req)
	if err != nil {
		t.Fatal(err)
	}
	want := `map[author:map[M:map[name:map[S:n]]] count:map[N:-0] createdAt:map[N:42] id:map[S:r1] lines:map[L:[map[M:map[sku:map[S:x]]]]] message:map[S:a"b] scores:map[NS:[1.50]] status:map[S:new]]`
	if got := fmt.Sprint(item); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for _, bad := range []string{`{}`, `{"message":"x","id":"y"}`, `{"message":"x","count":1.5}`, `{"message":"x","labels":[]}`,
		`{"message":"x","scores":[1,1.0]}`, `{"message":"x","count":9223372036854775808}`, `{"message":"x","author":{}}`, `{"message":"x","status":"old"}`, `{"message":""}`, `{"message":"x","nope":1}`} {
		if _, err := oracle.Item(s, []byte(bad), req); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
