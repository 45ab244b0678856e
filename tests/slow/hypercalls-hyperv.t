#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hypercalls-hyperv.t - Hyper-V's hypercall ABI on KVM's implementation:
#  - inside a Linux guest with the real kvm_amd on QEMU TCG's emulated SVM,
#    `hvscope kvm --hyperv` presents KVM's Hyper-V leaves to the payload,
#    which enables the hypercall page (HV_X64_MSR_GUEST_OS_ID, then
#    HV_X64_MSR_HYPERCALL) and times a fast HvCallNotifyLongSpinWait and an
#    unknown code: both must pass with a plausible number and >= 1 VM exit per
#    call; without --hyperv they must skip with the reason;
#  - on this host's /dev/kvm (if usable) `--hyperv` either runs or says the
#    KVM has no Hyper-V emulation (kvm_pvm: KVM_CAP_HYPERV_CPUID is 0).
# The guest boot has boot-guest.sh's watchdog; a hang prints the console.
. "$(dirname "$0")/../lib/guest.sh"
guest_prereqs
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-hv.XXXXXX")
trap 'rm -rf "$T"' EXIT
HVS_FAIL_DIR=$T/o HVS_FAIL_ERR=$T/e
echo "TAP version 13"

"$HVS_SRC/scripts/boot-guest.sh" --mode linux --cpu qemu64,+svm,+npt --module kvm_amd --mem 1536 --timeout 240 \
	--out "$T/o" --cmd 'hvscope-static kvm --hyperv --quick hyperv.*' --cmd 'hvscope-static kvm --quick hyperv.*' 2>"$T/e"
rc=$?
is "$rc" 0 "Linux with kvm_amd on emulated SVM booted and ran both commands"
sed 's/^/# /' "$T/o/1.out" "$T/o/2.out" 2>/dev/null
for r in notify_spin_wait invalid_code; do
	# kvm.hyperv.NAME  median  ci  cycles  exits/op  emul/op  pass
	awk -v n="kvm.hyperv.$r" '$1 == n && $NF == "pass" && $2 + 0 > 1 && $2 + 0 < 1e7 && $5 + 0 >= 1 { f = 1 }
		END { exit !f }' "$T/o/1.out" 2>/dev/null
	ok $? "kvm --hyperv: hyperv.$r passes on kvm_amd with a plausible number and >= 1 exit per call"
done
like "$(grep '^kvm.hyperv.notify_spin_wait' "$T/o/2.out" 2>/dev/null)" 'skip: no (hypervisor|Hyper-V interface)' \
	"without --hyperv the row skips with the reason"

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	"$HVSCOPE" kvm --hyperv --quick hyperv.notify_spin_wait >"$T/host" 2>&1
	sed 's/^/# /' "$T/host"
	like "$(grep '^kvm.hyperv.notify_spin_wait' "$T/host")" \
		'( pass$|skip: VMM setup: --hyperv: this KVM has no Hyper-V emulation \(KVM_CAP_HYPERV_CPUID is 0\))' \
		"this host's /dev/kvm runs the Hyper-V row or says it has no Hyper-V emulation"
else
	skip 1 "no usable /dev/kvm on this host"
fi
done_testing
