package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/stackdiff"
)

// Stale is a file of the output folder that regeneration would change.
type Stale struct {
	Path   string // relative to the output folder, slash-separated
	Reason string // "missing", "differs", "no longer generated"
}

func (s Stale) String() string { return s.Path + ": " + s.Reason }

// Check lists, by path, what Write(dir, files) would change in dir: generated
// files (and the manifest) missing or different, files an earlier run
// generated that would be deleted, and user-owned files not written yet.
// The content of the user's files does not matter, but opts.Verify runs as
// in Write (AllowReplace has no effect here). Nothing is written.
func Check(dir string, files []genfile.File, opts Options) ([]Stale, error) {
	given := dir
	dir, err := resolve(dir)
	if err != nil {
		return nil, err
	}
	p, err := makePlan(given, dir, files)
	if err != nil {
		return nil, err
	}
	if err := opts.verify(given); err != nil {
		return nil, err
	}
	var stale []Stale
	for _, f := range p.write {
		// A user-owned file is only planned when it is missing.
		if reason := compareFile(filepath.Join(dir, filepath.FromSlash(f.Path)), f); reason != "" {
			stale = append(stale, Stale{f.Path, reason})
		}
	}
	for _, rel := range p.drop {
		stale = append(stale, Stale{rel, "no longer generated"})
	}
	sort.Slice(stale, func(i, j int) bool { return stale[i].Path < stale[j].Path })
	return stale, nil
}

func compareFile(full string, f genfile.File) string {
	info, err := os.Lstat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "missing"
	case err != nil:
		return err.Error()
	case f.UserOwned:
		return ""
	case !info.Mode().IsRegular() || !sameContent(full, f.Data):
		return "differs"
	}
	return ""
}

// Changes is what deploying the new template would do to the stack deployed
// from dir's template: every resource added when dir has no template yet.
// A folder gen did not make is refused, as Write refuses it.
func Changes(dir string, files []genfile.File) ([]stackdiff.Change, error) {
	tmpl := templateOf(files)
	if tmpl == nil {
		return nil, fmt.Errorf("generator bug: no %s generated", TemplateName)
	}
	real, err := resolve(dir)
	if err != nil {
		return nil, err
	}
	if _, err := ownListing(dir, real); err != nil {
		return nil, err
	}
	old, err := os.ReadFile(filepath.Join(real, TemplateName))
	if errors.Is(err, fs.ErrNotExist) {
		return stackdiff.AllAdded(tmpl)
	}
	if err != nil {
		return nil, err
	}
	return stackdiff.Templates(old, tmpl)
}
