#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# capture-corpus.sh - boot each guest kind we can boot here, with hvscope and
# the peers inside, and store what it saw under tests/corpus/<case>/:
#
#   cpuid-r.txt             `cpuid -r -1` (Todd Allen's cpuid) in the guest
#   hvscope-cpuid.dump      `hvscope-static cpuid --dump` (when the binary has it)
#   hvscope-cpuid-xen.dump  `hvscope-static cpuid --dump --xen` (Xen PV only:
#                           Xen's forced-emulation CPUID, which shows Xen's leaves)
#   hvscope-probe.json      `hvscope-static probe --json` in the guest
#   root/                   the evidence tree (sys/..., proc/...) with the
#                           original paths, for `hvscope probe --root`
#   systemd-detect-virt.txt what systemd-detect-virt printed, and its exit code
#   hvscope-probe.txt, hvscope-detect.txt   what hvscope said live (when it has
#                           those commands), with exit codes
#   README.md               how this case was captured (command, versions, date)
#   expect                  (hand-written, kept across captures) what hvscope
#                           must conclude; read by tests/62-corpus-captured.t
#
# Usage: scripts/capture-corpus.sh [--list] [--dest DIR] [CASE...|all]
# Exit: 0 every case captured, 1 some failed (the others are kept), 2 usage,
#       6 QEMU/kernel/Xen missing.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dest=$here/tests/corpus
me=capture-corpus.sh

# name | boot-guest mode | -cpu | -machine | vCPUs | what it is [| accel]
CASES='
qemu-tcg-qemu64|linux|qemu64|pc|1|QEMU TCG, default qemu64 model, i440FX
qemu-tcg-qemu64-kvmoff|linux|qemu64,kvm=off|pc|1|QEMU TCG, qemu64 with kvm=off (hides the KVM signature; no effect under TCG)
qemu-tcg-max-q35-smp2|linux|max|q35|2|QEMU TCG, -cpu max (every feature TCG emulates), Q35, 2 vCPUs
qemu-tcg-epyc|linux|EPYC|pc|1|QEMU TCG, AMD EPYC model
qemu-tcg-epyc-rome|linux|EPYC-Rome|pc|1|QEMU TCG, AMD EPYC-Rome model
qemu-tcg-skylake-server|linux|Skylake-Server|pc|1|QEMU TCG, Intel Skylake-Server model
qemu-tcg-skylake-server-kvmoff|linux|Skylake-Server,kvm=off|pc|1|QEMU TCG, Intel Skylake-Server with kvm=off
qemu-tcg-hv-flags|linux|qemu64,hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-vendor-id=hvscopetest1|pc|1|QEMU TCG with Hyper-V enlightenment flags QEMU accepts under TCG (they add no Hyper-V leaves under TCG)
xen-pv-dom0|xen-pv|qemu64|pc|1|Xen 4.17 PV dom0 under QEMU TCG
xen-pvh-dom0|xen-pvh|qemu64,+svm,+npt|q35|1|Xen 4.17 PVH dom0 under QEMU TCG (Q35 + AMD IOMMU)
qemu-kvm-qemu64|cpuid-kernel|qemu64|pc|1|QEMU with -accel kvm (kvm_pvm here), qemu64; CPUID from the multiboot kernel tests/guests/cpuid-mb.c (Linux does not boot under -accel kvm here)|kvm
qemu-kvm-qemu64-kvmoff|cpuid-kernel|qemu64,kvm=off|pc|1|QEMU with -accel kvm, qemu64,kvm=off (KVM signature hidden, hypervisor bit still set); CPUID from tests/guests/cpuid-mb.c|kvm
qemu-kvm-hv-relaxed|cpuid-kernel|qemu64,hv-relaxed,hv-frequencies,hv-tlbflush,hv-ipi,hv-runtime,hv-crash,hv-reset|pc|1|QEMU -accel kvm with the Hyper-V flags QEMU accepts here: no Hyper-V leaves appear (kvm_pvm offers no KVM_CAP_HYPERV); CPUID from tests/guests/cpuid-mb.c|kvm
'

list_cases() { echo "$CASES" | sed '/^$/d'; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'; }

want=()
while [ $# -gt 0 ]; do
	case "$1" in
	--list) list_cases | cut -d'|' -f1,6 | tr '|' '\t'; exit 0 ;;
	--dest) dest=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "$me: unknown option '$1'" >&2; exit 2 ;;
	all) want=($(list_cases | cut -d'|' -f1)); shift ;;
	*) list_cases | cut -d'|' -f1 | grep -qx "$1" || { echo "$me: unknown case '$1' (see --list)" >&2; exit 2; }
	   want+=("$1"); shift ;;
	esac
done
[ "${#want[@]}" -gt 0 ] || want=($(list_cases | cut -d'|' -f1))

# The commands run in every guest. Their order is their N in the output.
CMDS=(
	'cpuid -r -1'                        # 1
	'hvscope-static cpuid --dump'        # 2
	'systemd-detect-virt'                # 3
	'systemd-detect-virt --vm'           # 4
	'hvs-snapshot'                       # 5
	'hvscope-static probe'               # 6
	'hvscope-static detect'              # 7
	'hvscope-static version'             # 8
	'hvscope-static cpuid --dump --xen'  # 9 (Xen PV only: forced emulation)
	'hvscope-static probe --json'        # 10
)

qemu_ver=$(qemu-system-x86_64 --version 2>/dev/null | head -n 1 || echo "qemu-system-x86_64 missing")
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
kpkg=$(dpkg-query -W -f='${Package} ${Version}' "linux-image-$(basename "$kernel" | sed 's/^vmlinuz-//')" 2>/dev/null || echo unknown)
xpkg=$(dpkg-query -W -f='${Package} ${Version}' xen-hypervisor-4.17-amd64 2>/dev/null || echo unknown)
sdv=$(systemd-detect-virt --version 2>/dev/null | head -n 1 || echo unknown)
cpuidv=$(dpkg-query -W -f='${Package} ${Version}' cpuid 2>/dev/null || echo unknown)

failed=0
for c in "${want[@]}"; do
	IFS='|' read -r name mode cpu machine smp what accel < <(list_cases | grep "^$c|")
	accel=${accel:-tcg}
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvs-capture.XXXXXX")
	args=(--mode "$mode" --accel "$accel" --cpu "$cpu" --machine "$machine" --smp "$smp" --out "$tmp")
	[ "$mode" = cpuid-kernel ] || args+=(--peers)
	echo "$me: $name: booting ($mode, -cpu $cpu, -machine $machine, -smp $smp)" >&2
	set +e
	"$here/scripts/boot-guest.sh" "${args[@]}" -- "${CMDS[@]}"
	rc=$?
	set -e
	if [ "$rc" = 6 ]; then rm -rf "$tmp"; exit 6; fi
	if [ "$rc" != 0 ]; then
		echo "$me: $name: boot failed (exit $rc), case left as it was" >&2
		failed=1; rm -rf "$tmp"; continue
	fi
	d=$dest/$name
	if [ "$mode" = cpuid-kernel ]; then
		mkdir -p "$d"
		find "$d" -mindepth 1 -maxdepth 1 ! -name expect -exec rm -rf {} +
		cp "$tmp/1.out" "$d/cpuid-mb.txt"
		boot_cmd=$(sed "s|$tmp|OUT|g; s|$here/|REPO/|g; s|hvs.nonce=[0-9a-f]*|hvs.nonce=NONCE|" "$tmp/qemu.cmdline")
		cat > "$d/README.md" <<EOF
# $name

$what.

Captured $(date -u +%Y-%m-%dT%H:%MZ) by \`scripts/capture-corpus.sh $name\` on a
KVM guest (Firecracker, AMD EPYC host; /dev/kvm is kvm_pvm) with:

- $qemu_ver, \`-accel $accel -cpu $cpu -machine $machine -smp $smp\`
- guest: build/guests/cpuid-mb.elf (tests/guests/cpuid-mb.c, multiboot),
  which prints its CPUID leaves in \`cpuid -r -1\` format (cpuid-mb.txt) and
  exits through isa-debug-exit. No Linux, so no evidence tree and no
  systemd-detect-virt answer.

Boot command (\`scripts/boot-guest.sh ${args[*]/$tmp/OUT}\`):

\`\`\`
$boot_cmd
\`\`\`

Boot to last marker: $(cat "$tmp/boot.seconds") s.
EOF
		rm -rf "$tmp"
		echo "$me: $name: stored in ${d#$here/}" >&2
		continue
	fi
	# everything but the hand-written expectations is replaced
	mkdir -p "$d"
	find "$d" -mindepth 1 -maxdepth 1 ! -name expect -exec rm -rf {} +
	[ "$(cat "$tmp/1.rc")" = 0 ] && cp "$tmp/1.out" "$d/cpuid-r.txt"
	[ "$(cat "$tmp/2.rc")" = 0 ] && cp "$tmp/2.out" "$d/hvscope-cpuid.dump"
	[ "$(cat "$tmp/9.rc")" = 0 ] && cp "$tmp/9.out" "$d/hvscope-cpuid-xen.dump"
	[ "$(cat "$tmp/10.rc")" = 0 ] && cp "$tmp/10.out" "$d/hvscope-probe.json"
	{
		echo "\$ systemd-detect-virt"; cat "$tmp/3.out"; echo "exit $(cat "$tmp/3.rc")"
		echo "\$ systemd-detect-virt --vm"; cat "$tmp/4.out"; echo "exit $(cat "$tmp/4.rc")"
	} > "$d/systemd-detect-virt.txt"
	if [ "$(cat "$tmp/5.rc")" = 0 ]; then
		mkdir -p "$d/root"
		base64 -d < "$tmp/5.out" | tar xzf - -C "$d/root" --no-same-owner
	fi
	for k in 6:probe 7:detect; do
		n=${k%%:*} w=${k#*:}
		# an hvscope without the command answers with a usage error (2)
		if [ "$(cat "$tmp/$n.rc")" != 2 ]; then
			{ cat "$tmp/$n.out"; echo "exit $(cat "$tmp/$n.rc")"; } > "$d/hvscope-$w.txt"
		fi
	done
	boot_cmd=$(sed "s|$tmp|OUT|g; s|$here/|REPO/|g; s|hvs.nonce=[0-9a-f]*|hvs.nonce=NONCE|; s|hvs.cmds=[A-Za-z0-9+/=]*|hvs.cmds=BASE64|" "$tmp/qemu.cmdline")
	cat > "$d/README.md" <<EOF
# $name

$what.

Captured $(date -u +%Y-%m-%dT%H:%MZ) by \`scripts/capture-corpus.sh $name\` on a
KVM guest (Firecracker, AMD EPYC host) with:

- $qemu_ver, \`-accel tcg -cpu $cpu -machine $machine -smp $smp\`
- guest kernel: $kpkg ($(basename "$kernel"))$([ "$mode" = linux ] || printf '\n%s' "- hypervisor: $xpkg (xen-4.17-amd64.gz, gunzip'd), $mode dom0")
- initramfs from \`scripts/mkinitramfs.sh --peers\`: busybox-static, hvscope-static
  ($(head -n 1 "$tmp/8.out")), $cpuidv, $sdv

Boot command (\`scripts/boot-guest.sh ${args[*]/$tmp/OUT}\`):

\`\`\`
$boot_cmd
\`\`\`

Commands run in the guest, in order (output between console markers):
$(for i in "${!CMDS[@]}"; do echo "$((i + 1)). \`${CMDS[$i]}\` -> exit $(cat "$tmp/$((i + 1)).rc")"; done)

systemd-detect-virt in the guest said: \`$(head -n 1 "$tmp/3.out" || true)\` (exit $(cat "$tmp/3.rc")).
Boot to last marker: $(cat "$tmp/boot.seconds") s.
EOF
	rm -rf "$tmp"
	echo "$me: $name: stored in ${d#$here/}" >&2
done
exit $failed
