#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kvm-l2.t - a hardware-assisted KVM guest in the matrix: scripts/matrix-l2.conf
# boots L1 (Linux with kvm_amd on QEMU TCG's emulated SVM+NPT, kind kvm-amd,
# the baseline) and two L2 guests under QEMU -accel kvm inside it (kind
# kvm-l2, L1's kvm_amd with npt=1 and npt=0), each running probe and the
# CPUID exit, a null system call and a page fault. Asserted: every target
# passes; L2's fingerprint says KVM; the CPUID exit exists in L2 and not in
# L1; a system call costs about the same everywhere (no exit); a page fault
# costs about L1's under NPT and several times more under shadow paging.
# 55 s at load ~3, 80-140 s at load 6-11, ~245 s at load 13 here (three boots).
. "$(dirname "$0")/../lib/guest.sh"
guest_prereqs
need qemu-system-x86 /usr/share/qemu/qboot.rom
# Opt-in: about 1 L2 boot in 12 hangs here, NPT and shadow alike (4 of 23
# full-matrix runs on 2026-12-02, one after 9 passes in a row). L1's only
# vCPU sits halted with IF=1 while its local APIC holds the timer interrupt
# (vector 236) pending and deliverable, and an NMI is not taken either:
# QEMU 7.2's TCG emulation of SVM has left L1's GIF clear, so L1 stops and
# L2 with it (docs/PERFORMANCE.md, "Why the L2 matrix sometimes hangs").
# Not the virtual GIF: qemu64 does not advertise it, so L1's kvm_amd runs
# with vgif=0 vls=0 avic=N (L1 prints "HVS-L1: kvm_amd: ..." on its console)
# and QEMU's STGI/CLGI set and clear the real GIF; hangs go on with that.
# The evidence points to QEMU's emulation, not to the suite; nothing inside
# L1 can set its GIF again, so this test is not a CI gate. When it hangs,
# boot-guest.sh stops the target about 60 s after L1's console goes quiet
# and reports L1's registers, its local APIC, L2's phase and the last
# console lines.
if [ "${HVS_L2:-0}" != 1 ]; then
	echo "1..0 # SKIP about 1 L2 boot in 12 hangs here: QEMU 7.2's emulated SVM leaves L1's vCPU halted with its GIF clear and its timer interrupt pending (docs/PERFORMANCE.md): opt in with HVS_L2=1"
	exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-tkl2.XXXXXX")
trap 'rm -rf "$T"' EXIT
HVS_FAIL_DIR=$T/out HVS_FAIL_ERR=$T/stderr
t0=$(date +%s)
"$HVSCOPE" guest --matrix "$HVS_SRC/scripts/matrix-l2.conf" --out "$T/out" > "$T/stdout" 2> "$T/stderr"
rc=$?
diag "L1 and two L2 boots: $(( $(date +%s) - t0 )) s"
is "$rc" 0 "the L2 matrix ran (l1, l2-npt, l2-shadow)"
for t in l2-npt l2-shadow; do
	# a stall L1 came back from, or the account of the one it did not
	[ -s "$T/out/$t.boot/stalls.txt" ] && { diag "$t: L1 stalled:"; sed 's/^/#   /' "$T/out/$t.boot/stalls.txt"; }
done
for t in l1 l2-npt l2-shadow; do
	python3 "$HVS_SRC/tests/lib/validate.py" "$T/out/$t.json" > "$T/v" 2>&1
	ok $? "$t: result validates"; sed 's/^/#   /' "$T/v"
done
like "$(grep -m1 '"summary"' "$T/out/l2-npt.1.probe.json")" '"KVM' "L2's own fingerprint: KVM"
like "$(grep -m1 '"summary"' "$T/out/l1.1.probe.json")" '"QEMU TCG' "L1's: QEMU TCG"
python3 - "$T/out" > "$T/checks" 2>&1 <<'PY'
import json, sys
d = sys.argv[1]
def med(t, n):
    m = {x["name"]: x for x in json.load(open("%s/%s.json" % (d, t)))["metrics"]}[n]
    return m["summary"]["median"] if m["outcome"] == "pass" else float("nan")
def say(c, w):
    print(("ok " if c else "not ") + w)
c1, cn, cs = med("l1", "exit.cpuid.0"), med("l2-npt", "exit.cpuid.0"), med("l2-shadow", "exit.cpuid.0")
say(cn > 100 * c1 and cs > 100 * c1, "CPUID: %.0f ns in L1 (TCG, no exit), %.0f / %.0f ns in L2 (an exit to L1's KVM)" % (c1, cn, cs))
s1, sn, ss = med("l1", "syscall.getppid"), med("l2-npt", "syscall.getppid"), med("l2-shadow", "syscall.getppid")
say(0.5 < sn / s1 < 2 and 0.5 < ss / s1 < 2, "getppid: %.0f / %.0f / %.0f ns (no exit anywhere)" % (s1, sn, ss))
p1, pn, ps = med("l1", "mm.pagefault"), med("l2-npt", "mm.pagefault"), med("l2-shadow", "mm.pagefault")
say(pn < 3 * p1 and ps > 3 * pn, "page fault: %.1f us L1, %.1f us L2 NPT, %.1f us L2 shadow" % (p1 / 1e3, pn / 1e3, ps / 1e3))
PY
ok $? "the checks ran"
while IFS= read -r l; do
	case "$l" in "ok "*) ok 0 "${l#ok }" ;; "not "*) ok 1 "${l#not }" ;; *) echo "# $l" ;; esac
done < "$T/checks"
like "$(grep 'mm.pagefault' "$T/out/summary.md")" "[0-9.]+% \[[0-9.e+-]+, [0-9.e+-]+\] \| [0-9.]+% \[" "summary: the page fault as percent of L1 for both L2 targets"
done_testing
