#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# report-partial.t - `hvscope report DIR` over a folder laid out like a guest
# matrix's output: two real result files (run here) where one class (ipc) was
# measured on one platform only, a probe's JSON, a per-step copy NAME.N.run.json,
# a summary.json and a log. The report must use the two result files, skip the
# others with a note, exit 0, draw every chart (no 0-byte image), show the
# charts in the HTML with a "not measured here" note, and print no number with
# an exponent (e+0, e-0) in human-facing output (run, report page, Markdown).
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
. "$HVS_SRC/tests/lib/need.sh"
need gnuplot-nox cmd:gnuplot

n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
diag() { sed 's/^/# /'; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "TAP version 13"
echo "1..17"
mkdir -p "$T/m"
"$HVSCOPE" run --bench exit.rdtsc,syscall.getppid,ipc.pipe --samples 5 --processes 1 --no-checks \
	--tag label=alpha,config=a --out "$T/m/alpha.json" >"$T/run.out" 2>"$T/run.err"
ok $? "run alpha (exit, syscall, ipc)"
"$HVSCOPE" run --bench exit.rdtsc,syscall.getppid --samples 5 --processes 1 --no-checks \
	--tag label=beta,config=b --out "$T/m/beta.json" >>"$T/run.out" 2>>"$T/run.err"
ok $? "run beta (exit, syscall: no ipc)"
"$HVSCOPE" probe --json >"$T/m/alpha.1.probe.json" 2>/dev/null
cp "$T/m/alpha.json" "$T/m/alpha.2.run.json"
echo '{"kind": "hvscope-matrix-summary", "targets": []}' >"$T/m/summary.json"
echo 'a log line' >"$T/m/alpha.1.err"

cd "$T" || exit 1
"$HVSCOPE" report m --baseline alpha --out rep >"$T/rep.out" 2>"$T/rep.err"
rc=$?
ok $rc "report over the matrix-like folder exits 0 (got $rc)"
diag <"$T/rep.err"
grep -q 'skipped m/alpha.1.probe.json' "$T/rep.err" && grep -q 'skipped m/summary.json' "$T/rep.err" &&
	grep -q 'skipped m/alpha.2.run.json (one step of m/alpha.json' "$T/rep.err" &&
	grep -q 'skipped 1 file(s)' "$T/rep.err"
ok $? "the probe JSON, the summary, the step copy and the log are skipped, each with a note"
cols=$(grep -c '<section class="col' rep/index.html)
[ "$cols" = 2 ]
ok $? "two platforms on the page (got $cols)"
svgs=$(ls rep/charts/*.svg 2>/dev/null | wc -l)
[ "$svgs" -ge 4 ]
ok $? "charts drawn ($svgs SVGs)"
empty=$(find rep/charts -type f -empty | wc -l)
[ "$empty" = 0 ]
ok $? "no empty file in charts/ ($empty)"
inl=$(grep -c '<svg' rep/index.html)
grep -q 'id=charts' rep/index.html && [ "$inl" = "$svgs" ]
ok $? "the page has its Charts section with every SVG inline ($inl of $svgs)"
grep -q 'Not measured here: beta' rep/index.html
ok $? "the ipc chart says beta did not measure it"
gp=$(ls rep/charts/bars-*-ipc.gp 2>/dev/null | head -1)
[ -n "$gp" ] && grep -q "title 'alpha'" "$gp" && ! grep -q "title 'beta'" "$gp"
ok $? "the ipc chart is drawn for alpha only (${gp##*/})"
# Human-facing text: the page outside inline SVGs, the Markdown, run's output.
sed '/<svg/,/<\/svg>/d' rep/index.html >"$T/page.txt"
bad=$(grep -hoE '[0-9.]+e[-+][0-9]+' "$T/page.txt" rep/report.md "$T/run.out" | head -3)
[ -z "$bad" ]
ok $? "no exponent in run's output, the page or the Markdown ${bad:+(found: $bad)}"
grep -qE '(µs|us|ns|ms) (\[|±|\+/-)' "$T/run.out" && grep -qE '[0-9] (µs|ns|ms) (\[|±)' rep/report.md
ok $? "values with SI units and their intervals (run, Markdown)"
# Column names: --label KEY, else the tags that differ between the runs.
"$HVSCOPE" report m/alpha.json m/beta.json --label config --out rep3 >/dev/null 2>&1 &&
	grep -q '</span>a</th>' rep3/index.html && grep -q '</span>b</th>' rep3/index.html
ok $? "--label config names the columns a and b"
mkdir -p nolabel
for f in alpha beta; do
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["run"]["tags"]["label"]; json.dump(d, open(sys.argv[2], "w"))' \
		"m/$f.json" "nolabel/$f.json"
done
"$HVSCOPE" report nolabel --out rep4 >/dev/null 2>&1 &&
	grep -q '</span>config=a</th>' rep4/index.html && grep -q '</span>config=b</th>' rep4/index.html &&
	! grep -q '#2' rep4/index.html
ok $? "without labels the columns are named by the tag that differs (config=a, config=b)"
# A baseline that is a virtual machine is named as such wherever ratios are shown.
fp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["context"]["hypervisor"])' m/alpha.json)
case "$fp" in
none | *"no hypervisor"* | *"bare metal"*)
	! grep -q 'Baseline is virtualized' rep/index.html
	ok $? "bare-metal baseline ($fp): no virtualized-baseline warning" ;;
*)
	grep -q "Baseline is virtualized:</strong> alpha = $fp guest" rep/index.html &&
		grep -q 'Baseline is virtualized' rep/report.md
	ok $? "virtualized baseline named as such ($fp) on the page and in the Markdown" ;;
esac
# Claims: each literature row has a verdict from the data.
rows=$(sed -n '/id=claims/,/<\/table>/p' rep/index.html | grep -c '<tr><td')
verd=$(sed -n '/id=claims/,/<\/table>/p' rep/index.html | grep -cE '<strong>(supported|contradicted|inconclusive|not testable here)</strong>: [^<]')
[ "$rows" -ge 4 ] && [ "$rows" = "$verd" ]
ok $? "claims page: $rows rows, $verd with a verdict and its reason"
sed -n '/id=claims/,/<\/table>/p' rep/index.html | grep -q 'no Xen platform among the result files'
ok $? "claims: the Xen claim is not testable without a Xen platform, and says so"
