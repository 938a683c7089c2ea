package testenv

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Region is the region every test talks to moto in.
const Region = "us-east-1"

// Moto is a moto_server the test started on a free loopback port.
type Moto struct {
	Endpoint string // e.g. http://127.0.0.1:41234
	log      bytes.Buffer
}

// StartMoto starts moto_server on 127.0.0.1 and stops it when the test ends.
// Without moto_server the test is skipped, or fails under CI.
func StartMoto(tb testing.TB) *Moto {
	tb.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		Missing(tb, "moto_server not found: it runs the local AWS API of the end-to-end tests")
	}
	port, err := freePort()
	if err != nil {
		tb.Fatalf("finding a free port: %v", err)
	}
	m := &Moto{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port)}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = &m.log, &m.log
	// Its own process group, so the stop reaches the python behind the shim.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting moto_server: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	tb.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(m.Endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return m
		}
		select {
		case <-done:
			tb.Fatalf("moto_server exited: %s", m.log.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("moto_server not up after 60s: %v\n%s", err, m.log.String())
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Env is the environment for the AWS CLI against this moto: dummy credentials,
// the test region, no config files of the developer.
func (m *Moto) Env() []string {
	return append(os.Environ(),
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_SESSION_TOKEN=testing",
		"AWS_DEFAULT_REGION="+Region,
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	)
}

// AWS runs the AWS CLI against moto and returns its standard output.
func (m *Moto) AWS(ctx context.Context, args ...string) ([]byte, error) {
	if _, err := exec.LookPath("aws"); err != nil {
		return nil, fmt.Errorf("aws CLI not found: %v", err)
	}
	cmd := exec.CommandContext(ctx, "aws", append([]string{"--endpoint-url", m.Endpoint, "--region", Region}, args...)...)
	cmd.Env = m.Env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("aws %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return out, nil
}

// Call sends one AWS JSON 1.0 request (DynamoDB, DynamoDB Streams) to moto,
// the way API Gateway's integration does: POST with X-Amz-Target. moto does
// not verify signatures; it picks the service from the Authorization header's
// scope ("dynamodb", which DynamoDB Streams signs with too) and the target.
// It returns the HTTP status and body; errors are for transport only.
func (m *Moto) Call(ctx context.Context, target string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/"+time.Now().UTC().Format("20060102")+
		"/"+Region+"/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}
