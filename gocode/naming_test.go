package gocode

import (
	"bytes"
	"regexp"
	"testing"
)

func TestGoIdent(t *testing.T) {
	for in, want := range map[string]string{
		"id": "ID", "message": "Message", "createdAt": "CreatedAt", "created_at": "CreatedAt",
		"userId": "UserID", "sourceIp": "SourceIP", "HTTPServer": "HTTPServer", "_": "X", "_1st": "X1st",
		"__x__": "X", "a_b_c": "ABC", "ttl": "TTL",
	} {
		if got := goIdent(in); got != want {
			t.Errorf("goIdent(%q) = %q, want %q", in, got, want)
		}
	}
}

// Names that collide once turned into Go get numbered, in spec order, and
// the output is the same on every run.
func TestNamesAreUniqueAndStable(t *testing.T) {
	first, err := Item(wideSpec(), "main", true)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := Item(wideSpec(), "main", true)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("two runs differ")
		}
	}
	src := string(first)
	for _, want := range []string{
		`UserID +\*string +.json:"user_id,omitzero"`, `UserID2 +\*string +.json:"userId,omitzero"`,
		`Item +\*Item2 `, `type Item2 struct`, // a field named item next to the Item type
		`X +\*string +.json:"_,omitzero"`,
		`type AuthorAddress struct`, `type LinesItem struct`,
	} {
		if !regexp.MustCompile(want).MatchString(src) {
			t.Errorf("generated code lacks %s", want)
		}
	}
}
