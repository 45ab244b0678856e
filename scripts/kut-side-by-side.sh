#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kut-side-by-side.sh - hvscope's ring-0 rows beside kvm-unit-tests'
# x86/vmexit on the same real KVM: Linux with kvm_amd on QEMU TCG's emulated
# SVM+NPT (scripts/boot-guest.sh --mode kvm-amd), one boot, interleaved
# rounds of (kvm-unit-tests under QEMU -accel kvm inside the guest, then
# `hvscope kvm` on the same /dev/kvm). kvm-unit-tests is built outside this
# repository; its vmexit.flat, QEMU with its libraries (--peer) and the
# firmware it needs travel in the guest's initramfs.
#
#   scripts/kut-side-by-side.sh --kut DIR [--rounds N] [--out DIR]
#
#   --kut DIR     a kvm-unit-tests tree with x86/vmexit.flat built
#                 (./configure && make x86/vmexit.flat); default $KUT
#   --rounds N    1..4 (default 2)
#   --out DIR     results: kut-R.txt, hvscope-R.txt, hvscope-R.json,
#                 table.md (default: a new directory under ${TMPDIR:-/tmp})
#
# Both report TSC cycles per operation of the same L2 TSC. kvm-unit-tests
# times its loop as it is (an indirect call per op, nothing subtracted);
# hvscope subtracts its control loop. Exit: 0 done, 1 the guest failed,
# 2 usage, 6 something to build or boot is missing, 8 watchdog.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
me=kut-side-by-side.sh
kut=${KUT:-}
rounds=2
out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--kut) kut=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'; exit 0 ;;
	*) echo "$me: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
[[ "$rounds" =~ ^[1-4]$ ]] || { echo "$me: --rounds wants 1..4" >&2; exit 2; }
[ -n "$kut" ] || { echo "$me: --kut DIR (a kvm-unit-tests tree) is required" >&2; exit 2; }
flat=$kut/x86/vmexit.flat
[ -r "$flat" ] || { echo "$me: $flat missing (cd $kut && ./configure && make x86/vmexit.flat)" >&2; exit 6; }
static=${HVSCOPE_STATIC:-$here/bin/hvscope-static}
[ -x "$static" ] || { echo "$me: $static missing (make)" >&2; exit 6; }
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$kernel" ] || { echo "$me: no /boot/vmlinuz-*" >&2; exit 6; }
kver=${kernel##*/vmlinuz-}
[ -z "$out" ] && out=$(mktemp -d "${TMPDIR:-/tmp}/hvs-kut.XXXXXX")
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/hvs-kut-work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The rows compared: kvm-unit-tests name, hvscope name.
pairs="cpuid:cpuid.0 inl_from_kernel:pio.in.kernel outl_to_kernel:pio.out.kernel rd_tsc_adjust_msr:msr.rd.tsc_adjust wr_tsc_adjust_msr:msr.wr.tsc_adjust vmcall:hypercall.vapic_poll"
kt="" ht=""
for p in $pairs; do kt="$kt ${p%%:*}"; ht="$ht ${p#*:}"; done

# The guest's initramfs: hvscope's (with QEMU as a peer and kvm_amd), then
# a second archive with the firmware, vmexit.flat and the two run scripts
# (the kernel unpacks concatenated archives in order).
"$here/scripts/mkinitramfs.sh" -o "$work/base.cpio.gz" -s "$static" --peer qemu-system-x86_64 \
	--modules "$kver" --module kvm_amd 2> "$work/mkinitramfs.log" ||
	{ cat "$work/mkinitramfs.log" >&2; exit 6; }
x=$work/extra
mkdir -p "$x/usr/share/qemu" "$x/kut"
for f in qboot.rom multiboot_dma.bin linuxboot_dma.bin kvmvapic.bin; do
	cp /usr/share/qemu/$f "$x/usr/share/qemu/" 2>/dev/null || true
done
cp "$flat" "$x/kut/vmexit.flat"
cat > "$x/kut/kut.sh" <<KUT
#!/bin/sh
exec qemu-system-x86_64 -accel kvm -cpu host -m 128 -nodefaults -nographic -no-reboot \\
	-bios /usr/share/qemu/qboot.rom -device isa-debug-exit,iobase=0xf4,iosize=4 -device pc-testdev \\
	-serial stdio -kernel /kut/vmexit.flat -append "$kt"
KUT
cat > "$x/kut/hvs.sh" <<HVS
#!/bin/sh
hvscope-static kvm$ht --tag round=\$1 --out /tmp/h.json >&2; r=\$?; cat /tmp/h.json; exit \$r
HVS
chmod 755 "$x/kut/kut.sh" "$x/kut/hvs.sh"
(cd "$x" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/extra.cpio.gz"
cat "$work/base.cpio.gz" "$work/extra.cpio.gz" > "$work/initrd.cpio.gz"

cmds=()
for r in $(seq 1 "$rounds"); do
	cmds+=(--cmd "sh /kut/kut.sh" --cmd "sh /kut/hvs.sh $r")
done
set +e
"$here/scripts/boot-guest.sh" --mode kvm-amd --initrd "$work/initrd.cpio.gz" --timeout $((120 + 120 * rounds)) \
	--out "$out/boot" "${cmds[@]}"
rc=$?
set -e
[ "$rc" = 0 ] || exit "$rc"
for r in $(seq 1 "$rounds"); do
	tr -d '\r' < "$out/boot/$((2 * r - 1)).out" > "$out/kut-$r.txt"
	cp "$out/boot/$((2 * r)).err" "$out/hvscope-$r.txt"
	cp "$out/boot/$((2 * r)).out" "$out/hvscope-$r.json"
done
python3 - "$out" "$rounds" "$pairs" > "$out/table.md" <<'PY'
import json, re, sys
d, n, pairs = sys.argv[1], int(sys.argv[2]), [p.split(":") for p in sys.argv[3].split()]
kut, hv = [], []
for r in range(1, n + 1):
    k = {}
    for l in open("%s/kut-%d.txt" % (d, r)):
        m = re.match(r"^(\w+) (\d+)$", l.strip())
        if m:
            k[m.group(1)] = int(m.group(2))
    kut.append(k)
    j = json.load(open("%s/hvscope-%d.json" % (d, r)))
    hv.append({m["name"]: m for m in j["metrics"]})
print("| operation | kvm-unit-tests cycles (rounds) | hvscope cycles (rounds) | hvscope exits/op | ratio kut / hvscope |")
print("|---|---:|---:|---:|---:|")
for kn, hn in pairs:
    ks = [k.get(kn) for k in kut]
    hs, ex = [], []
    for h in hv:
        m = h.get("kvm." + hn)
        if m and m["outcome"] == "pass":
            hs.append(m["extra"]["cycles"])
            ex.append(m["extra"].get("exits_per_op"))
        else:
            hs.append(None)
            ex.append(None)
    f = lambda v: " / ".join("-" if x is None else "%.0f" % x for x in v)
    rat = " / ".join("%.2f" % (a / b) if a and b else "-" for a, b in zip(ks, hs))
    print("| %s / %s | %s | %s | %s | %s |" % (kn, hn, f(ks), f(hs),
          " / ".join("-" if e is None else "%.2f" % e for e in ex), rat))
PY
cat "$out/table.md"
echo "$me: results in $out"
