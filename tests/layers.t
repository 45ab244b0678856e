#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# layers.t - the folders' floors (harness/README.md): every quoted #include
# names the folder of the header ("core/stats.h", "probes/cpu.h") unless
# the header sits beside the including file, and no file includes a floor
# above its own. Then the check itself is checked: a planted upward include
# (core including the CLI) and a bare include across folders must fail it.
SRC=${HVS_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
exec python3 - "$SRC" <<'PY'
import glob, os, re, sys, tempfile, shutil

src = sys.argv[1]
# floor of each folder, lowest first; equal floors may include each other
RANK = {
    "harness/core": 0,
    "probes": 1,
    "microbench": 2, "microbench/ring0": 2, "workloads": 2,
    "harness/results": 3,
    "harness/run": 4, "harness/vmm": 4,
    "harness/analysis": 5,
    "reports": 6,
    "harness/guest": 7,
    "harness/cli": 8,
}
GENERATED = {"version.h", "suites_conf.h"}
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of_include(name):
    """The folder a qualified include names, or None."""
    for f in sorted(RANK, key=len, reverse=True):
        short = f[len("harness/"):] if f.startswith("harness/") else f
        if name.startswith(short + "/") and "/" not in name[len(short) + 1:]:
            return f
    return None


def check(root):
    """Return a list of violations under root."""
    bad = []
    for folder in RANK:
        for path in sorted(glob.glob(os.path.join(root, folder, "*.[ch]"))):
            rel = os.path.relpath(path, root)
            for m in INC.finditer(open(path, encoding="utf-8", errors="replace").read()):
                name = m.group(1)
                if "/" not in name:
                    if name in GENERATED or os.path.exists(os.path.join(root, folder, name)):
                        continue
                    bad.append("%s: bare \"%s\" is not beside it: name its folder" % (rel, name))
                    continue
                target = folder_of_include(name)
                if target is None or not os.path.exists(os.path.join(root, target, os.path.basename(name))):
                    bad.append("%s: \"%s\" names no header of a known folder" % (rel, name))
                elif RANK[target] > RANK[folder]:
                    bad.append("%s: includes \"%s\" from %s, a floor above %s" % (rel, name, target, folder))
    return bad


n = failed = 0
def ok(cond, what, detail=()):
    global n, failed
    n += 1
    failed += not cond
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond:
        for d in detail:
            sys.stderr.write("#   %s\n" % d)
    return cond

files = sum(len(glob.glob(os.path.join(src, f, "*.[ch]"))) for f in RANK)
bad = check(src)
ok(not bad, "%d files: every include names its folder and none reaches up" % files, bad)
ok(all(os.path.isdir(os.path.join(src, f)) for f in RANK), "every floor exists")
stray = [p for p in glob.glob(os.path.join(src, "harness", "*.[ch]"))]
ok(not stray, "no C file left on harness/'s top (it has floors only)", stray)

# the check catches what it should: plant in a copy
tmp = tempfile.mkdtemp()
try:
    for f in RANK:
        os.makedirs(os.path.join(tmp, f), exist_ok=True)
        for p in glob.glob(os.path.join(src, f, "*.[ch]")):
            shutil.copy(p, os.path.join(tmp, f))
    util = os.path.join(tmp, "harness/core/util.c")
    orig = open(util).read()
    open(util, "w").write('#include "cli/commands.h"\n' + orig)
    ok(any("floor above" in b for b in check(tmp)), "a planted upward include (core -> cli) fails the check")
    open(util, "w").write('#include "result.h"\n' + orig)
    ok(any("bare" in b for b in check(tmp)), "a planted bare include across folders fails the check")
    open(util, "w").write(orig)
    ok(not check(tmp), "... and the copy without them passes")
finally:
    shutil.rmtree(tmp)
print("1..%d" % n)
sys.exit(1 if failed else 0)
PY
