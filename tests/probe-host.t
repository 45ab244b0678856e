#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-host.t - the Host and Timing sections of `hvscope probe` on this
# machine, for both binaries: what is true here (/dev/kvm usable, kvm_pvm,
# shadow paging, CPUID traps), a fake tree through --root, and the same
# probe run as nobody (setpriv), which must report "no permission" cleanly.
# Facts that do not hold on a machine are skipped with the reason.
. "${HVS_SRC:?}/tests/lib/need.sh"
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
HVSCOPE_STATIC=${HVSCOPE_STATIC:-$HVS_SRC/bin/hvscope-static}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
skip() { local i; for i in $(seq "$1"); do n=$((n + 1)); echo "ok $n # SKIP $2"; done; }

if ! "$HVSCOPE" probe --help >/dev/null 2>&1; then
	echo "1..0 # SKIP no probe command in this build"
	exit 0
fi
PER_BIN=10
echo "1..$((2 * PER_BIN))"

# jq-like: json FILE 'python expression over d' -> exit status of the assertion
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>&1 | sed 's/^/# /'; return "${PIPESTATUS[0]}"; }

pvm=0; [ -d /sys/module/kvm_pvm ] && pvm=1
kvm_rw=0; [ -r /dev/kvm ] && [ -w /dev/kvm ] && kvm_rw=1
hvbit=0; grep -qw hypervisor /proc/cpuinfo && hvbit=1
xenpv=0; [ "$(cat /sys/hypervisor/guest_type 2>/dev/null)" = PV ] && xenpv=1
# nobody needs a binary it can reach: copy it where every user can read it
canpriv=0
if [ "$(id -u)" = 0 ] && have util-linux cmd:setpriv; then
	chmod 755 "$T"
	canpriv=1
fi
asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

for BIN in "$HVSCOPE" "$HVSCOPE_STATIC"; do
	b=$(basename "$BIN")
	"$BIN" probe >"$T/out" 2>"$T/err"
	rc=$?
	ok $(( rc != 0 )) "$b: probe exits 0 (got $rc)"
	grep -q '^Host$' "$T/out" && grep -q '^  /dev/kvm: ' "$T/out"
	ok $? "$b: text has the Host section"

	if [ $pvm = 1 ] && [ $kvm_rw = 1 ]; then
		grep -q '^  /dev/kvm: usable (API 12' "$T/out" && grep -q '^  vendor module: kvm_pvm$' "$T/out" &&
			grep -q '^  paging: shadow (kvm_pvm' "$T/out"
		ok $? "$b: /dev/kvm usable, vendor module kvm_pvm, paging shadow"
	else
		skip 1 "kvm_pvm not loaded or /dev/kvm not accessible here"
	fi

	if "$BIN" probe --json >"$T/j" 2>"$T/err"; then
		if [ $pvm = 1 ] && [ $kvm_rw = 1 ]; then
			json "$T/j" 'd["host"]["dev_kvm"]["usable"] and d["host"]["vendor_module"]=="kvm_pvm" and d["host"]["paging"]["mode"]=="shadow" and d["host"]["dev_kvm"]["capabilities"]["KVM_CAP_USER_MEMORY"]>0 and d["timing"] is None'
			ok $? "$b: JSON host: usable, kvm_pvm, shadow, capabilities; no timing without --timing"
		else
			json "$T/j" 'isinstance(d["host"], dict) and d["timing"] is None'
			ok $? "$b: JSON has a host object and no timing"
		fi
	else
		skip 1 "--json not available in $b"
	fi

	"$BIN" probe --timing >"$T/out" 2>"$T/err"
	rc=$?
	grep -q '^  verdict: CPUID' "$T/out"
	ok $(( rc != 0 || $? != 0 )) "$b: probe --timing exits 0 and prints a timing verdict"
	if [ $hvbit = 1 ] && [ $xenpv = 0 ]; then
		grep -q '^  verdict: CPUID traps (exit cost ~' "$T/out"
		ok $? "$b: --timing: CPUID traps under this hypervisor"
	else
		skip 1 "no hypervisor bit (or Xen PV): CPUID trapping not known in advance"
	fi
	if "$BIN" probe --timing --json >"$T/j" 2>/dev/null; then
		json "$T/j" '(i := d["timing"]["instructions"])["cpuid.0"]["median_cycles"] > i["rdtsc"]["median_cycles"] > 0 and i["cpuid.0"]["median_cycles"] > i["add"]["median_cycles"] and (d["timing"]["cpuid_traps"] is not True or d["timing"]["exit_cost_cycles"] > 0)'
		ok $? "$b: --timing JSON: CPUID above the native instructions; a positive exit cost when it traps"
	else
		skip 1 "--json not available in $b"
	fi

	"$BIN" probe --root "$HVS_SRC/tests/data/host/intel_ept" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 0 ] && grep -q '^  paging: EPT (kvm_intel.ept=Y)$' "$T/out" && grep -q '^  vendor module: kvm_intel$' "$T/out"
	ok $? "$b: --root fake tree: kvm_intel with EPT (rc $rc)"

	if [ $canpriv = 1 ]; then
		cp "$BIN" "$T/bin" && chmod 755 "$T/bin"
		(cd / && asnobody "$T/bin" probe --privileged) >"$T/out" 2>"$T/err"
		rc=$?
		if [ -e /dev/kvm ]; then
			[ $rc = 0 ] && grep -q '^  /dev/kvm: present, not usable - no permission to open /dev/kvm' "$T/out" &&
				grep -Eq '^  MSRs: (no permission - needs root|no device - no /dev/cpu/0/msr)' "$T/out"
			ok $? "$b: as nobody with --privileged: exit 0, 'no permission' for /dev/kvm, MSRs refused (rc $rc)"
		else
			[ $rc = 0 ] && grep -q '^  /dev/kvm: absent' "$T/out"
			ok $? "$b: as nobody: exit 0 (no /dev/kvm here)"
		fi
		if (cd / && asnobody "$T/bin" probe --privileged --json) >"$T/j" 2>/dev/null; then
			json "$T/j" '((h := d["host"])["dev_kvm"]["permission_denied"] or not h["dev_kvm"]["present"]) and not h["dev_kvm"]["usable"] and h["msr"]["state"] in ("no_permission","no_device")'
			ok $? "$b: as nobody, JSON: permission_denied, not usable, msr state no_permission/no_device"
		else
			skip 1 "--json not available in $b"
		fi
		rm -f "$T/bin"
	else
		skip 2 "needs root and setpriv to run the probe as nobody"
	fi
done
exit $fail
