#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# install-deps.sh - install every Debian package hvscope needs to build,
# test (including the QEMU/Xen guest tests) and draw reports. Run as root on
# Debian 12. Idempotent: packages already installed are not fetched again.
#
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --list   print the packages, one a line (no root)
#
# Every package a test needs is named here explicitly: apt-get runs with
# --no-install-recommends, so a package that arrives only as a Recommends
# elsewhere (xen-utils-4.17 beside the hypervisor) never arrives on a new
# machine. tests/prereqs.t checks every need/have line of tests/ against
# this list, and that the package named owns the file the test checks.
set -euo pipefail

PKGS=(
	# build
	build-essential pkg-config git
	# bin/hvscope-static links musl: glibc's static start-up runs ~80 CPUIDs,
	# each a VM exit in a guest (Makefile, harness/core/libc_compat.c)
	musl-tools
	libcpuid-dev libjansson-dev libsqlite3-dev libhwloc-dev libpapi-dev
	# the PostgreSQL history of a fleet (harness/results/history_pg.c)
	libpq-dev
	# test
	perl python3 python3-jsonschema clang libclang-rt-14-dev jq man-db time
	util-linux procps
	# a real slowdown for tests/rounds.t: a side run under ptrace
	strace
	# peers we measure ourselves against
	systemd virt-what cpuid hyperfine
	# counters and topology tools
	papi-tools hwloc linux-perf
	# guests: QEMU, a Linux kernel to boot, Xen, an initramfs toolbox
	qemu-system-x86 qemu-utils linux-image-amd64 busybox-static cpio gzip
	xen-hypervisor-4.17-amd64
	# the Xen toolstack (xl, xenstored, xenconsoled) that a PV dom0 runs to
	# create domUs (scripts/xen-domu.sh, tests/slow/xen-domu.t)
	xen-utils-4.17
	# guest matrix: ssh targets (client), and a throwaway local sshd in tests
	openssh-client openssh-server
	# bootable image (ISO, BIOS and UEFI)
	grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools ovmf
	# fleet: a throwaway PostgreSQL server in tests and benchmarks
	# (tests/lib/pg.sh), Ansible to fan the nightly out (scripts/fleet/)
	postgresql postgresql-client-common ansible-core
	# reports
	gnuplot-nox sqlite3 poppler-utils
	# report tests: the page in a headless browser (~8 s to install), the
	# LaTeX tables compiled (booktabs: -recommended, siunitx: -science;
	# ~200 MB, ~30 s, far less than texlive-latex-extra)
	chromium texlive-latex-base texlive-binaries texlive-latex-recommended texlive-science
	# scripts/bench-report.sh
	time bc
	# the Debian package (debian/, make deb, tests/slow/deb.t): build and check it
	debhelper dpkg-dev lintian
)

case "${1:-}" in
--list) printf '%s\n' "${PKGS[@]}" | sort -u; exit 0 ;;
-h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'; exit 0 ;;
"") ;;
*) echo "install-deps.sh: unknown option '$1' (--list, --help)" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root (it calls apt-get)" >&2
	exit 7
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-deps.sh: all ${#PKGS[@]} packages present"
	exit 0
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps.sh: done"
