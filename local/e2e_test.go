package local

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/streamgen/streamgen/internal/testenv"
)

// The tests below run the real thing: the gen binary, built here, runs
// `gen local` in a temporary folder outside any module, builds the generated
// handler (a module of its own) and runs it as a child process.

// e2e is a scratch folder where gen local generates and builds handlers.
type e2e struct {
	root string // this repository
	gen  string // the gen binary
	work string // the scratch folder
	tmp  string // the temporary folder of every process
	env  []string
}

// genBinary is gen, built once for every test of the package into a folder
// TestMain removes.
var genBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "streamgen-gen-")
	if err != nil {
		return "", err
	}
	genDir = dir
	bin := filepath.Join(dir, "gen")
	// Stamped with the commit where Go can (a git checkout), as a user's
	// go install is; -buildvcs=false where it cannot.
	var out []byte
	for _, vcs := range []string{"-buildvcs=auto", "-buildvcs=false"} {
		build := exec.Command("go", "build", vcs, "-o", bin, "./cmd/gen")
		build.Dir = ".."
		if out, err = build.CombinedOutput(); err == nil {
			return bin, nil
		}
	}
	return "", fmt.Errorf("build gen: %v\n%s", err, out)
})

var genDir string // genBinary's folder

func TestMain(m *testing.M) {
	code := m.Run()
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	if testing.Short() {
		t.Skip("builds gen and handlers and runs them: slow")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	gen, err := genBinary()
	if err != nil {
		t.Fatal(err)
	}
	// Everything the builds need is in the module cache, as after CI's go
	// mod download: no network, and no go.mod is changed (-mod=readonly).
	tmp := t.TempDir()
	env := append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "TMPDIR="+tmp)
	return &e2e{root: root, gen: gen, work: t.TempDir(), tmp: tmp, env: env}
}

// generate runs gen for specFile into out, as a user does before writing
// out/handler/main.go.
func (e *e2e) generate(t *testing.T, specFile, out string) {
	t.Helper()
	cmd := exec.Command(e.gen, "-spec", specFile, "-out", out)
	cmd.Dir, cmd.Env = e.work, e.env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, b)
	}
}

// bootstraps lists the folders gen local builds the handler into.
func (e *e2e) bootstraps(t *testing.T) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(e.tmp, "streamgen-local-*"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// genLocal is a running `gen local` process and everything it printed.
type genLocal struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string // http://127.0.0.1:PORT/<path>
	apiKey string
	mu     sync.Mutex
	lines  []string
	exited chan struct{}
}

// start runs gen local for specFile with its out folder in the scratch
// folder and waits until it serves.
func (e *e2e) start(t *testing.T, specFile, out string, args ...string) *genLocal {
	t.Helper()
	return e.startIn(t, e.work, specFile, out, args...)
}

// startIn is start in dir.
func (e *e2e) startIn(t *testing.T, dir, specFile, out string, args ...string) *genLocal {
	t.Helper()
	cmd := exec.Command(e.gen, append([]string{"local", "-spec", specFile, "-out", out, "-addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir, cmd.Env = dir, e.env
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	g := &genLocal{t: t, cmd: cmd, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			g.mu.Lock()
			g.lines = append(g.lines, sc.Text())
			g.mu.Unlock()
		}
	}()
	go func() {
		cmd.Wait()
		pw.Close()
		close(g.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-g.exited
		if t.Failed() {
			t.Logf("gen local output:\n%s", g.output())
		}
	})
	banner := g.waitFor(`API: +POST (http://\S+)`, 3*time.Minute)
	g.url = banner[1]
	if m := g.find(`send x-api-key: (\S+)`); m != nil {
		g.apiKey = m[1]
	}
	g.waitFor(`Ctrl-C stops`, 5*time.Second)
	return g
}

func (g *genLocal) output() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strings.Join(g.lines, "\n")
}

func (g *genLocal) find(pattern string) []string {
	return regexp.MustCompile(pattern).FindStringSubmatch(g.output())
}

// waitFor waits until the output matches pattern and returns the match.
func (g *genLocal) waitFor(pattern string, timeout time.Duration) []string {
	g.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(timeout)
	for {
		if m := re.FindStringSubmatch(g.output()); m != nil {
			return m
		}
		select {
		case <-g.exited:
			g.t.Fatalf("gen local exited before printing %q", pattern)
		default:
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("no %q after %s", pattern, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// post sends body and returns the status and the JSON answer.
func (g *genLocal) post(body string, headers ...string) (int, string) {
	g.t.Helper()
	req, err := http.NewRequest("POST", g.url, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return g.do(req)
}

func (g *genLocal) do(req *http.Request) (int, string) {
	g.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		g.t.Errorf("%s %s: Content-Type %q", req.Method, req.URL, ct)
	}
	return resp.StatusCode, string(data)
}

func (g *genLocal) expect(what string, status int, body string, wantStatus int, bodyPattern string) {
	g.t.Helper()
	if status != wantStatus || !regexp.MustCompile(`^(?:`+bodyPattern+`)$`).MatchString(body) {
		g.t.Errorf("%s: %d %s, want %d %s", what, status, body, wantStatus, bodyPattern)
	}
}

// handlerLines are the JSON log lines of the handler, in order.
func (g *genLocal) handlerLines() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, l := range g.lines {
		if rest, ok := strings.CutPrefix(l, "handler | "); ok {
			out = append(out, rest)
		}
	}
	return out
}

// logged returns the items the handler logged with msg, in order.
func (g *genLocal) logged(msg string) []map[string]any {
	var items []map[string]any
	for _, rest := range g.handlerLines() {
		var entry struct {
			Msg       string
			EventName string `json:"event_name"`
			Item      map[string]any
		}
		if json.Unmarshal([]byte(rest), &entry) == nil && entry.Msg == msg {
			if entry.Item == nil { // a REMOVE has no new image
				entry.Item = map[string]any{}
			}
			entry.Item["(event)"] = entry.EventName
			items = append(items, entry.Item)
		}
	}
	return items
}

// waitLogged waits until the handler logged n items with msg, then a moment
// longer to see any extra, and returns them.
func (g *genLocal) waitLogged(msg string, n int) []map[string]any {
	g.t.Helper()
	g.waitCount(msg, n)
	time.Sleep(300 * time.Millisecond)
	return g.logged(msg)
}

// waitCount waits until the handler logged at least n items with msg.
func (g *genLocal) waitCount(msg string, n int) {
	g.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for len(g.logged(msg)) < n {
		if time.Now().After(deadline) {
			g.t.Fatalf("handler logged %d %q items after a minute, want %d", len(g.logged(msg)), msg, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (g *genLocal) stop() {
	g.t.Helper()
	g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-g.exited:
	case <-time.After(time.Minute):
		g.t.Fatal("gen local did not stop on SIGTERM")
	}
	if code := g.cmd.ProcessState.ExitCode(); code != 0 {
		g.t.Errorf("gen local exit code %d after SIGTERM", code)
	}
	g.waitFor(`gen local: stopped`, time.Second)
}

// shellBlock is the n-th ```sh block after the line heading of a README.
func shellBlock(t *testing.T, readme []byte, heading string, n int) string {
	t.Helper()
	_, rest, ok := strings.Cut(string(readme), "\n"+heading+"\n")
	for i := 0; ok && i < n; i++ {
		_, rest, ok = strings.Cut(rest, "```sh\n")
	}
	block, _, closed := strings.Cut(rest, "```\n")
	if !ok || !closed {
		t.Fatalf("README has no sh block %d under %q", n, heading)
	}
	return block
}

// runShell runs script with bash in a scratch folder, stopping at the first
// failing command, and returns what it printed.
func runShell(t *testing.T, script string, env []string) string {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = t.TempDir(), env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v:\n%s\noutput:\n%s", err, script, out)
	}
	return string(out)
}

func field(items []map[string]any, name string) []string {
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprint(it[name]))
	}
	return out
}

func TestGenLocal(t *testing.T) {
	e := newE2E(t)

	t.Run("seed", func(t *testing.T) {
		g := e.start(t, filepath.Join(e.root, "testdata/seed/spec.yaml"), "seed")
		var ids []string
		for i := range 5 {
			status, body := g.post(fmt.Sprintf(`{"message":"hello %d \"$#\\ \u2028😀"}`, i))
			g.expect("valid", status, body, 200, `\{"id":"[0-9a-f-]{36}"\}`)
			var answer struct{ ID string }
			json.Unmarshal([]byte(body), &answer)
			ids = append(ids, answer.ID)
		}
		status, body := g.post(`{}`)
		g.expect("missing message", status, body, 400, `\{"message":"Invalid request body: .*message.*"\}`)
		status, body = g.post(`{"message":"x","extra":1}`)
		g.expect("unknown field", status, body, 400, `\{"message":"Invalid request body: .*extra.*"\}`)
		status, body = g.post(`{"message":`)
		g.expect("not JSON", status, body, 400, `\{"message":"Invalid request body: .*"\}`)
		req, _ := http.NewRequest("GET", g.url, nil)
		status, body = g.do(req)
		g.expect("GET", status, body, 403, `\{"message":"Missing Authentication Token"\}`)
		req, _ = http.NewRequest("POST", strings.TrimSuffix(g.url, "/InsertItem")+"/nowhere", strings.NewReader(`{}`))
		status, body = g.do(req)
		g.expect("unknown route", status, body, 403, `\{"message":"Missing Authentication Token"\}`)

		items := g.waitLogged("item saved", len(ids))
		if got := field(items, "id"); fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Errorf("handler logged ids %v, want each stored id once, in order: %v", got, ids)
		}
		for i, it := range items {
			if want := fmt.Sprintf("hello %d \"$#\\ \u2028😀", i); it["message"] != want {
				t.Errorf("item %d message %q, want %q", i, it["message"], want)
			}
		}
		g.stop()
	})

	t.Run("nested", func(t *testing.T) {
		g := e.start(t, filepath.Join(e.root, "testdata/nested/spec.yaml"), "nested")
		first := `{"orderId":"o-1","customer":{"name":"Ann","address":{"city":"Oslo","geo":{"lat":59.9139,"lon":10.7522}}},"lines":[{"sku":"a","qty":1,"options":[{"key":"gift"}]}],"matrix":[[1,2],[3]]}`
		status, body := g.post(first)
		g.expect("first", status, body, 200, `\{\}`)
		status, body = g.post(`{"orderId":"o-1","customer":{"name":"Bob","address":{"city":"Rome"}},"lines":[{"sku":"b"}]}`)
		g.expect("duplicate", status, body, 409, `\{"message":"An item with this key already exists"\}`)
		status, body = g.post(`{"orderId":"o-2","customer":{"name":"Cy","address":{"city":"Lyon"}},"lines":[]}`)
		g.expect("too few lines", status, body, 400, `\{"message":"Invalid request body: .*lines.*"\}`)
		status, body = g.post(`{"orderId":"o-2","customer":{"name":"Cy","address":{"city":"Lyon"}},"lines":[{"sku":"c","qty":2}]}`)
		g.expect("second", status, body, 200, `\{\}`)

		items := g.waitLogged("item saved", 2)
		if got := field(items, "orderId"); fmt.Sprint(got) != "[o-1 o-2]" {
			t.Errorf("handler logged orders %v, want [o-1 o-2]", got)
		}
		if c, _ := items[0]["customer"].(map[string]any); c["name"] != "Ann" {
			t.Errorf("o-1 customer %v: the rejected write changed the item", items[0]["customer"])
		}
		g.stop()
	})

	t.Run("auth-api-key", func(t *testing.T) {
		g := e.start(t, filepath.Join(e.root, "testdata/auth-api-key/spec.yaml"), "keyed")
		if g.apiKey == "" {
			t.Fatal("no api key printed at start")
		}
		status, body := g.post(`{"payload":"p1"}`)
		g.expect("no key", status, body, 403, `\{"message":"Forbidden"\}`)
		status, body = g.post(`{"payload":"p1"}`, "x-api-key", "wrong")
		g.expect("wrong key", status, body, 403, `\{"message":"Forbidden"\}`)
		status, body = g.post(`{"payload":"p1"}`, "x-api-key", g.apiKey)
		g.expect("key", status, body, 200, `\{"id":"[0-9a-f-]{36}"\}`)
		status, body = g.post(`{"payload":"`+strings.Repeat("x", 4097)+`"}`, "x-api-key", g.apiKey)
		g.expect("too long", status, body, 400, `\{"message":"Invalid request body: .*"\}`)
		status, body = g.post(`{"payload":"p2"}`, "x-api-key", g.apiKey)
		g.expect("key", status, body, 200, `\{"id":"[0-9a-f-]{36}"\}`)
		if got := field(g.waitLogged("item saved", 2), "payload"); fmt.Sprint(got) != "[p1 p2]" {
			t.Errorf("handler logged %v, want [p1 p2]", got)
		}
		g.stop()
	})

	t.Run("view-new-and-old", func(t *testing.T) {
		g := e.start(t, filepath.Join(e.root, "testdata/view-new-and-old/spec.yaml"), "audit")
		start := time.Now()
		for _, body := range []string{`{"id":"a","value":"1"}`, `{"id":"b"}`, `{"id":"a","value":"2"}`} {
			status, answer := g.post(body)
			g.expect(body, status, answer, 200, `\{\}`)
		}
		items := g.waitLogged("item saved", 3)
		got := fmt.Sprint(field(items, "(event)"), field(items, "id"), field(items, "value"))
		if want := "[INSERT INSERT MODIFY] [a b a] [1 <nil> 2]"; got != want {
			t.Errorf("handler logged %s, want %s", got, want)
		}
		// batchWindow: 5 gathers the three writes into one batch.
		if waited := time.Since(start); waited < 4*time.Second {
			t.Errorf("delivered after %s, before the 5s batch window", waited)
		}
		if n := strings.Count(g.output(), `"msg":"batch processed"`); n != 1 {
			t.Errorf("%d batches, want 1", n)
		}
		g.stop()
	})

	t.Run("ttl", func(t *testing.T) {
		g := e.start(t, filepath.Join(e.root, "testdata/sort-key-ttl/spec.yaml"), "sessions")
		now := time.Now().Unix()
		for _, body := range []string{
			fmt.Sprintf(`{"userId":"expired","expiresAt":%d}`, now-10),
			fmt.Sprintf(`{"userId":"alive","expiresAt":%d}`, now+3600),
		} {
			status, answer := g.post(body)
			g.expect(body, status, answer, 200, `\{"createdAt":\d+\}`)
		}
		items := g.waitLogged("item saved", 3)
		if got := fmt.Sprint(field(items, "(event)"), field(items, "userId")); got != "[INSERT INSERT REMOVE] [expired alive <nil>]" {
			t.Errorf("handler logged %s, want the two inserts, then the expired item's REMOVE", got)
		}
		g.waitFor(`ttl: 1 expired item\(s\) removed`, time.Second)
		g.stop()
	})

	t.Run("failing batch is kept in AWS's shape and replayed", func(t *testing.T) {
		dir := filepath.Join(e.work, "failing")
		seed, err := os.ReadFile("../testdata/seed/spec.yaml")
		if err != nil {
			t.Fatal(err)
		}
		// The handler fails on "poison" while this file exists, which it
		// learns from the spec's environment.
		marker := filepath.Join(dir, "poisoned")
		testenv.WriteFile(t, marker, nil)
		testenv.WriteFile(t, filepath.Join(dir, "spec.yaml"), append(seed,
			[]byte("stream:\n  retries: 2\n  logLevel: DEBUG\n  environment:\n    FAIL_WHILE: "+marker+"\n")...))
		e.generate(t, "failing/spec.yaml", "failing/out")
		testenv.WriteFile(t, filepath.Join(dir, "out/handler/main.go"), []byte(`package main

import (
	"context"
	"errors"
	"os"
)

func process(ctx context.Context, rec *Record) error {
	if _, err := os.Stat(os.Getenv("FAIL_WHILE")); err == nil && rec.NewImage.Message == "poison" {
		rec.Logger().Warn("failing on purpose", "table", os.Getenv("STREAMGEN_TABLE_NAME"))
		return errors.New("poison record")
	}
	rec.Logger().Info("item saved", "item", rec.NewImage)
	return nil
}
`))
		g := e.start(t, "failing/spec.yaml", "failing/out")
		if !strings.Contains(g.output(), "not emulated: IAM") {
			t.Errorf("banner does not say what is not emulated:\n%s", g.output())
		}
		for _, m := range []string{"m1", "m2", "poison", "m4", "m5"} {
			status, body := g.post(`{"message":"` + m + `"}`)
			g.expect(m, status, body, 200, `\{"id":"[0-9a-f-]{36}"\}`)
		}
		g.waitFor(`stream: gave up on 1 record\(s\) \d+\.\.\d+ \(RetryAttemptsExhausted\)`, time.Minute)
		items := g.waitLogged("item saved", 4)
		if got := field(items, "message"); fmt.Sprint(got) != "[m1 m2 m4 m5]" {
			t.Errorf("handler logged %v, want [m1 m2 m4 m5]: every good record once, in order", got)
		}
		if n := strings.Count(g.output(), `"msg":"failing on purpose"`); n < 3 {
			t.Errorf("poison tried %d times, want at least 1 + 2 retries", n)
		}
		if !strings.Contains(g.output(), `"sequence_number":"100000000000000000003","table":"streamer"}`) {
			t.Error("the handler did not get STREAMGEN_TABLE_NAME")
		}
		if !strings.Contains(g.output(), `"level":"DEBUG","msg":"record processed"`) {
			t.Error("no debug lines: logLevel DEBUG did not reach the handler")
		}

		// One object, named and shaped as Lambda writes it to S3.
		folder := filepath.Join(dir, "out", "local-failures")
		var keys []string
		filepath.WalkDir(folder, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(folder, path)
				keys = append(keys, filepath.ToSlash(rel))
			}
			return err
		})
		keyRe := regexp.MustCompile(`^aws/lambda/[0-9a-f-]{36}/shardId-[0-9]{20}-local/\d{4}/\d{2}/\d{2}/\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}$`)
		if len(keys) != 1 || !keyRe.MatchString(keys[0]) {
			t.Fatalf("failure folder holds %v, want one object named as on S3", keys)
		}
		object, err := os.ReadFile(filepath.Join(folder, keys[0]))
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			RequestContext  struct{ Condition, FunctionArn string } `json:"requestContext"`
			ResponseContext struct{ StatusCode int }                `json:"responseContext"`
			BatchInfo       struct{ BatchSize int }                 `json:"DDBStreamBatchInfo"`
			Payload         string                                  `json:"payload"`
		}
		var event struct {
			Records []struct {
				EventName string
				DynamoDB  struct{ NewImage map[string]map[string]string } `json:"dynamodb"`
			}
		}
		if json.Unmarshal(object, &rec) != nil || json.Unmarshal([]byte(rec.Payload), &event) != nil ||
			rec.RequestContext.Condition != "RetryAttemptsExhausted" || rec.BatchInfo.BatchSize != 1 ||
			len(event.Records) != 1 || event.Records[0].DynamoDB.NewImage["message"]["S"] != "poison" {
			t.Fatalf("failure object:\n%s", object)
		}

		// The handler is fixed; out/README.md's replay, verbatim, with S3 on
		// moto (holding the object) and Lambda on gen local.
		if err := os.Remove(marker); err != nil {
			t.Fatal(err)
		}
		readme, err := os.ReadFile(filepath.Join(dir, "out", "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		moto := testenv.StartMoto(t)
		ctx := context.Background()
		if _, err := moto.AWS(ctx, "s3api", "create-bucket", "--bucket", "failures"); err != nil {
			t.Fatal(err)
		}
		if _, err := moto.AWS(ctx, "s3", "cp", filepath.Join(folder, keys[0]), "s3://failures/"+keys[0]); err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(g.url, "/InsertItem")
		out := runShell(t, shellBlock(t, readme, "### Replay a failed batch", 2), append(moto.Env(),
			"BUCKET=failures", "FUNCTION=streamer-handler",
			"AWS_ENDPOINT_URL_S3="+moto.Endpoint, "AWS_ENDPOINT_URL_LAMBDA="+base))
		if !strings.Contains(out, keys[0]) || !strings.HasSuffix(strings.TrimSpace(out), `{"batchItemFailures":[]}`) {
			t.Errorf("the README's replay printed:\n%s", out)
		}
		if got := field(g.waitLogged("item saved", 5), "message"); fmt.Sprint(got) != "[m1 m2 m4 m5 poison]" {
			t.Errorf("after the replay the handler logged %v", got)
		}
		// And its replay under gen local, but for DIR and the address.
		local := strings.ReplaceAll(shellBlock(t, readme, "### Replay under gen local", 1), "DIR", filepath.Join(dir, "out"))
		local = strings.ReplaceAll(local, "http://127.0.0.1:8080", base)
		out = runShell(t, local, moto.Env())
		if !strings.HasSuffix(strings.TrimSpace(out), `{"batchItemFailures":[]}`) {
			t.Errorf("the README's local replay printed:\n%s", out)
		}
		g.waitLogged("item saved", 6)
		g.stop()
	})

	t.Run("killed mid-stream, restarted: nothing lost", func(t *testing.T) {
		before, after, ids := interrupted(t, e, "killed", func(g *genLocal) {
			g.cmd.Process.Kill() // SIGKILL: no shutdown at all
			<-g.exited
		})
		seen := map[string]int{}
		for _, id := range append(before, after...) {
			seen[id]++
		}
		for i, id := range ids {
			if seen[id] == 0 {
				t.Errorf("record %d (%s) never delivered", i, id)
			}
		}
		// Delivery resumed from the checkpoint, not from the start.
		if len(after) > 0 && after[0] == ids[0] {
			t.Errorf("restart delivered from the first record again")
		}
	})

	t.Run("SIGTERM mid-stream: the batch in flight finishes, each record once", func(t *testing.T) {
		before, after, ids := interrupted(t, e, "stopped", func(g *genLocal) { g.stop() })
		if got := append(before, after...); fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Errorf("delivered %v then %v, want each of %v once, in order", before, after, ids)
		}
	})
}

// interrupted posts 30 records to a slow handler, interrupts gen local with
// stop once a few are delivered, starts it again on the same data and
// returns the ids delivered before and after, and the ids stored.
func interrupted(t *testing.T, e *e2e, name string, stop func(*genLocal)) (before, after, ids []string) {
	dir := filepath.Join(e.work, name)
	seed, err := os.ReadFile(filepath.Join(e.root, "testdata/seed/spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	testenv.WriteFile(t, filepath.Join(dir, "spec.yaml"), append(seed, []byte("stream:\n  batchSize: 5\n")...))
	e.generate(t, name+"/spec.yaml", name+"/out")
	// A slow handler, so that the interruption lands mid-stream.
	testenv.WriteFile(t, filepath.Join(dir, "out/handler/main.go"), []byte(`package main

import (
	"context"
	"time"
)

func process(ctx context.Context, rec *Record) error {
	time.Sleep(40 * time.Millisecond)
	rec.Logger().Info("item saved", "item", rec.NewImage)
	return nil
}
`))
	g := e.start(t, name+"/spec.yaml", name+"/out")
	for i := range 30 {
		status, body := g.post(fmt.Sprintf(`{"message":"k%d"}`, i))
		g.expect("valid", status, body, 200, `\{"id":"[0-9a-f-]{36}"\}`)
		var answer struct{ ID string }
		json.Unmarshal([]byte(body), &answer)
		ids = append(ids, answer.ID)
	}
	g.waitCount("item saved", 3)
	stop(g)
	before = field(g.logged("item saved"), "id")
	if len(before) >= len(ids) {
		t.Fatalf("all %d records delivered before the interruption: not mid-stream", len(before))
	}
	left := e.bootstraps(t)
	if name == "killed" && len(left) == 0 {
		t.Error("the killed gen local left no bootstrap folder: nothing to delete")
	}
	g2 := e.start(t, name+"/spec.yaml", name+"/out")
	// The restart deleted the folder of a killed gen local's bootstrap.
	if running := e.bootstraps(t); len(running) != 1 || slices.Contains(left, running[0]) {
		t.Errorf("bootstrap folders %v after the restart, left before it %v: want only the running one's", running, left)
	}
	after = field(g2.waitLogged("item saved", len(ids)-len(before)), "id")
	t.Logf("delivered %d before the interruption, %d after the restart, of %d records", len(before), len(after), len(ids))
	g2.stop()
	return before, after, ids
}
