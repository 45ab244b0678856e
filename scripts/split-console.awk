# SPDX-License-Identifier: GPL-2.0-or-later
# split-console.awk - a guest's console split at the HVS:<nonce>: markers that
# mkinitramfs.sh's /init prints into one file per command: DIR/N.cmd, N.out,
# N.err, N.rc. Used by boot-guest.sh (L1 and L2 consoles) and xen-domu.sh.
#   awk -v n="HVS:$nonce:" -v dir="$out" [-v xen=1] -f scripts/split-console.awk CONSOLE
# xen=1 drops Xen's own "(XEN)" lines from the outputs.
function mark(s) { p = index($0, n); if (p == 0) return 0; rest = substr($0, p + length(n)); return index(rest, s) == 1 }
mark("BEGIN:") { split(rest, a, ":"); i = a[2]; cmd = substr(rest, length("BEGIN:" i ":") + 1)
	printf "%s\n", cmd > (dir "/" i ".cmd"); close(dir "/" i ".cmd")
	f = dir "/" i ".out"; printf "" > f; next }
mark("STDERR:") { close(f); f = dir "/" i ".err"; printf "" > f; next }
mark("END:") { close(f); split(rest, a, "rc="); print a[2] > (dir "/" i ".rc"); close(dir "/" i ".rc"); f = ""; next }
f != "" { if (xen && $0 ~ /^\(XEN\)/) next; print > f }
