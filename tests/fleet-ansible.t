#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fleet-ansible.t - scripts/fleet/nightly.yml against 3 throwaway OpenSSH
# servers on 127.0.0.1 (distinct ports and host keys, started as in
# guest-ssh.t) and a throwaway PostgreSQL (tests/lib/pg.sh): hvscope-static
# is copied to each "host", a quick run made there with the host's tags, the
# results fetched, ingested into PostgreSQL and regress run per host; a
# second night with one host unreachable fails the play and the others
# still land. Needs root (sshd switches users). 38 s wall here at load ~6, 60-80 s at a load
# of 10-14 on 2 vCPUs, 10 s of CPU.
. "$(dirname "$0")/lib/guest.sh"

need openssh-server /usr/sbin/sshd
need openssh-client cmd:ssh
need ansible-core cmd:ansible-playbook
need postgresql /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl
need postgresql-client-common cmd:psql
[ "$(id -u)" = 0 ] || skip_all "sshd needs root to run"
[ -x "$HVSCOPE_STATIC" ] || skip_all "$HVSCOPE_STATIC not built"
"$HVSCOPE" version | grep -q 'libpq=1' || skip_all "hvscope built without libpq (libpq-dev)"
. "$HVS_SRC/tests/lib/pg.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-tfleet.XXXXXX")
spids=()
cleanup() { for p in "${spids[@]}"; do kill "$p" 2>/dev/null; done; pg_stop; rm -rf "$T"; }
trap cleanup EXIT
mkdir -p /run/sshd "$T/home"
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
cp "$T/id.pub" "$T/authorized_keys"
declare -A port
for h in node1 node2 node3; do
	mkdir -p "$T/$h"
	ssh-keygen -q -t ed25519 -N '' -f "$T/$h/hostkey"
	port[$h]=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	cat > "$T/$h/sshd_config" <<CONF
Port ${port[$h]}
ListenAddress 127.0.0.1
HostKey $T/$h/hostkey
AuthorizedKeysFile $T/authorized_keys
PidFile $T/$h/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
	/usr/sbin/sshd -D -e -f "$T/$h/sshd_config" 2> "$T/$h/sshd.log" &
	spids+=($!)
done
SSHOPT="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
for h in node1 node2 node3; do
	for _ in $(seq 1 50); do
		# shellcheck disable=SC2086
		ssh -q -p "${port[$h]}" -i "$T/id" -o BatchMode=yes $SSHOPT "$(id -un)@127.0.0.1" true 2>/dev/null && break
		sleep 0.1
	done
done
pg_start || { echo "Bail out! PostgreSQL did not start"; exit 1; }

cat > "$T/inventory.ini" <<INV
[hvscope_fleet]
node1 ansible_port=${port[node1]} hvscope_tags=config=default,cpu=a
node2 ansible_port=${port[node2]} hvscope_tags=config=default,cpu=a
node3 ansible_port=${port[node3]} hvscope_tags=config=other,cpu=b

[hvscope_fleet:vars]
ansible_host=127.0.0.1
ansible_user=$(id -un)
ansible_ssh_private_key_file=$T/id
ansible_ssh_common_args=$SSHOPT
ansible_python_interpreter=/usr/bin/python3
hvscope_remote_dir=$T/remote/{{ inventory_hostname }}
hvscope_results_dir=$T/results
hvscope_static=$HVSCOPE_STATIC
hvscope_run_args=--bench syscall.getppid --processes 1 --samples 5 --no-checks
hvscope_poll=1

[all:vars]
hvscope_controller_bin=$HVSCOPE
hvscope_db=$PGCONN
INV
export ANSIBLE_LOCAL_TEMP=$T/ansible-local ANSIBLE_REMOTE_TMP=$T/ansible-remote \
	ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=False \
	ANSIBLE_INVENTORY_UNPARSED_WARNING=False ANSIBLE_LOCALHOST_WARNING=False \
	ANSIBLE_SSH_CONTROL_PATH_DIR=$T/cp ANSIBLE_PIPELINING=True
play() {
	local t0=$SECONDS rc
	# HOME: ansible keeps ~/.ansible; ssh reads ~/.ssh from the passwd entry, not HOME
	HOME=$T/home ansible-playbook -i "$T/inventory.ini" "$HVS_SRC/scripts/fleet/nightly.yml" "$@"
	rc=$?
	echo "# play: $((SECONDS - t0)) s" >&2
	return $rc
}
pgq() { $PSQL -c "$1"; }

play > "$T/play1" 2>&1
rc=$?
is "$rc" 0 "night 1: the playbook ran on 3 hosts"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/play1" | tail -40
is "$(ls "$T"/results/*/*.json | wc -l)" 3 "3 result files fetched, one dir per host"
is "$(pgq "select string_agg(value, ',' order by value) from tags where key = 'fleet_host'")" \
	"node1,node2,node3" "3 runs in PostgreSQL, tagged fleet_host per host"
is "$(pgq "select string_agg(t.value || ':' || c.value, ',' order by t.value) from tags t join tags c on c.run_id = t.run_id and c.key = 'cpu' where t.key = 'fleet_host'")" \
	"node1:a,node2:a,node3:b" "... with each host's own tags"
is "$(pgq "select count(*) from metrics m join runs r on r.id = m.run_id where m.name = 'syscall.getppid'")" 3 \
	"... each with its metric"
like "$(cat "$T/play1")" "node3: exit 0" "regress ran per host"
is "$(ls -A "$T/remote" 2>/dev/null)" "" "scratch dirs removed from the hosts"

# Night 2 with node3 unreachable (a closed port; killing its sshd would
# not stop Ansible's persistent ssh connection).
sed -i "s/^node3 ansible_port=[0-9]*/node3 ansible_port=1/" "$T/inventory.ini"
play > "$T/play2" 2>&1
rc=$?
is "$rc" 4 "night 2 with node3 unreachable: the play fails (ansible-playbook: 4)"
like "$(cat "$T/play2")" "no result from: \\['node3'\\]" "... naming node3"
is "$(pgq "select count(*) from runs")" 5 "... node1 and node2 still land: 5 runs after two nights"
is "$(pgq "select count(*) from runs r join tags t on t.run_id = r.id and t.key = 'fleet_host' where t.value = 'node2'")" 2 \
	"... 2 of them node2's"
"$HVSCOPE" regress --db "$PGCONN" --context fleet_host=node1,config > "$T/r1"
like "$(head -1 "$T/r1")" "2 runs of its context" "regress --context fleet_host=node1: node1's 2 nights only"
done_testing
