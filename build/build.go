// Package build compiles a generated stream handler (DIR/handler, a Go
// module of its own) into the zip Lambda runs: a static linux/arm64 binary
// named bootstrap, for the provided.al2023 runtime. The zip's bytes depend
// only on the source and the Go toolchain, and its name holds their hash, so
// a new CodeKey is exactly new code and CloudFormation updates the function
// then and only then.
package build

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/internal/lockdir"
	"github.com/streamgen/streamgen/output"
)

// Dir is the folder of DIR that receives the zip.
const Dir = "build"

// Result is a built handler.
type Result struct {
	Zip        string // path of the zip: DIR/build/<CodeKey>
	CodeKey    string // the zip's file name, handler-<first 16 hex of its SHA-256>.zip: its S3 key
	BinarySize int64  // size of bootstrap
}

// flags are the go build flags of every handler build: no paths, VCS
// stamps, build IDs or symbols in the binary, and no RPC mode of the Lambda
// runtime client (provided.al2023 does not use it).
var flags = []string{"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags", "-s -w -buildid="}

// zipTime is the modification time of every zip entry (the earliest a zip
// can hold), so that the build time never reaches the zip.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Lambda builds DIR/handler for linux/arm64 and writes the zip into
// DIR/build. Earlier zips stay: rolling back deploys an earlier CodeKey,
// whose zip may be needed again (RemoveOthers deletes them when asked).
func Lambda(ctx context.Context, dir string) (*Result, error) {
	// Temp also deletes the folders of builds that were killed.
	tmp, removeTmp, err := lockdir.Temp("streamgen-build-")
	if err != nil {
		return nil, err
	}
	defer removeTmp()
	bin := filepath.Join(tmp, "bootstrap")
	if err := handler(ctx, dir, "linux", "arm64", bin); err != nil {
		return nil, err
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	data, err := Zip(exe)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	res := &Result{
		CodeKey:    "handler-" + hex.EncodeToString(sum[:])[:16] + ".zip",
		BinarySize: int64(len(exe)),
	}
	out := filepath.Join(dir, Dir)
	res.Zip = filepath.Join(out, res.CodeKey)
	if err := writeZip(out, res.CodeKey, data); err != nil {
		return nil, err
	}
	return res, nil
}

// Host builds DIR/handler for the machine it runs on, with the flags of a
// Lambda build, into the executable out (to run the real handler locally).
func Host(ctx context.Context, dir, out string) error {
	return handler(ctx, dir, runtime.GOOS, runtime.GOARCH, out)
}

// handler builds DIR/handler, the handler's own module, after checking that
// it is one gen can build: in an output gen made, whose go.mod fits the code.
func handler(ctx context.Context, dir, goos, goarch, out string) error {
	made, err := output.Made(dir)
	var foreign *output.ForeignFolderError
	switch {
	case errors.As(err, &foreign):
		return fmt.Errorf("%s has no %s, so gen did not make it, and gen builds only the handler of an output it made. "+
			"Generate one into a new folder (gen -spec FILE -out NEWDIR) and build that (gen build -out NEWDIR)", dir, output.ManifestName)
	case err != nil:
		return err
	}
	pkgDir := filepath.Join(dir, "handler")
	if info, err := os.Stat(pkgDir); !made || err != nil || !info.IsDir() {
		return fmt.Errorf("%s is not a folder: generate the stack first (gen -spec FILE -out %s)", pkgDir, dir)
	}
	if err := streamgen.CheckHandlerRequirements(dir); err != nil {
		return err
	}
	return binary(ctx, pkgDir, goos, goarch, out)
}

// binary builds the main package in pkgDir for goos/goarch into out, with
// cgo off and the flags of a Lambda build. A go.work around pkgDir is
// ignored (GOWORK=off): the handler's own go.mod alone says what goes in.
func binary(ctx context.Context, pkgDir, goos, goarch, out string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if _, err := exec.LookPath("go"); err != nil {
		return fmt.Errorf("building %s needs Go, and go is not on PATH: install it (https://go.dev/dl/)", pkgDir)
	}
	args := append([]string{"build"}, flags...)
	args = append(args, "-o", abs, ".")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		// go's own message names the fix (go get, go mod tidy, a line of
		// code), to be run in pkgDir.
		return fmt.Errorf("go build in %s (%s/%s): %w\n%s", pkgDir, goos, goarch, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// codeKey matches the names Lambda gives the zips it writes (Result.CodeKey).
// It is compiled when first used, by gen build alone.
var codeKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^handler-[0-9a-f]{16}\.zip$`) })

// RemoveOthers deletes the zips of DIR/build that a build named (see
// Result.CodeKey) but keep, and returns their paths. Other files stay.
func RemoveOthers(dir, keep string) ([]string, error) {
	zips, err := filepath.Glob(filepath.Join(dir, Dir, "handler-*.zip"))
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, f := range zips {
		if name := filepath.Base(f); name == keep || !codeKey().MatchString(name) {
			continue
		}
		if err := os.Remove(f); err != nil {
			return removed, err
		}
		removed = append(removed, f)
	}
	return removed, nil
}

// Zip returns a zip holding exe as bootstrap, executable, with fixed times.
func Zip(exe []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: zipTime}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(exe); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeZip writes the zip atomically: a reader never sees half a zip.
func writeZip(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+name)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}
