#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# prereqs.t - what the tests need from the machine is what
# scripts/install-deps.sh installs. Every `need PKG CHECK...` / `have PKG
# CHECK...` line in tests/ (tests/lib/need.sh) must name a package the
# script installs, and where the CHECK is present here, PKG (or a package PKG
# depends on: apt brings those even with --no-install-recommends) must own
# the file it resolves to (dpkg -S). A prerequisite checked any other way
# (command -v, kpsewhich, a test on a system path) is refused: it would skip
# or fail without naming its package, as xl did (issue 17). Packages named in
# the scripts' "apt-get install X" hints must be in the list too.
SRC=${HVS_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
exec python3 - "$SRC" <<'PY'
import glob, os, re, shlex, shutil, subprocess, sys

src = sys.argv[1]
require = os.environ.get("HVS_REQUIRE_PREREQS") == "1" or os.environ.get("HVS_REQUIRE_GUESTS") == "1"
n = 0
failed = 0


def ok(cond, what, why=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond:
        failed += 1
        sys.stderr.write("#   Failed test %d - %s%s\n" % (n, what, ": " + why if why else ""))


def skip(what, why):
    global n
    n += 1
    print("ok %d # SKIP %s: %s" % (n, what, why))


r = subprocess.run(["bash", os.path.join(src, "scripts/install-deps.sh"), "--list"],
                   capture_output=True, text=True)
ok(r.returncode == 0 and r.stdout.strip(), "install-deps.sh --list prints the packages", r.stderr.strip())
installs = set(r.stdout.split())

files = sorted(glob.glob(os.path.join(src, "tests/*.t")) + glob.glob(os.path.join(src, "tests/slow/*.t")) +
               glob.glob(os.path.join(src, "tests/lib/*.sh")))
files = [f for f in files if os.path.basename(f) not in ("need.sh", "prereqs.t")]

DECL = re.compile(r"(?:^|[\s;&|(!])(need|have)\s+([a-z0-9][a-z0-9.+-]+)((?:\s+(?:'[^']*'|\"[^\"]*\"|[^\s;&|)]+))+)")
ADHOC = [
    (re.compile(r"\bcommand\s+-v\b"), "command -v"),
    (re.compile(r"(^|[\s;&|(])which\s"), "which"),
    (re.compile(r"\bkpsewhich\b"), "kpsewhich"),
    (re.compile(r"python3?\s+-c\s+['\"]import\s+[\w.]+['\"]"), "python3 -c 'import MODULE'"),
    (re.compile(r"\[\s+!?\s*-[xefr]\s+\"?/(usr|bin|sbin|lib|boot)/"), "a test on a system path"),
]

decls = []  # (file, line, pkg, [checks])
for f in files:
    rel = os.path.relpath(f, src)
    for i, line in enumerate(open(f, encoding="utf-8", errors="replace"), 1):
        code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        if not code.strip():
            continue
        for m in DECL.finditer(code):
            try:
                words = shlex.split(m.group(3))
            except ValueError:
                words = m.group(3).split()
            checks = []
            for w in words:
                if w in ("then", "else", "fi", "do", "done"):
                    break
                checks.append(w)
            if checks and all(re.match(r"^(cmd:|py:|tex:|/)", c) for c in checks):
                decls.append((rel, i, m.group(2), checks))
        for rx, what in ADHOC:
            if rx.search(code):
                ok(False, "%s:%d: no ad-hoc prerequisite check (%s)" % (rel, i, what),
                   "declare it with need/have PKG CHECK (tests/lib/need.sh)")

ok(len(decls) >= 20, "the tests declare their prerequisites (%d need/have lines)" % len(decls))


def resolve(check):
    """The file a CHECK stands for on this machine, or None."""
    if check.startswith("cmd:"):
        p = shutil.which(check[4:])
    elif check.startswith("py:"):
        # Debian's interpreter: the one whose modules Debian's packages hold
        # (python3 on PATH may be another, with modules of its own)
        py = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else "python3"
        r = subprocess.run([py, "-c", "import importlib.util as u, sys; "
                            "s = u.find_spec(sys.argv[1]); print(s.origin if s else '')", check[3:]],
                           capture_output=True, text=True)
        p = r.stdout.strip() or None
    elif check.startswith("tex:"):
        p = None
        if shutil.which("kpsewhich"):
            p = subprocess.run(["kpsewhich", check[4:]], capture_output=True, text=True).stdout.strip() or None
    else:
        m = sorted(glob.glob(check))
        p = m[-1] if m else None
    return p


def owners(path):
    cands = [path, os.path.realpath(path)]
    for c in list(cands):
        if c.startswith("/usr/"):
            cands.append(c[4:])
        else:
            cands.append("/usr" + c)
    got = set()
    for c in cands:
        r = subprocess.run(["dpkg-query", "-S", c], capture_output=True, text=True)
        if r.returncode == 0:
            for line in r.stdout.splitlines():
                pk, _, fpath = line.partition(": ")
                if fpath.strip() == c and not pk.startswith("diversion"):
                    got.update(x.strip().split(":")[0] for x in pk.split(","))
    return got


def depends(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}", pkg], capture_output=True, text=True)
    out = set()
    for alt in re.split(r"[,|]", r.stdout):
        w = alt.strip().split(" ")[0].split(":")[0]
        if w:
            out.add(w)
    return out


have_dpkg = shutil.which("dpkg-query") is not None
seen = set()
for rel, line, pkg, checks in decls:
    ok(pkg in installs, "%s:%d: %s is installed by scripts/install-deps.sh" % (rel, line, pkg),
       "add it to PKGS there")
    for c in checks:
        if (pkg, c) in seen:
            continue
        seen.add((pkg, c))
        what = "%s provides %s" % (pkg, c)
        path = resolve(c)
        if path is None:
            if require:
                ok(False, what, "%s is missing on a machine that requires it" % c)
            else:
                skip(what, "not present here")
            continue
        if not have_dpkg:
            skip(what, "no dpkg-query")
            continue
        own = owners(path)
        good = pkg in own or bool(own & depends(pkg))
        ok(good, "%s (%s)" % (what, path), "dpkg says %s belongs to %s" % (path, ", ".join(sorted(own)) or "no package"))

# the scripts' and tests' "apt-get install X" hints
for f in sorted(glob.glob(os.path.join(src, "scripts/*.sh")) + files):
    rel = os.path.relpath(f, src)
    if rel == "scripts/install-deps.sh":
        continue
    for i, line in enumerate(open(f, encoding="utf-8", errors="replace"), 1):
        for m in re.finditer(r"apt-get install ([a-z0-9][a-z0-9.+-]+)", line):
            ok(m.group(1) in installs, "%s:%d: the hint's package %s is in install-deps.sh" % (rel, i, m.group(1)))

print("1..%d" % n)
sys.exit(1 if failed else 0)
PY
