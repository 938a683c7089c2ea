package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/docs"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/internal/version"
)

// runIn runs gen in dir and returns its exit code and output.
func runIn(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var o, e bytes.Buffer
	code = run(append([]string{"gen"}, args...), &o, &e)
	return code, o.String(), e.String()
}

const misspelt = "version: 1\nname: s\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n  mesage:\n    typ: string\n"

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	good, _ := filepath.Abs("../../streamer.yaml")
	contract, _ := filepath.Abs("../../examples/contract.yaml")
	code, o, e := runIn(t, dir, "validate", good, contract)
	if code != 0 || o != good+": ok\n"+contract+": ok\n" || e != "" {
		t.Errorf("good specs: exit %d\n%s%s", code, o, e)
	}

	testenv.WriteFile(t, filepath.Join(dir, "bad.yaml"), []byte(misspelt))
	code, o, e = runIn(t, dir, "validate", good, "bad.yaml")
	want := "bad.yaml:7:5: fields.mesage: unknown key \"typ\"; did you mean \"type\"?\n"
	if code != 2 || o != good+": ok\n" || e != want {
		t.Errorf("misspelt key: exit %d\nstdout: %s\nstderr: %s", code, o, e)
	}

	// valid, but a setting that does nothing: said on stderr, exit 0
	testenv.WriteFile(t, filepath.Join(dir, "old.yaml"), []byte("version: 1\nname: s\ntable: {partitionKey: id}\nfields: {id: {type: string, from: requestId}}\nstream: {maxRecordAge: 172800}\n"))
	code, o, e = runIn(t, dir, "validate", "old.yaml")
	if code != 0 || o != "old.yaml: ok\n" || !strings.HasPrefix(e, "old.yaml:5:24: stream.maxRecordAge: warning: 172800 seconds is more than the 86400 (24 hours)") {
		t.Errorf("maxRecordAge over the stream's retention: exit %d\nstdout: %s\nstderr: %s", code, o, e)
	}

	// siblings whose Go names are spelt out: valid, goName suggested
	testenv.WriteFile(t, filepath.Join(dir, "msg.yaml"), []byte("version: 1\nname: s\ntable: {partitionKey: id}\nfields: {id: {type: string, from: requestId}, msg: {type: string}, Msg: {type: string, goName: Title}, _msg: {type: string}, Msg_: {type: string}}\n"))
	code, o, e = runIn(t, dir, "validate", "msg.yaml")
	if code != 0 || o != "msg.yaml: ok\n" ||
		e != "msg.yaml:4:47: fields.msg: warning: the handler spells its Go name out as Msg_msg, since sibling names Msg, _msg, Msg_ also give Msg, and renames it if that changes; set goName to pick a stable name\n"+
			"msg.yaml:4:104: fields._msg: warning: the handler spells its Go name out as Msg__msg, since sibling names msg, Msg, Msg_ also give Msg, and renames it if that changes; set goName to pick a stable name\n"+
			"msg.yaml:4:126: fields.Msg_: warning: the handler spells its Go name out as Msg_Msg_, since sibling names msg, Msg, _msg also give Msg, and renames it if that changes; set goName to pick a stable name\n" {
		t.Errorf("spelt-out Go names: exit %d\nstdout: %s\nstderr: %s", code, o, e)
	}

	code, _, e = runIn(t, dir, "validate", "bad.yaml", "missing.yaml")
	if code != 1 || !strings.Contains(e, "missing.yaml: no such file") {
		t.Errorf("missing file: exit %d\n%s", code, e)
	}
	if code, _, _ = runIn(t, dir, "validate"); code != 2 {
		t.Errorf("validate without a file: exit %d", code)
	}
}

func TestGenerate(t *testing.T) {
	src, err := os.ReadFile("../../streamer.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	testenv.WriteFile(t, filepath.Join(dir, "bad.yaml"), []byte(misspelt))
	code, _, e := runIn(t, dir, "-spec", "bad.yaml", "-out", "out")
	if code != 2 || !strings.HasPrefix(e, "bad.yaml:7:5: ") {
		t.Errorf("bad spec: exit %d\n%s", code, e)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("out/ written for a bad spec: %v", err)
	}

	testenv.WriteFile(t, filepath.Join(dir, "streamer.yaml"), src)
	code, o, e := runIn(t, dir, "-spec", "streamer.yaml")
	if code != 0 || e != "" || strings.Contains(o, "note:") {
		t.Fatalf("good spec: exit %d\n%s%s", code, o, e)
	}
	for _, name := range []string{"template.yaml", "model.json", "request.vtl", "handler/main.go"} {
		if _, err := os.Stat(filepath.Join(dir, "out", name)); err != nil {
			t.Errorf("default out/: %v", err)
		}
	}

	if code, _, e = runIn(t, dir, "-spec", "nothere.yaml"); code != 1 || !strings.Contains(e, "no such file") {
		t.Errorf("missing spec: exit %d\n%s", code, e)
	}
	for _, args := range [][]string{{}, {"-nope"}, {"stray"}} {
		if code, _, e = runIn(t, dir, args...); code != 2 || e == "" {
			t.Errorf("gen %v: exit %d\n%s", args, code, e)
		}
	}
}

// TestGenerateSizes: a template over 51,200 bytes is written, and gen says
// to deploy it from S3; a spec whose request template API Gateway would
// refuse is a spec error (exit 2) that writes nothing.
func TestGenerateSizes(t *testing.T) {
	wide, err := os.ReadFile("../../testdata/wide-200/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	testenv.WriteFile(t, filepath.Join(dir, "wide.yaml"), wide)
	code, o, e := runIn(t, dir, "-spec", "wide.yaml", "-out", "wide")
	if code != 0 || !strings.Contains(o, "\nnote: template.yaml is ") || !strings.Contains(o, "deploy it with aws cloudformation deploy --s3-bucket BUCKET") {
		t.Errorf("wide spec: exit %d\n%s%s", code, o, e)
	}

	var big strings.Builder
	big.WriteString("version: 1\nname: big\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&big, "  f%d: {type: list, items: {type: string}, maxItems: 5}\n", i)
	}
	testenv.WriteFile(t, filepath.Join(dir, "big.yaml"), []byte(big.String()))
	code, _, e = runIn(t, dir, "-spec", "big.yaml", "-out", "big")
	if code != 2 || !strings.HasPrefix(e, "big.yaml:4:1: fields: a mapping template is ") || !strings.Contains(e, "maximum mapping template size, 300 KB") {
		t.Errorf("spec over the mapping template limit: exit %d\n%s", code, e)
	}
	if code, o, e = runIn(t, dir, "validate", "big.yaml"); code != 2 || o != "" || !strings.HasPrefix(e, "big.yaml:4:1: fields: a mapping template is ") {
		t.Errorf("validate of a spec over the mapping template limit: exit %d\n%s%s", code, o, e)
	}
	if _, err := os.Stat(filepath.Join(dir, "big")); !os.IsNotExist(err) {
		t.Errorf("written although over a limit: %v", err)
	}
}

func TestHelpAndVersion(t *testing.T) {
	dir := t.TempDir()
	code, o, _ := runIn(t, dir, "--version")
	if want := "gen version " + version.Get().String() + "\n"; code != 0 || o != want {
		t.Errorf("--version: exit %d %q, want %q", code, o, want)
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, o, _ = runIn(t, dir, args...)
		if code != 0 || !strings.Contains(o, "gen -spec FILE [-out DIR]") || !strings.Contains(o, "validate") ||
			!strings.Contains(o, "init") || !strings.Contains(o, "gen help spec") {
			t.Errorf("gen %v: exit %d\n%s", args, code, o)
		}
	}
	for _, args := range [][]string{{"help", "build"}, {"build", "--help"}} {
		code, o, _ = runIn(t, dir, args...)
		if code != 0 || !strings.Contains(o, "gen build - build DIR/handler") || !strings.Contains(o, "--clean") {
			t.Errorf("gen %v: exit %d\n%s", args, code, o)
		}
	}
	code, o, _ = runIn(t, dir, "help", "spec")
	if code != 0 || o != docs.Spec {
		t.Errorf("help spec: exit %d, printed %d bytes, want docs/spec.md (%d bytes)", code, len(o), len(docs.Spec))
	}
	code, _, e := runIn(t, dir, "help", "nothing")
	if code != 2 || !strings.Contains(e, `no help topic "nothing"`) {
		t.Errorf("help nothing: exit %d\n%s", code, e)
	}
}

// TestHandlerGoModIsTheUsers: the handler's go.mod and go.sum keep the
// user's additions across regeneration, and one that no longer fits the
// generated code stops gen before it writes anything.
func TestHandlerGoModIsTheUsers(t *testing.T) {
	seed, err := filepath.Abs("../../streamer.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if code, _, e := runIn(t, dir, "-spec", seed); code != 0 {
		t.Fatalf("gen: exit %d\n%s", code, e)
	}
	gomod := filepath.Join(dir, "out", "handler", "go.mod")
	gosum := filepath.Join(dir, "out", "handler", "go.sum")
	written, _ := os.ReadFile(gomod)
	mine := string(written) + "\nrequire golang.org/x/sync v0.20.0\n"
	testenv.WriteFile(t, gomod, []byte(mine))
	testenv.WriteFile(t, gosum, []byte("golang.org/x/sync v0.20.0 h1:mine=\n"))
	if code, _, e := runIn(t, dir, "-spec", seed); code != 0 {
		t.Fatalf("regenerate: exit %d\n%s", code, e)
	}
	if got, _ := os.ReadFile(gomod); string(got) != mine {
		t.Errorf("regeneration changed the user's go.mod:\n%s", got)
	}
	if got, _ := os.ReadFile(gosum); string(got) != "golang.org/x/sync v0.20.0 h1:mine=\n" {
		t.Errorf("regeneration changed the user's go.sum:\n%s", got)
	}

	// A go.mod of another module path: the generated imports would break.
	testenv.WriteFile(t, gomod, []byte(strings.Replace(mine, "module streamer-handler", "module example.com/other", 1)))
	testenv.WriteFile(t, filepath.Join(dir, "out", "README.md"), []byte("stale\n"))
	before := tree(t, dir)
	code, _, e := runIn(t, dir, "-spec", seed)
	if code != 1 || !strings.Contains(e, "go mod edit -module streamer-handler") {
		t.Errorf("mismatched module: exit %d\n%s", code, e)
	}
	if !reflect.DeepEqual(tree(t, dir), before) {
		t.Errorf("gen wrote although the handler's go.mod does not fit")
	}
	if code, _, e = runIn(t, dir, "check", "-spec", seed); code != 1 || !strings.Contains(e, "go mod edit -module streamer-handler") {
		t.Errorf("check with a mismatched module: exit %d\n%s", code, e)
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	code, _, e := runIn(t, dir, "init", "Not_Valid")
	if code != 2 || !strings.Contains(e, "Not_Valid") {
		t.Errorf("invalid name: exit %d\n%s", code, e)
	}
	if _, err := os.Stat(filepath.Join(dir, "streamer.yaml")); !os.IsNotExist(err) {
		t.Fatalf("file written for an invalid name")
	}
	if code, o, e := runIn(t, dir, "init", "my-app"); code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, o, e)
	}
	code, o, e := runIn(t, dir, "validate", "streamer.yaml")
	if code != 0 || o != "streamer.yaml: ok\n" {
		t.Errorf("starter does not validate: exit %d\n%s%s", code, o, e)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "streamer.yaml"))
	if !strings.Contains(string(before), "name: my-app") {
		t.Errorf("starter has not the name:\n%s", before)
	}
	testenv.WriteFile(t, filepath.Join(dir, "streamer.yaml"), []byte("# mine\n"))
	code, _, e = runIn(t, dir, "init")
	after, _ := os.ReadFile(filepath.Join(dir, "streamer.yaml"))
	if code != 1 || !strings.Contains(e, "already exists") || string(after) != "# mine\n" {
		t.Errorf("init over an existing spec: exit %d %s %q", code, e, after)
	}
}
