#!/bin/sh
# cfn-lint on every generated template: the golden cases, out/, and the
# template of each spec in examples/ (generated to a temporary folder).
# Any finding, even informational, fails.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in examples/*.yaml; do
	[ -e "$spec" ] || continue
	name=$(basename "$spec" .yaml)
	go run ./cmd/gen -spec "$spec" -out "$tmp/$name" >/dev/null
	set -- "$@" "$tmp/$name/template.yaml"
done
cfn-lint --include-checks I --format parseable -- testdata/*/template.yaml out/template.yaml "$@"
echo "cfn-lint: no findings"
