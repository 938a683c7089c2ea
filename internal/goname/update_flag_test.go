package goname

// Accept -update, so that go test ./... -update runs (see internal/golden).
import _ "github.com/streamgen/streamgen/internal/golden"
