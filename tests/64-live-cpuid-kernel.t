#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 64-live-cpuid-kernel.t - the multiboot CPUID kernel (tests/guests/cpuid-mb.c,
# scripts/boot-guest.sh --mode cpuid-kernel) under QEMU TCG and, where
# /dev/kvm is usable, under QEMU KVM (where a Linux kernel does not boot on
# the development machine): the dumps it brings back carry the expected
# signatures, and hvscope replaying them names TCG resp. KVM.
. "$(dirname "$0")/lib/guest.sh"
need qemu-system-x86 cmd:qemu-system-x86_64
elf=${HVS_BUILD:-$HVS_SRC/build}/guests/cpuid-mb.elf
[ -r "$elf" ] || skip_all "$elf not built (make check builds it)"

out=$(mktemp -d "${TMPDIR:-/tmp}/hvs-t64.XXXXXX")
trap 'rm -rf "$out"' EXIT
tcg='0x40000000 0x00: eax=0x4000000[0-9a-f] ebx=0x54474354 ecx=0x43544743 edx=0x47435447'
kvm='0x40000000 0x00: eax=0x4000000[0-9a-f] ebx=0x4b4d564b ecx=0x564b4d56 edx=0x0000004d'
verdict() { "$HVSCOPE" probe --cpuid-dump "$1" 2>&1 | sed -n 's/^Verdict: //p'; }

"$HVS_SRC/scripts/boot-guest.sh" --mode cpuid-kernel --accel tcg --out "$out/tcg" 2> "$out/e"
rc=$?
is "$rc" 0 "cpuid kernel under TCG ran"
[ "$rc" = 0 ] || guest_fail_log "$out/tcg" "$out/e"
like "$(cat "$out/tcg/1.out" 2>/dev/null)" "$tcg" "... its dump has TCGTCGTCGTCG at 0x40000000"
like "$(cat "$out/tcg/1.out" 2>/dev/null)" '^   0x80000002 0x00: ' "... and the brand string leaves"
is "$(verdict "$out/tcg/1.out")" "QEMU TCG" "hvscope replaying it says QEMU TCG"

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	for v in "qemu64:$kvm:KVM" "qemu64,kvm=off:out-of-range:QEMU"; do
		cpu=${v%%:*}; rest=${v#*:}; re=${rest%:*}; want=${rest##*:}
		"$HVS_SRC/scripts/boot-guest.sh" --mode cpuid-kernel --accel kvm --cpu "$cpu" --timeout 90 \
			--out "$out/kvm" 2> "$out/e"
		rc=$?
		is "$rc" 0 "cpuid kernel under QEMU -accel kvm -cpu $cpu ran"
		[ "$rc" = 0 ] || guest_fail_log "$out/kvm" "$out/e"
		if [ "$re" = out-of-range ]; then
			# No hypervisor range: 0x40000000 reads as an out-of-range leaf,
			# which is all zeros or (SDM vol. 2A, CPUID: "the data for the
			# highest basic information leaf", KVM's choice on some hosts)
			# the highest basic leaf's subleaf 0; never a signature.
			d=$out/kvm/1.out
			hi=$(sed -n 's/^ *0x00000000 0x00: eax=0x\([0-9a-f]*\).*/\1/p' "$d" 2>/dev/null)
			got=$(sed -n 's/^ *0x40000000 0x00: //p' "$d" 2>/dev/null)
			top=$(sed -n "s/^ *0x$hi 0x00: //p" "$d" 2>/dev/null)
			zero='eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000'
			ok "$([ -n "$got" ] && { [ "$got" = "$zero" ] || [ "$got" = "$top" ]; }; echo $?)" \
				"... 0x40000000 reads as out of range for -cpu $cpu (got '$got'; highest basic leaf 0x$hi: '$top')"
		else
			like "$(cat "$out/kvm/1.out" 2>/dev/null)" "$re" "... 0x40000000 is as expected for -cpu $cpu"
		fi
		like "$(verdict "$out/kvm/1.out")" "^$want" "hvscope replaying it says $want"
	done
else
	skip 6 "/dev/kvm not usable here"
fi
done_testing
