package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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

// Another local process that finds the Runtime API's port can neither take
// an invocation nor answer one: only the handler knows the API's path.
func TestRuntimeAPIServesOnlyTheHandlerItStarted(t *testing.T) {
	f := &Function{Name: "t-handler", Binary: buildRuntimeHandler(t), Memory: 128, Timeout: 5 * time.Second, Region: "eu-west-1", Output: &syncBuffer{}}
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.Stop()

	client := &http.Client{Timeout: 3 * time.Second}
	base := "http://" + f.Addr()
	var mu sync.Mutex
	var answers []string
	intrude := func(method, path string) {
		resp, err := client.Do(must(http.NewRequest(method, base+path, strings.NewReader(`{"stolen":true}`))))
		if err != nil {
			return // a timeout: it waited for an invocation and got none
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		mu.Lock()
		answers = append(answers, fmt.Sprintf("%s %s: %d %s", method, path, resp.StatusCode, body))
		mu.Unlock()
	}
	stop := make(chan struct{})
	var intruders sync.WaitGroup
	for _, path := range []string{"/2018-06-01/runtime/invocation/next", "/x/2018-06-01/runtime/invocation/next", "//2018-06-01/runtime/invocation/next"} {
		intruders.Add(1)
		go func() {
			defer intruders.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
					intrude(http.MethodGet, path)
				}
			}
		}()
	}
	for i := range 5 {
		time.Sleep(50 * time.Millisecond) // the intruders wait for /next too
		body, err := f.Invoke([]byte(`{"do":"ok"}`))
		if err != nil || !strings.Contains(string(body), `"arn":"arn:aws:lambda:eu-west-1:000000000000:function:t-handler"`) {
			t.Errorf("invocation %d: %s, %v; want the handler's answer", i, body, err)
		}
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", uint32(time.Now().Unix()), i+1)
		intrude(http.MethodPost, "/2018-06-01/runtime/invocation/"+id+"/response")
	}
	close(stop)
	intruders.Wait()
	if len(answers) == 0 {
		t.Fatal("no intruder got an answer")
	}
	for _, a := range answers {
		if !strings.Contains(a, ": 403 ") || !strings.Contains(a, `"errorType":"Forbidden"`) {
			t.Errorf("an intruder was served: %s", a)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
