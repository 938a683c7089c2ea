#!/bin/sh
# Times gen -spec streamer.yaml (out/ current) against cdk synth of the seed
# in alternating rounds: each round one cdk synth, then hyperfine -N -w 3
# -r 20 of gen answering from its run record (the usual rerun) and of gen
# with records off (STREAMGEN_CACHE=off: it generates everything and
# compares it with out/). Prints each round's load average, then the
# medians of all runs and their ratios. Needs hyperfine, jq, and the seed's
# CDK app.
# Usage: scripts/bench-vs-cdk.sh CDK_APP_DIR [ROUNDS]
set -eu
cdk=$(cd "$1" && pwd)
rounds=${2:-12}
work=$(mktemp -d)
go build -o "$work/gen" ./cmd/gen
cp streamer.yaml "$work/"
export STREAMGEN_CACHE="$work/cache"
(cd "$work" && ./gen -spec streamer.yaml >/dev/null && ./gen -spec streamer.yaml >/dev/null)
for i in $(seq "$rounds"); do
	uptime
	(cd "$cdk" && hyperfine -N -r 1 --export-json "$work/cdk-$i.json" 'npx cdk synth' >/dev/null)
	(cd "$work" && hyperfine -N -w 3 -r 20 --export-json "$work/gen-$i.json" './gen -spec streamer.yaml' >/dev/null)
	(cd "$work" && STREAMGEN_CACHE=off hyperfine -N -w 3 -r 20 --export-json "$work/full-$i.json" './gen -spec streamer.yaml' >/dev/null)
done
median() {
	jq -s '[.[].results[0].times[]] | sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end' "$@"
}
c=$(median "$work"/cdk-*.json)
g=$(median "$work"/gen-*.json)
f=$(median "$work"/full-*.json)
jq -n --argjson c "$c" --argjson g "$g" --argjson f "$f" -r '"cdk synth \($c * 1000 | round) ms; gen \($g * 100000 | round / 100) ms: \($c / $g | round)x; gen with records off \($f * 100000 | round / 100) ms: \($c / $f | round)x"'
rm -r "$work"
