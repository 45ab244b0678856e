#!/bin/bash
# probe-dmi.t - the real dmidecode captures of ../shared/cpuid-corpus
# (virt-what's test suite) as DMI evidence through --dmidecode, with a real
# CPUID dump that hides the hypervisor (VirtualBox without paravirt) and one
# that shows KVM. detect must name what systemd-detect-virt's DMI table
# names; for the KVM dump CPUID wins except where systemd lets DMI overrule
# it (amazon, oracle, xen).
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
CORPUS="$HVS_SRC/../shared/cpuid-corpus"
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
if [ ! -d "$CORPUS" ]; then
	echo "1..0 # SKIP corpus not found at $CORPUS"
	exit 0
fi
HIDDEN="$CORPUS/virtualbox-noparavirt-core-i7-4700hq.txt"
KVM="$CORPUS/kvm-firecracker-t2cl-intel-xeon-m5metal.txt"

# dmi file | detect with the hidden-hypervisor dump | detect with the KVM dump | a DMI field
EXPECT=(
"dmi-aws-nitro-c5large.txt|amazon|amazon|dmi_sys_vendor=Amazon EC2"
"dmi-aws-xen-hvm.txt|xen|xen|dmi_bios_vendor=Xen"
"dmi-bhyve.txt|bhyve|kvm|dmi_product_name=BHYVE"
"dmi-hyperv.txt|microsoft|kvm|dmi_sys_vendor=Microsoft Corporation"
"dmi-parallels-desktop.txt|parallels|kvm|dmi_product_name=Parallels Virtual Platform"
"dmi-qemu-kvm.txt|kvm|kvm|dmi_product_name=KVM Virtual Machine"
"dmi-vmware-esx41.txt|vmware|kvm|dmi_product_name=VMware Virtual Platform"
)
files=("$CORPUS"/dmi-*.txt)
echo "1..$(( ${#files[@]} * 4 + 2 ))"
for f in "${files[@]}"; do
	d=$(basename "$f")
	line=
	for e in "${EXPECT[@]}"; do [ "${e%%|*}" = "$d" ] && line=$e; done
	if [ -z "$line" ]; then
		for i in 1 2 3 4; do ok 1 "$d: no expectation in probe-dmi.t"; done
		continue
	fi
	IFS='|' read -r _ want_hidden want_kvm field <<<"$line"
	got=$("$HVSCOPE" detect --cpuid-dump "$HIDDEN" --dmidecode "$f")
	[ "$got" = "$want_hidden" ]
	ok $? "$d: hidden hypervisor + DMI -> $want_hidden (got $got)"
	got=$("$HVSCOPE" detect --cpuid-dump "$KVM" --dmidecode "$f")
	[ "$got" = "$want_kvm" ]
	ok $? "$d: KVM CPUID + DMI -> $want_kvm (got $got)"
	json=$("$HVSCOPE" probe --json --cpuid-dump "$HIDDEN" --dmidecode "$f")
	[ "$(jq -r ".evidence.${field%%=*}" <<<"$json")" = "${field#*=}" ] && [ "$(jq -r .evidence.dmi_source <<<"$json")" = dmidecode ]
	ok $? "$d: ${field%%=*} read as '${field#*=}'"
	python3 "$HVS_SRC/tests/validate-json.py" "$HVS_SRC/results-schema/fingerprint.schema.json" <<<"$json"
	ok $? "$d: JSON valid"
done
sum=$("$HVSCOPE" probe --cpuid-dump "$KVM" --dmidecode "$CORPUS/dmi-aws-nitro-c5large.txt" | sed -n 's/^Verdict: //p')
[ "$sum" = "KVM (Amazon EC2)" ]
ok $? "KVM CPUID + Amazon EC2 DMI: verdict 'KVM (Amazon EC2)' (got '$sum')"
# without --dmidecode a replay reads no DMI at all (same verdict on any machine)
got=$("$HVSCOPE" probe --json --cpuid-dump "$HIDDEN" | jq -c .evidence)
[ "$got" = "{}" ]
ok $? "replay without --root/--dmidecode reads no live evidence (got $got)"
exit $fail
