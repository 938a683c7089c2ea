package testenv

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// StartHelper runs the test named test of the running test binary as a
// separate process, with env added to its environment (the test acts only
// when it finds it), and returns the process and the first line it prints,
// once printed. The process is killed when t ends.
func StartHelper(t testing.TB, test string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("helper process %s: %q, %v", test, line, err)
	}
	go io.Copy(io.Discard, out)
	return cmd, strings.TrimSuffix(line, "\n")
}
