package local

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Timeouts bound how long a client may hold a connection of the API.
type Timeouts struct {
	Header  time.Duration // to send the request line and headers
	Request time.Duration // to send the whole request, body included
	Idle    time.Duration // between two requests on a kept-alive connection
}

// defaultTimeouts are far above what a client on this machine needs: a
// slow or stuck client is cut off instead of holding a connection forever.
var defaultTimeouts = Timeouts{Header: 5 * time.Second, Request: 20 * time.Second, Idle: 20 * time.Second}

// withDefaults fills the zero timeouts from defaultTimeouts.
func (t Timeouts) withDefaults() Timeouts {
	if t.Header == 0 {
		t.Header = defaultTimeouts.Header
	}
	if t.Request == 0 {
		t.Request = defaultTimeouts.Request
	}
	if t.Idle == 0 {
		t.Idle = defaultTimeouts.Idle
	}
	return t
}

// newAPIServer is the HTTP server of the API; serve it on a listener made
// by jsonErrors so that every answer is JSON.
func newAPIServer(api http.Handler, t Timeouts) *http.Server {
	t = t.withDefaults()
	return &http.Server{
		Handler:           api,
		ReadHeaderTimeout: t.Header,
		ReadTimeout:       t.Request,
		IdleTimeout:       t.Idle,
		// OPTIONS * goes to the API (403, as API Gateway answers), not to
		// net/http's own empty 200.
		DisableGeneralOptionsHandler: true,
	}
}

// jsonErrors wraps ln so that the answers net/http writes by itself, before
// any handler runs (400 for a malformed request, 431 for headers too large,
// 501 for an unknown transfer coding, 505), are JSON like every other answer:
// {"message": "..."}. net/http writes each of them with one Write of
// "HTTP/1.1 <status>" + plainErrorHeaders + <text> straight to the
// connection (net/http's conn.serve); nothing else the API writes has those
// headers, as its answers are all application/json.
func jsonErrors(ln net.Listener) net.Listener { return jsonErrorListener{ln} }

const plainErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

type jsonErrorListener struct{ net.Listener }

func (l jsonErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return jsonErrorConn{c}, nil
}

type jsonErrorConn struct{ net.Conn }

func (c jsonErrorConn) Write(p []byte) (int, error) {
	code, msg, ok := plainError(p)
	if !ok {
		return c.Conn.Write(p)
	}
	body, _ := json.Marshal(map[string]string{"message": msg})
	answer := fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		code, http.StatusText(code), len(body), body)
	if _, err := c.Conn.Write([]byte(answer)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// plainError reads one of net/http's own error answers: its status code and
// its text without the code ("Request Header Fields Too Large", "Bad
// Request: missing required Host header").
func plainError(p []byte) (code int, msg string, ok bool) {
	rest, found := bytes.CutPrefix(p, []byte("HTTP/1.1 "))
	if !found {
		return 0, "", false
	}
	statusBytes, textBytes, found := bytes.Cut(rest, []byte(plainErrorHeaders))
	status, text := string(statusBytes), string(textBytes)
	if !found || len(status) < 4 || status[3] != ' ' {
		return 0, "", false
	}
	code, err := strconv.Atoi(status[:3])
	if err != nil {
		return 0, "", false
	}
	return code, strings.TrimPrefix(text, status[:4]), true
}
