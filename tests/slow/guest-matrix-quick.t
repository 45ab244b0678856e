#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest-matrix-quick.t - the shipped quick matrix (scripts/matrix-quick.conf):
# native, QEMU TCG and a Xen 4.17 PV dom0 under TCG, each running probe, the
# quick suite, the macro workloads (block I/O on a virtio disk backed by a
# host file) and the host-side network request/response workload. Every
# target must pass, every result validate, the Xen fingerprint must say Xen
# PV dom0, and the summary must show each workload as percent of native
# with a CI. The wall time is reported (docs/PERFORMANCE.md), not asserted.
. "$(dirname "$0")/../lib/guest.sh"
guest_prereqs xen

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-tgmq.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tmp"
t0=$(date +%s)
TMPDIR=$T/tmp "$HVSCOPE" guest --matrix "$HVS_SRC/scripts/matrix-quick.conf" --out "$T/out" \
	> "$T/stdout" 2> "$T/stderr"
rc=$?
diag "quick matrix: $(( $(date +%s) - t0 )) s"
is "$rc" 0 "the quick matrix passed"
grep -v '^| ' "$T/stderr" | sed 's/^/#   /'
if [ "$rc" != 0 ]; then # what failed, and the end of each failed target's console, for CI logs
	grep -v '^| ' "$T/stderr" | sed 's/^/#   /' >&2
	for c in "$T"/out/*.boot/console.log; do
		[ -f "$c" ] && { echo "#   --- tail of $c"; tail -n 15 "$c" | sed 's/^/#   /'; } >&2
	done
fi
for t in native qemu-tcg xen-pv; do
	python3 "$HVS_SRC/tests/lib/validate.py" "$T/out/$t.json" > "$T/v" 2>&1
	ok $? "$t: result validates"; sed 's/^/#   /' "$T/v"
	st=$(python3 -c 'import json,sys
d={m["name"]: m for m in json.load(open(sys.argv[1]))["metrics"]}
print(" ".join(d[n]["outcome"] if n in d else "missing" for n in
  ("workload.cpu.intmix","workload.cpu.lz","workload.mm.forkexec","workload.mm.mmapchurn",
   "workload.mm.sparse","workload.io.randrw","workload.net.rr")))' "$T/out/$t.json" 2>&1)
	is "$st" "pass pass pass pass pass pass pass" "$t: every workload measured"
done
like "$(grep -m1 '"summary"' "$T/out/xen-pv.1.probe.json")" '"Xen PV dom0' "fingerprint in the dom0: Xen PV dom0"
like "$(grep -m1 '"summary"' "$T/out/qemu-tcg.1.probe.json")" '"QEMU TCG' "fingerprint in the TCG guest: QEMU TCG"
like "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"][0]["what"])' "$T/out/xen-pv.json")" . "xen-pv result has metrics"
like "$(grep 'workload.io.randrw' "$T/out/summary.md")" "IOPS \| [0-9.]+% \[[0-9.]+, [0-9.]+\] \| [0-9.]+% \[" \
	"summary: block I/O as percent of native for both guests"
like "$(grep 'geometric mean of the workloads' "$T/out/summary.md")" "[0-9.]+% \[[0-9.]+, [0-9.]+\] \| [0-9.]+% \[" \
	"summary: geometric mean of the workloads with a CI"
is "$(ls -A "$T/tmp")" "" "no temporary files left behind"
sed 's/^/#   /' "$T/out/summary.md" | head -n 20
done_testing
