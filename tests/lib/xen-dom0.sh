# SPDX-License-Identifier: GPL-2.0-or-later
# xen-dom0.sh - the body of the live Xen dom0 tests (61-live-xen-pv.t,
# slow/61-live-xen-pvh.t): boot Debian's Xen 4.17 under QEMU TCG with a dom0
# that runs hvscope-static, and check hvscope names the Xen layer although,
# in PV, plain CPUID shows QEMU's TCG signature and not Xen's.
#
# xen_dom0_test MODE: MODE is PV or PVH.
xen_dom0_test() {
	local kind=$1 mode out rc cpuline
	mode=xen-$(echo "$kind" | tr 'A-Z' 'a-z')
	guest_prereqs xen
	need systemd cmd:systemd-detect-virt
	need cpuid cmd:cpuid
	out=$(mktemp -d "${TMPDIR:-/tmp}/hvs-xen.XXXXXX")
	trap 'rm -rf "$out"' EXIT
	HVS_FAIL_DIR=$out HVS_FAIL_ERR=$out/stderr
	local cmds=(
		'hvscope-static version'
		'cat /sys/hypervisor/type'
		'cat /sys/hypervisor/guest_type'
		'cat /proc/xen/capabilities'
		'cpuid -r -1'
		'hvscope-static cpuid --dump'
		'hvscope-static probe'
		'hvscope-static detect'
		'hvscope-static cpuid --dump --xen'
		'hvscope-static probe --json'
		'systemd-detect-virt'
	)
	"$HVS_SRC/scripts/boot-guest.sh" --mode "$mode" --peer cpuid --peer systemd-detect-virt --timeout 300 --out "$out" \
		-- "${cmds[@]}" 2> "$out/stderr"
	rc=$?
	is "$rc" 0 "Xen $kind dom0 under QEMU TCG booted and ran all ${#cmds[@]} commands"
	[ "$rc" = 0 ] || done_testing
	diag "$(tail -n 1 "$out/stderr")"
	is "$(cat "$out/1.out")" "$("$HVSCOPE_STATIC" version)" "dom0 ran the hvscope-static we built"
	is "$(cat "$out/2.out")" xen "/sys/hypervisor/type is xen"
	is "$(cat "$out/3.out")" "$kind" "/sys/hypervisor/guest_type is $kind"
	is "$(cat "$out/4.out")" control_d "/proc/xen/capabilities says control_d (dom0)"
	local tcg='0x40000000 0x00: eax=0x4000000[0-9a-f] ebx=0x54474354 ecx=0x43544743 edx=0x47435447'
	local xen='0x40000000 0x00: eax=0x4000000[0-9a-f] ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e'
	if [ "$kind" = PV ]; then
		# A PV guest's CPUID does not trap to Xen: it sees the CPU
		# below Xen, here QEMU's TCG.
		like "$(cat "$out/5.out")" "$tcg" "plain CPUID (cpuid -r -1) in the PV dom0 shows TCGTCGTCGTCG, not Xen"
		cpuline=$tcg
	else
		like "$(cat "$out/5.out")" "$xen" "CPUID in the PVH dom0 traps to Xen: XenVMMXenVMM at 0x40000000"
		cpuline=$xen
	fi
	if has_cmd cpuid; then
		is "$(cat "$out/6.rc")" 0 "hvscope-static cpuid --dump exits 0 in dom0"
		like "$(cat "$out/6.out")" "$cpuline" "hvscope cpuid --dump shows the same 0x40000000 as cpuid -r"
	else
		skip 2 "hvscope has no cpuid command yet (probe-core not merged)"
	fi
	local v
	if has_cmd probe; then
		is "$(cat "$out/7.rc")" 0 "hvscope-static probe exits 0 in dom0"
		v=$(sed -n 's/^Verdict: //p' "$out/7.out")
		if [ "$kind" = PV ]; then
			like "$v" "^Xen PV dom0 on QEMU TCG\$" "probe's verdict '$v' is Xen PV dom0 on QEMU TCG"
		else
			# Xen hides QEMU's CPUID; DMI names it (tests/corpus/xen-pvh-dom0)
			like "$v" "^Xen PVH dom0 on (QEMU|qemu)" "probe's verdict '$v' is Xen PVH dom0 on QEMU"
		fi
		python3 "$HVS_SRC/tests/validate-json.py" "$HVS_SRC/results-schema/fingerprint.schema.json" \
			"$out/10.out" 2> "$out/v"
		local vrc=$?
		if [ "$vrc" = 77 ] && ! have python3-jsonschema py:jsonschema; then skip 1 "python3-jsonschema missing"
		else is "$vrc" 0 "probe --json from dom0 validates against fingerprint.schema.json"; fi
		[ "$vrc" = 0 ] || [ "$vrc" = 77 ] || sed 's/^/# /' "$out/v"
	else
		skip 3 "hvscope has no probe command yet (probe-core not merged)"
	fi
	if has_cmd detect; then
		# systemd's order: a dom0 goes on to CPUID, which shows the TCG
		# below Xen in PV (CPUID does not trap) and Xen itself in PVH
		if [ "$kind" = PV ]; then
			is "$(cat "$out/11.out")" qemu "systemd-detect-virt in the PV dom0 says qemu"
		else
			is "$(cat "$out/11.out")" xen "systemd-detect-virt in the PVH dom0 says xen"
		fi
		is "$(cat "$out/8.out")" "$(cat "$out/11.out")" "hvscope detect in the $kind dom0 prints what systemd-detect-virt does"
		like "$(cat "$out/7.out")" "^Beyond systemd: " "probe in the $kind dom0 says what it knows beyond systemd's word"
	else
		skip 3 "hvscope has no detect command yet (probe-core not merged)"
	fi
	if has_cmd cpuid && [ "$kind" = PV ]; then
		# hvscope's forced-emulation CPUID reaches Xen's leaves from PV.
		like "$(cat "$out/9.out")" "$xen" "hvscope cpuid --dump --xen in the PV dom0 shows XenVMMXenVMM"
	elif [ "$kind" = PV ]; then
		skip 1 "hvscope has no cpuid command yet (probe-core not merged)"
	fi
	done_testing
}
