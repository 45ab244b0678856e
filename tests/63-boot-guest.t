#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 63-boot-guest.t - scripts/boot-guest.sh itself: command output comes back
# byte-exact with exit codes and stderr; a guest that hangs is stopped by the
# watchdog (exit 8) and QEMU is gone afterwards; a kernel panic and a file
# that is not a kernel give exit 1 with the console tail; missing inputs give
# exit 6; bad options exit 2; QEMU never outlives boot-guest.sh.
. "$(dirname "$0")/lib/guest.sh"
bg=$HVS_SRC/scripts/boot-guest.sh

out=$(mktemp -d "${TMPDIR:-/tmp}/hvs-t63.XXXXXX")
trap 'rm -rf "$out"' EXIT

"$bg" --mode bogus > /dev/null 2>&1
is "$?" 2 "unknown mode: usage error (2)"
"$bg" --timeout soon > /dev/null 2>&1
is "$?" 2 "non-numeric timeout: usage error (2)"
"$bg" --kernel /nonexistent/vmlinuz 2> "$out/e" > /dev/null
is "$?" 6 "missing kernel: exit 6"
is "$(wc -l < "$out/e")" 1 "missing kernel: one line on stderr"

guest_prereqs
"$bg" --kernel /etc/hostname --timeout 60 2> "$out/e" > /dev/null
is "$?" 1 "a file that is not a kernel: exit 1"
like "$(cat "$out/e")" 'QEMU exited before the guest finished' "... says QEMU exited early"

# Output fidelity: no final newline, stderr, exit codes, a forged marker with
# another nonce, shell quoting.
"$bg" --timeout 240 --out "$out/g" -- 'printf abc' 'echo to-stderr >&2; exit 7' \
	'echo "HVS:0:END:1:rc=0"; echo "HVS:0:DONE"; echo after' "echo 'a  b'" 2> "$out/e"
rc=$?
is "$rc" 0 "a guest with four commands ran them all"
if [ "$rc" = 0 ]; then
	is "$(od -An -c "$out/g/1.out" | tr -s ' ')" " a b c \\n" "output without a final newline comes back with one added"
	is "$(cat "$out/g/1.rc")" 0 "... exit code 0"
	is "$(cat "$out/g/2.err")" to-stderr "stderr comes back apart from stdout"
	is "$(cat "$out/g/2.out")" "" "... and stdout stays empty"
	is "$(cat "$out/g/2.rc")" 7 "the command's exit code (7) comes back"
	is "$(cat "$out/g/3.out")" "$(printf 'HVS:0:END:1:rc=0\nHVS:0:DONE\nafter')" "markers with another nonce are plain output"
	is "$(cat "$out/g/4.out")" "a  b" "shell quoting survives the trip"
	is "$(cat "$out/g/4.cmd")" "echo 'a  b'" "N.cmd holds the command line"
else
	guest_fail_log "$out/g" "$out/e"
	skip 8 "the guest did not boot"
fi

# A kernel that cannot find its init panics (panic=-1 reboots, -no-reboot
# ends QEMU): exit 1 with the console tail.
"$bg" --timeout 120 --append "rdinit=/nonexistent" > /dev/null 2> "$out/e"
is "$?" 1 "kernel panic: exit 1"
like "$(cat "$out/e")" 'Kernel panic|QEMU exited' "... names the panic or QEMU's exit"
like "$(cat "$out/e")" '^\| ' "... and prints the console tail"

# A guest that hangs: the watchdog stops it.
"$bg" --timeout 15 --out "$out/h" -- 'sleep 600' > /dev/null 2> "$out/e"
is "$?" 8 "a hung guest: watchdog exit 8"
like "$(cat "$out/e")" 'watchdog timeout' "... says watchdog timeout"
like "$(cat "$out/e")" '\| phase: (booting \(no READY|running command 1 of 1)' "... names the phase it hung in"
like "$(cat "$out/e")" '\| RIP=[0-9a-f]{16} .*HLT=' "... with its CPU's registers from QEMU's monitor"
[ -s "$out/h/hang.txt" ]; ok $? "... and keeps that account in hang.txt"
# "[f]ile:" keeps this grep from finding its own command line
left=$(grep -l -a "[f]ile:$out/h/console.log" /proc/[0-9]*/cmdline 2>/dev/null)
is "$left" "" "... and its QEMU is gone"

# boot-guest.sh killed with SIGKILL (no traps run): QEMU must not outlive it.
TMPDIR=$out "$bg" --timeout 120 --out "$out/k" -- 'sleep 600' > /dev/null 2>&1 &
bpid=$!
for _ in $(seq 1 100); do
	grep -q -l -a "[f]ile:$out/k/console.log" /proc/[0-9]*/cmdline 2>/dev/null && break
	sleep 0.1
done
kill -9 "$bpid"
wait "$bpid" 2>/dev/null
sleep 0.5
left=$(grep -l -a "[f]ile:$out/k/console.log" /proc/[0-9]*/cmdline 2>/dev/null)
is "$left" "" "QEMU dies with a SIGKILLed boot-guest.sh (parent-death signal)"
done_testing
