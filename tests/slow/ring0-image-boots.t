#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ring0-image-boots.t (slow) - the ring-0 ISO under UEFI (OVMF + GRUB,
# TCG) and the multiboot ELF under QEMU -accel kvm, where /dev/kvm works
# (hangs there - VMCALL under kvm_pvm, XSETBV it cannot emulate - must be
# recorded and skipped over by run-image.sh, the other benchmarks still run).
set -u
HV=${HVSCOPE:?}
SRC=${HVS_SRC:?}
BUILD=${HVS_BUILD:?}
n=0
ok() { # ok STATUS DESCRIPTION: returns STATUS's truth
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; return 0; fi
	echo "not ok $n - $2"; echo "#   Failed test $n - $2 (ring0-image-boots.t)" >&2
	return 1
}
# tails NAME: after a failure, run-image.sh's stderr and the end of the
# guest's console on stderr (CI logs keep only stderr)
tails() {
	{ echo "#   --- run-image.sh stderr ($1)"; tail -n 20 "$tmp/$1.err" | sed 's/^/#   /'
	  echo "#   --- tail of the console ($1)"; tail -n 25 "$tmp/$1.console" 2>/dev/null | sed 's/^/#   /'; } >&2
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"
. "$SRC/tests/lib/need.sh"

# the ISO is built here (make image: grub-mkrescue, xorriso, mtools, GRUB's
# BIOS and UEFI modules) unless it is already there
if have ovmf /usr/share/OVMF/OVMF_CODE.fd && have grub-common cmd:grub-mkrescue &&
	have xorriso cmd:xorriso && have mtools cmd:mformat &&
	have grub-pc-bin /usr/lib/grub/i386-pc/multiboot.mod &&
	have grub-efi-amd64-bin /usr/lib/grub/x86_64-efi/multiboot.mod; then
	[ -f "$BUILD/image/hvscope-ring0.iso" ] || make -s -C "$SRC" image >"$tmp/make" 2>&1 ||
		{ echo "# make image failed:"; sed 's/^/#   /' "$tmp/make"; } >&2
	"$SRC/scripts/run-image.sh" --accel tcg --boot uefi --stall 30 --out "$tmp/uefi.jsonl" \
		--console "$tmp/uefi.console" >/dev/null 2>"$tmp/uefi.err"
	rc=$?
	[ $rc -eq 0 ] && grep -q '"type":"end"' "$tmp/uefi.jsonl"; ok $? "the ISO boots under UEFI (OVMF, GRUB) and reports (rc $rc)" ||
		tails uefi
else
	skip "no OVMF or no GRUB to make the ISO"
fi

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	"$SRC/scripts/run-image.sh" --accel kvm --boot elf --append "quick samples=5" --stall 8 \
		--out "$tmp/kvm.jsonl" --console "$tmp/kvm.console" >/dev/null 2>"$tmp/kvm.err"
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 8 ]; ok $? "QEMU -accel kvm: run-image.sh finishes (rc $rc)" || tails kvm
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
