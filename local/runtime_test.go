package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer safe for the handler's output goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func buildRuntimeHandler(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-o", bin, "./testdata/runtimehandler")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build test handler: %v\n%s", err, out)
	}
	return bin
}

func TestFunctionRunsARealHandlerThroughTheRuntimeAPI(t *testing.T) {
	out := &syncBuffer{}
	f := &Function{
		Name:    "t-handler",
		Binary:  buildRuntimeHandler(t),
		Memory:  128,
		Timeout: 2 * time.Second,
		Region:  "eu-west-1",
		Output:  out,
	}
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.Stop()

	body, err := f.Invoke([]byte(`{"do":"ok"}`))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		ARN              string
		DeadlineInFuture bool
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("response %s: %v", body, err)
	}
	if resp.ARN != "arn:aws:lambda:eu-west-1:000000000000:function:t-handler" || !resp.DeadlineInFuture {
		t.Errorf("context seen by the handler: %+v", resp)
	}

	var fe *FunctionError
	for _, c := range []struct{ do, want string }{
		{"error", "asked to fail"},
		{"panic", "asked to panic"},
		{"crash", "Runtime exited"},
		{"sleep", "Task timed out after 2s"},
	} {
		_, err := f.Invoke([]byte(`{"do":"` + c.do + `"}`))
		if !errors.As(err, &fe) || !strings.Contains(fe.Error(), c.want) {
			t.Errorf("do=%s: error %v, want a FunctionError with %q", c.do, err, c.want)
		}
		// The function keeps working after each failure, restarted if need be.
		if _, err := f.Invoke([]byte(`{"do":"ok"}`)); err != nil {
			t.Errorf("after do=%s: %v", c.do, err)
		}
	}
	if !strings.Contains(out.String(), "handler | invoked ") || !strings.Contains(out.String(), "fn=t-handler mem=128") {
		t.Errorf("handler output not relayed with prefix and env:\n%s", out)
	}
}

func TestFunctionThatIsNotALambdaRuntimeFails(t *testing.T) {
	for _, name := range []string{"true", "false"} {
		bin, err := exec.LookPath(name)
		if err != nil {
			t.Skip(err)
		}
		f := &Function{Name: "t", Binary: bin, Memory: 128, Timeout: 5 * time.Second, Region: "us-east-1", Output: &syncBuffer{}}
		if err := f.Start(); err != nil {
			t.Fatal(err)
		}
		_, err = f.Invoke([]byte(`{}`))
		var fe *FunctionError
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Message, "Runtime exited") {
			t.Errorf("%s: %v, want a Runtime exited FunctionError", name, err)
		}
		f.Stop()
	}
}
