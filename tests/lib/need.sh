# SPDX-License-Identifier: GPL-2.0-or-later
# need.sh - sourced by the (bash) tests: the one way a test says what it needs from
# the machine, named by the Debian package that provides it.
#
#   need PKG CHECK...   before any TAP output: the whole test is skipped
#                       (1..0 # SKIP) unless every CHECK holds
#   have PKG CHECK...   anywhere: status 0 when every CHECK holds, else 1
#                       and the caller skips that part
#   skip_all REASON     before any TAP output, for what is not a package
#                       (root, a build product): skip, or fail where required
#
# CHECK is one of
#   cmd:NAME        a command on PATH
#   py:MODULE       a module python3 imports
#   tex:FILE        a file kpsewhich finds (a LaTeX package)
#   /PATH           a file (shell globs allowed: the newest match counts)
#
# Under HVS_REQUIRE_PREREQS=1 (or HVS_REQUIRE_GUESTS=1; .ci/run sets both)
# a missing prerequisite is a failure with its package named on stderr,
# not a skip: CI installs everything (scripts/install-deps.sh).
#
# tests/prereqs.t reads every need/have line of tests/ and checks that
# install-deps.sh installs PKG and that PKG (or a package it depends on) is
# the one that owns each CHECK; it also refuses ad-hoc `command -v` checks
# in tests, so a new prerequisite is declared where it is introduced.

hvs_require_prereqs() {
	[ "${HVS_REQUIRE_PREREQS:-0}" = 1 ] || [ "${HVS_REQUIRE_GUESTS:-0}" = 1 ]
}

# hvs_check CHECK: does this prerequisite hold here? Prints nothing.
hvs_check() {
	local c=$1 f
	case "$c" in
	cmd:*) command -v "${c#cmd:}" >/dev/null 2>&1 ;;
	py:*) python3 -c "import ${c#py:}" >/dev/null 2>&1 ;;
	tex:*) command -v kpsewhich >/dev/null 2>&1 && [ -n "$(kpsewhich "${c#tex:}" 2>/dev/null)" ] ;;
	/*)
		# shellcheck disable=SC2086 # the glob is the point
		f=$(ls -d $c 2>/dev/null | sort -V | tail -n 1)
		[ -n "$f" ] && [ -r "$f" ]
		;;
	*) echo "need.sh: bad check '$c' (cmd:, py:, tex: or /path)" >&2; return 2 ;;
	esac
}

# hvs_missing PKG CHECK...: print "PKG (what is missing)" unless all hold.
hvs_missing() {
	local pkg=$1 c miss=()
	shift
	for c in "$@"; do hvs_check "$c" || miss+=("${c#cmd:}"); done
	[ "${#miss[@]}" -eq 0 ] && return 0
	echo "$pkg not installed (${miss[*]} missing; scripts/install-deps.sh installs it)"
}

# skip_all REASON: before any TAP output, skip the whole test, or fail it
# (naming REASON on stderr) where prerequisites are required.
skip_all() {
	if hvs_require_prereqs; then
		echo "1..1"
		echo "not ok 1 - prerequisite missing on a machine that requires it: $1"
		echo "# $(basename "$0"): prerequisite missing: $1" >&2
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

need() {
	local why
	why=$(hvs_missing "$@")
	[ -z "$why" ] || skip_all "$why"
}

have() {
	local why
	why=$(hvs_missing "$@")
	[ -z "$why" ] && return 0
	if hvs_require_prereqs; then
		# exit non-zero: prove counts the test failed and runs the others
		echo "# $(basename "$0"): prerequisite missing on a machine that requires it: $why" >&2
		exit 1
	fi
	return 1
}
