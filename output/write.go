// Package output writes generated files into the output folder so that
// regeneration never destroys anything: the whole new folder is built beside
// the old one and swapped in (on any error the old folder stays exactly as it
// was); the user's files in it are carried over; and a new template that
// would make CloudFormation replace or delete the deployed stack's data is
// refused unless the user allows it.
package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/internal/lockdir"
	"github.com/streamgen/streamgen/stackdiff"
)

// TemplateName is the generated CloudFormation template, compared by the guard.
const TemplateName = "template.yaml"

// Options change how Write treats an existing output folder.
type Options struct {
	// AllowReplace writes even when deploying the new template would replace
	// or delete a resource holding data.
	AllowReplace bool
	// Verify, if set, checks what of the user's the new output must fit
	// (the handler's go.mod), given dir as the user named it. It runs once
	// dir is known to be gen's and the guard has passed, so that those
	// refusals come first; an error stops Write before anything is written.
	Verify func(dir string) error
	// Written, if set, is called once Write succeeded with the paths of the
	// files it wrote (the generated ones, and the user's it created), in
	// path order: not the manifest, nor what it carried over; none when the
	// output was already current.
	Written func(paths []string)
}

// RefusedError is returned when the new template would lose the deployed
// stack's data or make its stored items unreadable; nothing was written.
type RefusedError struct {
	Dir     string
	Changes []stackdiff.Change // the destructive ones
}

func (e *RefusedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "refusing to regenerate %s: deploying the new template would lose data of the deployed stack or make it unreadable:\n", e.Dir)
	for _, c := range e.Changes {
		verb := "is " + c.Kind.String()
		if c.Kind == stackdiff.Changed {
			verb = "changes"
		}
		fmt.Fprintf(&b, "  %s (%s) %s", c.LogicalID, c.Type, verb)
		if len(c.Why) > 0 {
			fmt.Fprintf(&b, ": %s", strings.Join(c.Why, "; "))
		}
		fmt.Fprintf(&b, ".\n    %s.\n", c.Loss)
		if c.Fix != "" {
			fmt.Fprintf(&b, "    Fix: %s.\n", c.Fix)
		}
	}
	b.WriteString("Nothing was written. Keep the spec's keys, stream view, name and field types as they are (or add a field of the new type under a new name), " +
		"or, to accept the loss (or if this output was never deployed), run again with --allow-replace. " +
		"gen diff shows every change.")
	return b.String()
}

// ExitCode is the exit code of gen for a refused replacement.
func (e *RefusedError) ExitCode() int { return 3 }

// Write makes dir hold files: generated files are written, files an earlier
// run generated and gen no longer generates are deleted, and everything else
// in dir (user-owned files such as the handler's main.go once written, files
// the user added, build artefacts) is carried over untouched. Files get mode
// 0644 and folders 0755; dir itself keeps its mode. On any error dir is
// exactly as before and nothing is left beside it. A folder gen did not make
// is refused (ForeignFolderError), and so is a read-only one. A dir that
// already holds exactly what Write would make of it is left as it is.
func Write(dir string, files []genfile.File, opts Options) error {
	given := dir
	dir, err := resolve(dir)
	if err != nil {
		return err
	}
	if err := checkOwnFolder(given, dir); err != nil {
		return err
	}
	parent, base := filepath.Split(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	// Gens writing into the same parent take turns, so that what one finds
	// there of another is a leftover of a killed run.
	unlock, err := lockdir.Lock(parent)
	locked := err == nil
	if locked {
		defer unlock()
	} else if !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	if err := tidy(dir, locked); err != nil {
		return err
	}
	p, err := makePlan(given, dir, files)
	if err != nil {
		return err
	}
	if !opts.AllowReplace {
		if err := guard(given, dir, files); err != nil {
			return err
		}
	}
	if err := opts.verify(given); err != nil {
		return err
	}
	if p.current() {
		// Nothing to write: a swap would put in place what is there.
		if opts.Written != nil {
			opts.Written(nil)
		}
		return nil
	}
	tmp, err := os.MkdirTemp(parent, "."+base+newInfix)
	if err != nil {
		return err
	}
	if err := p.build(tmp); err != nil {
		return errors.Join(err, os.RemoveAll(tmp))
	}
	if err := swap(tmp, dir, p.exists); err != nil {
		return err
	}
	if opts.Written != nil {
		var paths []string
		for _, f := range p.write {
			if f.Path != ManifestName {
				paths = append(paths, f.Path)
			}
		}
		opts.Written(paths)
	}
	return nil
}

func (o Options) verify(dir string) error {
	if o.Verify == nil {
		return nil
	}
	return o.Verify(dir)
}

// The folders beside dir during a swap, named "."+base(dir)+infix+RANDOM:
// the new output being built (which, after the exchange, holds the previous
// one until it is deleted), and the previous output moved aside by the
// two-rename fallback, with the new one's RANDOM.
const (
	newInfix = ".gen-new-"
	oldInfix = ".gen-old-"
)

// checkOwnFolder refuses an output folder that holds the working folder:
// the swap would move the user's shell, and everything around the output,
// into a folder that is then deleted.
func checkOwnFolder(given, dir string) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(wd); err == nil {
		wd = real
	}
	rel, err := filepath.Rel(dir, wd)
	inside := err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	if inside || filepath.Dir(dir) == dir {
		return fmt.Errorf("-out %s is the working folder or holds it: give the output a folder of its own, e.g. -out out", given)
	}
	return nil
}

// tidy deletes what killed runs of gen left beside dir, and stops when one
// was killed between the two renames of the fallback swap: then the
// previous output, moved aside, may be the only copy of the user's files.
// Leftovers are deleted only when locked (no other gen is writing here).
func tidy(dir string, locked bool) error {
	parent, base := filepath.Split(dir)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	news, olds := map[string]bool{}, map[string]bool{}
	var ids []string // the RANDOM part of every leftover, in name order
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if id, ok := strings.CutPrefix(e.Name(), "."+base+newInfix); ok {
			news[id] = true
			ids = append(ids, id)
		} else if id, ok := strings.CutPrefix(e.Name(), "."+base+oldInfix); ok {
			olds[id] = true
			ids = append(ids, id)
		}
	}
	_, err = os.Lstat(dir)
	missing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !missing {
		return err
	}
	for _, id := range ids {
		aside := filepath.Join(parent, "."+base+oldInfix+id)
		switch {
		case !olds[id]:
		case missing:
			return fmt.Errorf("%s is missing and an interrupted gen left the previous output in %s: move it back (mv %s %s), then run gen again",
				dir, aside, aside, dir)
		case news[id]:
			return fmt.Errorf("an interrupted gen left the previous output of %s in %s, and %s was made again since: "+
				"keep what you need of %s, delete it, then run gen again", dir, aside, dir, aside)
		}
	}
	if !locked {
		return nil
	}
	for _, id := range ids {
		// A new output without its old is a killed build, or the previous
		// output after the exchange; an old beside an existing dir and
		// without its new is the previous output after the fallback's install.
		for _, name := range []string{"." + base + newInfix + id, "." + base + oldInfix + id} {
			if err := os.RemoveAll(filepath.Join(parent, name)); err != nil {
				return fmt.Errorf("deleting %s, left by an interrupted gen: %w", filepath.Join(parent, name), err)
			}
		}
	}
	return nil
}

// guard refuses a template whose deployment would lose data; given is dir
// as the user named it.
func guard(given, dir string, files []genfile.File) error {
	old, err := os.ReadFile(filepath.Join(dir, TemplateName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	changes, err := stackdiff.Templates(old, templateOf(files))
	if err != nil {
		return fmt.Errorf("%s: %w; gen cannot tell whether the new template keeps your data (--allow-replace writes anyway)",
			filepath.Join(given, TemplateName), err)
	}
	var lossy []stackdiff.Change
	for _, c := range changes {
		if c.Destructive() {
			lossy = append(lossy, c)
		}
	}
	if len(lossy) > 0 {
		return &RefusedError{Dir: given, Changes: lossy}
	}
	return nil
}

func templateOf(files []genfile.File) []byte {
	for _, f := range files {
		if f.Path == TemplateName {
			return f.Data
		}
	}
	return nil
}

// resolve makes dir absolute and follows a symlink to the real folder, which
// is the one to replace.
func resolve(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return dir, nil
	}
	return real, err
}

// failAt lets tests inject a failure at a named step ("write PATH",
// "carry PATH", "exchange", "backup", "install").
var failAt = func(step string) error { return nil }

// build fills the empty folder tmp with the planned output, every file and
// folder of it flushed to disk.
func (p *plan) build(tmp string) error {
	s := newSyncer()
	err := p.fill(tmp, s)
	if err = errors.Join(err, s.wait()); err != nil {
		return err
	}
	return syncDirs(tmp)
}

func (p *plan) fill(tmp string, s *syncer) error {
	perm, ok := p.perms["."]
	if !ok {
		perm = 0o755
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return err
	}
	for _, f := range p.write {
		if err := p.mkdirs(tmp, path.Dir(f.Path), false); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(tmp, filepath.FromSlash(f.Path)), f.Data, s); err != nil {
			return err
		}
		if err := failAt("write " + f.Path); err != nil {
			return err
		}
	}
	for _, rel := range p.carry {
		if err := p.carryOver(tmp, rel, s); err != nil {
			return err
		}
		if err := failAt("carry " + rel); err != nil {
			return err
		}
	}
	return nil
}

// current reports whether dir already is what build and swap would make
// of it: every planned file (generated, the manifest) there as a regular
// file of mode 0644 holding exactly its bytes, in folders of mode 0755,
// no user-owned file to create and nothing to delete. Then Write leaves
// dir alone, which keeps the old-or-new guarantee (old is new) at the cost
// of reading the files instead of writing, syncing and swapping them; gen
// synced them when it wrote them.
func (p *plan) current() bool {
	if !p.exists || len(p.drop) > 0 {
		return false
	}
	for _, f := range p.write {
		if f.UserOwned { // planned only when missing
			return false
		}
		full := filepath.Join(p.dir, filepath.FromSlash(f.Path))
		info, err := os.Lstat(full)
		if err != nil || info.Mode() != 0o644 || info.Size() != int64(len(f.Data)) || !sameContent(full, f.Data) {
			return false
		}
		for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
			if p.perms[d] != 0o755 {
				return false
			}
		}
	}
	return true
}

// mkdirs creates the folder rel of tmp and its parents: 0755, or, for a
// folder gen only carries over, the mode it has in the old output.
func (p *plan) mkdirs(tmp, rel string, carried bool) error {
	if rel == "." {
		return nil
	}
	if err := p.mkdirs(tmp, path.Dir(rel), carried); err != nil {
		return err
	}
	perm := fs.FileMode(0o755)
	if old, ok := p.perms[rel]; ok && carried {
		perm = old
	}
	full := filepath.Join(tmp, filepath.FromSlash(rel))
	if err := os.Mkdir(full, perm); errors.Is(err, fs.ErrExist) {
		return nil
	} else if err != nil {
		return err
	}
	return os.Chmod(full, perm)
}

func (p *plan) carryOver(tmp, rel string, s *syncer) error {
	from := filepath.Join(p.dir, filepath.FromSlash(rel))
	to := filepath.Join(tmp, filepath.FromSlash(rel))
	if err := p.mkdirs(tmp, path.Dir(rel), true); err != nil {
		return err
	}
	info, err := os.Lstat(from)
	if err != nil {
		return err
	}
	switch {
	case info.IsDir():
		return p.mkdirs(tmp, rel, true)
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(from)
		if err != nil {
			return err
		}
		return os.Symlink(target, to)
	}
	// A hard link keeps the user's file as it is (bytes, mode, times) at no
	// cost; the old folder goes away, the link stays.
	if err := os.Link(from, to); err == nil {
		return nil
	}
	return copyFile(from, to, info.Mode().Perm(), s)
}

func writeFile(name string, data []byte, s *syncer) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return s.closeSynced(f, err, 0o644)
}

func copyFile(from, to string, perm fs.FileMode, s *syncer) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return s.closeSynced(dst, err, perm)
}

// syncer flushes files to disk and closes them on other goroutines, a few
// at a time, while build goes on: one fsync after the other was most of
// the time of writing the output, and a journaling file system can commit
// concurrent ones together.
type syncer struct {
	wg    sync.WaitGroup
	slots chan struct{}
	mu    sync.Mutex
	err   error
}

func newSyncer() *syncer { return &syncer{slots: make(chan struct{}, 8)} }

// closeSynced sets the mode of f (the umask may have cut it), written with
// err, and if that went well has it flushed and closed; the errors of
// that come from wait.
func (s *syncer) closeSynced(f *os.File, err error, perm fs.FileMode) error {
	if err == nil {
		err = f.Chmod(perm)
	}
	if err != nil {
		return errors.Join(err, f.Close())
	}
	s.syncAndClose(f)
	return nil
}

// syncAndClose has f flushed to disk and closed.
func (s *syncer) syncAndClose(f *os.File) {
	s.slots <- struct{}{}
	s.wg.Go(func() {
		defer func() { <-s.slots }()
		if err := errors.Join(f.Sync(), f.Close()); err != nil {
			s.mu.Lock()
			s.err = errors.Join(s.err, err)
			s.mu.Unlock()
		}
	})
}

// wait waits until every file given to closeSynced is on disk and closed,
// and returns what went wrong.
func (s *syncer) wait() error {
	s.wg.Wait()
	return s.err
}

// syncDirs flushes every folder of root, so that the names in them are on
// disk before the swap makes them the output.
func syncDirs(root string) error {
	s := newSyncer()
	err := filepath.WalkDir(root, func(full string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		f, err := os.Open(full)
		if err == nil {
			s.syncAndClose(f)
		}
		return err
	})
	return errors.Join(err, s.wait())
}

func syncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// exchange is renameExchange; tests replace it to take the fallback.
var exchange = renameExchange

// swap puts the complete folder tmp in place of dir and removes the old
// folder. Where the system can, the two trade places in one atomic step;
// elsewhere dir moves aside, tmp takes its name, and if that fails dir moves
// back. Every rename stays inside one parent folder.
func swap(tmp, dir string, exists bool) error {
	parent := filepath.Dir(dir)
	if !exists {
		if err := rename(tmp, dir, "install"); err != nil {
			return errors.Join(err, os.RemoveAll(tmp))
		}
		return syncDir(parent)
	}
	old := filepath.Join(parent, strings.Replace(filepath.Base(tmp), newInfix, oldInfix, 1))
	err := failAt("exchange")
	if err == nil {
		err = exchange(tmp, dir)
	}
	switch {
	case err == nil:
		old = tmp // which now holds the previous output
	case !exchangeUnsupported(err):
		return errors.Join(err, os.RemoveAll(tmp))
	default:
		if err := rename(dir, old, "backup"); err != nil {
			return errors.Join(err, os.RemoveAll(tmp))
		}
		if err := rename(tmp, dir, "install"); err != nil {
			if restoreErr := os.Rename(old, dir); restoreErr != nil {
				return fmt.Errorf("%w; and moving the previous output back failed too (%v): it is in %s", err, restoreErr, old)
			}
			return errors.Join(err, os.RemoveAll(tmp))
		}
	}
	if err := syncDir(parent); err != nil {
		return err
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("wrote %s, but could not remove the previous output in %s: %w", dir, old, err)
	}
	return nil
}

func rename(from, to, step string) error {
	if err := failAt(step); err != nil {
		return err
	}
	return os.Rename(from, to)
}
