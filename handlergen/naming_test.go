package handlergen

import (
	"bytes"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
)

// goFields maps each struct of generated code to its fields: JSON name ->
// Go name.
func goFields(t *testing.T, src []byte) map[string]map[string]string {
	t.Helper()
	structs := map[string]map[string]string{}
	var current map[string]string
	for _, line := range strings.Split(string(src), "\n") {
		if m := regexp.MustCompile(`^type (\w+) struct`).FindStringSubmatch(line); m != nil {
			current = map[string]string{}
			structs[m[1]] = current
		} else if m := regexp.MustCompile(`^\t(\w+) .*json:"([^",]+)`).FindStringSubmatch(line); m != nil && current != nil {
			current[m[2]] = m[1]
		} else if line == "}" {
			current = nil
		}
	}
	return structs
}

// Every Go name depends on the spec only: reordering fields, at any depth,
// changes no field's nor type's name, and the output is the same on every run.
func TestNamesDoNotDependOnOrder(t *testing.T) {
	first, err := Item(item.New(wideSpec()), "main", RuntimeImport(wideSpec()), true)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Item(item.New(wideSpec()), "main", RuntimeImport(wideSpec()), true)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("two runs differ (%v)", err)
	}
	want := goFields(t, first)
	for _, check := range []struct{ json, goName string }{
		{"user_id", "UserID_user_id"}, {"userId", "UserID_userId"}, // siblings that collide: both spelt out
		{"_", "X"}, {"message", "Message"}, {"createdAt", "CreatedAt"},
	} {
		if got := want["Item"][check.json]; got != check.goName {
			t.Errorf("Go name of %s: %s, want %s", check.json, got, check.goName)
		}
	}
	for _, typ := range []string{"Item_4item", "Author", "AuthorAddress", "LinesItem"} {
		if want[typ] == nil {
			t.Errorf("no type %s; types: %v", typ, want)
		}
	}
	s := wideSpec()
	for i := range 6 {
		if i%2 == 0 {
			reverse(s.Fields)
		} else {
			rotate(s.Fields)
		}
		got, err := Item(item.New(s), "main", RuntimeImport(s), true)
		if err != nil {
			t.Fatal(err)
		}
		if names := goFields(t, got); !reflect.DeepEqual(names, want) {
			t.Fatalf("after reordering the fields, Go names:\n%v\nwant:\n%v", names, want)
		}
	}
}

func reverse(fields []*spec.Field) {
	slices.Reverse(fields)
	for _, f := range fields {
		if f.Type == spec.Object {
			reverse(f.Fields)
		}
	}
}

func rotate(fields []*spec.Field) {
	first := fields[0]
	copy(fields, fields[1:])
	fields[len(fields)-1] = first
}

// A sibling added next to a field, before or after it, never takes the
// field's Go name: code that used the name stops compiling instead of
// silently reading another attribute.
func TestAddedSiblingNeverTakesAName(t *testing.T) {
	msg := func(names ...string) *spec.Spec {
		s := seedSpec(t)
		for _, name := range names {
			s.Fields = append(s.Fields, field(name, spec.String))
		}
		return s
	}
	before, err := Item(item.New(msg("Msg")), "main", RuntimeImport(msg("Msg")), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := goFields(t, before)["Item"]["Msg"]; got != "Msg" {
		t.Fatalf("Go name of Msg alone: %s", got)
	}
	for _, order := range [][]string{{"msg", "Msg"}, {"Msg", "msg"}} {
		src, err := Item(item.New(msg(order...)), "main", RuntimeImport(msg(order...)), true)
		if err != nil {
			t.Fatal(err)
		}
		names := goFields(t, src)["Item"]
		if names["msg"] != "Msg_msg" || names["Msg"] != "Msg_Msg" {
			t.Errorf("fields %v: Go names %v, want msg -> Msg_msg, Msg -> Msg_Msg", order, names)
		}
	}
}

// A goName is the field's Go name and, for an object, names its struct as
// a derived Go name would; a sibling without one that collides stays spelt
// out, so that it never takes the Go name the other field had.
func TestGoNameWins(t *testing.T) {
	named := func(name string) func(*spec.Field) { return func(f *spec.Field) { f.GoName = name } }
	s := seedSpec(t)
	s.Fields = append(s.Fields,
		field("msg", spec.String, named("Body")),
		field("Msg", spec.String),
		field("by", spec.Object, named("Author"), fields(
			field("home", spec.Object, named("Address"), fields(field("city", spec.String))),
			field("e_mail", spec.String, named("Mail")))),
		field("refs", spec.List, named("Links"), items(field("", spec.Object, fields(field("url", spec.String, named("Target")))))),
		field("meta", spec.Object, named("Item"), fields(field("rev", spec.Integer))),
	)
	src, err := Item(item.New(s), "main", RuntimeImport(s), true)
	if err != nil {
		t.Fatal(err)
	}
	got := goFields(t, src)
	want := map[string]map[string]string{
		"Item":          {"msg": "Body", "Msg": "Msg_Msg", "by": "Author", "refs": "Links", "meta": "Item"},
		"Author":        {"home": "Address", "e_mail": "Mail"},
		"AuthorAddress": {"city": "City"},
		"LinksItem":     {"url": "Target"},
		"Item_4meta":    {"rev": "Rev"},
	}
	for typ, fields := range want {
		for json, goName := range fields {
			if got[typ][json] != goName {
				t.Errorf("%s.%s: Go name %q, want %q; structs: %v", typ, json, got[typ][json], goName, got)
			}
		}
	}
}

func TestPathIdentIsOneToOne(t *testing.T) {
	seen := map[string]string{}
	for _, path := range []string{"item", "a_b.c", "a.b_c", "a_.b", "a._b", "lines[]", "lines[][]", "lines[].x",
		"linesItem", "a1.b", "a.1b", "abcdefghij.k", "abcdefghijk"} {
		id := pathIdent(path)
		if other, ok := seen[id]; ok {
			t.Errorf("%s and %s both give %s", other, path, id)
		}
		seen[id] = path
		if !regexp.MustCompile(`^\w+$`).MatchString(id) {
			t.Errorf("%s gives %q, not identifier characters", path, id)
		}
	}
	if got := pathIdent("a_b.c"); got != "3a_b1c" {
		t.Errorf("pathIdent(a_b.c) = %s", got)
	}
}

// Objects whose type names would meet get their paths spelt out, both of
// them, whatever the order.
func TestCollidingTypeNames(t *testing.T) {
	obj := func(name string, children ...*spec.Field) *spec.Field {
		return field(name, spec.Object, fields(children...))
	}
	s := seedSpec(t)
	s.Fields = append(s.Fields,
		obj("a_b", obj("c", field("x", spec.String))),
		obj("a", obj("b_c", field("y", spec.String))),
		obj("ABC", field("z", spec.String)),
	)
	for range 2 {
		src, err := Item(item.New(s), "main", RuntimeImport(s), true)
		if err != nil {
			t.Fatal(err)
		}
		types := goFields(t, src)
		for name, field := range map[string]string{"ABC_3a_b1c": "x", "ABC_1a3b_c": "y", "ABC_3ABC": "z", "AB": "c", "A": "b_c"} {
			if _, ok := types[name][field]; !ok {
				t.Errorf("no type %s with field %s; types: %v", name, field, types)
			}
		}
		reverse(s.Fields)
	}
}
