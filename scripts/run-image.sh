#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-image.sh - boot the hvscope ring-0 image under QEMU, collect the JSON
# lines it prints on COM1 into a result file, and summarise them with
# `hvscope kvm --serial` (samples -> median, MAD, 95% CI on the host).
#
#   scripts/run-image.sh [--accel kvm|tcg] [--boot elf|iso|uefi] [--stall S]
#                        [--out FILE] [--append "OPTS"] [--cpu MODEL] [--quiet]
#                        [--console FILE]
#
#   --accel   kvm (default when /dev/kvm is usable) or tcg
#   --boot    elf: QEMU -kernel (multiboot, default); iso: the GRUB ISO under
#             SeaBIOS; uefi: the ISO under OVMF
#   --stall   seconds without new console output before a boot is declared
#             hung (default 20): the benchmark that started last is recorded
#             as 'timeout' and, for elf boots, the image is booted again
#             skipping everything already reported (a hanging VMCALL, or an
#             instruction the hypervisor cannot emulate, stops the whole VM)
#   --out     result file: the image's JSON lines (default ring0-image.jsonl)
#   --append  payload options for elf boots: quick, samples=N, sample_us=N,
#             only=a,b* skip=a,b*
#   --cpu     QEMU -cpu model (default: QEMU's; e.g. max for 1 GiB pages
#             under TCG)
#   --quiet   no table, no progress messages
#   --console FILE  keep every boot's whole serial console (firmware lines
#             included) and QEMU's own messages in FILE, for failure logs
#
# Needs `make image` first. Exit codes: 0 every benchmark reported, 8 some
# timed out, 6 QEMU or the image missing, 9 the image printed nothing usable.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
accel=""
boot=elf
stall=20
out=ring0-image.jsonl
append=""
quiet=0
cpu=""
console=""
while [ $# -gt 0 ]; do
	case "$1" in
	--accel) accel=$2; shift 2 ;;
	--boot) boot=$2; shift 2 ;;
	--stall) stall=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--console) console=$2; shift 2 ;;
	-h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-image.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
if [ -z "$accel" ]; then
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; else accel=tcg; fi
fi
case "$accel" in kvm | tcg) ;; *) echo "run-image.sh: --accel kvm|tcg" >&2; exit 2 ;; esac
case "$boot" in elf | iso | uefi) ;; *) echo "run-image.sh: --boot elf|iso|uefi" >&2; exit 2 ;; esac
case "$stall" in '' | *[!0-9]*) echo "run-image.sh: --stall wants whole seconds" >&2; exit 2 ;; esac
command -v qemu-system-x86_64 >/dev/null || { echo "run-image.sh: qemu-system-x86_64 missing (scripts/install-deps.sh)" >&2; exit 6; }

build=${HVS_BUILD:-$here/build}
elf=$build/image/hvscope-ring0.elf
iso=$build/image/hvscope-ring0.iso
hv=${HVSCOPE:-$here/bin/hvscope}
img=$elf
[ "$boot" = elf ] || img=$iso
[ -f "$img" ] || { echo "run-image.sh: $img missing (make image)" >&2; exit 6; }
ovmf=/usr/share/OVMF/OVMF_CODE.fd
if [ "$boot" = uefi ] && [ ! -f "$ovmf" ]; then
	echo "run-image.sh: $ovmf missing (apt-get install ovmf)" >&2
	exit 6
fi

tmp=$(mktemp -d)
qpid=""
cleanup() {
	if [ -n "$qpid" ]; then kill "$qpid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
: >"$out"
# RAM: the payload needs 1 GiB + the 128 MiB chase set (R0_MEM_SIZE).
qemu=(qemu-system-x86_64 -accel "$accel" -m 1280M -smp 1 -nographic -no-reboot -monitor none
	-display none -device isa-debug-exit,iobase=0xf4,iosize=0x04)
[ -z "$cpu" ] || qemu+=(-cpu "$cpu")
done_list=""
timeouts=0
for n in $(seq 1 40); do
	log=$tmp/serial.$n
	: >"$log"
	args=("${qemu[@]}" -serial "file:$log")
	case "$boot" in
	elf) args+=(-kernel "$elf" -append "$append${done_list:+ skip=$done_list}") ;;
	iso) args+=(-cdrom "$iso") ;;
	uefi) args+=(-bios "$ovmf" -cdrom "$iso") ;;
	esac
	"${args[@]}" >"$tmp/qemu.$n" 2>&1 &
	qpid=$!
	last=-1
	still=0
	limit=$((stall * 2))
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 0.5
		# Firmware (SeaBIOS, OVMF, GRUB) may be slow before our first line.
		if grep -aq '"type":"hello"' "$log"; then limit=$((stall * 2)); else limit=120; fi
		# QEMU stops a vCPU whose instruction KVM cannot emulate: no
		# point waiting for that.
		if grep -q 'KVM internal error' "$tmp/qemu.$n"; then
			kill "$qpid" 2>/dev/null || true
			break
		fi
		size=$(stat -c %s "$log")
		if [ "$size" = "$last" ]; then
			still=$((still + 1))
			if [ "$still" -ge "$limit" ]; then
				kill "$qpid" 2>/dev/null || true
				break
			fi
		else
			still=0
			last=$size
		fi
	done
	wait "$qpid" 2>/dev/null || true
	qpid=""
	if [ -n "$console" ]; then
		{ echo "--- run-image.sh: boot $n, serial console"; tr -d '\r' <"$log"
		  echo "--- run-image.sh: boot $n, QEMU"; cat "$tmp/qemu.$n"; } >>"$console"
	fi
	# Keep our JSON lines (the firmware prints its own noise before them).
	tr -d '\r' <"$log" | grep -ao '{"type":.*}$' >"$tmp/lines.$n" || true
	if [ "$n" -eq 1 ]; then grep '"type":"hello"' "$tmp/lines.$n" >>"$out" || true; fi
	grep -v -e '"type":"hello"' -e '"type":"end"' "$tmp/lines.$n" >>"$out" || true
	if grep -q '"type":"end"' "$tmp/lines.$n"; then
		echo '{"type":"end"}' >>"$out"
		break
	fi
	# Which benchmark started last without a result?
	hung=$(awk -F'"bench":"' '/"type":"start"/ { split($2, a, "\""); s = a[1] }
		/"type":"result"/ { s = "" } END { print s }' "$tmp/lines.$n")
	if [ -z "$hung" ]; then
		if [ "$quiet" != 1 ]; then
			echo "run-image.sh: boot $n printed no benchmark; QEMU said:" >&2
			tail -5 "$tmp/qemu.$n" >&2
		fi
		break
	fi
	if grep -q 'KVM internal error' "$tmp/qemu.$n"; then
		# Same verdict as `hvscope kvm`: a limit of this KVM, a skip.
		printf '{"type":"result","bench":"%s","status":"skip","reason":"this KVM cannot emulate the instruction (QEMU: %s)","iters":0,"tsc_khz":0,"cycles":[],"control":[]}\n' \
			"$hung" "$(grep -m1 -o 'KVM internal error.*' "$tmp/qemu.$n" | tr -d '"\\')" >>"$out"
	else
		timeouts=$((timeouts + 1))
		printf '{"type":"result","bench":"%s","status":"timeout","reason":"no console output for %s s (run-image.sh, QEMU %s)","iters":0,"tsc_khz":0,"cycles":[],"control":[]}\n' \
			"$hung" "$stall" "$accel" >>"$out"
	fi
	again=""
	[ "$boot" = elf ] && again="; booting again without it"
	[ "$quiet" = 1 ] || echo "run-image.sh: $hung stopped the guest (boot $n)$again" >&2
	[ "$boot" = elf ] || break
	done_list=$(awk -F'"bench":"' '/"type":"result"/ { split($2, a, "\""); printf "%s%s", sep, a[1]; sep = "," }' "$out")
done

nres=$(grep -c '"type":"result"' "$out" || true)
if [ "$nres" -eq 0 ]; then
	echo "run-image.sh: the image printed no results" >&2
	exit 9
fi
if [ -x "$hv" ] && [ "$quiet" != 1 ]; then
	echo "# ring-0 image under QEMU -accel $accel ($boot boot): $nres results in $out"
	# QEMU gives the guest the host's TSC rate (no TSC scaling asked for,
	# TCG reads the host TSC): measured on the host, it beats the guest's
	# PIT calibration, which reads ~5% high under kvm_pvm.
	"$hv" kvm --serial "$out" --tsc-khz host || true
fi
[ "$timeouts" -eq 0 ] || exit 8
exit 0
