package local

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/streamgen/streamgen/spec"
)

// The Invoke API runs the real handler as Lambda's Invoke does: the
// response as the body, a function error as a 200 with X-Amz-Function-Error.
func TestInvokeAPI(t *testing.T) {
	f := &Function{Name: "t-handler", Binary: buildRuntimeHandler(t), Memory: 128, Timeout: 2 * time.Second,
		Region: "us-east-1", Output: &syncBuffer{}}
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	srv := httptest.NewServer(&invokeAPI{function: f, log: io.Discard})
	defer srv.Close()

	invoke := func(name, payload string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Post(srv.URL+invokePrefix+name+"/invocations", "application/json", strings.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(body)
	}

	for _, name := range []string{"t-handler", "arn:aws:lambda:us-east-1:000000000000:function:t-handler"} {
		resp, body := invoke(name, `{"do":"ok"}`)
		var got struct{ ARN string }
		if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "" || json.Unmarshal([]byte(body), &got) != nil ||
			got.ARN != "arn:aws:lambda:us-east-1:000000000000:function:t-handler" {
			t.Errorf("invoke %s: %d %v %s", name, resp.StatusCode, resp.Header, body)
		}
	}
	resp, body := invoke("t-handler", `{"do":"error"}`)
	if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "Unhandled" || !strings.Contains(body, "asked to fail") {
		t.Errorf("function error: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	resp, body = invoke("other", `{}`)
	if resp.StatusCode != 404 || resp.Header.Get("X-Amzn-Errortype") != "ResourceNotFoundException" {
		t.Errorf("unknown function: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	resp, body = invoke("t-handler", `{not json`)
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "InvalidRequestContentException" {
		t.Errorf("payload not JSON: %d %v %s", resp.StatusCode, resp.Header, body)
	}
}

func TestNotEmulatedIsSaid(t *testing.T) {
	s, err := spec.Parse("s.yaml", []byte("version: 1\nname: s\ntable: {partitionKey: id}\nfields: {id: {type: string, from: requestId}}\n"+
		"tracing: true\nalarms: {}\nstream: {permissions: [{actions: [sns:Publish], resources: ['*']}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "alarms (nothing is notified); X-Ray tracing; IAM (the handler runs with your own credentials, not only stream.permissions)"
	if got := notEmulated(s); got != want {
		t.Errorf("notEmulated = %q, want %q", got, want)
	}
}
