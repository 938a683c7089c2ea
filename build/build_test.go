package build

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/output"
	"github.com/streamgen/streamgen/spec"
)

// outDir generates the seed's stack into DIR, a temporary folder outside
// any module, as gen does, and returns DIR. Builds
// in it are offline: the module cache holds aws-lambda-go, since this
// repository's build needed it.
func outDir(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "streamer.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse("streamer.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	files, err := streamgen.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	if err := output.Write(dir, files, output.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-mod=readonly")
	t.Setenv("GOPROXY", "off")
	return dir
}

func TestLambdaBuildIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles a handler three times")
	}
	dir := outDir(t)
	ctx := context.Background()
	first, err := Lambda(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	firstZip, err := os.ReadFile(first.Zip)
	if err != nil {
		t.Fatal(err)
	}
	checkZip(t, firstZip)
	t.Logf("%s: zip %d bytes, bootstrap %d bytes", first.CodeKey, len(firstZip), first.BinarySize)

	// Same source, new file times and a clean build cache entry for the main package.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "handler", "main.go"), later, later); err != nil {
		t.Fatal(err)
	}
	second, err := Lambda(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	secondZip, err := os.ReadFile(second.Zip)
	if err != nil {
		t.Fatal(err)
	}
	if second.CodeKey != first.CodeKey || !bytes.Equal(firstZip, secondZip) {
		t.Fatalf("two builds of the same source differ: %s and %s", first.CodeKey, second.CodeKey)
	}

	// Changed source: a new key, and the old zip stays (a rollback needs it)
	// until RemoveOthers.
	mainGo := filepath.Join(dir, "handler", "main.go")
	src, err := os.ReadFile(mainGo)
	if err != nil {
		t.Fatal(err)
	}
	testenv.WriteFile(t, mainGo, bytes.Replace(src, []byte(`"item saved"`), []byte(`"item stored"`), 1))
	third, err := Lambda(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if third.CodeKey == first.CodeKey {
		t.Fatalf("changed source kept the key %s", first.CodeKey)
	}
	zips, _ := filepath.Glob(filepath.Join(dir, Dir, "*"))
	if len(zips) != 2 {
		t.Fatalf("build folder holds %v, want %s and %s", zips, first.CodeKey, third.CodeKey)
	}
	removed, err := RemoveOthers(dir, third.CodeKey)
	if err != nil {
		t.Fatal(err)
	}
	zips, _ = filepath.Glob(filepath.Join(dir, Dir, "*"))
	if len(removed) != 1 || removed[0] != first.Zip || len(zips) != 1 || zips[0] != third.Zip {
		t.Fatalf("RemoveOthers removed %v and left %v, want only %s left", removed, zips, third.Zip)
	}
}

// checkZip checks that data holds one executable bootstrap for linux/arm64,
// with the fixed time.
func checkZip(t *testing.T, data []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		t.Fatalf("zip entries %v, want only bootstrap", zr.File)
	}
	f := zr.File[0]
	if f.Mode().Perm() != 0o755 || !f.Modified.Equal(zipTime) {
		t.Errorf("bootstrap mode %v, time %v; want 0755 at %v", f.Mode(), f.Modified, zipTime)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	head := make([]byte, 20)
	if _, err := io.ReadFull(rc, head); err != nil {
		t.Fatal(err)
	}
	// ELF, 64-bit, little endian, e_machine 183 (AArch64)
	if string(head[:4]) != "\x7fELF" || head[4] != 2 || head[18] != 183 {
		t.Errorf("bootstrap is not a linux/arm64 ELF executable: % x", head)
	}
}

func TestHostBuildRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a handler")
	}
	dir := outDir(t)
	bin := filepath.Join(t.TempDir(), "handler")
	if err := Host(context.Background(), dir, bin); err != nil {
		t.Fatal(err)
	}
	// Outside Lambda the runtime client exits at once, saying what it misses.
	out, err := exec.Command(bin).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "AWS_LAMBDA_RUNTIME_API") {
		t.Fatalf("handler outside Lambda: %v\n%s", err, out)
	}
}

func TestBuildErrorNamesTheProblem(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a handler")
	}
	dir := outDir(t)
	testenv.WriteFile(t, filepath.Join(dir, "handler", "main.go"), []byte("package main\n\nfunc process( {\n"))
	_, err := Lambda(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "main.go") {
		t.Fatalf("error %v, want the compiler's message naming main.go", err)
	}
	if zips, _ := filepath.Glob(filepath.Join(dir, Dir, "*")); len(zips) != 0 {
		t.Fatalf("a failed build left %v", zips)
	}
}

// TestBuildErrorsNameTheFix: building what is not a generated handler
// module says what to run, and what it says works.
func TestBuildErrorsNameTheFix(t *testing.T) {
	dir := t.TempDir()
	_, err := Lambda(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "generate the stack first (gen -spec FILE -out "+dir+")") {
		t.Fatalf("no handler: error %v, want the advice to generate", err)
	}
	// An output of a gen from before the handler was a module.
	testenv.WriteFile(t, filepath.Join(dir, output.ManifestName), []byte("handler/main.go\n"))
	testenv.WriteFile(t, filepath.Join(dir, "handler", "main.go"), []byte("package main\n\nimport _ \"github.com/streamgen/streamgen/handler\"\n\nfunc main() {}\n"))
	_, err = Lambda(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "run gen -spec FILE -out "+dir+" again") {
		t.Fatalf("no go.mod: error %v, want the advice to regenerate", err)
	}
}

// TestBuildRefusesAForeignFolder: a folder gen did not make (no manifest) is
// not built, even when it holds a handler module, and the advice is not to
// generate into it (gen refuses that too) but into a new folder.
func TestBuildRefusesAForeignFolder(t *testing.T) {
	dir := outDir(t)
	if err := os.Remove(filepath.Join(dir, output.ManifestName)); err != nil {
		t.Fatal(err)
	}
	_, err := Lambda(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "has no "+output.ManifestName) ||
		!strings.Contains(err.Error(), "gen -spec FILE -out NEWDIR") || strings.Contains(err.Error(), "-out "+dir+")") {
		t.Fatalf("error %v, want the refusal of a foreign folder", err)
	}
	if _, err := os.Stat(filepath.Join(dir, Dir)); !os.IsNotExist(err) {
		t.Errorf("a refused build made %s", Dir)
	}
}

// TestBuildNamesTheModuleFix: a go.mod whose module path the generated
// imports no longer match gets gen's go mod edit fix, not go's message.
func TestBuildNamesTheModuleFix(t *testing.T) {
	dir := outDir(t)
	gomod := filepath.Join(dir, "handler", "go.mod")
	src, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	testenv.WriteFile(t, gomod, bytes.Replace(src, []byte("module streamer-handler\n"), []byte("module foo\n"), 1))
	_, err = Lambda(context.Background(), dir)
	want := "go mod edit -module streamer-handler)"
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "go build") {
		t.Fatalf("error %v, want %q", err, want)
	}
}

// TestRemoveOthersKeepsOtherFiles: only the zips a build names are deleted.
func TestRemoveOthersKeepsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	built := []string{"handler-0123456789abcdef.zip", "handler-fedcba9876543210.zip"}
	mine := []string{"handler-mine.zip", "handler-0123456789abcdef.zip.bak", "handler-0123456789ABCDEF.zip", "other.zip"}
	for _, name := range append(append([]string{}, built...), mine...) {
		testenv.WriteFile(t, filepath.Join(dir, Dir, name), []byte("zip"))
	}
	removed, err := RemoveOthers(dir, built[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != filepath.Join(dir, Dir, built[0]) {
		t.Errorf("removed %v, want only %s", removed, built[0])
	}
	for _, name := range append([]string{built[1]}, mine...) {
		if _, err := os.Stat(filepath.Join(dir, Dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
