package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/internal/version"
)

// ManifestName is the file in which gen lists the files it generated into the
// output folder. A later run deletes a listed file it no longer generates and
// never touches a file that is not listed: that one is the user's.
const ManifestName = ".streamgen-manifest"

var manifestHeader = "# " + version.GeneratedHeader() + "\n" +
	"# The files gen generated here; a file not listed is yours and survives regeneration.\n"

// plan is what regeneration does to the output folder.
type plan struct {
	dir    string
	exists bool
	write  []genfile.File         // generated files, the manifest, user-owned files not there yet; by path
	carry  []string               // the user's files, symlinks and empty folders found in dir, walk order
	drop   []string               // files an earlier run generated that gen no longer generates
	perms  map[string]fs.FileMode // mode of every folder found in dir, "." included
}

// ForeignFolderError is returned for an output folder that gen did not
// make: it exists, is not empty and holds no manifest. Nothing was written.
type ForeignFolderError struct{ Dir string }

func (e *ForeignFolderError) Error() string {
	return fmt.Sprintf("-out %s: this folder is not empty and has no %s, so gen did not make it. "+
		"gen writes only into a new or empty folder, or one it made: in yours it would mix its files with your own "+
		"and take over those at the paths it writes (README.md, template.yaml, handler/...). Nothing was written. "+
		"Choose a new or empty folder with -out. If this is the output of a gen from before %s existed, "+
		"move it away, run gen again, and copy your own files (handler/main.go, ...) into the new output.",
		e.Dir, ManifestName, ManifestName)
}

// ExitCode is the exit code of gen for a wrong -out, as for a wrong command line.
func (e *ForeignFolderError) ExitCode() int { return 2 }

// ownListing returns the manifest of the output folder dir as the user named
// it (given): nil when dir is missing or empty (gen may write there), and a
// ForeignFolderError when dir holds files but no manifest.
func ownListing(given, dir string) (listed map[string]bool, err error) {
	listed, err = readManifest(dir)
	if listed != nil || err != nil {
		return listed, err
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	case len(entries) > 0:
		return nil, &ForeignFolderError{Dir: given}
	}
	return nil, nil
}

// Made reports whether gen made the output folder dir: it holds the
// manifest. A missing or empty dir is not made yet (false); one that holds
// files but no manifest is a ForeignFolderError.
func Made(dir string) (bool, error) {
	real, err := resolve(dir)
	if err != nil {
		return false, err
	}
	listed, err := ownListing(dir, real)
	return listed != nil, err
}

// makePlan plans the output dir (given is dir as the user named it).
func makePlan(given, dir string, files []genfile.File) (*plan, error) {
	p := &plan{dir: dir, perms: map[string]fs.FileMode{}}
	generated := map[string]genfile.File{}
	userOwned := map[string]genfile.File{}
	for _, f := range files {
		if err := checkPath(f.Path); err != nil {
			return nil, err
		}
		if _, dup := generated[f.Path]; dup {
			return nil, fmt.Errorf("%s: generated twice", f.Path)
		}
		if _, dup := userOwned[f.Path]; dup {
			return nil, fmt.Errorf("%s: generated twice", f.Path)
		}
		if f.UserOwned {
			userOwned[f.Path] = f
		} else {
			generated[f.Path] = f
		}
	}

	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	case !info.IsDir():
		return nil, fmt.Errorf("%s is not a folder", dir)
	default:
		p.exists = true
		p.perms["."] = info.Mode().Perm()
	}

	listed, err := ownListing(given, dir)
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	if p.exists {
		err = filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, full)
			rel = filepath.ToSlash(rel)
			if rel == "." {
				if listed == nil { // empty: deleting it needs nothing of it
					return nil
				}
				return checkRemovable(full)
			}
			if rel == ManifestName {
				return nil
			}
			found[rel] = true
			_, isGenerated := generated[rel]
			_, isUserOwned := userOwned[rel]
			if d.IsDir() {
				if isGenerated || isUserOwned {
					return fmt.Errorf("%s is a folder where gen writes a file; move it away", full)
				}
				info, err := d.Info()
				if err != nil {
					return err
				}
				p.perms[rel] = info.Mode().Perm()
				if empty, err := isEmptyDir(full); err != nil || empty {
					p.carry = append(p.carry, rel)
					return err
				}
				return checkRemovable(full)
			}
			if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
				return fmt.Errorf("%s: gen carries over only files, folders and symlinks", full)
			}
			switch {
			case isGenerated:
				return checkOverwrite(full, rel, d, listed, generated[rel].Data)
			case isUserOwned:
				p.carry = append(p.carry, rel)
			case listed[rel]:
				p.drop = append(p.drop, rel)
			default:
				p.carry = append(p.carry, rel)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}

	folders := map[string]string{} // folder -> a file gen writes in it
	for _, f := range files {
		for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
			folders[d] = f.Path
		}
	}
	for _, rel := range p.carry {
		if in, ok := folders[rel]; ok {
			if _, isFolder := p.perms[rel]; !isFolder {
				return nil, fmt.Errorf("%s is in the way: gen writes %s in a folder of that name; move it away",
					filepath.Join(dir, filepath.FromSlash(rel)), in)
			}
		}
	}

	var paths []string
	for rel, f := range generated {
		paths = append(paths, rel)
		p.write = append(p.write, f)
	}
	for rel, f := range userOwned {
		if !found[rel] {
			p.write = append(p.write, f)
		}
	}
	sort.Strings(paths)
	p.write = append(p.write, genfile.File{Path: ManifestName, Data: manifest(paths)})
	sort.Slice(p.write, func(i, j int) bool { return p.write[i].Path < p.write[j].Path })
	return p, nil
}

// checkPath rejects paths that would escape the output folder or collide
// with the manifest: a bug of the generator, not of the user.
func checkPath(rel string) error {
	if rel == "" || path.IsAbs(rel) || path.Clean(rel) != rel || rel == ".." || strings.HasPrefix(rel, "../") ||
		strings.Contains(rel, `\`) || rel == ManifestName {
		return fmt.Errorf("generator bug: bad output path %q", rel)
	}
	return nil
}

func readManifest(dir string) (map[string]bool, error) {
	src, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(string(src), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			listed[line] = true
		}
	}
	return listed, nil
}

func manifest(paths []string) []byte {
	return []byte(manifestHeader + strings.Join(paths, "\n") + "\n")
}

// checkOverwrite refuses to overwrite a file of the user that sits where gen
// now generates one: a file is gen's only if the manifest lists it (a
// "DO NOT EDIT" header may be another generator's), or holds exactly what
// gen writes there.
func checkOverwrite(full, rel string, d fs.DirEntry, listed map[string]bool, data []byte) error {
	if listed[rel] || d.Type().IsRegular() && sameContent(full, data) {
		return nil
	}
	return fmt.Errorf("%s is your file (gen did not write it, see %s), but gen now generates %s: move it away, then run gen again",
		full, ManifestName, rel)
}

// checkRemovable refuses a folder of the old output whose entries gen could
// not delete: the swap would install the new output and then fail to remove
// the old one beside it.
func checkRemovable(full string) error {
	if writable(full) {
		return nil
	}
	return fmt.Errorf("%s is read-only: regenerating replaces the output folder and deletes the previous one, "+
		"so every folder in it must be writable. Nothing was written. Make it writable (chmod -R u+w %s) or choose another -out",
		full, full)
}

func isEmptyDir(full string) (bool, error) {
	entries, err := os.ReadDir(full)
	return len(entries) == 0, err
}

// sameContent reports whether the file at full holds exactly data.
func sameContent(full string, data []byte) bool {
	b, err := os.ReadFile(full)
	return err == nil && bytes.Equal(b, data)
}
