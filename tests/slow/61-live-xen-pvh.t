#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 61-live-xen-pvh.t - Xen 4.17 under QEMU TCG (Q35, AMD IOMMU,
# -cpu qemu64,+svm,+npt) with a PVH dom0 running hvscope-static: CPUID traps
# to Xen there, /sys/hypervisor/guest_type says PVH; the verdict must be
# `Xen PVH dom0` on QEMU TCG.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/xen-dom0.sh"
xen_dom0_test PVH
