package goname

import (
	"testing"

	_ "github.com/streamgen/streamgen/internal/testenv" // defines -update, for go test ./... -update
)

func TestIdent(t *testing.T) {
	for in, want := range map[string]string{
		"id": "ID", "message": "Message", "createdAt": "CreatedAt", "created_at": "CreatedAt",
		"userId": "UserID", "sourceIp": "SourceIP", "HTTPServer": "HTTPServer", "_": "X", "_1st": "X1st",
		"__x__": "X", "a_b_c": "ABC", "ttl": "TTL",
	} {
		if got := Ident(in); got != want {
			t.Errorf("Ident(%q) = %q, want %q", in, got, want)
		}
	}
}
