//go:build unix

package output

import "golang.org/x/sys/unix"

// writable reports whether this process may create and delete entries in
// the folder name, as the kernel decides it (mode, owner, ACLs, a read-only
// mount, the immutable attribute, root's privileges).
func writable(name string) bool {
	return unix.Access(name, unix.W_OK|unix.X_OK) == nil
}
