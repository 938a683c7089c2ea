package local

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

func TestCheckNumber(t *testing.T) {
	for _, c := range []struct {
		text string
		ok   bool
	}{
		{"0", true}, {"-0.000", true}, {"1.5", true}, {"-1e125", true}, {"9.99e125", true},
		{"1e126", false}, {"10e125", false}, {"1e-130", true}, {"0.1e-129", true}, {"0.01e-129", false},
		{"1e-131", false}, {"12345678901234567890123456789012345678", true},
		{"123456789012345678901234567890123456789", false}, {"1234567890123456789012345678901234567800000", true},
		{"0." + strings.Repeat("0", 129) + "1", true}, {"-0." + strings.Repeat("0", 130) + "1", false},
	} {
		if err := checkNumber(c.text); (err == nil) != c.ok {
			t.Errorf("checkNumber(%s) = %v, want ok=%v", c.text, err, c.ok)
		}
	}
}

// keySpec has a partition and a sort key given by the body, and a note.
const keySpec = "version: 1\nname: k\ntable: {partitionKey: pk, sortKey: sk}\nfields:\n  pk: {type: string, required: true}\n  sk: {type: string, required: true}\n  note: {type: string}\n"

func TestAttributeSize(t *testing.T) {
	for _, c := range []struct {
		value string
		want  int
	}{
		{`{"S":"é\"\\"}`, 4}, // UTF-8 bytes of the string, not of its JSON
		{`{"N":"123.4500"}`, 4}, {`{"N":"-0.001"}`, 2}, {`{"N":"1e100"}`, 2}, {`{"N":"0"}`, 1},
		{`{"BOOL":true}`, 1}, {`{"NULL":true}`, 1},
		{`{"SS":["ab","c"]}`, 3}, {`{"NS":["10","200"]}`, 4},
		{`{"L":[]}`, 3}, {`{"L":[{"S":"ab"},{"BOOL":false}]}`, 3 + 1 + 2 + 1 + 1},
		{`{"M":{"key":{"S":"v"}}}`, 3 + 1 + 3 + 1},
	} {
		var v any
		if err := json.Unmarshal([]byte(c.value), &v); err != nil {
			t.Fatal(err)
		}
		if got := attributeSize(v); got != c.want {
			t.Errorf("%s: %d bytes, want %d", c.value, got, c.want)
		}
	}
}

// TestRefusedSizes: the item and key limits apply to the sizes DynamoDB
// counts, to the byte.
func TestRefusedSizes(t *testing.T) {
	s, err := spec.Parse("k.yaml", []byte(keySpec))
	if err != nil {
		t.Fatal(err)
	}
	stored := func(pk, sk, note string) Item {
		it := Item{}
		for name, v := range map[string]string{"pk": pk, "sk": sk, "note": note} {
			it[name], _ = json.Marshal(map[string]string{"S": v})
		}
		return it
	}
	// names pk, sk, note: 8 bytes; a 1-byte pk and sk leave 409,590 for the note
	room := maxItemSize - 8 - 2
	for _, c := range []struct {
		name   string
		item   Item
		refuse bool
	}{
		{"400 KB of quotes (800 KB as JSON)", stored("a", "b", strings.Repeat(`"`, room)), false},
		{"one byte over 400 KB", stored("a", "b", strings.Repeat(`"`, room+1)), true},
		{"partition key of 2048 bytes", stored(strings.Repeat("é", 1024), "b", ""), false},
		{"partition key of 2049 bytes", stored(strings.Repeat("é", 1024)+"x", "b", ""), true},
		{"sort key of 1024 bytes", stored("a", strings.Repeat("x", 1024), ""), false},
		{"sort key of 1025 bytes", stored("a", strings.Repeat("x", 1025), ""), true},
	} {
		if err := refused(item.New(s), c.item); (err != nil) != c.refuse {
			t.Errorf("%s: refused: %v", c.name, err)
		}
	}
}
