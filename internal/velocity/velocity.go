// Package velocity renders API Gateway mapping templates with the real Apache
// Velocity 1.7 (Debian package velocity) for the tests. Harness.java emulates
// $input, $util and $context as API Gateway documents them; it is compiled once
// into the user cache and runs as one long-lived process per Renderer.
package velocity

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
)

//go:embed Harness.java
var harnessSource []byte

// Jars are the jars Velocity 1.7 needs at run time, as Debian installs them
// (velocity depends on libcommons-collections3-java and libcommons-lang-java).
var Jars = []string{
	"/usr/share/java/velocity.jar",
	"/usr/share/java/commons-collections3.jar",
	"/usr/share/java/commons-lang.jar",
}

// Job is one template to render and the request it sees.
type Job struct {
	Template string         `json:"template"`
	Body     string         `json:"body"`    // $input.body, parsed lazily by $input.path/json
	Context  map[string]any `json:"context"` // $context; responseOverride is added by the harness
	// Params is $input.params(): "path", "querystring" and "header" maps.
	Params map[string]map[string]string `json:"params,omitempty"`
}

// Result is what Velocity rendered.
type Result struct {
	Output string `json:"output"`
	// Status is $context.responseOverride.status as set by the template, "" when unset.
	Status string `json:"status"`
	Error  string `json:"error"` // Velocity's parse or render error, "" on success
}

// Context is a $context of a request: requestId, requestTimeEpoch (ms) and
// identity.sourceIp/userAgent, the variables server-set fields come from.
func Context(requestID string, epochMillis int64, sourceIP, userAgent string) map[string]any {
	return map[string]any{
		"requestId":        requestID,
		"requestTimeEpoch": json.Number(strconv.FormatInt(epochMillis, 10)),
		"identity": map[string]any{
			"sourceIp":  sourceIP,
			"userAgent": userAgent,
		},
		"stage":      "prod",
		"httpMethod": "POST",
	}
}

// Renderer is a running harness. Render may be called from several goroutines.
type Renderer struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr lockedBuffer
}

// lockedBuffer holds the harness's stderr, written by exec's copier while
// Render may read it for a message.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Start compiles the harness (once per source version) and starts it; the
// test's cleanup stops it. Without java, javac or the jars the test is skipped,
// or fails under CI.
func Start(tb testing.TB) *Renderer {
	tb.Helper()
	for _, tool := range []string{"java", "javac"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(tb, "%s not found: install a JDK to run the Velocity oracle", tool)
		}
	}
	for _, jar := range Jars {
		if _, err := os.Stat(jar); err != nil {
			testenv.Missing(tb, "%s not found: apt-get install velocity to run the Velocity oracle", jar)
		}
	}
	classes, err := compile()
	if err != nil {
		tb.Fatalf("compiling the Velocity harness: %v", err)
	}
	r, err := start(classes)
	if err != nil {
		tb.Fatalf("starting the Velocity harness: %v", err)
	}
	tb.Cleanup(r.close)
	return r
}

// compile builds Harness.class into a cache folder named by the source's hash.
func compile() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256(harnessSource)
	dir := filepath.Join(cache, "streamgen", "velocity-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "Harness.class")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "Harness.java")
	if err := os.WriteFile(src, harnessSource, 0o644); err != nil {
		return "", err
	}
	out, err := exec.Command("javac", "-nowarn", "-encoding", "UTF-8",
		"-cp", strings.Join(Jars, string(os.PathListSeparator)), "-d", tmp, src).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("javac: %v\n%s", err, out)
	}
	if err := os.Remove(src); err != nil {
		return "", err
	}
	// Another test binary may have won the race; either copy is the same.
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "Harness.class")); statErr != nil {
			return "", err
		}
	}
	return dir, nil
}

func start(classes string) (*Renderer, error) {
	cp := strings.Join(append([]string{classes}, Jars...), string(os.PathListSeparator))
	// C2 is not worth its warm-up for a few thousand renders; the stack holds
	// Velocity's recursion on deeply nested templates.
	cmd := exec.Command("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m",
		"-Dfile.encoding=UTF-8", "-cp", cp, "Harness")
	r := &Renderer{cmd: cmd}
	cmd.Stderr = &r.stderr
	var err error
	if r.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	r.stdout = bufio.NewReaderSize(stdout, 1<<20)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return r, nil
}

// Render renders one job. An error means the harness broke; template errors
// are in Result.Error.
func (r *Renderer) Render(job Job) (Result, error) {
	line, err := json.Marshal(job)
	if err != nil {
		return Result{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.stdin.Write(append(line, '\n')); err != nil {
		return Result{}, fmt.Errorf("harness: %v; stderr: %s", err, r.stderr.String())
	}
	answer, err := r.stdout.ReadBytes('\n')
	if err != nil {
		return Result{}, fmt.Errorf("harness: %v; stderr: %s", err, r.stderr.String())
	}
	var res Result
	if err := json.Unmarshal(answer, &res); err != nil {
		return Result{}, fmt.Errorf("harness answer %q: %v", answer, err)
	}
	return res, nil
}

// MustRender renders job and ends the test if the harness broke or the
// template did not render.
func (r *Renderer) MustRender(tb testing.TB, job Job) Result {
	tb.Helper()
	res, err := r.Render(job)
	if err != nil {
		tb.Fatal(err)
	}
	if res.Error != "" {
		tb.Fatalf("Velocity: %s\n%s", res.Error, job.Template)
	}
	return res
}

func (r *Renderer) close() {
	r.stdin.Close()
	if err := r.cmd.Wait(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		fmt.Fprintf(os.Stderr, "velocity harness: %v\n%s", err, r.stderr.String())
	}
}
