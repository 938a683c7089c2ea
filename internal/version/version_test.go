package version

import (
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"

	_ "github.com/streamgen/streamgen/internal/testenv" // defines -update, for go test ./... -update
)

func TestFromBuildInfo(t *testing.T) {
	for _, c := range []struct {
		main     string
		settings []debug.BuildSetting
		want     Info
		text     string
	}{
		{"(devel)", nil, Info{Version: Devel}, "devel (commit unknown: built without VCS stamping, e.g. go run or -buildvcs=false)"},
		{"", nil, Info{Version: Devel}, "devel (commit unknown: built without VCS stamping, e.g. go run or -buildvcs=false)"},
		{"v1.2.0", []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "false"}},
			Info{Version: "v1.2.0", Commit: "abc123"}, "v1.2.0 (commit abc123)"},
		{"v0.0.0-20261201074924-f17dcdc5e3d6+dirty", []debug.BuildSetting{{Key: "vcs.revision", Value: "f17dcdc5e3d6"}, {Key: "vcs.modified", Value: "true"}},
			Info{Version: "v0.0.0-20261201074924-f17dcdc5e3d6+dirty", Commit: "f17dcdc5e3d6", Modified: true},
			"v0.0.0-20261201074924-f17dcdc5e3d6+dirty (commit f17dcdc5e3d6, with uncommitted changes)"},
	} {
		got := fromBuildInfo(&debug.BuildInfo{Main: debug.Module{Version: c.main}, Settings: c.settings})
		if got != c.want {
			t.Errorf("%q: got %+v, want %+v", c.main, got, c.want)
		}
		if got.String() != c.text {
			t.Errorf("%q: String() = %q, want %q", c.main, got.String(), c.text)
		}
	}
}

// TestTestsAreDevel guards the golden files: they are written by tests, so a
// test binary must report Devel, or every header would change per commit.
func TestTestsAreDevel(t *testing.T) {
	if got := Generator(); got != Devel {
		t.Fatalf("a test binary's generator version is %q, want %q: the golden files would not be stable", got, Devel)
	}
}

// TestBuildID: the build ID read from the test binary is the one go tool
// buildid reads.
func TestBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(out))
	if got := BuildID(); got != want || got == "" {
		t.Errorf("BuildID() = %q, go tool buildid says %q", got, want)
	}
}

// TestRawBuildID: a binary that is not ELF carries the ID as a marked string.
func TestRawBuildID(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"MZ\x00\x00junk\xff Go build ID: \"a/b/c/d\"\n \xffmore", "a/b/c/d"},
		{"MZ no id here", ""},
		{"MZ\xff Go build ID: \"unterminated", ""},
	} {
		if got := readBuildID(strings.NewReader(c.file)); got != c.want {
			t.Errorf("%q: %q, want %q", c.file, got, c.want)
		}
	}
}

// TestMadeByLinker: only an ID of cmd/go's form names a build; a fixed
// -buildid text names none.
func TestMadeByLinker(t *testing.T) {
	id := "cQBTtt2Ec-PWL4M61XrD/0qkqmmv5IlRN88kFMmeC/EP7nlryly1kjjwxrfMGH/ShdL2IbJyZ3LY-4m2PaK"
	if !madeByLinker(id) {
		t.Errorf("%q: not a linker's", id)
	}
	for _, bad := range []string{"", "redacted", "a/b/c/d", id + "/x", strings.Replace(id, "c", "=", 1), "0000000000000000/0000000000000000/0000000000000000"} {
		if madeByLinker(bad) {
			t.Errorf("%q taken for a linker's build ID", bad)
		}
	}
}
