package local

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
)

// recordsHandler logs every record it gets, its images as the generated
// item_gen.go decodes them.
const recordsHandler = `package main

import "context"

func process(ctx context.Context, rec *Record) error {
	rec.Logger().Info("record", "keys", rec.Keys, "new", rec.NewImage, "old", rec.OldImage)
	return nil
}
`

// handled is one record the handler logged: its event name and images as
// JSON ("null" when the record has none).
type handled struct{ event, keys, newImage, oldImage string }

func (g *genLocal) handled() []handled {
	var out []handled
	for _, rest := range g.handlerLines() {
		var entry struct {
			Msg            string
			EventName      string `json:"event_name"`
			Keys, New, Old json.RawMessage
		}
		if json.Unmarshal([]byte(rest), &entry) == nil && entry.Msg == "record" {
			out = append(out, handled{entry.EventName, string(entry.Keys), string(entry.New), string(entry.Old)})
		}
	}
	return out
}

// waitHandled waits for n records, then a moment for any extra.
func (g *genLocal) waitHandled(n int) []handled {
	g.t.Helper()
	g.waitCount("record", n)
	return g.handled()
}

// call sends method to the API's path below g.url with the api key, if any.
func (g *genLocal) call(method, path, body string) (int, string) {
	g.t.Helper()
	req, err := http.NewRequest(method, g.url+path, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if g.apiKey != "" {
		req.Header.Set("x-api-key", g.apiKey)
	}
	return g.do(req)
}

// routesOut generates specFile into its own folder with recordsHandler as
// main.go, and returns the spec's path there.
func (e *e2e) routesOut(t *testing.T, name string, spec []byte) string {
	t.Helper()
	dir := filepath.Join(e.work, name)
	testenv.WriteFile(t, filepath.Join(dir, "spec.yaml"), spec)
	e.generate(t, name+"/spec.yaml", name+"/out")
	testenv.WriteFile(t, filepath.Join(dir, "out/handler/main.go"), []byte(recordsHandler))
	return name + "/spec.yaml"
}

// TestGenLocalRoutes: every route through gen local, and the real handler
// sees INSERT, MODIFY and REMOVE with the images stream.view gives.
func TestGenLocalRoutes(t *testing.T) {
	e := newE2E(t)
	routes, err := os.ReadFile("testdata/routes/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("NEW_AND_OLD_IMAGES", func(t *testing.T) {
		specFile := e.routesOut(t, "notes", routes)
		g := e.start(t, specFile, "notes/out")
		for _, want := range []string{"GET    " + g.url + "/{user}/{at} (read)", "GET    " + g.url + "/{user}?", "PATCH  ", "DELETE "} {
			if !strings.Contains(g.output(), want) {
				t.Errorf("banner has no %q:\n%s", want, g.output())
			}
		}
		status, body := g.call("POST", "", `{"user":"a $#\"","at":2,"text":"first","score":1.50}`)
		g.expect("create", status, body, 200, `\{\}`)
		status, body = g.call("POST", "", `{"user":"a $#\"","at":10,"text":"second"}`)
		g.expect("create", status, body, 200, `\{\}`)
		status, body = g.call("GET", "/a%20$%23%22", "")
		g.expect("query", status, body, 200, `\{"items":\[\{"user":"a \$#\\"","at":2,"text":"first","done":false,"score":1\.50\},`+
			`\{"user":"a \$#\\"","at":10,"text":"second","done":false\}\]\}`)
		status, body = g.call("GET", "/a%20$%23%22?limit=1&order=desc", "")
		g.expect("query desc", status, body, 200, `\{"items":\[\{"user":"a \$#\\"","at":10,.*\}\],"next":"MTA"\}`)
		status, body = g.call("PATCH", "/a%20$%23%22/2", `{"score":null,"text":"changed"}`)
		g.expect("update", status, body, 200, `\{"user":"a \$#\\"","at":2,"text":"changed","done":false\}`)
		status, body = g.call("GET", "/a%20$%23%22/2", "")
		g.expect("read", status, body, 200, `\{"user":"a \$#\\"","at":2,"text":"changed","done":false\}`)
		status, body = g.call("DELETE", "/a%20$%23%22/2", "")
		g.expect("delete", status, body, 200, `\{"user":"a \$#\\"","at":2,"text":"changed","done":false\}`)
		status, body = g.call("GET", "/a%20$%23%22/2", "")
		g.expect("read after delete", status, body, 404, regexp.QuoteMeta(`{"message":"No item has this key"}`))

		got := g.waitHandled(4)
		const k2 = `{"user":"a $#\"","at":2}`
		const first = `{"user":"a $#\"","at":2,"text":"first","done":false,"score":1.50}`
		const changed = `{"user":"a $#\"","at":2,"text":"changed","done":false}`
		want := []handled{
			{"INSERT", k2, first, "null"},
			{"INSERT", `{"user":"a $#\"","at":10}`, `{"user":"a $#\"","at":10,"text":"second","done":false}`, "null"},
			{"MODIFY", k2, changed, first},
			{"REMOVE", k2, "null", changed},
		}
		if !equalHandled(got, want) {
			t.Errorf("handler got\n%v\nwant\n%v", got, want)
		}
		g.stop()
	})

	t.Run("README", func(t *testing.T) {
		readme, err := os.ReadFile("../README.md")
		if err != nil {
			t.Fatal(err)
		}
		_, rest, ok := strings.Cut(string(readme), "\n**Routes.**")
		_, rest, ok2 := strings.Cut(rest, "```sh\n")
		block, _, ok3 := strings.Cut(rest, "```\n")
		if !ok || !ok2 || !ok3 {
			t.Fatal("README has no sh block after **Routes.**")
		}
		specFile := e.routesOut(t, "readme", routes)
		g := e.start(t, specFile, "readme/out")
		host := strings.TrimSuffix(strings.TrimPrefix(g.url, "http://"), "/notes")
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if len(lines) < 16 {
			t.Fatalf("README's routes block has %d lines", len(lines))
		}
		for i := 0; i+1 < len(lines); i += 2 {
			command, want := lines[i], strings.TrimPrefix(lines[i+1], "# ")
			script := strings.ReplaceAll(command, "localhost:8080", host)
			got := runShell(t, "curl() { command curl -s \"$@\"; }\n"+script, append(os.Environ(), "H=x-api-key: "+g.apiKey))
			if got != want {
				t.Errorf("%s\n got  %s\n want %s", command, got, want)
			}
		}
		g.stop()
	})

	t.Run("OLD_IMAGE", func(t *testing.T) {
		spec := strings.Replace(string(routes), "view: NEW_AND_OLD_IMAGES", "view: OLD_IMAGE", 1)
		specFile := e.routesOut(t, "old", []byte(strings.Replace(spec, "name: notes", "name: old", 1)))
		g := e.start(t, specFile, "old/out")
		for _, c := range [][3]string{{"POST", "", `{"user":"u","at":1,"text":"t"}`}, {"PATCH", "/u/1", `{"text":"t2"}`}, {"DELETE", "/u/1", ""}} {
			status, body := g.call(c[0], c[1], c[2])
			g.expect(c[0], status, body, 200, `\{.*\}`)
		}
		got := g.waitHandled(3)
		const k = `{"user":"u","at":1}`
		want := []handled{
			{"INSERT", k, "null", "null"},
			{"MODIFY", k, "null", `{"user":"u","at":1,"text":"t","done":false}`},
			{"REMOVE", k, "null", `{"user":"u","at":1,"text":"t2","done":false}`},
		}
		if !equalHandled(got, want) {
			t.Errorf("handler got\n%v\nwant\n%v", got, want)
		}
		g.stop()
	})

	t.Run("KEYS_ONLY without a sort key", func(t *testing.T) {
		spec, err := os.ReadFile("testdata/routes-no-sort-key/spec.yaml")
		if err != nil {
			t.Fatal(err)
		}
		specFile := e.routesOut(t, "tasks", spec)
		g := e.start(t, specFile, "tasks/out")
		status, body := g.call("POST", "", `{"title":"t","due":3}`)
		g.expect("create", status, body, 200, `\{"id":"[0-9a-f-]{36}"\}`)
		var created struct{ ID string }
		json.Unmarshal([]byte(body), &created)
		status, body = g.call("PATCH", "/"+created.ID, `{"due":null,"labels":["x"]}`)
		g.expect("update", status, body, 200, `\{"id":"`+created.ID+`","title":"t","labels":\["x"\]\}`)
		status, body = g.call("DELETE", "/"+created.ID, "")
		g.expect("delete", status, body, 200, `\{"id":"`+created.ID+`","title":"t","labels":\["x"\]\}`)
		// events: [MODIFY, REMOVE]: the INSERT is filtered out.
		got := g.waitHandled(2)
		k := `{"id":"` + created.ID + `"}`
		if want := []handled{{"MODIFY", k, "null", "null"}, {"REMOVE", k, "null", "null"}}; !equalHandled(got, want) {
			t.Errorf("handler got\n%v\nwant\n%v", got, want)
		}
		g.stop()
	})
}

// equalHandled compares records, images as JSON values.
func equalHandled(got, want []handled) bool {
	if len(got) != len(want) {
		return false
	}
	same := func(a, b string) bool {
		var x, y any
		return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && jsonText(x) == jsonText(y)
	}
	for i := range got {
		if got[i].event != want[i].event || !same(got[i].keys, want[i].keys) || !same(got[i].newImage, want[i].newImage) || !same(got[i].oldImage, want[i].oldImage) {
			return false
		}
	}
	return true
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
