#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-corpus.t - replay every real CPUID dump of tests/corpus/public (SOURCES.md)
# (SOURCES.md says what each is) through `hvscope probe --json` and
# `hvscope detect`, asserting the verdict and the key decoded fields, and
# validating the JSON against results-schema/fingerprint.schema.json.
# A dump in the corpus without an expectation here fails the test.
# detect is the word systemd-detect-virt's order gives for the same evidence
# (issue 18): a Hyper-V root partition reads microsoft there and VirtualBox's
# own signature, without DMI, vm-other; the verdict and probe's "Beyond
# systemd" line say more.
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
CORPUS="$HVS_SRC/tests/corpus/public"
SCHEMA="$HVS_SRC/results-schema/fingerprint.schema.json"
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

if [ ! -d "$CORPUS" ]; then
	echo "1..1"; echo "not ok 1 - corpus not found at $CORPUS (it is part of the repository)"
	exit 0
fi
. "$HVS_SRC/tests/lib/need.sh"
need jq cmd:jq

# file | summary | detect | jq expressions that must all be true (joined with and)
EXPECT=(
"hyperv-azure-f72sv2-xeon-platinum-8370c.txt|Microsoft Hyper-V|microsoft|.source.format==\"todd\" and .hypervisor_ranges[0].signature==\"Microsoft Hv\" and .hypervisor_ranges[0].max_leaf==1073741834 and .hypervisor_ranges[0].decoded.hv_root_partition==false and .hypervisor_ranges[0].decoded.hv_privileges_ebx==3899440 and .hypervisor_ranges[0].decoded.hv_interface==\"Hv#1\" and .hypervisor_ranges[0].decoded.hv_build==20348 and .cpu.vendor==\"GenuineIntel\" and .cpu.family==6 and .cpu.model==106"
"hyperv-rootpartition-amd-athlon-5370-instlatx64.txt|Hyper-V root partition (host, not a guest)|microsoft|.source.format==\"instlat\" and .hypervisor_ranges[0].signature==\"Microsoft Hv\" and .hypervisor_ranges[0].max_leaf==1073741835 and .hypervisor_ranges[0].decoded.hv_root_partition==true and .hypervisor_ranges[0].decoded.hv_privileges_ebx==2865663 and (.hypervisor_ranges[0].decoded.hv_partition_flags|index(\"CreatePartitions\"))!=null and .cpu.vendor==\"AuthenticAMD\" and .cpu.family==22 and .cpu.model==0 and (((.cpu.microarchitecture_note // \"\")|test(\"without libcpuid\")) or ((.cpu.microarchitecture // \"none\")|test(\"Kabini\"))) and .verdict.layers[0].guest==false"
"hyperv-rootpartition-core-i7-2630qm.txt|Hyper-V root partition (host, not a guest)|microsoft|.source.format==\"rjcp\" and .hypervisor_ranges[0].max_leaf==1073741835 and .hypervisor_ranges[0].decoded.hv_root_partition==true and .hypervisor_ranges[0].decoded.hv_privileges_ebx==2865663 and .cpu.vendor==\"GenuineIntel\" and .cpu.family==6 and .cpu.model==42 and (((.cpu.microarchitecture_note // \"\")|test(\"without libcpuid\")) or ((.cpu.microarchitecture // \"none\")|test(\"Sandy Bridge\")))"
"kvm-firecracker-t2a-amd-epyc-m6ametal.txt|KVM|kvm|.source.format==\"todd\" and .hypervisor_ranges[0].signature==\"KVMKVMKVM\\\\0\\\\0\\\\0\" and .hypervisor_ranges[0].signature_hex==\"4b564d4b564d4b564d000000\" and .hypervisor_ranges[0].max_leaf==1073741825 and .hypervisor_ranges[0].decoded.kvm_features_eax==16809723 and (.hypervisor_ranges[0].decoded.kvm_features|index(\"PV_UNHALT\"))!=null and .hypervisor_ranges[0].decoded.kvm_hints_realtime==false and .cpu.vendor==\"AuthenticAMD\" and .cpu.signature==198386 and .cpu.brand==\"AMD EPYC\""
"kvm-firecracker-t2cl-intel-xeon-m5metal.txt|KVM|kvm|.hypervisor_ranges[0].decoded.kvm_features_eax==16809723 and .cpu.vendor==\"GenuineIntel\" and .cpu.family==6 and .cpu.model==63 and .cpu.brand==\"Intel(R) Xeon(R) Processor @ 2.50GHz\""
"kvm-qnx-guest-core-i7-6700t.txt|KVM|kvm|.source.format==\"rjcp\" and .hypervisor_ranges[0].decoded.kvm_features_eax==16808699 and .cpu.family==6 and .cpu.model==94 and .verdict.layers[0].confidence==90 and (.verdict.layers[0].evidence|map(test(\"real KVM\"))|any)"
"qemu-libcpuid-qemu-virtual-cpu-rhel6.txt|QEMU (named by the CPU brand string only)|qemu|.source.format==\"libcpuid\" and (.hypervisor_ranges|length)==0 and .cpu.hypervisor_bit==true and .cpu.max_basic_leaf==4 and .cpu.vendor==\"GenuineIntel\""
"virtualbox-hvparavirt-core-i7-4700hq.txt|VirtualBox|vm-other|.source.format==\"manusov\" and .hypervisor_ranges[0].signature==\"VBoxVBoxVBox\" and .hypervisor_ranges[0].max_leaf==1073741830 and .hypervisor_ranges[0].decoded.hv_interface==\"Hv#1\" and .hypervisor_ranges[0].decoded.hv_root_partition==false and .cpu.family==6 and .cpu.model==60"
"virtualbox-kvmparavirt-core-i7-4700hq.txt|KVM or VirtualBox (its KVM interface)|kvm|.hypervisor_ranges[0].decoded.kvm_features_eax==16777353 and .verdict.layers[0].confidence<=60 and (.verdict.layers[0].evidence|map(test(\"cannot tell them apart\"))|any)"
"virtualbox-noparavirt-core-i7-4700hq.txt|no hypervisor|none|(.hypervisor_ranges|length)==0 and .cpu.hypervisor_bit==false and (.verdict.layers|length)==0"
"vmware-core-i7-6700k.txt|VMware|vmware|.hypervisor_ranges[0].signature==\"VMwareVMware\" and .hypervisor_ranges[0].max_leaf==1073741840 and .hypervisor_ranges[0].decoded.hv_interface==\"Hv#1\" and .hypervisor_ranges[0].decoded.tsc_khz==4008001 and .hypervisor_ranges[0].decoded.apic_bus_khz==66000 and .cpu.model==94 and (((.cpu.microarchitecture_note // \"\")|test(\"without libcpuid\")) or ((.cpu.microarchitecture // \"none\")|test(\"Skylake\")))"
"vmware-xeon-e5-2670v3.txt|VMware|vmware|.hypervisor_ranges[0].decoded.tsc_khz==2297339 and .hypervisor_ranges[0].decoded.apic_bus_khz==66000 and .cpu.brand==\"Intel(R) Xeon(R) CPU E5-2670 v3 @ 2.30GHz\""
"xen-hvm-aws-c3large-xeon-e5-2680v2.txt|Xen HVM|xen|.hypervisor_ranges[0].signature==\"XenVMMXenVMM\" and .hypervisor_ranges[0].max_leaf==1073741829 and .hypervisor_ranges[0].decoded.xen_version==\"4.11\" and .cpu.model==62"
"xen-hvm-aws-ec2-xeon-e5-2676v3.txt|Xen HVM|xen|.hypervisor_ranges[0].max_leaf==1073741828 and .hypervisor_ranges[0].decoded.xen_version==\"4.2\" and .hypervisor_ranges[0].decoded.xen_hypercall_msr==1073741824 and .hypervisor_ranges[0].decoded.xen_tsc_khz==2400036"
"xen-hvm-aws-t2micro-xeon-e5-2676v3.txt|Xen HVM|xen|.hypervisor_ranges[0].max_leaf==1073741829 and .hypervisor_ranges[0].decoded.xen_version==\"4.11\" and .cpu.brand==\"Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz\""
)

dumps=()
for f in "$CORPUS"/*.txt; do
	case $(basename "$f") in dmi-*) continue ;; esac
	dumps+=("$(basename "$f")")
done

for d in "${dumps[@]}"; do
	line=
	for e in "${EXPECT[@]}"; do
		[ "${e%%|*}" = "$d" ] && line=$e
	done
	if [ -z "$line" ]; then
		for i in 1 2 3 4 5; do ok 1 "$d: no expectation in probe-corpus.t for this corpus dump"; done
		continue
	fi
	IFS='|' read -r _ want_sum want_det checks <<<"$line"
	json=$("$HVSCOPE" probe --json --cpuid-dump "$CORPUS/$d")
	ok $? "$d: probe --json exits 0"
	got=$(jq -r .verdict.summary <<<"$json")
	[ "$got" = "$want_sum" ]
	ok $? "$d: verdict '$want_sum' (got '$got')"
	jq -e "$checks" <<<"$json" >/dev/null
	ok $? "$d: decoded fields"
	python3 "$HVS_SRC/tests/validate-json.py" "$SCHEMA" <<<"$json"
	ok $? "$d: JSON valid against fingerprint.schema.json"
	got=$("$HVSCOPE" detect --cpuid-dump "$CORPUS/$d")
	rc=$?
	want_rc=0
	[ "$want_det" = none ] && want_rc=1
	[ "$got" = "$want_det" ] && [ $rc = $want_rc ]
	ok $? "$d: detect says '$want_det' with exit $want_rc (got '$got', $rc)"
done
got=$("$HVSCOPE" probe --json --cpuid-dump "$CORPUS/hyperv-rootpartition-core-i7-2630qm.txt" | jq -r .verdict.beyond_systemd)
[ "$got" = "Hyper-V root partition (host, not a guest): systemd-detect-virt says microsoft" ]
ok $? "root partition: probe says the host is not a guest, beyond systemd's microsoft (got '$got')"
echo "1..$n"
exit $fail
