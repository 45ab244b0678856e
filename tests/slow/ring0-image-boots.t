#!/bin/bash
# ring0-image-boots.t (slow) - the ring-0 ISO under UEFI (OVMF + GRUB,
# TCG) and the multiboot ELF under QEMU -accel kvm, where /dev/kvm works
# (hangs there - VMCALL under kvm_pvm, XSETBV it cannot emulate - must be
# recorded and skipped over by run-image.sh, the other benchmarks still run).
set -u
HV=${HVSCOPE:?}
SRC=${HVS_SRC:?}
BUILD=${HVS_BUILD:?}
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"

if [ -f "$BUILD/image/hvscope-ring0.iso" ] && [ -f /usr/share/OVMF/OVMF_CODE.fd ]; then
	"$SRC/scripts/run-image.sh" --accel tcg --boot uefi --stall 30 --quiet --out "$tmp/uefi.jsonl"
	rc=$?
	[ $rc -eq 0 ] && grep -q '"type":"end"' "$tmp/uefi.jsonl"; ok $? "the ISO boots under UEFI (OVMF, GRUB) and reports (rc $rc)"
else
	skip "no ISO (make image) or no OVMF"
fi

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	"$SRC/scripts/run-image.sh" --accel kvm --boot elf --append "quick samples=5" --stall 8 --quiet \
		--out "$tmp/kvm.jsonl"
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 8 ]; ok $? "QEMU -accel kvm: run-image.sh finishes (rc $rc)"
	"$HV" kvm --serial "$tmp/kvm.jsonl" >"$tmp/table" 2>&1
	sed 's/^/# /' "$tmp/table"
	nres=$(grep -c '^image\.' "$tmp/table")
	nlist=$("$HV" kvm --list | grep -vc '\[test only\]')
	[ "$nres" -eq "$nlist" ]; ok $? "a row for every benchmark despite hangs ($nres of $nlist)"
	grep -qE '^image\.cpuid\.0 .* pass$' "$tmp/table"; ok $? "cpuid measured under QEMU/KVM"
else
	skip "no usable /dev/kvm"
	skip "no usable /dev/kvm"
	skip "no usable /dev/kvm"
fi
echo "1..$n"
