#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hypercalls-xen.t - Xen hypercalls timed for real, Xen 4.17 under QEMU TCG:
#  - a PV dom0 (boot-guest.sh --mode xen-pv, with the xen_privcmd and
#    xen_evtchn modules): xen.privcmd.version, .sched_yield and
#    .evtchn_send (to a port of ours bound through /dev/xen/evtchn) through
#    /dev/xen/privcmd must pass with plausible numbers and name Xen 4.x;
#  - the ring-0 image as a PVH dom0 (Xen console=none leaves COM1 to it):
#    xen.hcpage.version, .sched_yield and .evtchn_send through the
#    hypercall page (the MSR from CPUID base+2) must pass; the Hyper-V rows must skip
#    with "not Hv#1" (Xen offers no Viridian to a PVH dom0);
#  - the ring-0 image as a PVH domU created by xl from a PV dom0
#    (scripts/xen-domu.sh --raw): no UART there, its lines come back through
#    Xen's PV console ring (xenconsoled's log); the hypercall-page rows pass,
#    the VMware row skips (a domU has no port 0x5658).
# Both QEMUs run under a watchdog; a hang prints the console's tail.
. "$(dirname "$0")/../lib/guest.sh"
guest_prereqs xen
IMG=${HVS_BUILD:-$HVS_SRC/build}/image/hvscope-ring0.elf
[ -f "$IMG" ] || skip_all "$IMG not built (make)"
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-xhc.XXXXXX")
trap 'rm -rf "$T"' EXIT
HVS_FAIL_DIR=$T HVS_FAIL_ERR=$T/e
echo "TAP version 13"

# plausible NAME TABLE: the image row passed with 1 ns < median < 10 ms
plausible() {
	awk -v n="$1" '$1 == n && $NF == "pass" && $2 + 0 > 1 && $2 + 0 < 1e7 { f = 1 } END { exit !f }' "$2"
}

"$HVS_SRC/scripts/boot-guest.sh" --mode xen-pv --module xen_privcmd --module xen_evtchn --timeout 240 --out "$T/pv" \
	--cmd 'hvscope-static bench xen.privcmd' 2>"$T/e"
rc=$?
is "$rc" 0 "Xen PV dom0 under QEMU TCG booted and ran the benchmark"
out=$(cat "$T/pv/1.out" 2>/dev/null)
printf '%s\n' "$out" | sed 's/^/# /'
for r in version sched_yield evtchn_send; do
	# "xen.privcmd.version   18.1 us [17.9, 18.7]  MAD ...": between 10 ns and 10 ms
	printf '%s\n' "$out" | awk -v n="xen.privcmd.$r" '$1 == n && $3 ~ /^(ns|us|µs|ms|s)$/ {
		v = $2 * ($3 == "ns" ? 1 : ($3 == "us" || $3 == "µs") ? 1e3 : $3 == "ms" ? 1e6 : 1e9); f = v > 10 && v < 1e7 }
		END { exit !f }'
	ok $? "xen.privcmd.$r passes in the PV dom0 with a plausible number"
done
like "$out" 'note: Xen 4\.[0-9]+; an ioctl\(\) into the kernel plus the hypercall' "... and names Xen's version and what the number includes"

mkdir -p "$T/pvh"
gunzip -c "$(ls /boot/xen-4.17-amd64.gz)" >"$T/xen"
timeout 150 qemu-system-x86_64 -accel tcg -machine q35 -device amd-iommu -cpu qemu64,+svm,+npt -m 2G \
	-nographic -no-reboot -monitor none -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$T/xen" -append "dom0=pvh iommu=1 console=none dom0_mem=1500M" \
	-initrd "$IMG only=xen.*,,hyperv.*,,cpuid.0 samples=15 quick" \
	-serial "file:$T/pvh/console.log" >"$T/pvh/qemu.log" 2>&1
rc=$?
[ $rc = 124 ] && diag "PVH dom0 image: QEMU killed by the 150 s watchdog; last console bytes: $(tail -c 300 "$T/pvh/console.log")"
tr -d '\r' <"$T/pvh/console.log" | grep -ao '{"type":.*}$' >"$T/pvh/lines.jsonl"
grep -q '"boot":"pvh".*"hypervisor":"XenVMMXenVMM"' "$T/pvh/lines.jsonl"
ok $? "the ring-0 image boots as a Xen PVH dom0 (rc $rc)"
"$HVSCOPE" kvm --serial "$T/pvh/lines.jsonl" >"$T/pvh/table" 2>&1
sed 's/^/# /' "$T/pvh/table"
plausible image.xen.hcpage.version "$T/pvh/table"
ok $? "xen.hcpage.version passes through the hypercall page"
plausible image.xen.hcpage.sched_yield "$T/pvh/table"
ok $? "xen.hcpage.sched_yield passes through the hypercall page"
plausible image.xen.hcpage.evtchn_send "$T/pvh/table"
ok $? "xen.hcpage.evtchn_send passes (a port bound to our own unbound port)"
like "$(grep '^image.hyperv.notify_spin_wait' "$T/pvh/table")" 'skip: no Hyper-V interface \(CPUID 0x40000001 EAX is not "Hv#1"\)$' \
	"the Hyper-V row skips under Xen's own leaves with the reason"

if have xen-utils-4.17 /usr/lib/xen-4.17/bin/xl /usr/lib/xen-4.17/bin/xenstored /usr/lib/xen-4.17/bin/xenconsoled; then
	"$HVS_SRC/scripts/xen-domu.sh" --raw --kernel "$IMG" --timeout 300 --out "$T/domu" \
		--extra "only=xen.*,vmware.*,cpuid.0 samples=15 quick" 2>"$T/e"
	rc=$?
	grep -ao '{"type":.*}$' "$T/domu/console.log" >"$T/domu/lines.jsonl" 2>/dev/null
	grep -q '"boot":"pvh".*"hypervisor":"XenVMMXenVMM"' "$T/domu/lines.jsonl" && grep -q '"type":"end"' "$T/domu/lines.jsonl"
	ok $? "the ring-0 image as an xl-created PVH domU reports through Xen's PV console (rc $rc)"
	"$HVSCOPE" kvm --serial "$T/domu/lines.jsonl" >"$T/domu/table" 2>&1
	sed 's/^/# /' "$T/domu/table"
	plausible image.xen.hcpage.version "$T/domu/table"
	ok $? "domU: xen.hcpage.version passes through the hypercall page"
	grep -qE '^image\.xen\.hcpage\.sched_yield .* pass$' "$T/domu/table"
	ok $? "domU: xen.hcpage.sched_yield passes (it yields to dom0: milliseconds)"
	plausible image.xen.hcpage.evtchn_send "$T/domu/table"
	ok $? "domU: xen.hcpage.evtchn_send passes"
	like "$(grep '^image.vmware.getversion' "$T/domu/table")" 'skip: no VMware backdoor: GETVERSION left EBX 0$' \
		"domU: the VMware row skips (no port 0x5658 in a PVH domU)"
else
	skip 5 "xen-utils-4.17 (xl, xenstored, xenconsoled) not installed"
fi
done_testing
