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
#   --accel tcg|kvm     (default tcg)
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
#       8 watchdog timeout. On 1 and 8 the tail of the console log is
#       printed on stderr.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
me=boot-guest.sh

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
	[ "$accel" = tcg ] || case "$cpu" in *svm*|host*) ;; *) bad "kvm-amd needs a CPU with SVM (--cpu ...,+svm,+npt or host)" ;; esac
elif [ -n "$paging" ]; then
	bad "--paging is for --mode kvm-amd or kvm-l2"
fi
case "$accel" in tcg|kvm) ;; *) bad "--accel must be tcg or kvm" ;; esac
[[ "$timeout" =~ ^[0-9]+$ ]] && [ "$timeout" -gt 0 ] || bad "--timeout wants a positive number of seconds"
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
if [ -z "$out" ]; then
	out=$work/out
fi
mkdir -p "$out"
rm -f "$out"/console.log "$out"/[0-9]*.{cmd,out,err,rc} "$out"/boot.seconds

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
	(cd "$work/l2" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/l2.cpio.gz"
	cat "$l1base" "$work/l2.cpio.gz" > "$work/l1.cpio.gz"
	initrd=$work/l1.cpio.gz
	l2nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	l2b64=$(printf '%s\n' "${cmds[@]}" | base64 -w0)
	l2cmds=("${cmds[@]}")
	cmds=("timeout $((timeout - 30)) qemu-system-x86_64 -accel kvm -cpu host -m 512 -nodefaults -nographic -no-reboot -bios /usr/share/qemu/qboot.rom -kernel /l2/vmlinuz -initrd /l2/initrd.gz -append 'console=ttyS0 quiet panic=-1 hvs.nonce=$l2nonce hvs.cmds=$l2b64' -serial stdio")
fi

nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
b64=$(printf '%s\n' "${cmds[@]}" | base64 -w0)
# Keep well inside x86's 2048-byte kernel command line.
[ "${#b64}" -lt 1500 ] || bad "command lines too long for the kernel command line (${#b64} bytes of base64)"
gargs="quiet panic=-1 hvs.nonce=$nonce hvs.cmds=$b64${append:+ $append}"

log=$out/console.log
qargs=(-accel "$accel" -machine "$machine" -cpu "$cpu" -m "$mem" -smp "$smp"
	-display none -monitor none -serial "file:$log" -no-reboot)
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

# Watchdog: poll the console until the last marker, QEMU's exit, a panic,
# or the deadline.
status=""
deadline=$(( $(date +%s) + timeout ))
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
	if [ "$(date +%s)" -ge "$deadline" ]; then
		status=timeout
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

fail_tail() {
	echo "$me: $mode (-cpu $cpu, -accel $accel): $1 after $secs s; console tail:" >&2
	tr -d '\r' < "$log" | tail -n 25 | sed 's/^/| /' >&2
	if [ -s "$work/qemu.stderr" ]; then
		echo "$me: qemu stderr:" >&2
		tail -n 10 "$work/qemu.stderr" | sed 's/^/| /' >&2
	fi
}
case "$status" in
timeout) fail_tail "watchdog timeout ($timeout s)"; exit 8 ;;
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
echo "$me: $mode (-cpu $cpu, -accel $accel): $n command(s) done in $secs s" >&2
exit 0
