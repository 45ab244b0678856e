#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# boot-guest.sh - boot a guest with hvscope inside, run commands in it and
# bring their output home. One script, three modes:
#
#   linux    Debian's kernel (/boot/vmlinuz-*) directly under QEMU
#   xen-pv   Xen 4.17 under QEMU (TCG, -cpu qemu64) with a PV dom0
#   xen-pvh  Xen 4.17 under QEMU (TCG, q35 + amd-iommu, -cpu qemu64,+svm,+npt)
#            with a PVH dom0 (Xen options dom0=pvh iommu=1)
#   kvm-amd  linux with -cpu qemu64,+svm,+npt and the kvm_amd module: a real
#            KVM (kvm_amd on QEMU TCG's emulated SVM) inside; --paging picks
#            nested paging or shadow paging (kvm_amd.npt=1/0)
#   kvm-l2   a hardware-assisted L2: the kvm-amd guest (L1, --paging as
#            above) runs QEMU -accel kvm on its kvm_amd, which boots the
#            same kernel with hvscope as L2; the commands run in L2 (L1's
#            initramfs carries qemu-system-x86_64 and its libraries, qboot,
#            QEMU's option ROMs, the kernel and L2's initramfs: ~70 s)
#   cpuid-kernel  no Linux: the tiny multiboot kernel tests/guests/cpuid-mb.c
#            (build/guests/cpuid-mb.elf) prints its CPUID leaves in
#            `cpuid -r -1` format as command 1 and exits; it also runs
#            under -accel kvm here, where Linux does not. Commands are ignored.
#
# The dom0 / guest kernel boots the initramfs from scripts/mkinitramfs.sh;
# the commands travel base64-encoded on the kernel command line and their
# output comes back on the serial console between markers (see
# mkinitramfs.sh). Every boot has a watchdog and a clean teardown: QEMU is
# killed and temporary files are removed whatever happens.
#
# Usage: scripts/boot-guest.sh [OPTIONS] [--] [COMMAND_LINE...]
#   --mode linux|kvm-amd|kvm-l2|xen-pv|xen-pvh|cpuid-kernel   (default linux)
#   --paging npt|shadow kvm-amd, kvm-l2: load kvm_amd with npt=1 (default)
#                       or npt=0 (kvm-l2: L2's paging is L1's KVM's)
#   --cmd LINE          a shell command line to run in the guest (repeatable;
#                       positional arguments are added the same way);
#                       default: "hvscope-static version"
#   --cmds FILE         command lines, one per line
#   --out DIR           keep results here: console.log, N.cmd, N.out, N.err,
#                       N.rc (N = 1..), boot.seconds, qemu.cmdline
#                       (default: a temporary directory, removed at exit)
#   --print             print each command's stdout on stdout
#   --timeout SEC       watchdog (default 120 for Xen, 60 for linux)
#   --accel tcg|kvm     (default tcg; tcg,thread=single|multi picks TCG's
#                       threading, multi being QEMU's default here)
#   --cpu MODEL[,FLAGS] QEMU -cpu (default qemu64; xen-pvh: qemu64,+svm,+npt)
#   --machine TYPE      QEMU -machine (default pc; xen-pvh: q35)
#   --mem MIB           guest RAM (default 512 linux, 1024 Xen)
#   --smp N             vCPUs (default 1)
#   --kernel FILE       guest / dom0 kernel (default: newest /boot/vmlinuz-*)
#   --xen FILE          Xen image, gzip'd or not (default /boot/xen-4.17-amd64.gz)
#   --initrd FILE       initramfs to use instead of building one
#   --hvscope FILE      hvscope-static to put in the initramfs (default
#                       $HVSCOPE_STATIC, else bin/hvscope-static)
#   --peers             build the initramfs with systemd-detect-virt and cpuid
#   --peer PROG         ... with this one program (and its libraries)
#   --module NAME       ... with this kernel module of the guest kernel and
#                       its dependencies, loaded at boot (repeatable; e.g.
#                       virtio_pci, virtio_net, virtio_blk for -nic/-drive)
#   --append TEXT       extra guest / dom0 kernel command line
#   --xen-append TEXT   extra Xen command line
#   --qemu-arg ARG      extra QEMU argument (repeatable)
#
# Exit: 0 the guest ran every command (their own exit codes are in N.rc),
#       1 the guest failed (QEMU exited or the kernel panicked before the
#         last marker), 2 usage, 6 QEMU, kernel or Xen image missing here,
#       8 watchdog timeout. On 1 and 8 the account of the failure is
#       printed on stderr and kept in OUT/hang.txt: the phase (booting, or
#       which command was running; kvm-l2: L2's too), at the watchdog the
#       vCPUs' registers and local APIC (QEMU's monitor, all of it in
#       OUT/registers.txt), the console's last lines and QEMU's stderr.
#
# kvm-l2: L1 runs L2 from /l2/run.sh, which streams L2's console to L1's
# console ("L2| " lines), prints L1's state every 10 s ("HVS-L1:" lines) and
# has its own watchdog (25 s before the host's; exit 124 -> exit 8 here).
# When L1's console stays silent for HVS_L1_STALL seconds (default 30) after
# READY, L1's registers and local APIC go to OUT/stalls.txt and QEMU gets an
# NMI; after another such silence the target stops (exit 8, "L1 stopped").
# With --out, such a stall (QEMU 7.2's emulated SVM stops delivering L1's
# interrupts: docs/PERFORMANCE.md) is retried, up to HVS_L2_RETRY times
# (default 3; 0: no retry), never silently: the K-th stalled boot's account
# moves to OUT/stall-K/ (hang.txt, stalls.txt, registers.txt, console.log),
# OUT/retry.txt says so, stderr says so, and every retry shares the first
# boot's deadline (a retry needs 60 s of it left).
# HVS_L2_IDLE=poll boots L2 with idle=poll (L2 never halts, so L1 never
# idles while L2 runs); it does not prevent the stall (2 hangs in 32 boots,
# L1's vCPU then spins in L2's poll loop: docs/PERFORMANCE.md), so the
# default is halt (no idle= option).
# HVS_L2_APPEND adds to L2's kernel command line.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
me=boot-guest.sh
argv0=("$@")

mode=linux
cmds=()
cmdfile=""
out=""
print=0
timeout=""
accel=tcg
cpu=""
machine=""
mem=""
smp=1
kernel=""
xen=/boot/xen-4.17-amd64.gz
initrd=""
peers=()
modules=()
static=${HVSCOPE_STATIC:-$here/bin/hvscope-static}
builddir=${HVS_BUILD:-$here/build}
append=""
xen_append=""
qemu_extra=()
paging=""

usage() { sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'; }
bad() { echo "$me: $*" >&2; exit 2; }
missing() { echo "$me: $*" >&2; exit 6; }

while [ $# -gt 0 ]; do
	case "$1" in
	--mode) mode=$2; shift 2 ;;
	--cmd) cmds+=("$2"); shift 2 ;;
	--cmds) cmdfile=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--print) print=1; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--machine) machine=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--xen) xen=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--peers) peers+=(systemd-detect-virt cpuid); shift ;;
	--peer) peers+=("$2"); shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--hvscope) static=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--xen-append) xen_append=$2; shift 2 ;;
	--qemu-arg) qemu_extra+=("$2"); shift 2 ;;
	--paging) paging=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; cmds+=("$@"); break ;;
	-*) bad "unknown option '$1' (see --help)" ;;
	*) cmds+=("$1"); shift ;;
	esac
done

case "$mode" in
linux) : "${timeout:=60}" "${cpu:=qemu64}" "${machine:=pc}" "${mem:=512}" ;;
kvm-amd) : "${timeout:=120}" "${cpu:=qemu64,+svm,+npt}" "${machine:=pc}" "${mem:=1024}" ;;
kvm-l2) : "${timeout:=300}" "${cpu:=qemu64,+svm,+npt}" "${machine:=pc}" "${mem:=1536}" ;;
xen-pv) : "${timeout:=120}" "${cpu:=qemu64}" "${machine:=pc}" "${mem:=1024}" ;;
xen-pvh) : "${timeout:=120}" "${cpu:=qemu64,+svm,+npt}" "${machine:=q35}" "${mem:=1024}" ;;
cpuid-kernel) : "${timeout:=30}" "${cpu:=qemu64}" "${machine:=pc}" "${mem:=64}" ;;
*) bad "unknown mode '$mode' (linux, kvm-amd, kvm-l2, xen-pv, xen-pvh, cpuid-kernel)" ;;
esac
if [ "$mode" = kvm-amd ] || [ "$mode" = kvm-l2 ]; then
	# kvm_amd's own parameter, applied by the initramfs when it loads the
	# module; the hvscope kvm header in the guest names the mode in force.
	case "${paging:-npt}" in
	npt) append="kvm_amd.npt=1${append:+ $append}" ;;
	shadow) append="kvm_amd.npt=0${append:+ $append}" ;;
	*) bad "--paging must be npt or shadow" ;;
	esac
	modules+=(kvm_amd)
	[ "${accel%%,*}" = tcg ] || case "$cpu" in *svm*|host*) ;; *) bad "kvm-amd needs a CPU with SVM (--cpu ...,+svm,+npt or host)" ;; esac
elif [ -n "$paging" ]; then
	bad "--paging is for --mode kvm-amd or kvm-l2"
fi
case "$accel" in tcg|kvm|tcg,thread=single|tcg,thread=multi) ;; *) bad "--accel must be tcg, tcg,thread=single|multi or kvm" ;; esac
[[ "$timeout" =~ ^[0-9]+$ ]] && [ "$timeout" -gt 0 ] || bad "--timeout wants a positive number of seconds"
# kvm-l2's retry after a stall (below) keeps the first boot's deadline
retries=${HVS_L2_RETRY:-3}
[[ "$retries" =~ ^[0-9]$ ]] || bad "HVS_L2_RETRY wants a number of retries, 0-9"
attempt=${HVS_L2_ATTEMPT:-0}
[[ "$attempt" =~ ^[0-9]$ ]] || attempt=0
[ -n "${HVS_L2_RETRY_OF:-}" ] || attempt=0
if [ "$attempt" -gt 0 ] && [[ "${HVS_L2_RETRY_DEADLINE:-}" =~ ^[0-9]+$ ]]; then
	left=$((HVS_L2_RETRY_DEADLINE - $(date +%s)))
	[ "$left" -ge 20 ] || left=20
	[ "$left" -lt "$timeout" ] && timeout=$left
fi
[[ "$mem" =~ ^[0-9]+$ ]] || bad "--mem wants MiB"
[[ "$smp" =~ ^[0-9]+$ ]] || bad "--smp wants a number"
if [ -n "$cmdfile" ]; then
	[ -r "$cmdfile" ] || bad "cannot read $cmdfile"
	while IFS= read -r l; do cmds+=("$l"); done < "$cmdfile"
fi
[ "${#cmds[@]}" -gt 0 ] || cmds=("hvscope-static version")
for c in "${cmds[@]}"; do
	case "$c" in *$'\n'*) bad "a command line may not contain a newline" ;; esac
done

qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || missing "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
if [ "$mode" = cpuid-kernel ]; then
	cmds=("cpuid-mb")
	: "${kernel:=$builddir/guests/cpuid-mb.elf}"
	[ -r "$kernel" ] || missing "$kernel missing (make ${kernel#$here/})"
	initrd=none
fi
if [ -z "$kernel" ]; then
	kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$kernel" ] || missing "no /boot/vmlinuz-* (apt-get install linux-image-amd64)"
fi
[ -r "$kernel" ] || missing "kernel $kernel not readable"
kver=$(basename "$kernel" | sed -n 's/^vmlinuz-//p')

work=$(mktemp -d "${TMPDIR:-/tmp}/hvs-guest.XXXXXX")
qpid=""
cleanup() {
	# A second signal (hvscope stops the whole group with SIGTERM after our
	# SIGINT) must not cut the cleanup short: 'exit 130' inside it would.
	trap '' INT TERM
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
outgiven=1
if [ -z "$out" ]; then
	out=$work/out outgiven=0
fi
mkdir -p "$out"
rm -f "$out"/console.log "$out"/[0-9]*.{cmd,out,err,rc} "$out"/boot.seconds "$out"/hang.txt "$out"/registers.txt "$out"/stalls.txt
if [ "$attempt" -gt 0 ]; then
	# retry.txt: which retry this is, then each stalled boot's first words
	{
		if [ "$attempt" = 1 ]; then
			echo "this boot is retry 1 of at most $retries: the boot before it stalled; its account is in stall-1/hang.txt"
		else
			echo "this boot is retry $attempt of at most $retries: the $attempt boots before it stalled; their accounts are in stall-1/hang.txt to stall-$attempt/hang.txt"
		fi
		printf '%s\n' "$HVS_L2_RETRY_OF"
	} > "$out/retry.txt"
else
	rm -rf "$out"/stall-[0-9] "$out/retry.txt"
fi

# Xen: QEMU's multiboot loader wants the plain ELF, Debian ships it gzip'd.
xenimg=""
if [ "$mode" = xen-pv ] || [ "$mode" = xen-pvh ]; then
	[ -r "$xen" ] || missing "Xen image $xen missing (apt-get install xen-hypervisor-4.17-amd64)"
	if gzip -t "$xen" 2>/dev/null; then
		xenimg=$builddir/xen/$(basename "$xen" .gz)
		if [ ! -s "$xenimg" ] || [ "$xen" -nt "$xenimg" ]; then
			mkdir -p "$(dirname "$xenimg")"
			gunzip -c "$xen" > "$xenimg.$$" && mv "$xenimg.$$" "$xenimg"
		fi
	else
		xenimg=$xen
	fi
fi

# The initramfs, built once per (hvscope-static, peers, kernel) and reused.
if [ -z "$initrd" ]; then
	[ -x "$static" ] || missing "$static missing (run make)"
	static=$(cd "$(dirname "$static")" && pwd)/$(basename "$static")
	suffix=""
	if [ "${#peers[@]}" -gt 0 ]; then
		suffix=-$(printf '%s\n' "${peers[@]}" | sort -u | xargs -n1 basename | tr '\n' '+' | sed 's/+$//')
	fi
	if [ "${#modules[@]}" -gt 0 ]; then
		suffix=$suffix-m$(printf '%s\n' "${modules[@]}" | sort -u | tr '\n' '+' | sed 's/+$//')
	fi
	key=$(printf '%s' "$static" | cksum | cut -d' ' -f1)
	initrd=$builddir/initramfs/hvscope$suffix-${kver:-nokver}-$key.cpio.gz
	if [ ! -s "$initrd" ] || [ "$static" -nt "$initrd" ] ||
	   [ "$here/scripts/mkinitramfs.sh" -nt "$initrd" ]; then
		margs=(-o "$initrd" -s "$static")
		for p in "${peers[@]}"; do margs+=(--peer "$p"); done
		for m in "${modules[@]}"; do margs+=(--module "$m"); done
		[ -n "$kver" ] && margs+=(--modules "$kver")
		"$here/scripts/mkinitramfs.sh" "${margs[@]}" 2>/dev/null ||
			{ echo "$me: building the initramfs failed" >&2; "$here/scripts/mkinitramfs.sh" "${margs[@]}"; exit 1; }
	fi
fi
[ "$initrd" = none ] || [ -r "$initrd" ] || missing "initramfs $initrd not readable"

# kvm-l2: the commands go to L2; L1 gets one command that boots L2 with
# QEMU -accel kvm and its own nonce, under a watchdog of its own. L2's
# console is that command's output, split below like L1's.
l2nonce=""
if [ "$mode" = kvm-l2 ]; then
	[ -n "${key:-}" ] || bad "--mode kvm-l2 builds its own initramfs (no --initrd)"
	l2initrd=$builddir/initramfs/hvscope-l2-${kver:-nokver}-$key.cpio.gz
	if [ ! -s "$l2initrd" ] || [ "$static" -nt "$l2initrd" ] || [ "$here/scripts/mkinitramfs.sh" -nt "$l2initrd" ]; then
		"$here/scripts/mkinitramfs.sh" -o "$l2initrd" -s "$static" 2>/dev/null ||
			{ echo "$me: building L2's initramfs failed" >&2; exit 1; }
	fi
	# L1's: hvscope's with QEMU and its libraries, then the firmware, the
	# kernel and L2's initramfs (the kernel unpacks concatenated archives)
	l1base=$builddir/initramfs/hvscope-qemu-mkvm_amd-${kver:-nokver}-$key.cpio.gz
	if [ ! -s "$l1base" ] || [ "$static" -nt "$l1base" ] || [ "$here/scripts/mkinitramfs.sh" -nt "$l1base" ]; then
		"$here/scripts/mkinitramfs.sh" -o "$l1base" -s "$static" --peer qemu-system-x86_64 \
			--modules "$kver" --module kvm_amd 2>/dev/null ||
			{ echo "$me: building L1's initramfs (with QEMU) failed" >&2; exit 1; }
	fi
	mkdir -p "$work/l2/usr/share/qemu" "$work/l2/l2"
	for f in qboot.rom linuxboot_dma.bin kvmvapic.bin; do
		[ -r "/usr/share/qemu/$f" ] || missing "/usr/share/qemu/$f missing (qemu-system-data)"
		cp "/usr/share/qemu/$f" "$work/l2/usr/share/qemu/"
	done
	cp "$kernel" "$work/l2/l2/vmlinuz"
	cp "$l2initrd" "$work/l2/l2/initrd.gz"
	# L1's side of the L2 boot: QEMU -accel kvm under a watchdog that ends
	# before the host's, L2's console streamed to L1's console as it comes
	# ("L2| " lines: the host sees how far L2 got even when L1's command
	# never ends), first the kvm_amd settings in force ("HVS-L1: kvm_amd:
	# npt=... nested=... vgif=... vls=... avic=...; cpu svm flags: ...",
	# also in hang.txt), and every 10 s a state line of L1 ("HVS-L1:": uptime,
	# load, L2's console bytes, KVM's exit counters, each QEMU thread's
	# state, CPU ticks and wait channel), and once L2 is gone KVM's
	# counters as last sampled while L2 ran ("HVS-L1: final ...": what L2
	# cost L1's KVM). On its watchdog it prints that
	# state, L2's registers (QEMU monitor) and the QEMU threads' kernel
	# stacks, then ends QEMU with exit 124. L1's kernel warnings (soft
	# lockups, RCU stalls, hung tasks) reach the console meanwhile.
	cat > "$work/l2/l2/run.sh" <<'L1EOF'
#!/bin/sh
total=$1; shift
up=$(cut -d. -f1 /proc/uptime)
limit=$((total - up - 25)); [ "$limit" -ge 20 ] || limit=20
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo 4 > /proc/sys/kernel/printk
con=/dev/console
: > /tmp/l2.con
mkfifo /tmp/l2mon.in /tmp/l2mon.out
tail -f /tmp/l2.con 2>/dev/null | sed -e 's/^\(.\{160\}\).*/\1 .../' -e 's/^/L2| /' > $con &
tp=$!
# kvm_amd's settings in force (after svm_hardware_setup: vgif and vls read
# 0 when the CPU does not advertise them) and the CPU's SVM feature flags
kvmamd="kvm_amd:"
for p in npt nested vgif vls avic; do
	kvmamd="$kvmamd $p=$(cat /sys/module/kvm_amd/parameters/$p 2>/dev/null || echo ?)"
done
kvmamd="$kvmamd; cpu svm flags:$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -x -e svm -e npt -e vgif -e v_vmsave_vmload -e avic -e nrip_save -e lbrv | tr '\n' ' ')"
echo "HVS-L1: $kvmamd" > $con
# where L1's kernel is (KASLR): a stalled vCPU's RIP inside it is L1's own
# code; outside it, the vCPU runs L2 (EFER.SVME is set in both modes)
echo "HVS-L1: kernel _text=$(grep -m1 ' _text$' /proc/kallsyms | cut -d' ' -f1)" > $con
state() {
	s="${1:+$1 }up=$(cut -d' ' -f1 /proc/uptime)s load=$(cut -d' ' -f1-3 /proc/loadavg) l2-console=$(wc -c < /tmp/l2.con)B"
	for f in exits pf_fixed pf_guest mmu_shadow_zapped mmu_pte_write mmu_flooded halt_exits io_exits irq_exits; do
		[ -r /sys/kernel/debug/kvm/$f ] && s="$s $f=$(cat /sys/kernel/debug/kvm/$f)"
	done
	for k in /proc/$q/task/*; do
		[ -r $k/comm ] || continue
		s="$s [$(cat $k/comm):$(sed 's/.*) //' $k/stat | cut -d' ' -f1,12,13 | tr ' ' /):$(cat $k/wchan 2>/dev/null)]"
	done
	echo "HVS-L1: $s" > $con
}
# KVM's counters every second without a fork (read is the shell's own):
# they are per VM and vanish with it, so the last sample taken while L2
# ran is what L2 cost L1's KVM in all
last=""
snap() {
	c=""
	for f in exits pf_fixed pf_guest mmu_shadow_zapped mmu_pte_write mmu_flooded halt_exits io_exits irq_exits; do
		[ -r /sys/kernel/debug/kvm/$f ] && read v < /sys/kernel/debug/kvm/$f && c="$c $f=$v"
	done
	case "$c" in " exits=0 "*|"") ;; *) last=$c ;; esac
}
qemu-system-x86_64 "$@" -serial file:/tmp/l2.con -monitor pipe:/tmp/l2mon < /dev/null &
q=$!
t=0 rc=""
while kill -0 $q 2>/dev/null; do
	sleep 1; t=$((t + 1))
	snap
	[ $((t % 10)) -eq 0 ] && state
	if [ "$t" -ge "$limit" ]; then
		echo "HVS-L1: L2 watchdog: $limit s in L1 and L2 has not finished; its state:" > $con
		echo "HVS-L1: $kvmamd" > $con
		state
		echo "info registers" > /tmp/l2mon.in
		timeout 3 cat /tmp/l2mon.out | grep -a -e RIP -e RSP -e CR0 -e EFER | sed 's/^/HVS-L1: L2 /' > $con
		for k in /proc/$q/task/*; do
			echo "HVS-L1: $(cat $k/comm) kernel stack: $(tr '\n' ' ' < $k/stack 2>/dev/null)" > $con
		done
		kill $q; sleep 1; kill -9 $q 2>/dev/null
		rc=124
		break
	fi
done
wait $q; r=$?
[ -n "$rc" ] || rc=$r
echo "HVS-L1: final (KVM's counters at the last sample while L2 ran, at most 1 s before its end):$last" > $con
sleep 1; kill $tp 2>/dev/null
echo 1 > /proc/sys/kernel/printk
cat /tmp/l2.con
exit $rc
L1EOF
	(cd "$work/l2" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/l2.cpio.gz"
	cat "$l1base" "$work/l2.cpio.gz" > "$work/l1.cpio.gz"
	initrd=$work/l1.cpio.gz
	l2nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	l2b64=$(printf '%s\n' "${cmds[@]}" | base64 -w0)
	l2cmds=("${cmds[@]}")
	case "${HVS_L2_IDLE:-halt}" in
	poll) l2idle=" idle=poll" ;;
	halt) l2idle="" ;;
	*) bad "HVS_L2_IDLE must be poll or halt" ;;
	esac
	cmds=("sh /l2/run.sh $timeout -accel kvm -cpu host -m 512 -nodefaults -display none -no-reboot -bios /usr/share/qemu/qboot.rom -kernel /l2/vmlinuz -initrd /l2/initrd.gz -append 'console=ttyS0 quiet panic=-1$l2idle hvs.nonce=$l2nonce hvs.cmds=$l2b64${HVS_L2_APPEND:+ $HVS_L2_APPEND}'")
fi

nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
b64=$(printf '%s\n' "${cmds[@]}" | base64 -w0)
# Keep well inside x86's 2048-byte kernel command line.
[ "${#b64}" -lt 1500 ] || bad "command lines too long for the kernel command line (${#b64} bytes of base64)"
gargs="quiet panic=-1 hvs.nonce=$nonce hvs.cmds=$b64${append:+ $append}"

log=$out/console.log
qargs=(-accel "$accel" -machine "$machine" -cpu "$cpu" -m "$mem" -smp "$smp"
	-display none -monitor "unix:$work/monitor.sock,server=on,wait=off" -serial "file:$log" -no-reboot)
case "$mode" in
linux|kvm-amd|kvm-l2)
	qargs+=(-kernel "$kernel" -initrd "$initrd" -append "console=ttyS0,115200 $gargs")
	;;
cpuid-kernel)
	# qboot (qemu-system-data) starts a multiboot kernel in well under a
	# second under kvm_pvm, where SeaBIOS takes ~10 s.
	[ -r /usr/share/qemu/qboot.rom ] && qargs+=(-bios /usr/share/qemu/qboot.rom)
	qargs+=(-kernel "$kernel" -append "hvs.nonce=$nonce${append:+ $append}"
		-device isa-debug-exit,iobase=0xf4,iosize=4)
	;;
xen-pv|xen-pvh)
	case "$kernel$initrd$gargs" in *,*) bad "paths and command lines may not contain ',' for Xen's module list" ;; esac
	xargs_="console=com1 com1=115200,8n1 dom0_mem=$((mem / 2))M,max:$((mem / 2))M"
	[ "$mode" = xen-pvh ] && xargs_="$xargs_ dom0=pvh iommu=1"
	[ "$mode" = xen-pvh ] && qargs+=(-device amd-iommu)
	qargs+=(-kernel "$xenimg" -append "$xargs_${xen_append:+ $xen_append}"
		-initrd "$kernel console=hvc0 $gargs,$initrd")
	;;
esac
# kvm-l2: QEMU's threads by name ("CPU 0/TCG"), for the stall's thread states
[ "$mode" = kvm-l2 ] && qargs+=(-name "hvs-l1,debug-threads=on")
qargs+=("${qemu_extra[@]}")
# The exact command, quoted for a POSIX shell only where needed.
shq() {
	local a
	for a in "$@"; do
		if [[ "$a" =~ ^[A-Za-z0-9_./=:,+@%-]+$ ]]; then printf '%s ' "$a"
		else printf "'%s' " "${a//\'/\'\\\'\'}"; fi
	done
}
shq "$qemu" "${qargs[@]}" | sed 's/ $//' > "$out/qemu.cmdline"
echo >> "$out/qemu.cmdline"

: > "$log"
t0=$(date +%s.%N)
# If this script dies without its traps (SIGKILL), QEMU dies with it.
pdeath=()
setpriv --pdeathsig KILL true 2>/dev/null && pdeath=(setpriv --pdeathsig KILL)
"${pdeath[@]}" "$qemu" "${qargs[@]}" < /dev/null > "$work/qemu.stderr" 2>&1 &
qpid=$!

# One QEMU monitor command, its answer on stdout (empty if QEMU is gone).
monitor() {
	python3 - "$work/monitor.sock" "$1" <<'PYEOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
buf, end = b"", time.time() + 5
while time.time() < end:
    try:
        b = s.recv(65536)
    except socket.timeout:
        break
    if not b:
        break
    buf += b
    if buf.count(b"(qemu)") >= 2:
        break
sys.stdout.write(buf.decode("utf-8", "replace").replace("\r", ""))
PYEOF
}

# Watchdog: poll the console until the last marker, QEMU's exit, a panic,
# or the deadline.
status=""
deadline=$(( $(date +%s) + timeout ))
lastsz=-1 lastgrow=0 stall=${HVS_L1_STALL:-30} nstall=0 stalled_at=0
while :; do
	if grep -aq "HVS:$nonce:DONE" "$log"; then
		status=done
		break
	fi
	if ! kill -0 "$qpid" 2>/dev/null; then
		# one more look: the marker may have landed just before the exit
		grep -aq "HVS:$nonce:DONE" "$log" && { status=done; break; }
		status=exited
		break
	fi
	if grep -aq -e 'Kernel panic - not syncing' -e 'Panic on CPU' "$log"; then
		sleep 1
		status=panic
		break
	fi
	now=$(date +%s)
	if [ "$now" -ge "$deadline" ]; then
		status=timeout
	elif [ -n "$l2nonce" ]; then
		# kvm-l2: once L1 runs its command it prints a state line every
		# 10 s; a console silent for $stall s means L1 itself stopped:
		# its state goes to stalls.txt and the host looks again after
		# another $stall s (the monitor's questions make QEMU look at
		# a halted vCPU again), then gives up
		sz=$(stat -c %s "$log")
		if [ "$sz" != "$lastsz" ]; then
			[ "$nstall" -gt 0 ] && [ "$lastsz" -ge 0 ] && [ "$lastgrow" -lt "$stalled_at" ] &&
				echo "resumed after $((now - stalled_at)) s" >> "$out/stalls.txt"
			lastsz=$sz lastgrow=$now
		elif [ $((now - (lastgrow > stalled_at ? lastgrow : stalled_at))) -ge "$stall" ] &&
		     grep -aq "HVS:$nonce:READY" "$log"; then
			# a second look at the same silence: L1 did not wake
			[ "$stalled_at" -gt "$lastgrow" ] && status=stalled
			nstall=$((nstall + 1)) stalled_at=$now
			{
				echo "stall $nstall at $(( now - ${t0%.*} )) s: console silent for $stall s"
				{ monitor "info registers"; monitor "info lapic"; } |
					grep -a -e '^RIP=' -e '^ISR' -e '^IRR' -e '^Timer' -e '^APR'
				# QEMU's own threads on this host: is the vCPU
				# thread ("CPU 0/TCG") running guest code or asleep,
				# and where (state, CPU ticks user/system, wait channel)
				for k in /proc/$qpid/task/*; do
					echo "qemu thread $(cat "$k/comm"): $(sed 's/.*) //' "$k/stat" | cut -d' ' -f1,12,13 | tr ' ' /) $(cat "$k/wchan")"
				done
				# an NMI needs only GIF=1: whether it wakes L1
				# tells which of QEMU's gates is shut
				monitor nmi > /dev/null
			} >> "$out/stalls.txt" 2>/dev/null || true
		fi
	fi
	if [ -n "$status" ]; then
		# where the guest's CPUs were when the watchdog fired, and its
		# local APIC (a vector stuck in service, the timer's state)
		{ monitor "info registers"; monitor "info lapic"; monitor "info pic"; } > "$out/registers.txt" 2>/dev/null || true
		break
	fi
	sleep 0.1
done
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')

# The guest powers itself off after DONE; give it a moment, then teardown.
if [ "$status" = done ]; then
	for _ in $(seq 1 30); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
fi
if kill -0 "$qpid" 2>/dev/null; then
	kill "$qpid" 2>/dev/null || true
fi
wait "$qpid" 2>/dev/null || true
qpid=""

# Which phase a console (CONSOLE NONCE PREFIX) stopped in: booting, or
# which command was running.
phase_of() {
	tr -d '\r' < "$1" | awk -v n="$3HVS:$2:" '
		index($0, n) == 1 { r = substr($0, length(n) + 1)
			if (r ~ /^READY:/) { ready = 1; split(r, a, "ncmds="); tot = a[2] + 0 }
			else if (r ~ /^BEGIN:/) { split(r, a, ":"); cur = a[2]; c = substr(r, length("BEGIN:" cur ":") + 1) }
			else if (r ~ /^END:/) { done_ = cur; c = "" }
			else if (r ~ /^DONE/) fin = 1 }
		END { if (!ready) print "booting (no READY on its console)"
			else if (fin) print "all commands done"
			else printf "running command %d of %d%s\n", done_ + 1, tot, c != "" ? " (printing its output: " c ")" : "" }'
}
# The failure on stderr and in $out/hang.txt (what hvscope guest shows):
# the phase, the CPUs' registers at the watchdog, the console's last lines
# and QEMU's stderr.
fail_tail() {
	local con=$out/console.log
	# the account is written whatever a grep finds (or does not): the
	# script ends right after it, with the exit code of the failure
	set +e
	{
		echo "$me: $mode (-cpu $cpu, -accel $accel): $1 after $secs s"
		echo "phase: $(phase_of "$out/console.log" "$nonce" "")"
		if [ -n "$l2nonce" ]; then
			echo "L2's phase: $(phase_of "$out/console.log" "$l2nonce" "L2| ")"
			# which kvm_amd features L1's KVM runs L2 with (vgif, vls, avic)
			# (grep reads the file itself: under pipefail, a reader that
			# stops early would kill this script with SIGPIPE, exit 141,
			# and cut hang.txt short, as it did once)
			grep -a -m1 '^HVS-L1: kvm_amd:' "$out/console.log" | tr -d '\r' | sed 's/^HVS-L1: /L1'"'"'s /'
			# up to L1's own output (L2's console again): L2's last
			# streamed lines and L1's state lines
			con=$work/console.l1
			tr -d '\r' < "$out/console.log" | sed "/HVS:$nonce:BEGIN:/,\$d" > "$con"
		fi
		if [ -s "$out/stalls.txt" ]; then
			echo "L1's stalls (stalls.txt):"
			cat "$out/stalls.txt"
		fi
		if [ -s "$out/registers.txt" ]; then
			echo "the guest's CPUs at the watchdog (QEMU monitor, registers.txt):"
			grep -a -e '^RIP=' -e '^CR0=' -e '^EFER=' "$out/registers.txt"
			if [ -n "$l2nonce" ]; then
				# L1's own code or L2's (QEMU's registers are L2's in guest mode)
				ktext=$(grep -a -m1 '^HVS-L1: kernel _text=' "$out/console.log" | tr -d '\r' | sed -n 's/.*_text=\([0-9a-f]\{16\}\)$/\1/p')
				rip=$(grep -a -m1 '^RIP=' "$out/registers.txt" | sed -n 's/^RIP=\([0-9a-f]\{16\}\).*/\1/p')
				if [ -n "$ktext" ] && [ -n "$rip" ]; then
					off=$((0x$rip - 0x$ktext))
					if [ "$off" -ge 0 ] && [ "$off" -lt $((64 << 20)) ]; then
						printf "RIP is in L1's kernel (_text+0x%x): L1 runs its own code (host mode)\n" "$off"
					else
						printf "RIP is not in L1's kernel (L1's _text=%s): the vCPU runs L2 (guest mode); kernel offset mod 2 MiB 0x%x\n" "$ktext" $((0x$rip & 0x1fffff))
					fi
				fi
			fi
		fi
		echo "console tail:"
		tr -d '\r' < "$con" | tail -n 25
		if [ -s "$work/qemu.stderr" ]; then
			echo "qemu stderr:"
			tail -n 10 "$work/qemu.stderr"
		fi
	} > "$out/hang.txt"
	sed '1!s/^/| /' "$out/hang.txt" >&2
}
case "$status" in
timeout) fail_tail "watchdog timeout ($timeout s)"; exit 8 ;;
stalled)
	fail_tail "L1 stopped: its console (a state line every 10 s while L2 runs) silent for $((2 * stall)) s"
	left=$((deadline - $(date +%s)))
	# (only with --out: each stalled boot's account must outlive this run)
	k=$((attempt + 1))
	if [ "$k" -le "$retries" ] && [ "$outgiven" = 1 ] && [ "$left" -ge 60 ]; then
		# this boot's account stays in stall-K/, the retry says it is
		# one (retry.txt, its stderr) and keeps the first boot's deadline
		mkdir -p "$out/stall-$k"
		for f in hang.txt stalls.txt registers.txt console.log qemu.cmdline; do
			[ -e "$out/$f" ] && mv "$out/$f" "$out/stall-$k/"
		done
		why="boot $k: $(head -n 1 "$out/stall-$k/hang.txt"); $(sed -n '/^L2.s phase: /{s//L2 was /p;q}' "$out/stall-$k/hang.txt")"
		echo "$me: kvm-l2: retry $k of at most $retries ($left s left): the stalled boot's account is in $out/stall-$k/hang.txt" >&2
		cleanup
		trap - EXIT
		exec env HVS_L2_RETRY_OF="${HVS_L2_RETRY_OF:+$HVS_L2_RETRY_OF
}$why" HVS_L2_ATTEMPT="$k" HVS_L2_RETRY_DEADLINE="$deadline" bash "$0" "${argv0[@]}"
	fi
	exit 8 ;;
exited) fail_tail "QEMU exited before the guest finished"; exit 1 ;;
panic) fail_tail "kernel panic"; exit 1 ;;
esac

# Split the console into per-command files. Xen's own "(XEN)" lines and
# carriage returns from the serial line are not part of any output.
tr -d '\r' < "$log" | awk -v n="HVS:$nonce:" -v dir="$out" -v xen="$(case "$mode" in linux|kvm-amd|kvm-l2) echo 0 ;; *) echo 1 ;; esac)" -f "$here/scripts/split-console.awk"
if [ -n "$l2nonce" ]; then
	# L1's one command is kept as l1.*; L2's console (its output) is split
	# into the per-command files like any console.
	for e in cmd out err rc; do mv "$out/1.$e" "$out/l1.$e" 2>/dev/null || true; done
	cp "$out/l1.out" "$out/l2.console.log" 2>/dev/null || : > "$out/l2.console.log"
	awk -v n="HVS:$l2nonce:" -v dir="$out" -f "$here/scripts/split-console.awk" "$out/l2.console.log"
	cmds=("${l2cmds[@]}")
	if [ "$(cat "$out/l1.rc" 2>/dev/null)" = 124 ]; then
		# L1's watchdog ended L2: its state lines are in L1's console
		fail_tail "L2's watchdog in L1 (L2 did not finish)"
		exit 8
	fi
	log=$out/l2.console.log
fi
echo "$secs" > "$out/boot.seconds"
n=${#cmds[@]}
for i in $(seq 1 "$n"); do
	if [ ! -e "$out/$i.rc" ]; then
		fail_tail "command $i's output is incomplete"
		exit 1
	fi
	[ "$print" = 1 ] && cat "$out/$i.out"
done
echo "$me: $mode (-cpu $cpu, -accel $accel): $n command(s) done in $secs s${HVS_L2_RETRY_OF:+ (retry $attempt: the boot(s) before it stalled, their accounts in $out/stall-*/hang.txt)}" >&2
exit 0
