/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target_image.c - the image target: the ring-0 image through
 * scripts/run-image.sh, its JSON lines summarised by `hvscope kvm --serial`
 * into DIR/NAME.json (tagged target=NAME, label=NAME, kind=image) and
 * DIR/NAME.image.txt. The image runs no jobs: it is its own benchmark list.
 */
#include "guest_int.h"
#include "core/hvscope.h"
#include "results/result.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int guest_run_image(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, double deadline,
		    struct hvs_gresult *r)
{
	char script[1024], jsonl[1024], txt[1024], errp[1024], env[1100], res[1024];
	char *argv[16];
	int a = 0, rc;

	snprintf(script, sizeof(script), "%s/scripts/run-image.sh", o->src);
	snprintf(jsonl, sizeof(jsonl), "%s/%s.image.jsonl", o->out_dir, t->name);
	snprintf(txt, sizeof(txt), "%s/%s.image.txt", o->out_dir, t->name);
	snprintf(errp, sizeof(errp), "%s/%s.image.log", o->out_dir, t->name);
	snprintf(env, sizeof(env), "HVSCOPE=%s", o->self);
	if (access(script, X_OK)) {
		guest_fail(r, HVS_SKIP, "%s not found (set HVS_SRC to the source tree)", script);
		return 0;
	}
	argv[a++] = script;
	argv[a++] = "--accel";
	argv[a++] = (char *)t->accel;
	argv[a++] = "--out";
	argv[a++] = jsonl;
	argv[a++] = "--quiet";
	if (t->image_append[0]) {
		argv[a++] = "--append";
		argv[a++] = (char *)t->image_append;
	}
	argv[a] = NULL;
	rc = hvs_guest_spawn(argv, NULL, errp, (unsigned)(deadline - guest_now_s()) + 1, env);
	if (rc && rc != SCRIPT_EX_TIMEOUT) {
		char why[sizeof(r->reason)];

		guest_last_line(errp, why, sizeof(why));
		guest_fail(r, rc == SCRIPT_EX_NODEV ? HVS_SKIP : rc == -ETIME ? HVS_TIMEOUT : HVS_FAILED,
			   "run-image.sh exit %d: %.400s", rc, why);
		return 0;
	}
	if (rc == SCRIPT_EX_TIMEOUT)
		guest_fail(r, HVS_TIMEOUT, "run-image.sh: some ring-0 benchmarks hung (recorded as timeout)");
	/* the JSON lines become a result file (ring0's `kvm --serial ... --out`) */
	{
		char tags[200], *kargv[12];
		int k = 0, krc;

		snprintf(res, sizeof(res), "%s/%s.json", o->out_dir, t->name);
		snprintf(tags, sizeof(tags), "target=%s,label=%s,kind=image", t->name, t->name);
		kargv[k++] = (char *)o->self;
		kargv[k++] = "kvm";
		kargv[k++] = "--serial";
		kargv[k++] = jsonl;
		kargv[k++] = "--tsc-khz";
		kargv[k++] = "host";
		kargv[k++] = "--out";
		kargv[k++] = res;
		kargv[k++] = "--tag";
		kargv[k++] = tags;
		kargv[k] = NULL;
		krc = hvs_guest_spawn(kargv, txt, errp, 60, NULL);
		if (krc && krc != SCRIPT_EX_TIMEOUT && krc != SCRIPT_EX_FAIL)
			guest_fail(r, HVS_FAILED, "hvscope kvm --serial %s: exit %d", jsonl, krc);
		if (!access(res, R_OK)) {
			struct hvs_result *rr = NULL;
			char err[200];

			if (!hvs_result_read(res, &rr, err, sizeof(err))) {
				hvs_strlcpy(r->result_path, res, sizeof(r->result_path));
				r->nmetrics = (int)rr->set.n;
			}
			hvs_result_free(rr);
		}
	}
	return 0;
}
