#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hypercalls-vmware.t - the VMware backdoor (GETVERSION: IN from port 0x5658,
# EAX = 0x564D5868, ECX = 10) answered by QEMU's vmport device under TCG:
#  - ring 0: the image under `-machine pc` (vmport on, QEMU's default) must
#    pass vmware.getversion with a plausible number (the payload checks that
#    EBX came back as the magic before timing), and under `pc,vmport=off` skip
#    with "no VMware backdoor"; under QEMU -accel kvm (where /dev/kvm
#    works) it must pass and cost more than a plain PIO exit to QEMU;
#  - ring 3: in a Linux guest, root passes exit.vmware.getversion through
#    ioperm() (QEMU TCG checks the I/O bitmap at CPL 3, VMware does not), with
#    the magic, version and type in its note; an unprivileged user skips with
#    the #GP and ioperm's EPERM; xen.privcmd skips there as "not a Xen domain".
# Every QEMU runs under a watchdog (timeout / boot-guest.sh); a hang prints
# the console's tail.
. "$(dirname "$0")/../lib/guest.sh"
guest_prereqs
IMG=${HVS_BUILD:-$HVS_SRC/build}/image/hvscope-ring0.elf
[ -f "$IMG" ] || skip_all "$IMG not built (make)"
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-vmw.XXXXXX")
trap 'rm -rf "$T"' EXIT
HVS_FAIL_DIR=$T HVS_FAIL_ERR=$T/e
echo "TAP version 13"

# plausible NAME TABLE: the row passed with 1 ns < median < 10 ms
plausible() {
	awk -v n="$1" '$1 == n && $NF == "pass" && $2 + 0 > 1 && $2 + 0 < 1e7 { f = 1 } END { exit !f }' "$2"
}

for vm in on off; do
	mkdir -p "$T/r0-$vm"
	timeout 60 qemu-system-x86_64 -accel tcg -machine pc,vmport=$vm -m 1280M -nographic -no-reboot \
		-monitor none -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$IMG" \
		-append "only=vmware.getversion,cpuid.0 samples=15 quick" \
		-serial "file:$T/r0-$vm/console.log" >"$T/r0-$vm/qemu.log" 2>&1
	rc=$?
	[ $rc = 124 ] && diag "vmport=$vm: QEMU killed by the 60 s watchdog; last console line: $(tail -c 300 "$T/r0-$vm/console.log")"
	tr -d '\r' <"$T/r0-$vm/console.log" | grep -ao '{"type":.*}$' >"$T/r0-$vm/lines.jsonl"
	"$HVSCOPE" kvm --serial "$T/r0-$vm/lines.jsonl" >"$T/r0-$vm/table" 2>&1
	sed 's/^/# /' "$T/r0-$vm/table"
done
plausible image.vmware.getversion "$T/r0-on/table"
ok $? "ring 0, QEMU TCG pc (vmport on): vmware.getversion passes with a plausible number (EBX = magic checked)"
like "$(grep '^image.vmware.getversion' "$T/r0-off/table")" 'skip: no VMware backdoor: GETVERSION left EBX 0$' \
	"ring 0, pc,vmport=off: vmware.getversion skips: no backdoor"
plausible image.cpuid.0 "$T/r0-off/table"
ok $? "... while cpuid.0 still runs there (the image itself worked)"

# Under QEMU -accel kvm (where /dev/kvm works) the IN is a real PIO exit to
# QEMU, and vmport then synchronises the vCPU's registers: it must pass and
# cost more than a plain PIO exit to QEMU (pio.in.user) in the same boot.
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	mkdir -p "$T/kvm"
	"$HVS_SRC/scripts/run-image.sh" --accel kvm --append "only=vmware.getversion,pio.in.user quick samples=15" \
		--stall 20 --quiet --out "$T/kvm/lines.jsonl" --console "$T/kvm/console.log" 2>"$T/kvm/err"
	rc=$?
	"$HVSCOPE" kvm --serial "$T/kvm/lines.jsonl" >"$T/kvm/table" 2>&1
	sed 's/^/# /' "$T/kvm/table"
	plausible image.vmware.getversion "$T/kvm/table"
	ok $? "QEMU -accel kvm: vmware.getversion passes (run-image.sh rc $rc)"
	awk '$NF == "pass" { v[$1] = $2 } END { exit !(v["image.vmware.getversion"] > v["image.pio.in.user"] && v["image.pio.in.user"] > 0) }' "$T/kvm/table"
	ok $? "... and costs more than a plain PIO exit to QEMU (the protocol syncs the registers)"
else
	skip 2 "no usable /dev/kvm"
fi

"$HVS_SRC/scripts/boot-guest.sh" --mode linux --timeout 120 --out "$T/o" \
	--cmd 'hvscope-static bench exit.vmware.getversion xen.privcmd' \
	--cmd "echo 'nobody:x:65534:65534::/:/bin/sh' >>/etc/passwd && busybox su -s /bin/sh nobody -c 'hvscope-static bench exit.vmware.getversion'" \
	2>"$T/e"
rc=$?
is "$rc" 0 "Linux guest under QEMU TCG booted and ran both commands"
sed 's/^/# /' "$T/o/1.out" "$T/o/2.out" 2>/dev/null
out=$(cat "$T/o/1.out" 2>/dev/null)
like "$out" '^exit\.vmware\.getversion +[0-9.]+ (ns|us|µs) +(\[|±|\+/-)' "ring 3 as root: exit.vmware.getversion measured"
like "$out" 'note: EBX=magic, version [0-9]+, type [0-9]+; needed ioperm\(\) \(root\)' \
	"... with the magic answered and ioperm() said (TCG checks the I/O bitmap at CPL 3)"
like "$out" '^xen\.privcmd +SKIP: not a Xen domain \(no /dev/xen/privcmd' "xen.privcmd skips outside Xen with the reason"
like "$(cat "$T/o/2.out" 2>/dev/null)" \
	'^exit\.vmware\.getversion +SKIP: IN port 0x5658 at CPL 3 raises SIGSEGV \(#GP\), ioperm\(\): EPERM, needs CAP_SYS_RAWIO' \
	"ring 3 unprivileged: skips with the #GP and ioperm's EPERM"
done_testing
