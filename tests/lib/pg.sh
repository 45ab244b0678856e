# SPDX-License-Identifier: GPL-2.0-or-later
# pg.sh - sourced by tests and benchmarks: a throwaway PostgreSQL server
# (Debian's postgresql package) in a temp dir, listening only on a Unix
# socket in that dir, removed by pg_stop.
#
#   pg_start        sets PGDIR (data + socket), PGCONN (a libpq conninfo
#                   for database hvs, user hvs: what `hvscope --db` takes)
#                   and PSQL (psql with that connection, -X -A -t -q)
#   pg_stop         stops the server (fast shutdown), removes PGDIR
#
# initdb refuses to run as root, and CI runs as root: then the server runs
# as `nobody` (setpriv drops uid, gid and supplementary groups) in a dir
# chowned to it. The clients (hvscope, psql) stay the caller's user; the
# socket is world-connectable, the cluster trusts local connections (it
# lives for one test). PG_OPTS adds server settings (-c name=value ...).
# The caller declares the package: need postgresql /usr/lib/postgresql/*/bin/initdb cmd:psql

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

pg_as() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	local bin
	bin=$(pg_bin)
	PGDIR=$(mktemp -d /tmp/hvs-pg.XXXXXX)
	chmod 755 "$PGDIR"
	[ "$(id -u)" = 0 ] && chown nobody:nogroup "$PGDIR"
	pg_as "$bin/initdb" -D "$PGDIR/data" -U hvs --auth=trust -E UTF8 --no-locale \
		>"$PGDIR/initdb.log" 2>&1 || { cat "$PGDIR/initdb.log" >&2; return 1; }
	# shellcheck disable=SC2086 # PG_OPTS is a list of -c options
	pg_as "$bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $PGDIR -c max_connections=60 ${PG_OPTS:-}" \
		start >/dev/null || { cat "$PGDIR/server.log" >&2; return 1; }
	PGCONN="host=$PGDIR dbname=hvs user=hvs"
	PSQL="psql -X -A -t -q -v ON_ERROR_STOP=1 -h $PGDIR -U hvs -d hvs"
	psql -X -q -h "$PGDIR" -U hvs -d postgres -c 'CREATE DATABASE hvs' >/dev/null
}

pg_stop() {
	[ -n "${PGDIR:-}" ] && [ -d "$PGDIR" ] || return 0
	pg_as "$(pg_bin)/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1
	rm -rf "$PGDIR"
	PGDIR=
}
