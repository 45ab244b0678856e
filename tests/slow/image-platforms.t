#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# image-platforms.t - the ring-0 image's results carry the guest's own
# fingerprint, not the reading host's: the image boots under QEMU TCG, under
# QEMU -accel kvm (this machine's /dev/kvm) and as a Xen 4.17 PVH dom0 under
# TCG, prints its CPUID leaves and its boot protocol, and `hvscope kvm
# --serial --out` decodes them with the probe. `hvscope report` over the
# three result files must name three different platforms. ~20 s here.
. "$(dirname "$0")/../lib/guest.sh"
need qemu-system-x86 cmd:qemu-system-x86_64
need xen-hypervisor-4.17-amd64 /boot/xen-4.17-amd64.gz
[ -f "${HVS_BUILD:-$HVS_SRC/build}/image/hvscope-ring0.elf" ] || skip_all "no ring-0 image (make image)"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip_all "no usable /dev/kvm for the KVM column"
ELF=${HVS_BUILD:-$HVS_SRC/build}/image/hvscope-ring0.elf

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-timg.XXXXXX")
trap 'rm -rf "$T"' EXIT
opts="only=cpuid.0,cpuid.hv quick samples=5"
"$HVS_SRC/scripts/run-image.sh" --accel tcg --boot elf --append "$opts" --stall 30 --quiet --out "$T/tcg.jsonl" 2> "$T/tcg.err"
ok $? "the image under QEMU TCG"
"$HVS_SRC/scripts/run-image.sh" --accel kvm --boot elf --append "$opts" --stall 30 --quiet --out "$T/kvm.jsonl" 2> "$T/kvm.err"
ok $? "the image under QEMU -accel kvm"
gunzip -c /boot/xen-4.17-amd64.gz > "$T/xen"
# QEMU splits -initrd at commas: ',,' is a literal comma. console=none
# leaves COM1 to the payload; the watchdog is timeout(1).
timeout 120 qemu-system-x86_64 -accel tcg -machine q35 -device amd-iommu -cpu qemu64,+svm,+npt -m 2G \
	-nographic -no-reboot -monitor none -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$T/xen" -append "dom0=pvh iommu=1 console=none dom0_mem=1500M" \
	-initrd "$ELF only=cpuid.0,,cpuid.hv samples=5 quick" -serial "file:$T/xen.log" > /dev/null 2>&1
rc=$?
tr -d '\r' < "$T/xen.log" | grep -ao '{"type":.*}$' > "$T/xen.jsonl"
[ "$rc" != 124 ] && grep -q '"type":"end"' "$T/xen.jsonl"
ok $? "the image as a Xen PVH dom0 under TCG (rc $rc)"
[ "$rc" = 124 ] && { echo "#   Xen boot hung: tail of its console"; tail -n 15 "$T/xen.log" | sed 's/^/#   /'; } >&2

for p in tcg kvm xen; do
	grep -q '"type":"cpuid","leaf":1073741824' "$T/$p.jsonl"
	ok $? "$p: the image printed its hypervisor leaf"
	"$HVSCOPE" kvm --serial "$T/$p.jsonl" --out "$T/$p.json" > "$T/$p.table" 2>&1
	ok $? "$p: hvscope kvm --serial --out"
	sed 's/^/#   /' "$T/$p.table"
done
got=$(python3 -c 'import json, sys
for p in sys.argv[1:]:
    d = json.load(open(p))
    t = d["run"]["tags"]
    print("%s|%s|%s" % (d["context"]["hypervisor"], t.get("guest.boot"), t.get("guest.hypervisor")))' \
	"$T/tcg.json" "$T/kvm.json" "$T/xen.json" 2>&1)
diag "$got"
like "$(sed -n 1p <<< "$got")" '^QEMU TCG\|multiboot\|TCGTCGTCGTCG$' "TCG: the guest's fingerprint, multiboot, TCG's signature"
like "$(sed -n 2p <<< "$got")" '^KVM[^|]*\|multiboot\|KVMKVMKVM$' "KVM: the guest's fingerprint, multiboot, KVM's signature"
like "$(sed -n 3p <<< "$got")" '^Xen[^|]*\|pvh\|XenVMMXenVMM$' "Xen: the guest's fingerprint, PVH boot, Xen's signature"
like "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run"]["tags"].get("notes", ""))' "$T/xen.json")" \
	'tsc-xen-emulated' "Xen: the result says Xen emulates the TSC"
"$HVSCOPE" report "$T/tcg.json" "$T/kvm.json" "$T/xen.json" --out "$T/rep" > "$T/rep.out" 2>&1
ok $? "hvscope report over the three"
plat=$(sed -n '/^## Platforms/,/^## /p' "$T/rep/report.md" | grep '^| [0-9]' | cut -d'|' -f4 | sed 's/^ *//; s/ *$//')
printf '%s\n' "$plat" | sed 's/^/#   platform: /'
is "$(printf '%s\n' "$plat" | sort -u | grep -c .)" 3 "the report names three different platforms"
done_testing
