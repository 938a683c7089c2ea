// Package endtoend holds, in its tests, the checks that run what streamgen
// generates through the real tools, as sqlc's internal/endtoend does: the
// Velocity oracle (oracle_test.go), deploys on moto (deploy_test.go, and
// e2e_test.go, which also runs the generated handler's decoders on the
// stream), and cfn-lint (lint_test.go). Their cases are the repository's:
// the golden cases of testdata/, examples/, streamer.yaml and out/. The
// golden files themselves are checked by the root package's golden_test.go.
package endtoend
