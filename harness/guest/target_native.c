/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target_native.c - the native target: this hvscope re-executed on the host
 * for each job, under the target's watchdog, its outputs straight into DIR;
 * with net = yes the host-side client against a local echo process (the
 * native reference of the guests' network numbers).
 */
#include "guest_int.h"
#include "core/hvscope.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int guest_run_native(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, const struct jobs *j,
		     double deadline, struct merged *mg, struct hvs_gresult *r)
{
	int rcs[HVS_GT_MAX_CMDS + 2] = { 0 };

	for (int i = 0; i < j->n; i++) {
		char buf[sizeof(j->v[i].args)], *argv[64], out[1024], errp[1024], suf[32], table[1100];
		double left = deadline - guest_now_s();
		int rc, nw;

		hvs_strlcpy(buf, j->v[i].args, sizeof(buf));
		argv[0] = (char *)o->self;
		nw = guest_split_words(buf, argv + 1, 63);
		snprintf(out, sizeof(out), "%s/%s.%s", o->out_dir, t->name,
			 guest_job_suffix(&j->v[i], i, suf, sizeof(suf)));
		snprintf(errp, sizeof(errp), "%s/%s.%d.err", o->out_dir, t->name, i + 1);
		if (j->v[i].type == JOB_KVM) {
			/* the result to its file, the table beside it */
			for (int w = 2; w <= nw; w++)
				if (!strcmp(argv[w], "-") && !strcmp(argv[w - 1], "--out"))
					argv[w] = out;
			snprintf(table, sizeof(table), "%s/%s.%d.kvm.txt", o->out_dir, t->name, i + 1);
		}
		if (left < 1) {
			guest_fail(r, HVS_TIMEOUT, "watchdog: %u s used up before 'hvscope %.200s'", t->timeout_s,
				   j->v[i].args);
			return 0;
		}
		rc = hvs_guest_spawn(argv, j->v[i].type == JOB_KVM ? table : out, errp, (unsigned)left + 1, NULL);
		if (rc == -ETIME) {
			guest_fail(r, HVS_TIMEOUT, "watchdog (%u s): 'hvscope %.200s' killed", t->timeout_s,
				   j->v[i].args);
			guest_last_line(errp, r->tail, sizeof(r->tail));
			return 0;
		}
		rcs[i] = rc;
		if (rc)
			guest_last_line(errp, r->tail, sizeof(r->tail));
	}
	guest_collect(t, o, j, rcs, mg, r);
	if (t->net)
		hvs_guest_net_rr(NULL, "TCP request/response, 64 bytes each way, to an echo process on "
				       "127.0.0.1 (native reference)", &mg->extra);
	return 0;
}
