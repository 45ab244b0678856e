#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-live.t - hvscope on the machine it runs on, against the peers:
# `cpuid --dump` is byte-identical to `cpuid -r -1` (Todd Allen's cpuid),
# `detect` prints what systemd-detect-virt prints (default, --vm,
# --container), the verdict names KVM where the CPUID signature is KVM and
# carries the kvm_pvm host fact where kvm_pvm drives /dev/kvm, and the
# static binary agrees with the dynamic one.
. "${HVS_SRC:?}/tests/lib/need.sh"
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
HVSCOPE_STATIC=${HVSCOPE_STATIC:-$HVS_SRC/bin/hvscope-static}
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "1..18"

"$HVSCOPE" cpuid --dump >"$T/ours.txt"
ok $? "cpuid --dump exits 0"
if have cpuid cmd:cpuid; then
	# per-CPU fields (APIC IDs) differ: run the peer on the CPU we pin to
	first=$(taskset -pc $$ 2>/dev/null | sed -n 's/.*: *\([0-9]*\).*/\1/p')
	taskset -c "${first:-0}" cpuid -r -1 >"$T/peer.txt" 2>/dev/null
	cmp -s "$T/peer.txt" "$T/ours.txt"
	ok $? "cpuid --dump is byte-identical to cpuid -r -1 ($(diff "$T/peer.txt" "$T/ours.txt" | grep -c '^[<>]') lines differ)"
else
	skip "cpuid (Todd Allen's) not installed"
fi
"$HVSCOPE" cpuid --cpuid-dump "$T/ours.txt" | cmp -s - "$T/ours.txt"
ok $? "our dump replays to itself"

# Which hypervisor does plain CPUID name here?
sig=$(grep -m1 '^   0x40000000 0x00:' "$T/ours.txt")
summary=$("$HVSCOPE" probe | sed -n 's/^Verdict: //p')
if grep -q 'ebx=0x4b4d564b ecx=0x564b4d56 edx=0x0000004d' <<<"$sig"; then
	[[ "$summary" == KVM* ]]
	ok $? "KVM signature -> verdict starts with KVM (got '$summary')"
	if [ -d /sys/module/kvm_pvm ] && [ -w /dev/kvm ]; then
		grep -q 'kvm_pvm available' <<<"$summary"
		ok $? "kvm_pvm loaded and /dev/kvm usable -> verdict says kvm_pvm available"
	else
		skip "kvm_pvm not loaded or /dev/kvm not usable here"
	fi
else
	skip "not a KVM guest (0x40000000: $sig)"
	skip "not a KVM guest"
fi

"$HVSCOPE" probe --json | python3 "$HVS_SRC/tests/validate-json.py" "$HVS_SRC/results-schema/fingerprint.schema.json"
ok $? "live probe --json is valid against the schema"
[ "$("$HVSCOPE" probe --json | jq -r '.xen_forced_cpuid.tried')" = true ]
ok $? "live probe tries Xen forced-emulation CPUID (and survives its SIGILL)"

if have systemd cmd:systemd-detect-virt; then
	for flag in "" --vm --container; do
		want=$(systemd-detect-virt $flag 2>/dev/null)
		wrc=$?
		got=$("$HVSCOPE" detect $flag)
		grc=$?
		[ "$got" = "$want" ] && [ $grc = $wrc ]
		ok $? "detect ${flag:-(default)} = systemd-detect-virt: '$want' exit $wrc (got '$got' exit $grc)"
	done
else
	skip "systemd-detect-virt not installed"
	skip "systemd-detect-virt not installed"
	skip "systemd-detect-virt not installed"
fi

out=$("$HVSCOPE" detect --quiet)
qrc=$?
"$HVSCOPE" detect >/dev/null
[ -z "$out" ] && [ $qrc = $? ]
ok $? "detect --quiet prints nothing and keeps the exit code ($qrc)"

# --timing: the CPUID exit cost and the measured facts (microbench/infer.h).
# CPUID exits on every hypervisor; we assert plausibility, not a duration.
"$HVSCOPE" probe --timing --json >"$T/timing.json"
ok $? "probe --timing --json exits 0"
python3 "$HVS_SRC/tests/validate-json.py" "$HVS_SRC/results-schema/fingerprint.schema.json" "$T/timing.json"
ok $? "probe --timing --json is valid against the schema"
if grep -q '^flags.* hypervisor' /proc/cpuinfo; then
	[ "$(jq -r '.measured_facts.cpuid_exits.answer' "$T/timing.json")" = yes ] &&
		[ "$(jq -r '.measured_facts.vdso_works.answer' "$T/timing.json")" != null ]
	ok $? "in a guest, --timing measures that CPUID exits ($(jq -r '.measured_facts.cpuid_exits.evidence' "$T/timing.json" | cut -c1-60))"
else
	skip "not in a guest: CPUID need not exit"
fi

if [ -x "$HVSCOPE_STATIC" ]; then
	a=$("$HVSCOPE" probe --json | jq -c '[.verdict.summary, .verdict.detect, .hypervisor_ranges, .cpu.vendor, .cpu.family]')
	b=$("$HVSCOPE_STATIC" probe --json | jq -c '[.verdict.summary, .verdict.detect, .hypervisor_ranges, .cpu.vendor, .cpu.family]')
	[ "$a" = "$b" ]
	ok $? "hvscope-static gives the same verdict and leaves"
	"$HVSCOPE_STATIC" cpuid --dump | cmp -s - "$T/ours.txt"
	ok $? "hvscope-static cpuid --dump is identical"
	# the static build links another libc (musl when installed): the whole
	# fingerprint must agree, all but the time it took
	a=$("$HVSCOPE" probe --json | jq -S 'del(.. | .collect_ns?) | del(.evidence.steal_ticks)')
	b=$("$HVSCOPE_STATIC" probe --json | jq -S 'del(.. | .collect_ns?) | del(.evidence.steal_ticks)')
	[ -n "$a" ] && [ "$a" = "$b" ]
	ok $? "hvscope-static and hvscope write the same fingerprint ($("$HVSCOPE_STATIC" version | sed -n 2p | cut -c1-40))"
else
	skip "no hvscope-static"
	skip "no hvscope-static"
	skip "no hvscope-static"
fi
# PCI devices as the probe counts them = the devices sysfs lists with a vendor
want=$(ls /sys/bus/pci/devices/*/vendor 2>/dev/null | wc -l)
got=$("$HVSCOPE" probe --json | jq '.evidence.pci_devices // 0')
[ "$got" = "$want" ]
ok $? "PCI devices counted: $got, sysfs lists $want"
exit $fail
