#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mkinitramfs.sh - build a gzip'd cpio initramfs whose /init runs hvscope
# commands inside a guest and prints their output on the console between
# unambiguous markers, then powers the guest off.
#
# The image holds: bin/hvscope-static (also reachable as `hvscope`), Debian's
# static busybox (busybox-static) for a shell, optionally the peers we compare
# against (systemd-detect-virt, Todd Allen's cpuid, with their shared
# libraries) and optionally the xenfs module (so /proc/xen/capabilities
# exists in a Xen dom0). Without modules everything else still works: the
# kernel only needs proc, sysfs, devtmpfs and tmpfs, all built in.
#
# What /init runs, first match wins:
#   1. hvs.cmds=BASE64 on the kernel command line: base64 of a text with one
#      shell command line per line (no spaces/commas on the command line, so
#      it survives QEMU's -initrd module syntax and Xen's module strings);
#   2. /etc/hvs/commands baked into the image with -c FILE;
#   3. `hvscope-static version`.
# Each line is run with `sh -c LINE` (stdin /dev/null). Console protocol
# (NONCE comes from hvs.nonce=, default "0"; the host picks a random one so
# no kernel message can forge a marker):
#   HVS:NONCE:READY:ncmds=N:kernel=RELEASE
#   HVS:NONCE:BEGIN:I:LINE          I = 1..N
#   ...stdout of LINE...
#   HVS:NONCE:STDERR:I
#   ...stderr of LINE...
#   HVS:NONCE:END:I:rc=RC
#   HVS:NONCE:DONE
# The helper `hvs-snapshot` (in the image) prints the platform evidence as
# base64 of a tar.gz of a tree with the original paths (sys/..., proc/...),
# ready for `hvscope probe --root`.
#
# Usage: scripts/mkinitramfs.sh [-o OUT] [-s HVSCOPE_STATIC] [-c COMMANDS]
#                               [--peers] [--peer PROG]... [--modules KVER]
#                               [--module NAME]... [--busybox PATH]
#   --peers       add systemd-detect-virt and cpuid (if installed)
#   --peer PROG   add this one program (a path, or a name found in PATH)
#   --modules KVER  take kernel modules from /lib/modules/KVER: xenfs, and
#                 every --module NAME (e.g. virtio_pci, virtio_net,
#                 virtio_blk: modules in Debian's kernel), each with its
#                 dependencies, loaded by /init in dependency order
# Exit: 0 ok, 1 a needed input is missing, 2 usage.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/build/initramfs/hvscope.cpio.gz"
static="$here/bin/hvscope-static"
busybox=/bin/busybox
cmds=""
peers=()
kver=""
extra_mods=()

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'
}
die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=$2; shift 2 ;;
	-s) static=$2; shift 2 ;;
	-c) cmds=$2; shift 2 ;;
	--peers) peers+=(/usr/bin/systemd-detect-virt /usr/bin/cpuid); shift ;;
	--peer) peers+=("$(command -v "$2" || echo "$2")"); shift 2 ;;
	--modules) kver=$2; shift 2 ;;
	--module) extra_mods+=("$2"); shift 2 ;;
	--busybox) busybox=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "mkinitramfs.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

[ -x "$static" ] || die "$static missing (run make)"
[ -x "$busybox" ] || die "$busybox missing (apt-get install busybox-static)"
# Debian has two busyboxes; only busybox-static's runs without libraries.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is not statically linked (install busybox-static)"
fi
[ -z "$cmds" ] || [ -r "$cmds" ] || die "command file $cmds not readable"
command -v cpio >/dev/null || die "cpio missing (apt-get install cpio)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/hvs-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,etc/hvs,proc,sys,dev,tmp,run,lib/modules,usr/bin}

cp "$busybox" "$stage/bin/busybox"
for a in $("$stage/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$stage/bin/$a"
done
cp "$static" "$stage/bin/hvscope-static"
ln -sf hvscope-static "$stage/bin/hvscope"
[ -z "$cmds" ] || cp "$cmds" "$stage/etc/hvs/commands"

# A dynamically linked program with every library ldd names, at the same
# paths, plus the dynamic loader.
copy_with_libs() {
	local prog=$1 lib
	mkdir -p "$stage$(dirname "$prog")"
	cp -L "$prog" "$stage$prog"
	for lib in $(ldd "$prog" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$stage$(dirname "$lib")"
		[ -e "$stage$lib" ] || cp -L "$lib" "$stage$lib"
	done
}
if [ "${#peers[@]}" -gt 0 ]; then
	for p in "${peers[@]}"; do
		if [ -x "$p" ]; then
			copy_with_libs "$p"
		else
			echo "mkinitramfs.sh: peer $p not installed, left out" >&2
		fi
	done
	# systemd-detect-virt wants an os-release to exist for some checks.
	[ -r /etc/os-release ] && cp -L /etc/os-release "$stage/etc/os-release"
fi

# Kernel modules from the guest kernel's module tree, each with what it
# depends on, in load order: xenfs (optional: only /proc/xen/* evidence needs
# it) and every --module. Missing ones are left out with a message.
if [ -n "$kver" ]; then
	mdir=/lib/modules/$kver
	if [ -r "$mdir/modules.dep" ]; then
		: > "$stage/lib/modules/order"
		for want in xenfs "${extra_mods[@]}"; do
			dep=$(grep -E "^(kernel/)?[^:]*/${want//_/[_-]}\.ko(\.[a-z]+)?:" "$mdir/modules.dep" | head -n 1 || true)
			if [ -z "$dep" ]; then
				echo "mkinitramfs.sh: no module $want for $kver, left out" >&2
				continue
			fi
			# modules.dep lists a module then all it needs: load them last to first
			mods=$(echo "$dep" | sed 's/://' | awk '{for (i = NF; i >= 1; i--) print $i}')
			for m in $mods; do
				b=$(basename "$m"); b=${b%.xz}; b=${b%.zst}
				grep -qx "$b" "$stage/lib/modules/order" && continue
				case "$m" in
				*.ko) cp "$mdir/$m" "$stage/lib/modules/" ;;
				*.ko.xz) xz -dc "$mdir/$m" > "$stage/lib/modules/$b" ;;
				*.ko.zst) zstd -qdc "$mdir/$m" > "$stage/lib/modules/$b" ;;
				*) continue ;;
				esac
				echo "$b" >> "$stage/lib/modules/order"
			done
		done
	else
		echo "mkinitramfs.sh: $mdir/modules.dep missing, modules left out" >&2
	fi
elif [ "${#extra_mods[@]}" -gt 0 ]; then
	die "--module needs --modules KVER"
fi

cat > "$stage/bin/hvs-snapshot" <<'EOF'
#!/bin/sh
# hvs-snapshot - copy the platform evidence hvscope probe reads into a tree
# with the original paths and print it as base64 of a tar.gz. sysfs files
# are copied with cat (their size is always 4096, which tar would trust).
t=/tmp/snap; rm -rf $t; mkdir -p $t
cp1() { # cp1 PATH: one regular file, skipped if unreadable
	[ -f "$1" ] || return 0
	mkdir -p "$t$(dirname "$1")"
	# a sysfs/proc file may block (and be unkillable by sh): bound each read
	timeout 5 cat "$1" > "$t$1" 2>/dev/null || rm -f "$t$1"
}
cptree() { # cptree DIR: every regular file below DIR (no symlinks followed)
	[ -d "$1" ] || return 0
	find "$1" -type f 2>/dev/null | while read -r f; do cp1 "$f"; done
}
cptree /sys/hypervisor
for f in /sys/class/dmi/id/*; do cp1 "$f"; done
for f in /sys/devices/system/clocksource/clocksource0/*; do cp1 "$f"; done
for d in /sys/bus/pci/devices/*; do
	for a in vendor device class subsystem_vendor subsystem_device revision; do cp1 "$d/$a"; done
done
for d in /sys/bus/xen/devices/*; do cp1 "$d/devtype"; cp1 "$d/nodename"; done
# not cptree /proc/xen: reading /proc/xen/xenbus blocks for ever
cp1 /proc/xen/capabilities
cp1 /proc/cpuinfo
mkdir -p $t/proc && head -n 1 /proc/stat > $t/proc/stat
(cd $t && tar cf - . ) | gzip -9 | base64
EOF
chmod 755 "$stage/bin/hvs-snapshot"

cat > "$stage/init" <<'EOF'
#!/bin/sh
# /init of the hvscope initramfs (see scripts/mkinitramfs.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
# Only emergencies on the console from here on, so nothing lands between
# our markers.
echo 1 > /proc/sys/kernel/printk
if [ -r /lib/modules/order ]; then
	# module.param=value on the kernel command line, as modprobe would
	# apply it (busybox insmod does not): e.g. kvm_amd.npt=0
	for m in $(cat /lib/modules/order); do
		n=${m%.ko}; n=$(echo "$n" | tr - _)
		insmod /lib/modules/$m $(tr ' ' '\n' < /proc/cmdline | sed -n "s/^$n\.//p") 2>/dev/null
	done
fi
[ -d /proc/xen ] && mount -t xenfs xenfs /proc/xen 2>/dev/null

nonce=0; b64=
for w in $(cat /proc/cmdline); do
	case "$w" in
	hvs.nonce=*) nonce=${w#hvs.nonce=} ;;
	hvs.cmds=*) b64=${w#hvs.cmds=} ;;
	esac
done
if [ -n "$b64" ]; then
	echo "$b64" | base64 -d > /tmp/cmds 2>/dev/null || echo "hvscope-static version" > /tmp/cmds
elif [ -r /etc/hvs/commands ]; then
	cp /etc/hvs/commands /tmp/cmds
else
	echo "hvscope-static version" > /tmp/cmds
fi
grep -v '^[[:space:]]*\(#\|$\)' /tmp/cmds > /tmp/cmds.run
n=$(wc -l < /tmp/cmds.run)

echo "HVS:$nonce:READY:ncmds=$n:kernel=$(uname -r)"
i=0
while IFS= read -r line; do
	i=$((i + 1))
	sh -c "$line" < /dev/null > /tmp/out 2> /tmp/err
	rc=$?
	echo "HVS:$nonce:BEGIN:$i:$line"
	cat /tmp/out
	# a missing final newline would glue the marker to the output
	[ -s /tmp/out ] && [ "$(tail -c 1 /tmp/out | od -An -c | tr -d ' ')" != '\n' ] && echo
	echo "HVS:$nonce:STDERR:$i"
	cat /tmp/err
	[ -s /tmp/err ] && [ "$(tail -c 1 /tmp/err | od -An -c | tr -d ' ')" != '\n' ] && echo
	echo "HVS:$nonce:END:$i:rc=$rc"
done < /tmp/cmds.run
echo "HVS:$nonce:DONE"
sync
poweroff -f
# poweroff -f returned: try the sysrq path, then stop here (the host's
# watchdog ends the VM once it has seen DONE).
echo 1 > /proc/sys/kernel/sysrq
echo o > /proc/sysrq-trigger
while :; do sleep 60; done
EOF
chmod 755 "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) \
	| gzip -6 > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "mkinitramfs.sh: wrote $out ($(stat -c %s "$out") bytes)" >&2
