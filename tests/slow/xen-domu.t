#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xen-domu.t - a Xen PVH domU created with xl from a PV dom0, all under QEMU
# TCG (scripts/xen-domu.sh): hvscope-static runs in the domU, its
# fingerprint says Xen PVH (a domU: no control_d), and a result file comes
# back and validates.
. "$(dirname "$0")/../lib/guest.sh"
guest_prereqs xen
need systemd cmd:systemd-detect-virt
need xen-utils-4.17 /usr/lib/xen-4.17/bin/xl /usr/lib/xen-4.17/bin/xenstored /usr/lib/xen-4.17/bin/xenconsoled
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-tdomu.XXXXXX")
trap 'rm -rf "$T"' EXIT
HVS_FAIL_DIR=$T/o HVS_FAIL_ERR=$T/e
"$HVS_SRC/scripts/xen-domu.sh" --out "$T/o" --timeout 400 --peer systemd-detect-virt \
	--cmd 'hvscope-static probe --json' \
	--cmd 'hvscope-static run --bench syscall.getppid,workload.cpu.intmix --processes 1 --samples 5 --out -' \
	--cmd 'systemd-detect-virt' --cmd 'hvscope-static detect' 2> "$T/e"
rc=$?
is "$rc" 0 "PVH domU booted by xl ran all four commands"
[ "$rc" = 0 ] || done_testing
is "$(cat "$T/o/1.rc") $(cat "$T/o/2.rc")" "0 0" "both commands exited 0 in the domU"
like "$(grep -m1 '"summary"' "$T/o/1.out")" '"Xen PVH' "the domU's fingerprint says Xen PVH"
unlike_dom0=$(grep -m1 "\"summary\"" "$T/o/1.out" | grep -c dom0)
is "$unlike_dom0" 0 "... and not dom0"
python3 "$HVS_SRC/tests/lib/validate.py" "$T/o/2.out" > "$T/v" 2>&1
ok $? "the domU's result validates"; sed 's/^/#   /' "$T/v"
is "$(cat "$T/o/3.out")" xen "systemd-detect-virt in the domU says xen"
is "$(cat "$T/o/4.out")" "$(cat "$T/o/3.out")" "hvscope detect in the domU prints what systemd-detect-virt does"
done_testing
