// Package docs holds the documentation gen carries in its binary, so that a
// user without this repository can read it: `gen help spec` prints Spec.
package docs

import _ "embed"

// Spec is the spec format's reference, spec.md.
//
//go:embed spec.md
var Spec string
