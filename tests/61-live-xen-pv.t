#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 61-live-xen-pv.t - Xen 4.17 under QEMU TCG (-cpu qemu64) with a PV dom0
# running hvscope-static: the verdict must be `Xen PV dom0` although plain
# CPUID in a PV guest shows QEMU's TCG signature. In make check because it
# boots in ~10-20 s here (docs/PERFORMANCE.md, "Guest boots").
. "$(dirname "$0")/lib/guest.sh"
. "$(dirname "$0")/lib/xen-dom0.sh"
xen_dom0_test PV
