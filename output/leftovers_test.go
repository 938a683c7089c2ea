package output

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/streamgen/streamgen/internal/testenv"
)

// TestLeftoversAreDeleted: what runs killed at each step of a swap leave
// beside the output goes with the next run; other names stay.
func TestLeftoversAreDeleted(t *testing.T) {
	parent, dir := userEdited(t)
	for _, name := range []string{
		".out.gen-new-1", // killed while building
		".out.gen-new-2", // killed after the exchange: the previous output
		".out.gen-old-3", // killed after the fallback's install: the previous output
	} {
		mustWrite(t, filepath.Join(parent, name, "handler/main.go"), "package main\n")
	}
	mustWrite(t, filepath.Join(parent, ".other.gen-new-4/x"), "another output's\n")
	mustWrite(t, filepath.Join(parent, ".out.gen-notes"), "mine\n")
	if err := Write(dir, generation("id", 512), Options{}); err != nil {
		t.Fatal(err)
	}
	if got, want := names(t, parent), []string{".other.gen-new-4", ".out.gen-notes", "out"}; !reflect.DeepEqual(got, want) {
		t.Errorf("beside the output: %v, want %v", got, want)
	}
}

// TestInterruptedFallbackIsKept: a previous output moved aside by a swap
// killed before its install is never deleted, even once out/ is made again.
func TestInterruptedFallbackIsKept(t *testing.T) {
	parent, dir := userEdited(t)
	aside := filepath.Join(parent, ".out.gen-old-7")
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(parent, ".out.gen-new-7", "template.yaml"), "Resources: {}\n")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, parent)
	err := Write(dir, generation("id", 256), Options{})
	if err == nil || !strings.Contains(err.Error(), "left the previous output of "+dir+" in "+aside) {
		t.Fatalf("error %v", err)
	}
	if after := snapshot(t, parent); !reflect.DeepEqual(after, before) {
		t.Errorf("changed:\n%q\nwant:\n%q", after, before)
	}
}

// The helper process of TestKilledAndConcurrentRuns: with GEN_WRITE_DIR set,
// it writes that output, says "building" once its new folder is half built,
// and waits there until it is killed.
func TestHelperBlockedWrite(t *testing.T) {
	dir := os.Getenv("GEN_WRITE_DIR")
	if dir == "" {
		t.Skip("helper process")
	}
	failAt = func(step string) error {
		if step == "write model.json" {
			fmt.Println("building")
			time.Sleep(time.Hour)
		}
		return nil
	}
	t.Fatal(Write(dir, generation("id", 999), Options{}))
}

// blockedWriter starts a gen writing dir that stops half-way, and waits
// until it is there.
func blockedWriter(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd, line := testenv.StartHelper(t, "TestHelperBlockedWrite", "GEN_WRITE_DIR="+dir)
	if line != "building" {
		t.Fatalf("helper: %q", line)
	}
	return cmd
}

// TestKilledAndConcurrentRuns: a running gen's folder is not a leftover (the
// next run waits for it), and once that gen is killed (SIGKILL, no cleanup
// of its own) the next run deletes what it left.
func TestKilledAndConcurrentRuns(t *testing.T) {
	parent, dir := userEdited(t)
	before := snapshot(t, dir)
	writer := blockedWriter(t, dir)
	building := names(t, parent)
	if len(building) != 2 || !strings.HasPrefix(building[0], ".out.gen-new-") {
		t.Fatalf("beside the output while the helper builds: %v", building)
	}

	done := make(chan error, 1)
	go func() { done <- Write(dir, generation("id", 512), Options{}) }()
	select {
	case err := <-done:
		t.Fatalf("a second gen ran while the first was writing: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	if got := names(t, parent); !reflect.DeepEqual(got, building) {
		t.Errorf("the running gen's folder was touched: %v, want %v", got, building)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
		t.Errorf("the output changed while the first gen was building")
	}

	if err := writer.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the second gen still waits after the first was killed")
	}
	if got := names(t, parent); !reflect.DeepEqual(got, []string{"out"}) {
		t.Errorf("beside the output: %v", got)
	}
	if !strings.Contains(read(t, filepath.Join(dir, "template.yaml")), "MemorySize: 512") {
		t.Error("the second gen did not write")
	}
}

// TestReadOnlyOutputIsLeftAsItWas: a regeneration that cannot delete the
// previous output fails before anything changes: no new output installed,
// nothing beside it, every mode as it was.
func TestReadOnlyOutputIsLeftAsItWas(t *testing.T) {
	if rerunUnprivileged(t) {
		return
	}
	for _, readOnly := range []string{".", "private"} {
		t.Run(readOnly, func(t *testing.T) {
			parent, dir := userEdited(t)
			mustWrite(t, filepath.Join(dir, "private/key"), "secret\n")
			chmod(t, filepath.Join(dir, readOnly), 0o555)
			t.Cleanup(func() { os.Chmod(filepath.Join(dir, readOnly), 0o755) })
			before := snapshot(t, dir)
			err := Write(dir, generation("id", 512), Options{})
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, readOnly)+" is read-only") {
				t.Fatalf("error %v", err)
			}
			untouched(t, parent, dir, before)
		})
	}
}

// rerunUnprivileged runs the test again as user nobody when it runs as
// root, whom no folder mode stops, and reports whether it did.
func rerunUnprivileged(t *testing.T) bool {
	t.Helper()
	if os.Getuid() != 0 {
		return false
	}
	const nobody = 65534
	// The test binary may sit in a folder only root can enter; the temporary
	// folder may be root's only.
	home := t.TempDir()
	bin := filepath.Join(home, "output.test")
	exe, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, exe, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := home; d != filepath.Clean(os.TempDir()) && d != "/"; d = filepath.Dir(d) {
		chmod(t, d, 0o755)
	}
	tmp := filepath.Join(home, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(tmp, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^"+t.Name()+"$", "-test.v")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+tmp)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		t.Errorf("as user nobody:\n%s", out)
	case err != nil:
		t.Fatalf("running as user nobody: %v", err)
	case !strings.Contains(string(out), "--- PASS: "+t.Name()):
		t.Errorf("as user nobody, the test did not run:\n%s", out)
	}
	return true
}
