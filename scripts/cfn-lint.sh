#!/bin/sh
# cfn-lint on every generated template: the golden cases, out/, and the
# template of each spec in examples/. Any finding, even informational, fails.
# It is the test TestCfnLint, which scripts/test (go test ./...) runs too;
# CI=true makes a missing cfn-lint a failure rather than a skip.
set -eu
cd "$(dirname "$0")/.."
CI=true exec go test -count=1 -run '^TestCfnLint$' -v ./internal/endtoend
