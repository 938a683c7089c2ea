//go:build unix

package lockdir

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/streamgen/streamgen/internal/testenv"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// The helper process of TestTemp: with LOCKDIR_HOLD set, it makes a Temp
// folder, prints its name and waits until it is killed.
func TestHelperHold(t *testing.T) {
	prefix := os.Getenv("LOCKDIR_HOLD")
	if prefix == "" {
		t.Skip("helper process")
	}
	dir, _, err := Temp(prefix)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString(dir + "\n")
	time.Sleep(time.Hour)
}

// holder is another process holding a Temp folder, as a running gen does.
func holder(t *testing.T, prefix string) (cmd *exec.Cmd, dir string) {
	t.Helper()
	return testenv.StartHelper(t, "TestHelperHold", "LOCKDIR_HOLD="+prefix)
}

// TestTemp: Temp deletes the folders of its prefix whose process was killed,
// never those of a running process nor of another prefix.
func TestTemp(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	const prefix = "streamgen-test-"
	killed, killedDir := holder(t, prefix)
	_, runningDir := holder(t, prefix)
	if err := os.WriteFile(filepath.Join(killedDir, "bootstrap"), []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(tmp, "streamgen-other-1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := killed.Process.Kill(); err != nil { // SIGKILL: no cleanup of its own
		t.Fatal(err)
	}
	killed.Wait()

	dir, remove, err := Temp(prefix)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Base(dir), filepath.Base(runningDir), "streamgen-other-1"}
	sort.Strings(want)
	if got := entries(t, tmp); !reflect.DeepEqual(got, want) {
		t.Errorf("temporary folder: %v, want %v (the killed run's %s deleted)", got, want, filepath.Base(killedDir))
	}
	if _, err := TryLock(dir); !errors.Is(err, ErrBusy) {
		t.Errorf("TryLock of a held folder: %v, want ErrBusy", err)
	}
	if err := remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("remove left %s: %v", dir, err)
	}
}

func TestLockWaitsForTheHolder(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{})
	go func() {
		again, err := Lock(dir)
		if err != nil {
			t.Error(err)
		} else {
			again()
		}
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("two holders at once")
	case <-time.After(200 * time.Millisecond):
	}
	unlock()
	<-got
}
