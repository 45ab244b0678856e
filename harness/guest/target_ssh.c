/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target_ssh.c - the ssh target: an existing machine over OpenSSH. scp
 * copies hvscope-static into its remote_dir, ssh runs each job (every word
 * quoted for the remote shell; a run's result goes to a remote file), scp
 * fetches the results back, and the copies are removed at the end. ssh and
 * scp never prompt (BatchMode) and connect within 10 s.
 */
#include "guest_int.h"
#include "core/hvscope.h"
#include "core/shquote.h"
#include "core/timing.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int guest_run_ssh(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, const struct jobs *j,
		  double deadline, struct merged *mg, struct hvs_gresult *r)
{
	char port[16], rbin[400], rdest[1024], remote[2000], errp[1024], out[1024], suf[32];
	char *base[40];
	int nb = 0, rcs[HVS_GT_MAX_CMDS + 2] = { 0 }, rc;
	unsigned id = (unsigned)(hvs_now_ns() ^ (uint64_t)getpid()) & 0xffffff;

	snprintf(port, sizeof(port), "%u", t->port ? t->port : 22);
	snprintf(rbin, sizeof(rbin), "%s/hvscope-static.%06x", t->remote_dir, id);
	snprintf(errp, sizeof(errp), "%s/%s.ssh.log", o->out_dir, t->name);
	/* common options: never prompt, bounded connect */
	base[nb++] = "-o";
	base[nb++] = "BatchMode=yes";
	base[nb++] = "-o";
	base[nb++] = "ConnectTimeout=10";
	if (t->identity[0]) {
		base[nb++] = "-i";
		base[nb++] = (char *)t->identity;
	}
	for (int i = 0; i < t->nssh_opts && nb < 36; i++) {
		base[nb++] = "-o";
		base[nb++] = (char *)t->ssh_opts[i];
	}
	{
		char *argv[50];
		int a = 0;

		argv[a++] = "scp";
		argv[a++] = "-q";
		argv[a++] = "-P";
		argv[a++] = port;
		for (int i = 0; i < nb; i++)
			argv[a++] = base[i];
		argv[a++] = (char *)o->statbin;
		snprintf(rdest, sizeof(rdest), "%s:%s", t->host, rbin);
		argv[a++] = rdest;
		argv[a] = NULL;
		rc = hvs_guest_spawn(argv, NULL, errp, (unsigned)(deadline - guest_now_s()) + 1, NULL);
		if (rc) {
			guest_last_line(errp, r->tail, sizeof(r->tail));
			guest_fail(r, rc == -ETIME ? HVS_TIMEOUT : HVS_FAILED,
				   "scp of hvscope-static to %s failed (%d): %.300s", t->host, rc, r->tail);
			return 0;
		}
	}
	for (int i = 0; i <= j->n; i++) {
		char *argv[50], rres[500];
		int a = 0;

		argv[a++] = "ssh";
		argv[a++] = "-p";
		argv[a++] = port;
		for (int k = 0; k < nb; k++)
			argv[a++] = base[k];
		argv[a++] = (char *)t->host;
		if (i == j->n) {
			/* teardown: remove what we copied; the glob stays outside the quotes */
			char pat[32];
			size_t k = 0;

			snprintf(pat, sizeof(pat), "/hvs-%06x-*.json", id);
			if (hvs_sh_raw(remote, sizeof(remote), &k, "rm -f --") ||
			    hvs_shq_append(remote, sizeof(remote), &k, rbin) ||
			    hvs_shq_append(remote, sizeof(remote), &k, t->remote_dir) ||
			    hvs_sh_raw(remote, sizeof(remote), &k, pat))
				break;
			argv[a++] = remote;
			argv[a] = NULL;
			hvs_guest_spawn(argv, NULL, NULL, 30, NULL);
			break;
		}
		snprintf(out, sizeof(out), "%s/%s.%s", o->out_dir, t->name,
			 guest_job_suffix(&j->v[i], i, suf, sizeof(suf)));
		snprintf(rres, sizeof(rres), "%s/hvs-%06x-%d.json", t->remote_dir, id, i + 1);
		/* words of the job, each quoted for the remote shell; a run's
		 * result goes to a remote file, fetched with scp */
		if (guest_job_command(j->v[i].args, NULL, rbin, JOB_RESULT(&j->v[i]) ? rres : NULL, remote,
				sizeof(remote))) {
			guest_fail(r, HVS_FAILED, "'hvscope %.200s': command line too long for %s", j->v[i].args,
				   t->host);
			continue;
		}
		argv[a++] = remote;
		argv[a] = NULL;
		snprintf(errp, sizeof(errp), "%s/%s.%d.err", o->out_dir, t->name, i + 1);
		rc = hvs_guest_spawn(argv, JOB_RESULT(&j->v[i]) ? NULL : out, errp,
				     (unsigned)(deadline - guest_now_s()) + 1, NULL);
		if (rc == -ETIME) {
			guest_fail(r, HVS_TIMEOUT, "watchdog (%u s) during 'hvscope %.200s' on %s", t->timeout_s,
				   j->v[i].args, t->host);
			continue;
		}
		rcs[i] = rc;
		if (JOB_RESULT(&j->v[i])) {
			char *sargv[50];
			int s = 0;

			sargv[s++] = "scp";
			sargv[s++] = "-q";
			sargv[s++] = "-P";
			sargv[s++] = port;
			for (int k = 0; k < nb; k++)
				sargv[s++] = base[k];
			snprintf(rdest, sizeof(rdest), "%s:%s", t->host, rres);
			sargv[s++] = rdest;
			sargv[s++] = out;
			sargv[s] = NULL;
			if (hvs_guest_spawn(sargv, NULL, NULL, 60, NULL))
				guest_fail(r, HVS_FAILED, "cannot fetch %s from %s", rres, t->host);
		}
	}
	guest_collect(t, o, j, rcs, mg, r);
	return 0;
}
