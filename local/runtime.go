package local

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Function runs a Lambda handler binary, unmodified, behind a local Lambda
// Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html)
// served on loopback. It invokes one event at a time, as one Lambda execution
// environment does, and restarts the process after a crash or a timeout.
type Function struct {
	Name    string // AWS_LAMBDA_FUNCTION_NAME
	Binary  string // the bootstrap to run
	Memory  int    // MB
	Timeout time.Duration
	Region  string
	Env     []string  // the function's own variables, NAME=value
	Output  io.Writer // the handler's stdout and stderr, line by line, prefixed

	invokeMu sync.Mutex // one invocation at a time
	ln       net.Listener
	secret   string // the path prefix only the started handler knows
	srv      *http.Server
	queue    chan *invocation // invocations waiting for GET /next

	mu        sync.Mutex
	current   *invocation // handed to the runtime, awaiting its answer
	proc      *process
	initError string
	requests  uint64
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	done     chan invokeResult // buffered: the first answer wins
}

type invokeResult struct {
	body []byte
	err  error
}

type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
	err    error         // why it exited, set before exited is closed
	served atomic.Bool   // it took an invocation
}

// FunctionError is a failed invocation: the handler returned an error,
// crashed, or ran out of time. Lambda treats all three alike.
type FunctionError struct {
	Type    string
	Message string
}

func (e *FunctionError) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

const runtimePrefix = "/2018-06-01/runtime/"

// Start serves the Runtime API and starts the handler process.
//
// Any local process can reach a loopback port, so the API answers only
// under a random path that the handler alone is told: AWS_LAMBDA_RUNTIME_API
// is host:port/secret, which aws-lambda-go turns into
// http://host:port/secret/2018-06-01/runtime/invocation/... (it prefixes
// the variable with http:// and appends the API's path). Another process
// cannot take or answer an invocation; one of the same user could read the
// handler's environment, as it could debug the handler itself.
func (f *Function) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	f.ln = ln
	token := make([]byte, 16)
	rand.Read(token)
	f.secret = "/" + hex.EncodeToString(token)
	f.queue = make(chan *invocation, 1)
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serveRuntime), ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f.startProcess()
}

// Addr is the Runtime API's host:port; the handler is given it with the
// secret path (see Start).
func (f *Function) Addr() string { return f.ln.Addr().String() }

// Stop stops the handler process and the Runtime API.
func (f *Function) Stop() {
	f.mu.Lock()
	p := f.proc
	f.mu.Unlock()
	if p != nil {
		stopProcess(p)
	}
	if f.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		f.srv.Shutdown(ctx)
		f.srv.Close()
	}
}

// Invoke sends payload to the handler and returns its response. A handler
// error, crash or timeout is a *FunctionError.
func (f *Function) Invoke(payload []byte) ([]byte, error) {
	f.invokeMu.Lock()
	defer f.invokeMu.Unlock()
	f.mu.Lock()
	f.requests++
	inv := &invocation{
		id:       fmt.Sprintf("%08x-0000-4000-8000-%012x", uint32(time.Now().Unix()), f.requests),
		payload:  payload,
		deadline: time.Now().Add(f.Timeout),
		done:     make(chan invokeResult, 1),
	}
	f.mu.Unlock()
	timer := time.NewTimer(f.Timeout)
	defer timer.Stop()
	for {
		p, err := f.running()
		if err != nil {
			return nil, err
		}
		f.queue <- inv
		select {
		case r := <-inv.done:
			f.finish(inv)
			return r.body, r.err
		case <-p.exited:
			pickedUp := f.finish(inv)
			// A process that served before and stopped between invocations
			// (a handler exits after a panic) gets a fresh one, as on Lambda.
			if !pickedUp && p.served.Load() {
				continue
			}
			f.mu.Lock()
			msg := f.initError
			f.initError = ""
			f.mu.Unlock()
			if msg == "" && p.err == nil {
				msg = "Runtime exited without an answer"
			} else if msg == "" {
				msg = fmt.Sprintf("Runtime exited with error: %v", p.err)
			}
			return nil, &FunctionError{Type: "Runtime.ExitError", Message: msg}
		case <-timer.C:
			stopProcess(p)
			f.finish(inv)
			return nil, &FunctionError{Type: "Sandbox.Timedout", Message: fmt.Sprintf("Task timed out after %s", f.Timeout)}
		}
	}
}

// finish forgets inv and reports whether the runtime had picked it up.
func (f *Function) finish(inv *invocation) bool {
	select {
	case <-f.queue:
		return false
	default:
	}
	f.mu.Lock()
	if f.current == inv {
		f.current = nil
	}
	f.mu.Unlock()
	return true
}

// running returns the handler process, starting a new one if the last exited.
func (f *Function) running() (*process, error) {
	f.mu.Lock()
	p := f.proc
	f.mu.Unlock()
	if p != nil {
		select {
		case <-p.exited:
		default:
			return p, nil
		}
	}
	if err := f.startProcess(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.proc, nil
}

func (f *Function) startProcess() error {
	cmd := exec.Command(f.Binary)
	cmd.Dir = filepath.Dir(f.Binary)
	cmd.Env = append(os.Environ(),
		"AWS_LAMBDA_RUNTIME_API="+f.Addr()+f.secret,
		"AWS_LAMBDA_FUNCTION_NAME="+f.Name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(f.Memory),
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/"+f.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME=local",
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"AWS_REGION="+f.Region,
		"AWS_DEFAULT_REGION="+f.Region,
		"LAMBDA_TASK_ROOT="+cmd.Dir,
		"_HANDLER=bootstrap",
		"TZ=:UTC",
	)
	cmd.Env = append(cmd.Env, f.Env...)
	out := newLineWriter(f.Output, "handler | ")
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.WaitDelay = time.Second
	setProcessGroup(cmd)
	// The process is known before it runs: its first GET /next may come
	// before Start returns.
	p := &process{cmd: cmd, exited: make(chan struct{})}
	f.mu.Lock()
	f.proc = p
	f.mu.Unlock()
	if err := cmd.Start(); err != nil {
		f.mu.Lock()
		f.proc = nil
		f.mu.Unlock()
		return fmt.Errorf("start handler %s: %w", f.Binary, err)
	}
	go func() {
		p.err = cmd.Wait()
		out.Flush()
		close(p.exited)
	}()
	return nil
}

// stopProcess asks the handler to stop, then kills it if it does not.
func stopProcess(p *process) {
	select {
	case <-p.exited:
		return
	default:
	}
	terminate(p.cmd)
	select {
	case <-p.exited:
	case <-time.After(2 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

func (f *Function) serveRuntime(w http.ResponseWriter, r *http.Request) {
	given, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if subtle.ConstantTimeCompare([]byte("/"+given), []byte(f.secret)) != 1 {
		writeJSON(w, http.StatusForbidden, map[string]string{"errorMessage": "this Runtime API serves only the handler gen local started", "errorType": "Forbidden"})
		return
	}
	path, ok := strings.CutPrefix("/"+rest, runtimePrefix)
	switch {
	case !ok:
		http.NotFound(w, r)
	case path == "invocation/next" && r.Method == http.MethodGet:
		f.next(w, r)
	case path == "init/error" && r.Method == http.MethodPost:
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.initError = "init error: " + errorMessage(body, r.Header)
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	case strings.HasPrefix(path, "invocation/") && r.Method == http.MethodPost:
		id, kind, _ := strings.Cut(strings.TrimPrefix(path, "invocation/"), "/")
		f.answer(w, r, id, kind)
	default:
		http.NotFound(w, r)
	}
}

// next hands the next invocation to the runtime, waiting for one.
func (f *Function) next(w http.ResponseWriter, r *http.Request) {
	var inv *invocation
	select {
	case inv = <-f.queue:
	case <-r.Context().Done():
		return
	}
	f.mu.Lock()
	f.current = inv
	if f.proc != nil {
		f.proc.served.Store(true)
	}
	f.mu.Unlock()
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", f.Region, accountID, f.Name))
	h.Set("Lambda-Runtime-Trace-Id", fmt.Sprintf("Root=1-%08x-%s;Sampled=0", time.Now().Unix(), strings.ReplaceAll(inv.id, "-", "")[:24]))
	h.Set("Content-Type", "application/json")
	w.Write(inv.payload)
}

// answer takes the response or error of the current invocation.
func (f *Function) answer(w http.ResponseWriter, r *http.Request, id, kind string) {
	if kind != "response" && kind != "error" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	inv := f.current
	if inv == nil || inv.id != id {
		f.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorMessage": "unknown request id " + id, "errorType": "InvalidRequestID"})
		return
	}
	f.current = nil
	f.mu.Unlock()
	res := invokeResult{body: body}
	// A response whose body failed mid-way carries the error in trailers.
	if kind == "error" || r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "" {
		res = invokeResult{err: functionError(body, r.Header, r.Trailer)}
	}
	inv.done <- res
	w.WriteHeader(http.StatusAccepted)
}

func functionError(body []byte, header, trailer http.Header) *FunctionError {
	e := &FunctionError{Message: errorMessage(body, header)}
	e.Type = header.Get("Lambda-Runtime-Function-Error-Type")
	if t := trailer.Get("Lambda-Runtime-Function-Error-Type"); t != "" {
		e.Type = t
	}
	var parsed struct{ ErrorType string }
	if json.Unmarshal(body, &parsed) == nil && parsed.ErrorType != "" {
		e.Type = parsed.ErrorType
	}
	return e
}

// errorMessage is the errorMessage of a runtime's error body, or the body itself.
func errorMessage(body []byte, header http.Header) string {
	var parsed struct{ ErrorMessage string }
	if json.Unmarshal(body, &parsed) == nil && parsed.ErrorMessage != "" {
		return parsed.ErrorMessage
	}
	if t := header.Get("Lambda-Runtime-Function-Error-Type"); t != "" && len(body) == 0 {
		return t
	}
	return string(bytes.TrimSpace(body))
}

// lineWriter writes whole lines to out, each with a prefix; one mutex for all
// writers of out keeps lines of stdout and stderr from interleaving.
type lineWriter struct {
	out    io.Writer
	prefix string
	buf    []byte
}

var outputMu sync.Mutex

func newLineWriter(out io.Writer, prefix string) *lineWriter {
	return &lineWriter{out: out, prefix: prefix}
}

func (l *lineWriter) Write(p []byte) (int, error) {
	outputMu.Lock()
	defer outputMu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		fmt.Fprintf(l.out, "%s%s\n", l.prefix, l.buf[:i])
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// Flush writes a last line that has no newline.
func (l *lineWriter) Flush() {
	outputMu.Lock()
	defer outputMu.Unlock()
	if len(l.buf) > 0 {
		fmt.Fprintf(l.out, "%s%s\n", l.prefix, l.buf)
		l.buf = nil
	}
}
