#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ring0-image.t - the bootable ring-0 image: boot it under QEMU TCG (same
# payload as `hvscope kvm`), collect its serial JSON lines with
# scripts/run-image.sh and summarise them with `hvscope kvm --serial`.
. "${HVS_SRC:?}/tests/lib/need.sh"
set -u
HV=${HVSCOPE:?HVSCOPE not set}
SRC=${HVS_SRC:?}
BUILD=${HVS_BUILD:?}
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"

# The serial reader on hand-made damage (no QEMU needed).
printf '{"type":"result","bench":"cpuid.0","status":"ok","reason":"","iters":4,"tsc_khz":1000,"cycles":[10,20' >"$tmp/trunc"
"$HV" kvm --serial "$tmp/trunc" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; ok $? "truncated result line: exit 3, one line on stderr (got $rc)"
"$HV" kvm --serial "$tmp/absent" >/dev/null 2>&1; rc=$?
[ $rc -eq 9 ]; ok $? "missing serial file: exit 9 (got $rc)"
printf 'SeaBIOS noise\n{"type":"start","bench":"cpuid.0"}\n' >"$tmp/hung"
"$HV" kvm --serial "$tmp/hung" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 8 ] && grep -q 'image.cpuid.0 .*timeout' "$tmp/out"; ok $? "a started benchmark without result is a timeout: exit 8 (got $rc)"
printf '{"type":"result","bench":"no.such","status":"ok","reason":"","iters":1,"tsc_khz":1,"cycles":[1],"control":[1]}\n' >"$tmp/unk"
"$HV" kvm --serial "$tmp/unk" >/dev/null 2>&1; rc=$?
[ $rc -eq 4 ]; ok $? "unknown benchmark name: exit 4 (got $rc)"

if ! have qemu-system-x86 cmd:qemu-system-x86_64; then
	for i in 1 2 3 4 5 6; do skip "qemu-system-x86_64 not installed"; done
	echo "1..$n"
	exit 0
fi

start=$(date +%s)
"$SRC/scripts/run-image.sh" --accel tcg --boot elf --append "quick samples=5" --stall 20 --quiet \
	--out "$tmp/tcg.jsonl"
rc=$?
echo "# TCG elf boot: rc $rc in $(($(date +%s) - start)) s"
[ $rc -eq 0 ]; ok $? "run-image.sh under TCG: every benchmark reported (rc $rc)"
grep -q '"type":"hello".*"boot":"multiboot"' "$tmp/tcg.jsonl" && grep -q '"type":"end"' "$tmp/tcg.jsonl"
ok $? "multiboot boot, hello and end lines on COM1"
nres=$(grep -c '"type":"result"' "$tmp/tcg.jsonl")
nlist=$("$HV" kvm --list | grep -vc '\[test only\]')
[ "$nres" -eq "$nlist" ]; ok $? "one result per benchmark ($nres of $nlist)"
"$HV" kvm --serial "$tmp/tcg.jsonl" --out "$tmp/tcg-result.json" >"$tmp/table" 2>&1; rc=$?
sed 's/^/# /' "$tmp/table"
[ $rc -eq 0 ]; ok $? "hvscope kvm --serial summarises it (rc $rc)"
grep -qE '^image\.cpuid\.0 +[0-9.]+ +[0-9.]+ +[0-9]+ .* pass$' "$tmp/table" &&
	grep -qE '^image\.pf\.guest +[0-9.]+ .* pass$' "$tmp/table"
ok $? "cpuid and the guest #PF round trip measured under TCG"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d["run"]["tags"]["driver"] == "image" and any(m["name"] == "image.cpuid.0" and m["samples"] for m in d["metrics"]) else 1)' "$tmp/tcg-result.json"
ok $? "--serial --out: a result file with the image's metrics"

# The CPU features KVM here lacks (1 GiB pages, RDTSCP, XSAVE) exist under
# TCG with -cpu max: their code paths run somewhere.
"$SRC/scripts/run-image.sh" --accel tcg --cpu max --append "only=tlb.chase.1g.*,rdtscp,xsetbv quick samples=5" \
	--stall 20 --quiet --out "$tmp/max.jsonl"
"$HV" kvm --serial "$tmp/max.jsonl" >"$tmp/mtable" 2>&1
sed 's/^/# /' "$tmp/mtable"
[ "$(grep -cE '^image\.(tlb\.chase\.1g\.(1m|16m|128m)|rdtscp|xsetbv) .* pass$' "$tmp/mtable")" -eq 5 ]
ok $? "1 GiB pages, RDTSCP and XSETBV under TCG -cpu max"

# Without QEMU's isa-debug-exit the image powers off through ACPI S5
# (FADT PM1a_CNT, \_S5 from the DSDT): QEMU exits by itself, status 0.
for m in pc q35; do
	timeout 60 qemu-system-x86_64 -accel tcg -machine $m -m 1280M -nographic -no-reboot -monitor none \
		-display none -kernel "$BUILD/image/hvscope-ring0.elf" -append "only=cpuid.0 quick samples=3" \
		-serial "file:$tmp/acpi.$m" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -aq '"type":"end"' "$tmp/acpi.$m"; ok $? "ACPI power-off on QEMU -machine $m (rc $rc)"
done

iso=$BUILD/image/hvscope-ring0.iso
if [ -f "$iso" ]; then
	"$SRC/scripts/run-image.sh" --accel tcg --boot iso --stall 20 --quiet --out "$tmp/iso.jsonl"
	rc=$?
	[ $rc -eq 0 ] && grep -q '"type":"end"' "$tmp/iso.jsonl"; ok $? "the ISO boots through GRUB (BIOS) and reports (rc $rc)"
else
	skip "no ISO (make image needs grub-mkrescue and xorriso)"
fi

# Xen PVH: the same ELF as a PVH dom0 (XEN_ELFNOTE_PHYS32_ENTRY) of Xen
# running under QEMU TCG with an emulated AMD IOMMU; console=none leaves COM1
# to the payload. QEMU splits -initrd at commas: ',,' is a literal comma.
xen_gz=$(ls /boot/xen-*.gz 2>/dev/null | sort | tail -1)
if [ -n "$xen_gz" ]; then
	gunzip -c "$xen_gz" >"$tmp/xen"
	timeout 120 qemu-system-x86_64 -accel tcg -machine q35 -device amd-iommu -cpu qemu64,+svm,+npt -m 2G \
		-nographic -no-reboot -monitor none -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$tmp/xen" -append "dom0=pvh iommu=1 console=none dom0_mem=1500M" \
		-initrd "$BUILD/image/hvscope-ring0.elf only=cpuid.0,,cpuid.hv,,exc.ud samples=5 quick" \
		-serial "file:$tmp/xen.log" >/dev/null 2>&1
	tr -d '\r' <"$tmp/xen.log" | grep -ao '{"type":.*}$' >"$tmp/xen.jsonl"
	grep -q '"boot":"pvh".*"hypervisor":"XenVMMXenVMM"' "$tmp/xen.jsonl"; ok $? "boots as a Xen PVH dom0 and sees Xen's CPUID signature"
	"$HV" kvm --serial "$tmp/xen.jsonl" >"$tmp/xtable" 2>&1
	sed 's/^/# /' "$tmp/xtable"
	[ "$(grep -cE '^image\.(cpuid\.0|cpuid\.hv|exc\.ud) .* pass$' "$tmp/xtable")" -eq 3 ]; ok $? "cpuid and #UD measured under Xen PVH"
else
	skip "no Xen hypervisor in /boot"
	skip "no Xen hypervisor in /boot"
fi
echo "1..$n"
exit 0
