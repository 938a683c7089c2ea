//go:build unix

package local

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the handler in its own process group, so that Ctrl-C
// in the terminal reaches gen local only, which then stops the handler after
// its in-flight batch.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func terminate(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
}
