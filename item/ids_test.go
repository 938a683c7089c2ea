package item

import (
	"testing"

	"github.com/streamgen/streamgen/spec"
)

func TestPascal(t *testing.T) {
	for in, want := range map[string]string{"streamer": "Streamer", "my-app": "MyApp", "a-1-b": "A1B", "x9": "X9"} {
		if got := pascal(in); got != want {
			t.Errorf("pascal(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRouteIDs: create keeps the IDs it always had; the other routes'
// methods and roles are named by the route, from the spec's name only.
func TestRouteIDs(t *testing.T) {
	id := newIDs("my-notes")
	for _, c := range []struct{ got, want string }{
		{id.Method(spec.Create), "MyNotesPostMethod"},
		{id.Role(spec.Create), "MyNotesPutItemRole"},
		{id.Method(spec.Read), "MyNotesReadMethod"},
		{id.Role(spec.Query), "MyNotesQueryRole"},
		{id.Method(spec.Delete), "MyNotesDeleteMethod"},
		{id.KeyPath, "MyNotesKeyPath"},
		{id.SortKeyOptionsMethod, "MyNotesSortKeyOptionsMethod"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}
