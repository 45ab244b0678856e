/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring0_run.c - one run of the ring-0 benchmarks for `hvscope kvm`: the
 * NAME operands to benchmarks, each benchmark in a fresh VM of our VMM on
 * /dev/kvm (kvm_vmm.c) to a metric with its outcome and KVM's counters per
 * operation, or the bootable image's serial log to the same metrics
 * (ring0_metric.c); the run's notes and status; its result file. Prints
 * nothing: the command sees rows and notes through ring0_run_hooks and
 * maps the status or -errno to an exit code.
 */
#include "ring0_run.h"
#include "results/context.h"
#include "results/result.h"
#include "core/hvscope.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Does the operand pat match benchmark name? A trailing '*' matches a prefix. */
static int match(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n && pat[n - 1] == '*')
		return !strncmp(pat, name, n - 1);
	return !strcmp(pat, name);
}

int ring0_run_select(char *const *names, int n, int selected[R0_NBENCH], const char **bad)
{
	for (int i = 0; i < n; i++) {
		int hit = 0;

		for (int b = 0; b < R0_NBENCH; b++)
			if (match(names[i], ring0_descs[b].name)) {
				/* a pattern never pulls in test-only benchmarks */
				if (!strchr(names[i], '*') || !(ring0_descs[b].expect & R0_X_TEST))
					selected[b] = 1;
				hit = 1;
			}
		if (!hit) {
			*bad = names[i];
			return -HVS_EUSAGE;
		}
	}
	if (!n)
		for (int b = 0; b < R0_NBENCH; b++)
			selected[b] = !(ring0_descs[b].expect & R0_X_TEST);
	return 0;
}

static double get_extra(const struct hvs_metric *m, const char *key)
{
	for (int i = 0; i < m->nextra; i++)
		if (!strcmp(m->extra[i].key, key))
			return m->extra[i].val;
	return NAN;
}

/*
 * Write the metric set as a result file with the run's context c (finished
 * here), tags driver=, paging= (if any), notes= (if any), then guest_tags and
 * the user's. Returns 0, or -HVS_EUSAGE (bad tags) / the write's errno
 * narrowed by hvs_write_errno(), with why set.
 */
static int write_result(const struct ring0_run_out *w, const struct hvs_metrics *set, const char *driver,
			const char *paging, struct hvs_context *c, unsigned notes, const char *guest_tags, char *why,
			size_t whylen)
{
	struct hvs_run_info info;
	char t[160];
	int r;

	hvs_run_info_init(&info);
	info.argc = w->argc;
	info.argv = w->argv;
	snprintf(t, sizeof(t), "driver=%s", driver);
	hvs_run_info_add_tags(&info, t);
	if (paging && paging[0]) {
		snprintf(t, sizeof(t), "paging=%s", paging);
		hvs_run_info_add_tags(&info, t);
	}
	if (notes) {
		char nt[96];

		ring0_notes_tag(notes, nt, sizeof(nt));
		snprintf(t, sizeof(t), "notes=%s", nt);
		hvs_run_info_add_tags(&info, t);
		ring0_notes_to_context(notes, c);
	}
	if (guest_tags && guest_tags[0])
		hvs_run_info_add_tags(&info, guest_tags);
	if (w->tags && hvs_run_info_add_tags(&info, w->tags)) {
		snprintf(why, whylen, "--tag '%s': expected key=value,... (keys [A-Za-z0-9_.-])", w->tags);
		return -HVS_EUSAGE;
	}
	hvs_context_finish(c);
	info.context_json = hvs_context_to_json(c);
	hvs_iso8601_now(info.finished, sizeof(info.finished));
	r = hvs_result_write(w->out, &info, set);
	free(info.context_json);
	if (r) {
		snprintf(why, whylen, "cannot write %s: %s", w->out, hvs_strerror(r));
		return hvs_write_errno(r);
	}
	return 0;
}

/* The metric's outcome and reason from what kvm_bench_run() returned (r) and said (res). */
static void take_outcome(struct hvs_metric *m, int b, int r, const struct kvm_bench_result *res)
{
	if (r < 0) {
		/* The VMM could not even start this VM: skip with the reason. */
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "VMM setup: %.180s", res->reason);
	} else if (res->status == KVM_BENCH_OK) {
		if (ring0_fill_metric(m, "kvm.", b, res->cycles, res->control, res->r0.nsamples, res->r0.iters,
				      res->tsc_khz) < 0) {
			m->outcome = HVS_FAILED;
			hvs_strlcpy(m->reason, "no samples", sizeof(m->reason));
		} else {
			ring0_judge(m); /* pass, or inconclusive when the CI reaches zero */
		}
	} else if (res->status == KVM_BENCH_SKIP) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		hvs_strlcpy(m->reason, res->reason, sizeof(m->reason));
	} else if (res->status == KVM_BENCH_TIMEOUT) {
		m->outcome = HVS_TIMEOUT;
		m->flags |= HVS_MF_TIMEOUT;
		hvs_strlcpy(m->reason, res->reason, sizeof(m->reason));
	} else {
		m->outcome = HVS_FAILED;
		hvs_strlcpy(m->reason, res->reason, sizeof(m->reason));
	}
}

static const char *const counter_extras[] = { "io_exits", "mmio_exits", "halt_exits", "irq_exits",
					      "hypercalls", "insn_emulation", "pf_taken" };

/* KVM's counters per operation as extras of a passed metric (exits_per_op, io_exits_per_op, ...). */
static void take_counters(struct hvs_metric *m, const struct kvm_bench_result *res)
{
	double ops = (double)res->r0.iters * res->r0.nsamples;

	if (!res->have_counters || ops <= 0 || (m->outcome != HVS_PASS && m->outcome != HVS_INCONCLUSIVE))
		return;
	hvs_metric_set_extra(m, "exits_per_op", (double)res->exits / ops);
	for (size_t k = 0; k < HVS_ARRAY_SIZE(counter_extras); k++) {
		long long v = kvm_counter_get(res, counter_extras[k]);
		char key[40];

		if (v < 0)
			continue;
		snprintf(key, sizeof(key), "%s_per_op", counter_extras[k]);
		hvs_metric_set_extra(m, key, (double)v / ops);
	}
}

/* What the benchmarks in this VMM came to (the run's status and notes). */
struct kvm_tally {
	int nsel, nsetup_fail, nmeasured, any_fail, any_timeout;
	unsigned notes, emul; /* emul: RING0_NOTE_EMULATED while every measured row's loop was emulated */
};

/* Run benchmark b in a fresh VM into a new metric of set, hand its row to h. 0, or -ENOMEM. */
static int run_one(int kvm_fd, int b, const struct kvm_bench_opts *o, const struct kvm_paging_info *pi,
		   const struct ring0_run_hooks *h, struct hvs_metrics *set, struct kvm_tally *t)
{
	struct kvm_bench_result res;
	struct hvs_metric *m;
	int r;

	t->nsel++;
	if (h->before)
		h->before(b, h->arg);
	r = kvm_bench_run(kvm_fd, (enum r0_bench_id)b, o, &res);
	m = hvs_metrics_add(set);
	if (!m) {
		kvm_bench_result_free(&res);
		return -ENOMEM;
	}
	ring0_fill_metric(m, "kvm.", b, NULL, NULL, 0, 0, 0);
	take_outcome(m, b, r, &res);
	if (r >= 0 && res.status == KVM_BENCH_OK && m->nsamples) {
		unsigned nn = ring0_notes(get_extra(m, "control_cycles"), res.r0.iters, res.r0.tsc_gap, -1, NULL);

		t->notes |= nn & ~RING0_NOTE_EMULATED;
		t->emul &= nn;
		t->nmeasured++;
	}
	t->nsetup_fail += r < 0;
	t->any_fail |= m->outcome == HVS_FAILED;
	t->any_timeout |= m->outcome == HVS_TIMEOUT;
	take_counters(m, &res);
	hvs_metric_set_extra(m, "tdp", pi->tdp);
	if (h->row)
		h->row(m, &res, h->arg);
	kvm_bench_result_free(&res);
	return 0;
}

/* /dev/kvm open, or -EACCES/-EPERM/-ENODEV with why. */
static int open_kvm(char *why, size_t whylen)
{
	int fd = kvm_open();

	if (fd == -EACCES || fd == -EPERM) {
		snprintf(why, whylen, "/dev/kvm: permission denied (join group kvm)");
		return fd;
	}
	if (fd < 0) {
		snprintf(why, whylen, "/dev/kvm unusable: %s", fd == -EPROTO ? "wrong KVM API version" : strerror(-fd));
		return -ENODEV;
	}
	return fd;
}

static enum ring0_run_status kvm_status(const struct kvm_tally *t)
{
	if (t->nsel && t->nsetup_fail == t->nsel)
		return RING0_RUN_NO_VM;
	if (t->any_fail)
		return RING0_RUN_FAIL;
	if (t->any_timeout)
		return RING0_RUN_TIMEOUT;
	return RING0_RUN_OK;
}

int ring0_run_kvm(const int selected[R0_NBENCH], const struct kvm_bench_opts *o, const struct ring0_run_out *w,
		  const struct ring0_run_hooks *h, char *why, size_t whylen)
{
	struct kvm_paging_info pi;
	struct hvs_metrics set = { 0 };
	struct hvs_context ctx;
	struct kvm_tally t = { .emul = RING0_NOTE_EMULATED }; /* emulated: every row's loop, not one */
	int kvm_fd, rc = 0;

	why[0] = '\0';
	kvm_fd = open_kvm(why, whylen);
	if (kvm_fd < 0)
		return kvm_fd;
	kvm_paging_info(&pi);
	memset(&ctx, 0, sizeof(ctx));
	if (w->out)
		hvs_context_collect(&ctx, 0, 0);
	if (h->start)
		h->start(&pi, h->arg);
	for (int b = 0; b < R0_NBENCH && !rc; b++)
		if (selected[b])
			rc = run_one(kvm_fd, b, o, &pi, h, &set, &t);
	close(kvm_fd);
	if (t.nmeasured)
		t.notes |= t.emul;
	if (h->notes)
		h->notes(t.notes, h->arg);
	if (w->out && !rc)
		rc = write_result(w, &set, "kvm", pi.mode, &ctx, t.notes, NULL, why, whylen);
	if (w->out)
		hvs_context_free(&ctx);
	hvs_metrics_free(&set);
	return rc ? rc : (int)kvm_status(&t);
}

/* ring0_serial_metrics()'s filter: the NAME operands (none: all). */
struct name_list {
	char *const *names;
	int n;
};

static int wanted(const char *bench, void *arg)
{
	const struct name_list *l = arg;
	int want = !l->n;

	for (int i = 0; i < l->n; i++)
		want |= match(l->names[i], bench);
	return want;
}

static enum ring0_run_status serial_status(const struct ring0_serial_summary *sum)
{
	if (sum->hung[0])
		return RING0_RUN_TIMEOUT; /* a benchmark started and never reported: the image hung there */
	if (!sum->ended && !sum->results)
		return RING0_RUN_NO_RESULTS;
	return sum->any_fail ? RING0_RUN_FAIL : sum->any_timeout ? RING0_RUN_TIMEOUT : RING0_RUN_OK;
}

/* The image run's result file: the reading host's context with the guest's own fingerprint. */
static int write_image_result(const char *path, const struct ring0_run_out *w, const struct hvs_metrics *set,
			      const struct ring0_serial_summary *sum, const struct ring0_run_hooks *h, char *why,
			      size_t whylen)
{
	struct hvs_context c;
	char gt[160], gwhy[160];
	int r;

	/* The context is this host's, where the serial log is read, but
	 * the fingerprint is the guest's: its own CPUID leaves, decoded
	 * by the probe; its boot protocol and signature become tags. */
	memset(&c, 0, sizeof(c));
	hvs_context_collect(&c, 0, 0);
	if (sum->gv.dlen && ring0_guest_context(&c, sum->gv.dump, sum->gv.dlen, gwhy, sizeof(gwhy)) < 0 && h->warn) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s: %s (the reading host's fingerprint is kept)", path, gwhy);
		h->warn(msg, h->arg);
	}
	ring0_guest_view_tags(&sum->gv, gt, sizeof(gt));
	r = write_result(w, set, "image", NULL, &c, sum->notes, gt, why, whylen);
	hvs_context_free(&c);
	return r;
}

int ring0_run_serial(const char *path, char *const *names, int n, uint64_t tsc_khz, const struct ring0_run_out *w,
		     const struct ring0_run_hooks *h, char *why, size_t whylen)
{
	struct name_list l = { names, n };
	struct ring0_serial_summary sum;
	struct hvs_metrics set = { 0 };
	enum ring0_run_status st;
	int rc;

	why[0] = '\0';
	rc = ring0_serial_metrics(path, wanted, &l, tsc_khz, &set, &sum, why, whylen);
	if (rc) {
		hvs_metrics_free(&set);
		ring0_serial_summary_free(&sum);
		return rc;
	}
	st = serial_status(&sum);
	if (h->table)
		h->table(&set, &sum, st, h->arg);
	if (h->notes)
		h->notes(sum.notes, h->arg);
	rc = st;
	if (w->out && st != RING0_RUN_NO_RESULTS) {
		int r = write_image_result(path, w, &set, &sum, h, why, whylen);

		if (r)
			rc = r;
	}
	hvs_metrics_free(&set);
	ring0_serial_summary_free(&sum);
	return rc;
}
