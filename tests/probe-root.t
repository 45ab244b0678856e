#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-root.t - evidence read under --root from the trees in
# tests/data/probe (Xen PV dom0/domU, PVH, pre-4.15 PV without guest_type,
# a docker container) combined with CPUID dumps: the Xen PV layer goes above
# the layer plain CPUID shows, dom0 is a host for detect, containers are a
# separate layer, and nothing outside the tree is read.
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
D="$HVS_SRC/tests/data/probe"
CORPUS="$HVS_SRC/tests/corpus/public"
KVM="$D/kvm-epyc-live.txt"
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
echo "1..28"

t() { # tree dump want_summary want_detect want_detect_vm
	local sum det vm
	sum=$("$HVSCOPE" probe --cpuid-dump "$2" --root "$D/$1" | sed -n 's/^Verdict: //p')
	det=$("$HVSCOPE" detect --cpuid-dump "$2" --root "$D/$1")
	vm=$("$HVSCOPE" detect --vm --cpuid-dump "$2" --root "$D/$1")
	[ "$sum" = "$3" ]
	ok $? "$1: verdict '$3' (got '$sum')"
	[ "$det" = "$4" ] && [ "$vm" = "$5" ]
	ok $? "$1: detect '$4', --vm '$5' (got '$det', '$vm')"
}
t xen-pv-dom0 "$KVM" "Xen PV dom0 on KVM" kvm kvm
t xen-pv-domU "$KVM" "Xen PV domU on KVM" xen xen
# detect is systemd-detect-virt's word (issue 18): it asks /proc/xen, then
# CPUID; these hand-made trees have /sys/hypervisor but no /proc/xen (xenfs
# not mounted), so CPUID's KVM is the word, and the verdict names Xen above it
t xen-old-pv "$KVM" "Xen PV on KVM" kvm kvm
t docker "$KVM" "KVM" docker kvm
json=$("$HVSCOPE" probe --json --cpuid-dump "$KVM" --root "$D/xen-pv-dom0")
[ "$(jq -r '.verdict.layers[0].mode + "/" + (.verdict.layers[0].guest|tostring) + "/" + .verdict.layers[1].id' <<<"$json")" = "PV dom0/false/kvm" ]
ok $? "dom0 layer: mode PV dom0, not a guest, over the KVM layer"
[ "$(jq -r .evidence.xen_control_d <<<"$json")" = true ]
ok $? "xen_control_d read from the tree"
python3 "$HVS_SRC/tests/validate-json.py" "$HVS_SRC/results-schema/fingerprint.schema.json" <<<"$json"
ok $? "JSON valid"
[ "$(jq -r .verdict.container.id <<<"$("$HVSCOPE" probe --json --cpuid-dump "$KVM" --root "$D/docker")")" = docker ]
ok $? "docker tree: container layer"
[ "$(jq -r .verdict.container <<<"$("$HVSCOPE" probe --json --cpuid-dump "$KVM" --root "$D/xen-pv-domU")")" = null ]
ok $? "no container markers in a tree without them (the live / is not read)"
if [ -r "$CORPUS/xen-hvm-aws-t2micro-xeon-e5-2676v3.txt" ]; then
	t xen-pvh-domU "$CORPUS/xen-hvm-aws-t2micro-xeon-e5-2676v3.txt" "Xen PVH" xen xen
	out=$("$HVSCOPE" probe --cpuid-dump "$KVM" --root "$D/xen-pvh-domU")
	grep -q 'unexpected for PVH' <<<"$out"
	ok $? "PVH tree with a KVM dump: said to be inconsistent"
else
	for i in 1 2 3; do ok 1 "corpus missing: tests/corpus/public is part of the repository"; done
fi
t xen-pv-feat-dom0 "$KVM" "Xen PV dom0 on KVM" kvm kvm
t xen-pv-feat-domU "$KVM" "Xen PV domU on KVM" kvm kvm
[ "$("$HVSCOPE" detect --container --cpuid-dump "$KVM" --root "$D/pidns")" = container-other ]
ok $? "PID namespace without a named manager: container-other"
[ "$("$HVSCOPE" detect --container --cpuid-dump "$KVM" --root "$D/pidns-status")" = container-other ]
ok $? "two NSpid levels in /proc/self/status: container-other"
if [ -r "$CORPUS/dmi-qemu-kvm.txt" ]; then
	# dom0 sees the real machine's SMBIOS: a hypervisor named there is below Xen
	XEN="$CORPUS/xen-hvm-aws-t2micro-xeon-e5-2676v3.txt"
	sum=$("$HVSCOPE" probe --cpuid-dump "$XEN" --root "$D/xen-pv-feat-dom0" --dmidecode "$CORPUS/dmi-qemu-kvm.txt" | sed -n 's/^Verdict: //p')
	det=$("$HVSCOPE" detect --cpuid-dump "$XEN" --root "$D/xen-pv-feat-dom0" --dmidecode "$CORPUS/dmi-qemu-kvm.txt")
	[ "$sum" = "Xen PV dom0 on kvm (named by DMI, below Xen)" ] && [ "$det" = xen ]
	ok $? "dom0 + DMI naming KVM: a layer below Xen; detect says xen as systemd does (CPUID) ($sum / $det)"
	# a domU's SMBIOS is made by its own Xen: no extra layer
	sum=$("$HVSCOPE" probe --cpuid-dump "$XEN" --root "$D/xen-pvh-domU" --dmidecode "$CORPUS/dmi-aws-nitro-c5large.txt" | sed -n 's/^Verdict: //p')
	[ "$sum" = "Xen PVH" ]
	ok $? "domU + DMI: no layer from DMI ($sum)"
else
	ok 1 "corpus missing: tests/corpus/public is part of the repository"
	ok 1 "corpus missing: tests/corpus/public is part of the repository"
fi
# an empty root: no evidence at all, same verdict as the bare replay
mkdir -p "${TMPDIR:-/tmp}/hvs-empty-root.$$"
a=$("$HVSCOPE" probe --json --cpuid-dump "$KVM" --root "${TMPDIR:-/tmp}/hvs-empty-root.$$" | jq -c '[.verdict.summary, .evidence]')
rmdir "${TMPDIR:-/tmp}/hvs-empty-root.$$"
b=$("$HVSCOPE" probe --json --cpuid-dump "$KVM" | jq -c '[.verdict.summary, .evidence]')
[ "$a" = "$b" ] && [ "$b" = '["KVM",{}]' ]
ok $? "empty root = plain replay = KVM with no evidence ($a)"
# the live dump itself says KVM and detect agrees
[ "$("$HVSCOPE" detect --cpuid-dump "$KVM")" = kvm ]
ok $? "the stored live dump (AMD EPYC, Firecracker/KVM) replays as kvm"
# PCI IDs from uevent alone (one read per device): six virtio devices and an
# Intel host bridge, as on the Firecracker guest the tree was copied from
json=$("$HVSCOPE" probe --json --cpuid-dump "$KVM" --root "$D/firecracker-pci")
[ "$(jq -c '[.evidence.pci_devices, .evidence.pci_hypervisor_devices]' <<<"$json")" = '[6,["virtio (1af4)"]]' ]
ok $? "uevent-only tree: 6 PCI devices, virtio ($(jq -c '[.evidence.pci_devices, .evidence.pci_hypervisor_devices]' <<<"$json"))"
jq -r '.verdict.layers[0].evidence[]' <<<"$json" | grep -q 'virtio PCI devices present'
ok $? "uevent-only tree: the virtio devices are evidence for the KVM layer"
exit $fail
