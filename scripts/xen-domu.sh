#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xen-domu.sh - boot a Xen PVH domU with hvscope inside, created with Xen's
# own `xl` from a Xen 4.17 PV dom0, everything under QEMU TCG; run commands
# in the domU and bring their output home in boot-guest.sh's layout.
#
# How: the dom0 is boot-guest.sh's xen-pv mode on a CPU with SVM and NPT
# (-cpu qemu64,+svm,+npt, so Xen can run HVM containers), its initramfs
# extended with Debian's toolstack (xl, xenstored, xenconsoled,
# xen-init-dom0 and their libraries, from xen-utils-4.17) and the
# xen-evtchn/gntdev/gntalloc modules. A virtio disk carries what does not
# fit on the dom0 command line: the domU kernel (offset 0), the domU
# initramfs (scripts/mkinitramfs.sh, offset 16 MiB) and the dom0 script
# (offset 24 MiB). The dom0 starts xenstored, xen-init-dom0 and xenconsoled
# (logging the domU console to a file), `xl create`s the PVH domU, waits
# for it to power off and prints its console. The domU runs the commands
# with the same marker protocol as every hvscope guest (mkinitramfs.sh).
# The domU has no network and no disk (no backends in this dom0).
#
# Usage: scripts/xen-domu.sh [--out DIR] [--timeout SEC] [--mem MIB]
#                            [--domu-mem MIB] [--kernel FILE] [--hvscope FILE]
#                            [--peer PROG]... [--cmd LINE]... [--] [LINE...]
#   --out DIR      console.log (the domU's), N.cmd, N.out, N.err, N.rc,
#                  dom0/ (boot-guest.sh's directory of the dom0)
#   --timeout SEC  watchdog of the whole boot (default 400)
#   --mem MIB      machine RAM (default 2048; dom0 gets half)
#   --domu-mem MIB domU RAM (default 256)
#   --peer PROG    add this program to the domU's initramfs, with its shared
#                  libraries (e.g. systemd-detect-virt, to compare with detect)
#   --raw          the kernel is no Linux (e.g. the ring-0 image, whose PVH
#                  entry xl boots): no commands, console.log is the result
#   --extra TEXT   more of the domU's kernel command line (image options)
# Exit: as boot-guest.sh (0 ok, 1 failed, 2 usage, 6 missing, 8 timeout);
#       1 also when the domU did not run every command.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
me=xen-domu.sh
out=""
timeout=400
mem=2048
domu_mem=256
kernel=""
static=${HVSCOPE_STATIC:-$here/bin/hvscope-static}
cmds=()
peers=()
X=/usr/lib/xen-4.17/bin
raw=0
extra=""

usage() { sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'; }
bad() { echo "$me: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--domu-mem) domu_mem=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--hvscope) static=$2; shift 2 ;;
	--cmd) cmds+=("$2"); shift 2 ;;
	--peer) peers+=(--peer "$2"); shift 2 ;;
	--raw) raw=1; shift ;;
	--extra) extra=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; cmds+=("$@"); break ;;
	-*) bad "unknown option '$1' (see --help)" ;;
	*) cmds+=("$1"); shift ;;
	esac
done
[ "${#cmds[@]}" -gt 0 ] || cmds=("hvscope-static version")
[[ "$timeout" =~ ^[0-9]+$ && "$mem" =~ ^[0-9]+$ && "$domu_mem" =~ ^[0-9]+$ ]] || bad "numbers wanted"
for t in xl xenstored xenconsoled xen-init-dom0; do
	[ -x "$X/$t" ] || { echo "$me: $X/$t missing (apt-get install xen-utils-4.17)" >&2; exit 6; }
done
if [ -z "$kernel" ]; then
	kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
fi
[ -r "$kernel" ] || { echo "$me: kernel '$kernel' not readable" >&2; exit 6; }
kver=$(basename "$kernel" | sed -n 's/^vmlinuz-//p')
dom0k=$kernel
[ "$raw" = 0 ] || dom0k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -r "$dom0k" ] || { echo "$me: no dom0 kernel /boot/vmlinuz-* (apt-get install linux-image-amd64)" >&2; exit 6; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hvs-domu.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
[ -n "$out" ] || out=$work/out
mkdir -p "$out"
rm -f "$out"/[0-9]*.{cmd,out,err,rc} "$out/console.log"

"$here/scripts/mkinitramfs.sh" -o "$work/domu.cpio.gz" -s "$static" ${peers[@]+"${peers[@]}"} 2>/dev/null ||
	{ echo "$me: building the domU initramfs failed" >&2; exit 1; }
ks=$(stat -c %s "$kernel")
is=$(stat -c %s "$work/domu.cpio.gz")
[ "$ks" -le $((16 << 20)) ] && [ "$is" -le $((8 << 20)) ] || bad "kernel or initramfs too big for the disk layout"
nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
b64=$(printf '%s\n' "${cmds[@]}" | base64 -w0)
[ "${#b64}" -lt 1500 ] || bad "command lines too long for the domU kernel command line"

cat > "$work/dom0.sh" <<EOF
mkdir -p /var/run/xenstored /var/lib/xenstored /var/lib/xen /var/log/xen /run/xen /var/run/xen /var/lock /tmp/xc /etc/xen /dev/pts
mount -t devpts devpts /dev/pts
$X/xenstored --pid-file=/run/xenstored.pid && sleep 1 && $X/xen-init-dom0 >/dev/null && $X/xenconsoled --log=guest --log-dir=/tmp/xc || echo "xen-domu: toolstack failed to start"
dd if=/dev/vda bs=1M count=16 2>/dev/null | head -c $ks > /tmp/k
dd if=/dev/vda bs=1M skip=16 count=8 2>/dev/null | head -c $is > /tmp/i
printf 'type="pvh"\nname="hvs"\nkernel="/tmp/k"\nramdisk="/tmp/i"\nmemory=$domu_mem\nvcpus=1\nextra="console=hvc0 quiet panic=-1 hvs.nonce=$nonce hvs.cmds=$b64${extra:+ $extra}"\non_poweroff="destroy"\non_crash="destroy"\n' > /tmp/hvs.cfg
$X/xl create /tmp/hvs.cfg >&2 || echo "xen-domu: xl create failed"
i=0; while [ \$i -lt $timeout ] && $X/xl list hvs >/dev/null 2>&1; do sleep 1; i=\$((i + 1)); done
cat /tmp/xc/guest-hvs.log
EOF
truncate -s 32M "$work/disk.img"
dd if="$kernel" of="$work/disk.img" conv=notrunc status=none
dd if="$work/domu.cpio.gz" of="$work/disk.img" bs=1M seek=16 conv=notrunc status=none
dd if="$work/dom0.sh" of="$work/disk.img" bs=1M seek=24 conv=notrunc status=none

rc=0
"$here/scripts/boot-guest.sh" --mode xen-pv --cpu qemu64,+svm,+npt --mem "$mem" --timeout "$timeout" \
	--kernel "$dom0k" --hvscope "$static" --out "$out/dom0" \
	--peer "$X/xl" --peer "$X/xenstored" --peer "$X/xenconsoled" --peer "$X/xen-init-dom0" \
	--peer /lib/x86_64-linux-gnu/libgcc_s.so.1 \
	--module xen-evtchn --module xen-gntdev --module xen-gntalloc --module virtio_pci --module virtio_blk \
	--qemu-arg -drive --qemu-arg "file=$work/disk.img,if=virtio,format=raw" \
	--cmd "dd if=/dev/vda bs=1M skip=24 count=1 2>/dev/null | tr -d '\\000' > /tmp/d.sh; sh /tmp/d.sh" || rc=$?
[ "$rc" = 0 ] || exit "$rc"

# The domU's console (CR-free) split at its markers, as boot-guest.sh does.
tr -d '\r' < "$out/dom0/1.out" > "$out/console.log"
awk -v n="HVS:$nonce:" -v dir="$out" -f "$here/scripts/split-console.awk" "$out/console.log"
if [ "$raw" = 1 ]; then
	echo "$me: PVH domU ($(basename "$kernel")) powered off; its console is $out/console.log" >&2
	exit 0
fi
for i in $(seq 1 "${#cmds[@]}"); do
	if [ ! -e "$out/$i.rc" ]; then
		echo "$me: the domU did not finish command $i; its console (tail), then the dom0's stderr:" >&2
		tail -n 20 "$out/console.log" | sed 's/^/| /' >&2
		tail -n 10 "$out/dom0/1.err" | sed 's/^/| /' >&2
		exit 1
	fi
done
echo "$me: PVH domU: ${#cmds[@]} command(s) done" >&2
exit 0
