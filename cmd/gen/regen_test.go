package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// gen runs gen in dir and returns its exit code and output.
func gen(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var o, e bytes.Buffer
	code = run(append([]string{"gen"}, args...), &o, &e)
	return code, o.String(), e.String()
}

const regenSpec = `version: 1
name: streamer
table:
  partitionKey: id
fields:
  id:
    type: string
    from: requestId
  message:
    type: string
    required: true
stream:
  memory: 256
`

// tree is every file under root with its bytes and mode.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(full string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(full)
		files[full] = info.Mode().String() + " " + string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func writeSpec(t *testing.T, dir, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func expect(t *testing.T, what string, code, want int, stdout, stderr string) {
	t.Helper()
	if code != want {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, code, want, stdout, stderr)
	}
}

func TestRegenerateCLI(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "first gen", code, 0, o, e)

	code, o, e = gen(t, dir, "check", "-spec", "s.yaml", "-out", "out")
	expect(t, "check after gen", code, 0, o, e)

	// The user's work: main.go edited, a file added.
	mainGo := filepath.Join(dir, "out/handler/main.go")
	if _, err := os.Stat(mainGo); err != nil {
		t.Fatalf("no handler main.go: %v", err)
	}
	if err := os.WriteFile(mainGo, []byte("package main\n\n// my code\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "out/handler/helper.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, o, e = gen(t, dir, "check", "-spec", "s.yaml", "-out", "out")
	expect(t, "check ignores user files", code, 0, o, e)

	// A change that keeps the data: written, user files kept.
	writeSpec(t, dir, strings.Replace(regenSpec, "memory: 256", "memory: 512", 1))
	code, o, e = gen(t, dir, "check", "-spec", "s.yaml", "-out", "out")
	expect(t, "check of a stale output", code, 1, o, e)
	if !strings.Contains(o, "template.yaml: differs") {
		t.Errorf("check does not say what is stale:\n%s", o)
	}
	code, o, e = gen(t, dir, "diff", "-spec", "s.yaml", "-out", "out")
	expect(t, "diff", code, 0, o, e)
	if want := "changed   StreamerHandler (AWS::Lambda::Function): MemorySize\n"; o != want {
		t.Errorf("diff of a memory change:\n%s\nwant:\n%s", o, want)
	}
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen of a safe change", code, 0, o, e)
	if b, _ := os.ReadFile(mainGo); string(b) != "package main\n\n// my code\n" {
		t.Errorf("main.go overwritten: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "out/handler/helper.go")); err != nil {
		t.Errorf("user file lost: %v", err)
	}

	// A new partition key would replace the table: refused, nothing written.
	before := tree(t, dir)
	writeSpec(t, dir, strings.Replace(strings.Replace(regenSpec, "partitionKey: id", "partitionKey: pk", 1), "  id:\n", "  pk:\n", 1))
	before[filepath.Join(dir, "s.yaml")] = tree(t, dir)[filepath.Join(dir, "s.yaml")]
	code, o, e = gen(t, dir, "diff", "-spec", "s.yaml", "-out", "out")
	expect(t, "diff of a key change", code, 0, o, e)
	if !strings.Contains(o, "replaced  StreamerTable (AWS::DynamoDB::Table)") || !strings.Contains(o, "lose data") {
		t.Errorf("diff of a key change:\n%s", o)
	}
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen of a key change", code, 3, o, e)
	if !strings.Contains(e, "partition key id (S) becomes pk (S)") || !strings.Contains(e, "--allow-replace") {
		t.Errorf("refusal does not explain:\n%s", e)
	}
	after := tree(t, dir)
	if len(after) != len(before) {
		t.Errorf("files after the refusal: %d, before: %d", len(after), len(before))
	}
	for name, content := range before {
		if after[name] != content {
			t.Errorf("%s changed by a refused gen", name)
		}
	}
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out", "--allow-replace")
	expect(t, "gen --allow-replace", code, 0, o, e)
	code, o, e = gen(t, dir, "check", "-spec", "s.yaml", "-out", "out")
	expect(t, "check after --allow-replace", code, 0, o, e)
}

func TestRegenCommandsRejectBadSpecs(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, "version: 1\nname: streamer\nfields: {id: {typ: string}}\n")
	for _, cmd := range []string{"diff", "check"} {
		code, o, e := gen(t, dir, cmd, "-spec", "s.yaml", "-out", "out")
		expect(t, cmd+" of a bad spec", code, 2, o, e)
		if !strings.Contains(e, "s.yaml:") {
			t.Errorf("%s: error does not name the spec:\n%s", cmd, e)
		}
	}
	code, o, e := gen(t, dir, "check", "-spec", "missing.yaml", "-out", "out")
	expect(t, "check of a missing spec", code, 1, o, e)
}

func TestRegenCommandsOnAFreshFolder(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	code, o, e := gen(t, dir, "check", "-spec", "s.yaml", "-out", "out")
	expect(t, "check without output", code, 1, o, e)
	if !strings.Contains(o, "template.yaml: missing") || !strings.Contains(e, "out is stale for s.yaml") {
		t.Errorf("check without output:\n%s%s", o, e)
	}
	code, o, e = gen(t, dir, "diff", "-spec", "s.yaml", "-out", "out")
	expect(t, "diff without output", code, 0, o, e)
	if !strings.Contains(o, "added     StreamerTable (AWS::DynamoDB::Table)") || strings.Contains(o, "lose data") {
		t.Errorf("diff without output:\n%s", o)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("diff or check wrote out/")
	}
	for _, cmd := range []string{"diff", "check"} {
		code, o, e = gen(t, dir, cmd, "-out", "out")
		expect(t, cmd+" without -spec", code, 2, o, e)
	}
}

// TestForeignOutFolder: gen, gen local, gen diff and gen check refuse a
// folder gen did not make (exit 2) and touch nothing in it, also one whose
// handler/go.mod would not fit (that go.mod is not gen's to ask about).
func TestForeignOutFolder(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	for name, src := range map[string]string{
		"mine/README.md":      "# my project\n",
		"mine/sub/api.pb.go":  "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage sub\n",
		"proj/handler/go.mod": "module example.com/mine\n\ngo 1.22\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := tree(t, dir)
	for _, out := range []string{"mine", "proj"} {
		for _, args := range [][]string{
			{"-spec", "s.yaml", "-out", out},
			{"-spec", "s.yaml", "-out", out, "--allow-replace"},
			{"local", "-spec", "s.yaml", "-out", out, "-addr", "127.0.0.1:0"},
			{"diff", "-spec", "s.yaml", "-out", out},
			{"check", "-spec", "s.yaml", "-out", out},
		} {
			code, o, e := gen(t, dir, args...)
			expect(t, strings.Join(args, " "), code, 2, o, e)
			if !strings.Contains(e, "-out "+out+": this folder is not empty and has no .streamgen-manifest") ||
				!strings.Contains(e, "Choose a new or empty folder") || strings.Contains(e, "go mod edit") {
				t.Errorf("gen %v does not say why and what to do:\n%s", args, e)
			}
		}
	}
	if after := tree(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("files changed")
	}
}

// TestFieldTypeChangeCLI: a field's new type would make the stored items
// unreadable: gen diff says so, gen refuses it (exit 3) until --allow-replace.
func TestFieldTypeChangeCLI(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "first gen", code, 0, o, e)
	writeSpec(t, dir, strings.Replace(regenSpec, "  message:\n    type: string\n", "  message:\n    type: integer\n", 1))
	before := tree(t, dir)

	code, o, e = gen(t, dir, "diff", "-spec", "s.yaml", "-out", "out")
	expect(t, "diff", code, 0, o, e)
	for _, want := range []string{"changed   StreamerBodyModel (AWS::ApiGateway::Model): Schema\n" +
		"          ! field message changes type from string to integer: the items already stored keep the old types",
		"changes lose data or make stored items unreadable"} {
		if !strings.Contains(o, want) {
			t.Errorf("diff does not say %q:\n%s", want, o)
		}
	}
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen of a type change", code, 3, o, e)
	if !strings.Contains(e, "field message changes type from string to integer") || !strings.Contains(e, "--allow-replace") {
		t.Errorf("refusal does not explain:\n%s", e)
	}
	if after := tree(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("a refused gen changed files")
	}
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out", "--allow-replace")
	expect(t, "gen --allow-replace", code, 0, o, e)
}

// A stack generated before stream.onFailure existed has the queue; the new
// default (s3) would remove it with the failures it holds: refused, with the
// one-line fix.
func TestQueueStackKeepsItsQueue(t *testing.T) {
	dir := t.TempDir()
	withQueue := strings.Replace(regenSpec, "memory: 256", "memory: 256\n  onFailure: sqs", 1)
	writeSpec(t, dir, withQueue)
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen with the queue", code, 0, o, e)

	writeSpec(t, dir, regenSpec)
	code, o, e = gen(t, dir, "diff", "-spec", "s.yaml", "-out", "out")
	expect(t, "diff to the bucket", code, 0, o, e)
	for _, want := range []string{
		"added     StreamerFailureBucket (AWS::S3::Bucket)",
		"removed   StreamerDeadLetterQueue (AWS::SQS::Queue)",
		"fix: to keep the queue, add onFailure: sqs to the spec's stream block",
	} {
		if !strings.Contains(o, want) {
			t.Errorf("diff does not say %q:\n%s", want, o)
		}
	}
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen without onFailure", code, 3, o, e)
	for _, want := range []string{
		"StreamerDeadLetterQueue (AWS::SQS::Queue) is removed: failed batches now go to an S3 bucket (stream.onFailure: s3, the default",
		"Fix: to keep the queue, add onFailure: sqs to the spec's stream block.",
	} {
		if !strings.Contains(e, want) {
			t.Errorf("refusal does not say %q:\n%s", want, e)
		}
	}
	writeSpec(t, dir, withQueue)
	code, o, e = gen(t, dir, "check", "-spec", "s.yaml", "-out", "out")
	expect(t, "out/ untouched by the refusal", code, 0, o, e)
}

// TestRenameRefusedBeforeModuleCheck: renaming the stack would lose its data;
// that refusal (exit 3) comes before the go.mod's new module path, which
// only matters once the user allows the loss.
func TestRenameRefusedBeforeModuleCheck(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "first gen", code, 0, o, e)
	writeSpec(t, dir, strings.Replace(regenSpec, "name: streamer", "name: orders", 1))
	before := tree(t, dir)
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen of a renamed stack", code, 3, o, e)
	if strings.Contains(e, "go mod edit") {
		t.Errorf("refusal asks for the module edit first:\n%s", e)
	}
	code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out", "--allow-replace")
	expect(t, "gen --allow-replace of a renamed stack", code, 1, o, e)
	if !strings.Contains(e, "go mod edit -module orders-handler") {
		t.Errorf("no module fix:\n%s", e)
	}
	if after := tree(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("files changed")
	}
}

// TestWroteCountsWhatWasWritten: regeneration leaves the user's files (the
// handler's main.go, go.mod, go.sum) alone, and gen's count says so; an
// output that is up to date is not written at all.
func TestWroteCountsWhatWasWritten(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, regenSpec)
	code, first, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "first gen", code, 0, first, e)
	code, same, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen of an output up to date", code, 0, same, e)
	if same != "out is up to date: nothing written\n" {
		t.Errorf("gen of an output up to date said %q", same)
	}
	if err := os.Remove(filepath.Join(dir, "out", "README.md")); err != nil {
		t.Fatal(err)
	}
	code, second, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
	expect(t, "gen after README.md was deleted", code, 0, second, e)
	var n1, n2 int
	if _, err := fmt.Sscanf(first, "wrote %d files to out\n", &n1); err != nil {
		t.Fatalf("first gen: %q: %v", first, err)
	}
	if _, err := fmt.Sscanf(second, "wrote %d files to out\n", &n2); err != nil {
		t.Fatalf("second gen: %q: %v", second, err)
	}
	if n2 != n1-3 {
		t.Errorf("first gen wrote %d files, the second %d: want 3 fewer (main.go, go.mod, go.sum are kept)", n1, n2)
	}
}

// TestServerSetTypeChangeCLI: server-set fields are not in the API's model,
// yet their stored type counts as much: a new type that cannot read them is
// refused (exit 3) and marked in gen diff, at any depth; one that can read
// them passes.
func TestServerSetTypeChangeCLI(t *testing.T) {
	const base = `version: 1
name: streamer
table:
  partitionKey: id
fields:
  id: {type: string, from: requestId}
  receivedAt: {type: integer, from: requestTimeEpoch}
  ip: {type: string, from: sourceIp}
  meta:
    type: object
    required: true
    fields:
      seenAt: {type: integer, from: requestTimeEpoch}
  lines:
    type: list
    items:
      type: object
      fields:
        at: {type: integer, from: requestTimeEpoch}
        sku: {type: string}
`
	for _, tt := range []struct{ old, new, why string }{
		{"receivedAt: {type: integer, from: requestTimeEpoch}", "receivedAt: {type: string}", "field receivedAt changes type from integer to string"},
		{"ip: {type: string, from: sourceIp}", "ip: {type: integer}", "field ip changes type from string to integer"},
		{"ip: {type: string, from: sourceIp}", "ip: {type: number, from: requestTimeEpoch}", "field ip changes type from string to number"},
		{"seenAt: {type: integer, from: requestTimeEpoch}", "seenAt: {type: boolean}", "field meta.seenAt changes type from integer to boolean"},
		{"at: {type: integer, from: requestTimeEpoch}", "at: {type: string, from: userAgent}", "field lines[].at changes type from integer to string"},
	} {
		t.Run(tt.why, func(t *testing.T) {
			dir := t.TempDir()
			writeSpec(t, dir, base)
			code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
			expect(t, "first gen", code, 0, o, e)
			changed := strings.Replace(base, tt.old, tt.new, 1)
			if changed == base {
				t.Fatalf("spec has no %s", tt.old)
			}
			writeSpec(t, dir, changed)
			code, o, e = gen(t, dir, "diff", "-spec", "s.yaml", "-out", "out")
			expect(t, "diff", code, 0, o, e)
			if !strings.Contains(o, "! "+tt.why+": the items already stored keep the old types") {
				t.Errorf("diff does not mark %q:\n%s", tt.why, o)
			}
			code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
			expect(t, "gen", code, 3, o, e)
			if !strings.Contains(e, tt.why) {
				t.Errorf("refusal does not say %q:\n%s", tt.why, e)
			}
		})
	}
	for name, change := range map[string][2]string{
		"integer becomes number": {"receivedAt: {type: integer, from: requestTimeEpoch}", "receivedAt: {type: number, from: requestTimeEpoch}"},
		"another string source":  {"ip: {type: string, from: sourceIp}", "ip: {type: string, from: userAgent}"},
		"server-set to body":     {"seenAt: {type: integer, from: requestTimeEpoch}", "seenAt: {type: number}"},
		"field removed":          {"  receivedAt: {type: integer, from: requestTimeEpoch}\n", ""},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeSpec(t, dir, base)
			code, o, e := gen(t, dir, "-spec", "s.yaml", "-out", "out")
			expect(t, "first gen", code, 0, o, e)
			writeSpec(t, dir, strings.Replace(base, change[0], change[1], 1))
			code, o, e = gen(t, dir, "-spec", "s.yaml", "-out", "out")
			expect(t, "gen", code, 0, o, e)
		})
	}
}
