#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kvm-paging-modes.t - shadow paging against nested paging on a real KVM:
# scripts/matrix-kvm-paging.conf boots Linux with kvm_amd on QEMU TCG's
# emulated SVM+NPT twice (kind kvm-amd, paging = npt and paging = shadow)
# and runs the ring-0 suite (`hvscope kvm --quick`) in hvscope's VMM on the
# guest's /dev/kvm. Asserted: the exit counts that define the two modes
# (pf.ptemod: no exit under NPT, >= 1 under shadow paging; pf.first_touch:
# one nested page fault per op under NPT, a share of one under shadow
# paging, where KVM prefaults), the KVM hypercall rows run (KVM's signature
# and feature leaves presented by the VMM), and every row's verdict: pass
# with a plausible number, or skip / inconclusive with a reason; never a
# failure or a timeout. ~30 s on the CI machine (two boots).
. "$(dirname "$0")/../lib/guest.sh"
guest_prereqs

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-tkpm.XXXXXX")
trap 'rm -rf "$T"' EXIT
HVS_FAIL_DIR=$T/out HVS_FAIL_ERR=$T/stderr
t0=$(date +%s)
"$HVSCOPE" guest --matrix "$HVS_SRC/scripts/matrix-kvm-paging.conf" --out "$T/out" > "$T/stdout" 2> "$T/stderr"
rc=$?
diag "two kvm-amd boots: $(( $(date +%s) - t0 )) s"
is "$rc" 0 "the kvm-amd matrix ran (both targets)"
for t in kvm-npt kvm-shadow; do
	python3 "$HVS_SRC/tests/lib/validate.py" "$T/out/$t.json" > "$T/v" 2>&1
	ok $? "$t: result validates"; sed 's/^/#   /' "$T/v"
done

# One line per check, "ok <what>" or "not <what>", from the two results.
python3 - "$T/out/kvm-npt.json" "$T/out/kvm-shadow.json" > "$T/checks" 2>&1 <<'PY'
import json, math, sys

def load(p):
    d = json.load(open(p))
    return d, {m["name"]: m for m in d["metrics"]}

def say(cond, what):
    print(("ok " if cond else "not ") + what)

(dn, n), (ds, s) = load(sys.argv[1]), load(sys.argv[2])
say(dn["run"]["tags"].get("paging") == "npt" and ds["run"]["tags"].get("paging") == "shadow",
    "results tagged paging=npt / paging=shadow")
def x(m, k):
    return m.get("extra", {}).get(k, float("nan"))
pn, ps = n["kvm.pf.ptemod"], s["kvm.pf.ptemod"]
say(pn["outcome"] == "pass" and x(pn, "exits_per_op") < 0.05,
    "NPT: pf.ptemod takes no exit (%.4f exits/op)" % x(pn, "exits_per_op"))
say(ps["outcome"] == "pass" and x(ps, "exits_per_op") >= 1,
    "shadow: pf.ptemod takes >= 1 exit (%.3f exits/op)" % x(ps, "exits_per_op"))
fn, fs = n["kvm.pf.first_touch"], s["kvm.pf.first_touch"]
say(fn["outcome"] == "pass" and 0.9 <= x(fn, "exits_per_op") <= 1.2 and x(fn, "pf_taken_per_op") >= 0.9,
    "NPT: pf.first_touch is one nested page fault exit per op (%.3f exits, %.3f faults/op)"
    % (x(fn, "exits_per_op"), x(fn, "pf_taken_per_op")))
say(fs["outcome"] == "pass" and 0 < x(fs, "exits_per_op") < 0.9,
    "shadow: pf.first_touch exits for a share of the pages only (KVM prefaults; %.3f exits/op)"
    % x(fs, "exits_per_op"))
for name, d in (("NPT", n), ("shadow", s)):
    for hc in ("kvm.hypercall.vapic_poll", "kvm.hypercall.unknown"):
        m = d[hc]
        say(m["outcome"] == "pass" and x(m, "hypercalls_per_op") >= 0.99,
            "%s: %s runs (%s, %.3f hypercalls/op)" % (name, hc, m["outcome"], x(m, "hypercalls_per_op")))
    bad = []
    for m in d.values():
        if not m["name"].startswith("kvm."):
            continue
        o, r, sm = m["outcome"], m.get("reason", ""), m.get("summary") or {}
        if o == "pass":
            if not (sm.get("median", 0) > 0 and sm.get("ci_lo", 0) > 0 and math.isfinite(sm["median"])):
                bad.append("%s pass without a plausible number" % m["name"])
        elif o in ("skip", "inconclusive"):
            if not r:
                bad.append("%s %s without a reason" % (m["name"], o))
            else:
                print("# %s %s: %s: %s" % (name, m["name"], o, r))
        else:
            bad.append("%s %s: %s" % (m["name"], o, r))
    say(not bad and len(d) >= 30, "%s: every row passes with a number or says why not (%d rows)%s"
        % (name, len(d), "; " + "; ".join(bad) if bad else ""))
# In units of the same run's CPUID exit, shadow paging's PTE write is the costlier.
rn = pn["summary"]["median"] / n["kvm.cpuid.0"]["summary"]["median"]
rs = ps["summary"]["median"] / s["kvm.cpuid.0"]["summary"]["median"]
say(rs > 1 and rn < 0.1, "pf.ptemod in CPUID exits: %.3f under NPT, %.2f under shadow paging" % (rn, rs))
PY
ok $? "the checks ran"
while IFS= read -r l; do
	case "$l" in
	"ok "*) ok 0 "${l#ok }" ;;
	"not "*) ok 1 "${l#not }" ;;
	*) echo "$l" ;;
	esac
done < "$T/checks"
like "$(cat "$T/out/kvm-npt.1.probe.json")" '"QEMU TCG' "the guest's own fingerprint: QEMU TCG"
like "$(head -n 1 "$T/out/kvm-shadow.2.err")" 'paging shadow \(kvm_amd.npt=N\)' "the table names the mode in force"
done_testing
