/*
 * cmd_guest.c - `hvscope guest --matrix FILE`: run every target of a guest
 * matrix (harness/guest/guest.h, docs/matrix.md) one after the other, each under
 * its watchdog; a target that fails is reported with its console tail and
 * the matrix goes on. Results land in one directory, optionally in the
 * history, and the overhead table against the baseline is printed.
 */
#include "commands.h"
#include "guest/guest.h"
#include "results/history.h"
#include "core/hvs_features.h"
#include "core/hvs_limits.h"
#include "core/hvscope.h"
#include "results/result.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern volatile pid_t hvs_guest_current_pgid;

static void usage(FILE *f)
{
	fputs("usage: hvscope guest --matrix FILE [--out DIR] [--db FILE] [--only NAME,...]\n"
	      "                     [--timeout S] [--baseline NAME] [--list]\n\n"
	      "Boot or reach every target of a guest matrix (native, qemu, xen, ssh, image,\n"
	      "kvm-amd, kvm-l2; format in docs/matrix.md), run hvscope inside under a watchdog,\n"
	      "bring the results home and set each guest's numbers beside the baseline's\n"
	      "(native) as a percentage with a 95% bootstrap CI. A target that fails to boot or hangs is\n"
	      "reported with the tail of its console and the matrix goes on.\n\n"
	      "  --matrix FILE   the matrix (e.g. scripts/matrix-quick.conf)\n"
	      "  --out DIR       results directory (default hvscope-matrix-YYYYMMDDTHHMMSS):\n"
	      "                  NAME.json (result, tagged target=NAME), NAME.*.probe.json,\n"
	      "                  NAME.boot/ (console.log, qemu.cmdline), summary.md/.json\n"
	      "  --db FILE       also append every target's result to this history (SQLite)\n"
	      "  --only LIST     run only these targets (comma separated)\n"
	      "  --timeout S     watchdog for every target (overrides the matrix)\n"
	      "  --baseline NAME the reference target (default: the matrix's, else the first native)\n"
	      "  --list          print the targets and exit\n\n"
	      "Environment: HVS_SRC (source tree with scripts/; default: next to the binary),\n"
	      "HVSCOPE_STATIC (the binary copied into guests; default: bin/hvscope-static).\n"
	      "Exit: 0 every target passed, 1 a target failed, timed out or was skipped,\n"
	      "2 usage, 3/4/5 bad matrix file, 6 --db without SQLite, 7 DIR not writable,\n"
	      "9 cannot write DIR.\n",
	      f);
}

static void on_signal(int sig)
{
	pid_t g = hvs_guest_current_pgid;

	if (g > 0)
		kill(-g, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int in_list(const char *list, const char *name)
{
	size_t l = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n == l && !strncmp(p, name, l))
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

/* dirname(dirname(/proc/self/exe)) when it holds scripts/boot-guest.sh. */
static void find_src(char *buf, size_t len)
{
	char exe[1024], probe[1100];
	ssize_t n;
	const char *env = getenv("HVS_SRC");

	if (env && *env) {
		hvs_strlcpy(buf, env, len);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	buf[0] = 0;
	if (n <= 0)
		return;
	exe[n] = 0;
	hvs_strlcpy(buf, dirname(dirname(exe)), len);
	snprintf(probe, sizeof(probe), "%s/scripts/boot-guest.sh", buf);
	if (access(probe, R_OK))
		hvs_strlcpy(buf, ".", len);
}

int cmd_guest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "matrix", required_argument, NULL, 'm' }, { "out", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },     { "only", required_argument, NULL, 'O' },
		{ "timeout", required_argument, NULL, 't' }, { "baseline", required_argument, NULL, 'b' },
		{ "list", no_argument, NULL, 'l' },         { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *matrix = NULL, *out = NULL, *db = NULL, *only = NULL, *baseline = NULL;
	char outbuf[64], src[1024], self[1024], statbin[1100], err[400];
	struct hvs_matrix m;
	struct hvs_grun_opts ro = { 0 };
	struct hvs_gresult *res = NULL;
	struct hvs_history *h = NULL;
	size_t nres = 0;
	int ch, list = 0, ret, bad = 0, hung = 0;
	unsigned timeout = 0;

	while ((ch = getopt_long(argc, argv, "m:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'm': matrix = optarg; break;
		case 'o': out = optarg; break;
		case 'd': db = optarg; break;
		case 'O': only = optarg; break;
		case 'b': baseline = optarg; break;
		case 'l': list = 1; break;
		case 't': {
			char why[160];
			double x;

			if (hvs_limit_parse(HVS_LIM_TIMEOUT_S, "--timeout", optarg, &x, why,
					    sizeof(why))) {
				hvs_err("guest: %s", why);
				return HVS_EX_USAGE;
			}
			timeout = (unsigned)x;
			break;
		}
		case 'h': usage(stdout); return HVS_EX_OK;
		default: usage(stderr); return HVS_EX_USAGE;
		}
	}
	if (optind < argc) {
		hvs_err("guest: unexpected argument '%s' (try --help)", argv[optind]);
		return HVS_EX_USAGE;
	}
	if (!matrix) {
		hvs_err("guest: --matrix FILE is required (try --help)");
		return HVS_EX_USAGE;
	}
	if (db && !HAVE_SQLITE) {
		hvs_err("guest: --db needs a build with SQLite (this is the static build)");
		return HVS_EX_NODEV;
	}
	ret = hvs_matrix_load(matrix, &m, err, sizeof(err));
	if (ret) {
		hvs_err("guest: %s: %s", matrix, err);
		return ret == -ENOMEM ? HVS_EX_INTERNAL : -ret;
	}
	if (baseline) {
		size_t i;

		for (i = 0; i < m.n && strcmp(m.t[i].name, baseline); i++)
			;
		if (i == m.n) {
			hvs_err("guest: --baseline '%s' is not a target of %s", baseline, matrix);
			ret = HVS_EX_USAGE;
			goto out;
		}
		hvs_strlcpy(m.baseline, baseline, sizeof(m.baseline));
	}
	if (!m.baseline[0])
		for (size_t i = 0; i < m.n; i++)
			if (m.t[i].kind == HVS_GT_NATIVE) {
				hvs_strlcpy(m.baseline, m.t[i].name, sizeof(m.baseline));
				break;
			}
	if (only) {
		/* every name must exist: a typo would silently run nothing */
		char tmp[512], *save = NULL;

		hvs_strlcpy(tmp, only, sizeof(tmp));
		for (char *w = strtok_r(tmp, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			size_t i;

			for (i = 0; i < m.n && strcmp(m.t[i].name, w); i++)
				;
			if (i == m.n) {
				hvs_err("guest: --only: no target '%s' in %s", w, matrix);
				ret = HVS_EX_USAGE;
				goto out;
			}
		}
	}
	if (list) {
		for (size_t i = 0; i < m.n; i++) {
			if (only && !in_list(only, m.t[i].name))
				continue;
			printf("%-20s %-7s timeout %4us  %d run line(s)%s%s%s%s\n", m.t[i].name,
			       hvs_gt_kind_name(m.t[i].kind), timeout ? timeout : m.t[i].timeout_s, m.t[i].ncmds,
			       m.t[i].workloads[0] ? ", workloads " : "", m.t[i].workloads,
			       m.t[i].net ? ", net" : "", !strcmp(m.t[i].name, m.baseline) ? "  (baseline)" : "");
		}
		ret = HVS_EX_OK;
		goto out;
	}

	find_src(src, sizeof(src));
	{
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0) {
			hvs_err("guest: cannot find my own executable: %s", strerror(errno));
			ret = HVS_EX_INTERNAL;
			goto out;
		}
		self[n] = 0;
	}
	if (getenv("HVSCOPE_STATIC") && *getenv("HVSCOPE_STATIC")) {
		hvs_strlcpy(statbin, getenv("HVSCOPE_STATIC"), sizeof(statbin));
	} else {
		char tmp[1024];

		hvs_strlcpy(tmp, self, sizeof(tmp));
		snprintf(statbin, sizeof(statbin), "%s/hvscope-static", dirname(tmp));
		if (access(statbin, X_OK))
			hvs_strlcpy(statbin, self, sizeof(statbin)); /* we may be the static one */
	}
	if (!out) {
		char stamp[24];

		hvs_iso8601_now(stamp, sizeof(stamp));
		/* 2026-11-21T12:00:00Z -> 20261121T120000 */
		snprintf(outbuf, sizeof(outbuf), "hvscope-matrix-%.4s%.2s%.2sT%.2s%.2s%.2s", stamp, stamp + 5,
			 stamp + 8, stamp + 11, stamp + 14, stamp + 17);
		out = outbuf;
	}
	if (mkdir(out, 0755) && errno != EEXIST) {
		hvs_err("guest: cannot create %s: %s", out, strerror(errno));
		ret = hvs_write_exit(errno);
		goto out;
	}
	if (access(out, W_OK)) {
		hvs_err("guest: cannot write into %s: %s", out, strerror(errno));
		ret = hvs_write_exit(errno);
		goto out;
	}
	if (db) {
		ret = hvs_history_open(db, &h, err, sizeof(err));
		if (ret) {
			hvs_err("guest: %s", err);
			ret = -ret;
			goto out;
		}
	}
	ro.out_dir = out;
	ro.src = src;
	ro.self = self;
	ro.statbin = statbin;
	ro.timeout_s = timeout;
	res = calloc(m.n, sizeof(*res));
	if (!res) {
		ret = HVS_EX_INTERNAL;
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (size_t i = 0; i < m.n; i++) {
		struct hvs_gresult *r = &res[nres];

		if (only && !in_list(only, m.t[i].name))
			continue;
		fprintf(stderr, "hvscope: guest: %s (%s) ...\n", m.t[i].name, hvs_gt_kind_name(m.t[i].kind));
		ret = hvs_guest_run_target(&m.t[i], &ro, r);
		nres++;
		if (ret) {
			hvs_err("guest: %s: %s", m.t[i].name, strerror(-ret));
			ret = HVS_EX_IO;
			goto out;
		}
		fprintf(stderr, "hvscope: guest: %s: %s in %.1f s, %d metric(s)%s%s\n", r->name,
			hvs_outcome_name(r->outcome), r->seconds, r->nmetrics, r->reason[0] ? ": " : "",
			r->reason);
		if (r->tail[0]) {
			fprintf(stderr, "hvscope: guest: %s: console tail:\n", r->name);
			for (char *p = r->tail, *nl; *p; p = nl + 1) {
				nl = strchr(p, '\n');
				if (!nl)
					nl = p + strlen(p) - 1;
				fprintf(stderr, "| %.*s\n", (int)(nl - p + (*nl != '\n')), p);
			}
		}
		if (r->outcome == HVS_TIMEOUT)
			hung = 1;
		else if (r->outcome != HVS_PASS)
			bad = 1;
		if (h && r->result_path[0]) {
			struct hvs_result *rr = NULL;
			int dup = 0;

			if (hvs_result_read(r->result_path, &rr, err, sizeof(err)) ||
			    hvs_history_add_result(h, rr, 0, &dup, err, sizeof(err))) {
				hvs_err("guest: %s: not added to %s: %s", r->name, db, err);
				bad = 1;
			}
			hvs_result_free(rr);
		}
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	ret = hvs_guest_summary(out, res, nres, m.baseline[0] ? m.baseline : "native");
	if (ret) {
		hvs_err("guest: cannot write the summary into %s: %s", out, hvs_strerror(ret));
		ret = hvs_write_exit(ret);
		goto out;
	}
	/* a hang is the more specific news: the README's 8 before 1 */
	ret = hung ? HVS_EX_TIMEOUT : bad ? HVS_EX_FAIL : HVS_EX_OK;
out:
	if (h)
		hvs_history_close(h);
	free(res);
	hvs_matrix_free(&m);
	return ret;
}
