#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# report-claims.t - the claims page's verdicts come from the data. Input: the
# result files of one emulated-world matrix (tests/data/claims/world.conf: L1
# = Linux on QEMU TCG's emulated SVM, L2 under its KVM with nested and with
# shadow paging, Linux on TCG, Xen PV dom0 on TCG) and of
# scripts/matrix-kvm-paging.conf (ring-0 suite, npt and shadow), as measured
# here. Checked: every claim gets a computed row (ratio with interval and a
# verdict); every emulated column is compared with its own world's native
# whatever --baseline says; and the verdicts follow the numbers: copies with
# L2's workloads made 2x slower than L1, shadow ptemod made cheaper than NPT's,
# or the L2 and Xen columns left out, must change the verdicts they feed.
# No gnuplot (--no-charts): seconds.
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
D=$HVS_SRC/tests/data/claims

n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
diag() { sed 's/^/# /'; }

T=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
echo "TAP version 13"
echo "1..16"
cd "$T" || exit 1

# claims ROWFILTER: the claims section of report.md in $1
claims() { sed -n '/^## Claims/,$p' "$1/report.md"; }
# row REPORT PLATFORM: the claims row whose platform cell is exactly PLATFORM
row() { claims "$1" | awk -F' \\| ' -v p="$2" '$2 == p' ; }

"$HVSCOPE" report "$D/world" "$D/paging" --baseline l1 --no-charts --out r >r.out 2>r.err
ok $? "report over the world and ring-0 result files exits 0"
diag <r.err
claims r >claims.md
[ "$(grep -c '^| ' claims.md)" -ge 12 ]
ok $? "the claims table has its rows ($(grep -c '^| ' claims.md))"

r=$(row r 'l2-npt vs l1')
echo "$r" | grep -q '% of native \\\[[0-9.]*%, [0-9.]*%\\\]' &&
	echo "$r" | grep -qE '\*\*(supported|contradicted|inconclusive)\*\*'
ok $? "80-95% of native: L2 (NPT) against L1 gets a percentage with its interval and a verdict"
echo "$r" | head -n 1 | cut -c1-300 | diag
row r 'l2-shadow vs l1' | grep -q '\*\*contradicted\*\*'
ok $? "80-95% of native: L2 with shadow paging (4x slower here) is contradicted"
row r 'l2-npt/l1 vs xen-pv/l1' | grep -q 'full virtualization [0-9.]* .* full / para: [0-9.]*× \\\[.*\*\*\(supported\|contradicted\|inconclusive\)\*\*'
ok $? "35% above paravirtualization: full/para ratio of two in-world ratios, with interval"
row r 'xen-pv vs l1' | grep -qE 'geometric-mean cost [0-9.]+ \\\[[0-9.]+, [0-9.]+\\\] × l1 .*\*\*(supported|contradicted|inconclusive)\*\*'
ok $? "Barham et al.: Xen PV on TCG against the world's native, not untestable"
row r 'kvm-shadow vs kvm-npt: kvm.pf.ptemod' | grep -q '\*\*supported\*\*'
ok $? "Adams & Agesen: ring-0 ptemod under shadow paging costs more than under NPT (supported)"
row r 'kvm-shadow vs kvm-npt: kvm.cr3.switch' | grep -qE '\*\*(supported|contradicted|inconclusive)\*\*'
ok $? "Adams & Agesen: a cr3 row with a verdict"
row r 'binary translation vs hardware' | grep -q 'not testable here'
ok $? "Adams & Agesen: the binary-translation half is not testable here, with why"
row r 'l2-npt' | grep -q 'CPUID [0-9.]* µs .*\*\*supported\*\*' && row r 'l1' | grep -q 'not testable here'
ok $? "exit costs: an exit under L2's KVM (supported), none on L1's emulated CPU (not testable)"

# The baseline of the tables must not move the world's comparisons.
"$HVSCOPE" report "$D/world" "$D/paging" --baseline tcg --no-charts --out rt >/dev/null 2>&1
[ -n "$(row rt 'l2-npt vs l1')" ] && [ -z "$(claims rt | grep ' vs tcg |')" ]
ok $? "with --baseline tcg the L2 rows still compare with L1"

# Verdicts follow the data: edited copies.
mkdir -p m1/world m1/paging
cp "$D"/world/*.json m1/world/ && cp "$D"/paging/*.json m1/paging/
python3 - m1 <<'EOF'
import json, sys
d = sys.argv[1]

def scale(mt, k):
    for key in ("samples", "process_medians"):
        if isinstance(mt.get(key), list):
            mt[key] = [x * k for x in mt[key]]
    s = mt.get("summary", {})
    for key in ("median", "mean", "mad", "min", "max", "ci_lo", "ci_hi"):
        if isinstance(s.get(key), (int, float)):
            s[key] *= k

def load(p):
    return json.load(open(p))

l1 = load(f"{d}/world/l1.json")
l2 = load(f"{d}/world/l2-npt.json")
ref = {m["name"]: m for m in l1["metrics"]}
for i, mt in enumerate(l2["metrics"]):
    if mt["class"] == "workload" and mt["name"] in ref:
        new = json.loads(json.dumps(ref[mt["name"]]))
        scale(new, 0.5)  # throughput: half of L1's
        l2["metrics"][i] = new
json.dump(l2, open(f"{d}/world/l2-npt.json", "w"))

npt = load(f"{d}/paging/kvm-npt.json")
sh = load(f"{d}/paging/kvm-shadow.json")
ref = {m["name"]: m for m in npt["metrics"]}
for i, mt in enumerate(sh["metrics"]):
    if mt["name"] == "kvm.pf.ptemod":
        new = json.loads(json.dumps(ref[mt["name"]]))
        scale(new, 0.3)  # latency: under NPT's
        sh["metrics"][i] = new
json.dump(sh, open(f"{d}/paging/kvm-shadow.json", "w"))
EOF
"$HVSCOPE" report m1/world m1/paging --baseline l1 --no-charts --out r1 >/dev/null 2>r1.err
ok $? "report over the edited copies exits 0"
row r1 'l2-npt vs l1' | grep -q '50.0% of native.*\*\*contradicted\*\*'
ok $? "L2's workloads at half of L1's: 50.0% of native, contradicted"
row r1 'l2-npt vs l1' | cut -c1-300 | diag
row r1 'kvm-shadow vs kvm-npt: kvm.pf.ptemod' | grep -q 'costs 0.300 .*\*\*contradicted\*\*'
ok $? "shadow ptemod made cheaper than NPT's: 0.300x, contradicted"

# Without L2 and Xen: not testable, with why.
mkdir -p m2
cp "$D"/world/l1.json "$D"/world/tcg.json m2/
"$HVSCOPE" report m2 --baseline l1 --no-charts --out r2 >/dev/null 2>&1
claims r2 | grep -F '80-95% of native' | grep -q 'not testable here.*L2 guest beside its L1'
ok $? "no L2 among the files: 80-95% is not testable here, with why"
claims r2 | grep -F 'above paravirtualization' | grep -q 'not testable here.*one matrix run'
ok $? "no L2 or Xen: the 35% claim is not testable here, with why"
