/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring0_metric.c - ring-0 samples to metrics, and the reader of the
 * bootable image's serial lines (a fixed, flat JSON shape written by
 * microbench/ring0/main.c: a tiny purpose-built scanner suffices and keeps
 * the static binary free of a JSON dependency for this path).
 */
#include "ring0_metric.h"
#include "core/array.h"

#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define R0_DESC(id, nm, kl, ex, wh) [R0_B_##id] = { nm, kl, wh, ex },
const struct ring0_desc ring0_descs[R0_NBENCH] = { R0_BENCHES(R0_DESC) };
#undef R0_DESC

int ring0_find(const char *name)
{
	for (int i = 0; i < R0_NBENCH; i++)
		if (!strcmp(ring0_descs[i].name, name))
			return i;
	return -1;
}

int ring0_fill_metric(struct hvs_metric *m, const char *prefix, int id, const uint64_t *cycles,
		      const uint64_t *control, uint32_t n, uint64_t iters, uint64_t tsc_khz)
{
	const struct ring0_desc *d = &ring0_descs[id];
	double *ctl, *s, ctl_med, cyc_med, ns_per_cycle;
	int r;

	snprintf(m->name, sizeof(m->name), "%s%s", prefix, d->name);
	hvs_strlcpy(m->unit, "ns", sizeof(m->unit));
	hvs_strlcpy(m->klass, d->klass, sizeof(m->klass));
	hvs_strlcpy(m->what, d->what, sizeof(m->what));
	m->direction = HVS_LOWER_IS_BETTER;
	if (!n || !iters || !tsc_khz)
		return -EINVAL;
	ns_per_cycle = 1e6 / (double)tsc_khz;
	ctl = malloc(n * sizeof(*ctl));
	s = malloc(n * sizeof(*s));
	if (!ctl || !s) {
		free(ctl);
		free(s);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		ctl[i] = (double)control[i];
	ctl_med = hvs_median(ctl, n);
	for (uint32_t i = 0; i < n; i++)
		s[i] = ((double)cycles[i] - ctl_med) / (double)iters;
	cyc_med = hvs_median(s, n);
	for (uint32_t i = 0; i < n; i++)
		s[i] *= ns_per_cycle;
	free(ctl);
	m->iterations = iters;
	m->overhead = ctl_med / (double)iters * ns_per_cycle;
	r = hvs_metric_set_samples(m, s, n);
	hvs_metric_set_extra(m, "cycles", cyc_med);
	hvs_metric_set_extra(m, "control_cycles", ctl_med / (double)iters);
	hvs_metric_set_extra(m, "tsc_khz", (double)tsc_khz);
	return r;
}

/* ns as people read it: SI-scaled, 4 significant digits ("-4.469 us"). */
static void fmt_ns(char *buf, size_t len, double ns)
{
	static const char *const unit[] = { "ns", "us", "ms", "s" };
	double a = fabs(ns);
	int k = 0;

	while (a >= 1000 && k < 3) {
		a /= 1000;
		ns /= 1000;
		k++;
	}
	snprintf(buf, len, "%.4g %s", ns, unit[k]);
}

enum hvs_outcome ring0_judge(struct hvs_metric *m)
{
	const struct hvs_summary *s = &m->summary;
	char med[32], lo[32], hi[32];

	if (!m->nsamples) {
		m->outcome = HVS_FAILED;
		hvs_strlcpy(m->reason, "no samples", sizeof(m->reason));
		return m->outcome;
	}
	fmt_ns(med, sizeof(med), s->median);
	fmt_ns(lo, sizeof(lo), s->ci_lo);
	fmt_ns(hi, sizeof(hi), s->ci_hi);
	if (s->median < 0) {
		m->outcome = HVS_INCONCLUSIVE;
		snprintf(m->reason, sizeof(m->reason),
			 "median %s is below zero: the op costs less than the control loop's noise", med);
	} else if (s->ci_lo <= 0) {
		m->outcome = HVS_INCONCLUSIVE;
		snprintf(m->reason, sizeof(m->reason),
			 "95%% CI [%s, %s] reaches zero: cannot tell the op's cost from none", lo, hi);
	} else {
		m->outcome = HVS_PASS;
		m->reason[0] = 0;
	}
	return m->outcome;
}

static const struct {
	const char *token, *text;
} note_table[RING0_NOTE_MAX] = {
	{ "emulation", "the control loop itself costs hundreds of cycles per op: instructions are emulated "
		       "one by one, so these are instruction-emulation costs, not hardware exit costs" },
	{ "tsc-trapped", "back-to-back RDTSCs are over 1000 cycles apart: TSC reads are trapped or emulated, "
			 "not read from hardware, so ops shorter than that read drown in its noise" },
	{ "tsc-xen-emulated", "Xen emulates this guest's TSC (CPUID base+3 EAX[0]): every RDTSC traps to Xen, "
			      "so short ops drown in timer cost (negative or zero medians)" },
	{ "tcg", "QEMU TCG: the TSC is QEMU's virtual clock and every instruction is translated, so the "
		 "cycles are TCG's cost of emulating the op, not a hardware cost" },
};

const char *ring0_note_text(unsigned bit)
{
	for (int i = 0; i < RING0_NOTE_MAX; i++)
		if (bit == 1u << i)
			return note_table[i].text;
	return "";
}

const char *ring0_note_token(unsigned bit)
{
	for (int i = 0; i < RING0_NOTE_MAX; i++)
		if (bit == 1u << i)
			return note_table[i].token;
	return "";
}

unsigned ring0_notes(double control_cycles, uint64_t iters, uint32_t tsc_gap, int xen_vtsc, const char *hv_sig)
{
	unsigned n = 0;

	if (!isnan(control_cycles) && iters &&
	    control_cycles - (double)tsc_gap / (double)iters >= RING0_EMULATED_CYCLES)
		n |= RING0_NOTE_EMULATED;
	if (tsc_gap >= RING0_TSC_TRAPPED_CYCLES)
		n |= RING0_NOTE_TSC_TRAPPED;
	if (xen_vtsc > 0)
		n |= RING0_NOTE_TSC_XEN;
	if (hv_sig && !strcmp(hv_sig, "TCGTCGTCGTCG"))
		n |= RING0_NOTE_TCG;
	return n;
}

void ring0_notes_tag(unsigned notes, char *buf, size_t len)
{
	size_t k = 0;

	if (len)
		buf[0] = 0;
	for (int i = 0; i < RING0_NOTE_MAX; i++)
		if (notes & (1u << i) && k < len) {
			int w = snprintf(buf + k, len - k, "%s%s", k ? "+" : "", note_table[i].token);

			k = w < 0 ? len : k + (size_t)w;
		}
}

void ring0_notes_print(unsigned notes, FILE *f)
{
	for (int i = 0; i < RING0_NOTE_MAX; i++)
		if (notes & (1u << i))
			fprintf(f, "# note: %s\n", note_table[i].text);
}

/* Pointer just past `"key":` in line, or NULL. */
static const char *field(const char *line, const char *key)
{
	char pat[48];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	return p ? p + strlen(pat) : NULL;
}

static int get_str(const char *line, const char *key, char *out, size_t len)
{
	const char *p = field(line, key);
	size_t k = 0;

	if (!p || *p != '"')
		return -EINVAL;
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (k + 1 < len)
			out[k++] = *p;
	}
	out[k] = 0;
	return *p == '"' ? 0 : -EINVAL;
}

static int get_u64(const char *line, const char *key, uint64_t *v)
{
	const char *p = field(line, key);
	char *end;

	if (!p)
		return -EINVAL;
	errno = 0;
	*v = strtoull(p, &end, 10);
	return (end == p || errno) ? -EINVAL : 0;
}

static int get_array(const char *line, const char *key, uint64_t **out, uint32_t *n)
{
	const char *p = field(line, key);
	uint64_t *v = NULL;
	uint32_t k = 0;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!p || *p != '[')
		return -EINVAL;
	for (p++; *p && *p != ']';) {
		char *end;

		if (k == cap && (cap >= 1u << 20 || HVS_ARRAY_RESERVE(v, cap, k + 1, 64)))
			goto bad;
		errno = 0;
		v[k] = strtoull(p, &end, 10);
		if (end == p || errno)
			goto bad;
		k++;
		p = end;
		if (*p == ',')
			p++;
	}
	if (*p != ']')
		goto bad;
	*out = v;
	*n = k;
	return 0;
bad:
	free(v);
	return -EINVAL;
}

int ring0_parse_serial_line(const char *line, struct ring0_serial_result *r)
{
	char type[16];

	memset(r, 0, sizeof(*r));
	line = strchr(line, '{');
	if (!line || get_str(line, "type", type, sizeof(type)) < 0)
		return R0_LINE_NOISE;
	if (!strcmp(type, "start"))
		return get_str(line, "bench", r->bench, sizeof(r->bench)) < 0 ? -EINVAL : R0_LINE_START;
	if (!strcmp(type, "end"))
		return R0_LINE_END;
	if (!strcmp(type, "hello")) {
		uint64_t v;

		r->xen_vtsc = -1;
		if (get_u64(line, "tsc_khz", &r->tsc_khz) < 0)
			return -EINVAL;
		/* Older images say less: each of these is optional. */
		get_str(line, "boot", r->boot, sizeof(r->boot));
		get_str(line, "vendor", r->vendor, sizeof(r->vendor));
		get_str(line, "hypervisor", r->hypervisor, sizeof(r->hypervisor));
		if (get_u64(line, "tsc_gap", &v) == 0)
			r->tsc_gap = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		if (get_u64(line, "xen_vtsc", &v) == 0)
			r->xen_vtsc = v != 0;
		return R0_LINE_HELLO;
	}
	if (!strcmp(type, "cpuid")) {
		static const char *const reg[4] = { "eax", "ebx", "ecx", "edx" };
		uint64_t v[6];

		if (get_u64(line, "leaf", &v[0]) < 0 || get_u64(line, "sub", &v[1]) < 0)
			return -EINVAL;
		for (int i = 0; i < 4; i++)
			if (get_u64(line, reg[i], &v[2 + i]) < 0)
				return -EINVAL;
		for (int i = 0; i < 6; i++)
			if (v[i] > UINT32_MAX)
				return -EINVAL;
		r->leaf = (uint32_t)v[0];
		r->subleaf = (uint32_t)v[1];
		for (int i = 0; i < 4; i++)
			r->regs[i] = (uint32_t)v[2 + i];
		return R0_LINE_CPUID;
	}
	if (strcmp(type, "result"))
		return R0_LINE_NOISE;
	if (get_str(line, "bench", r->bench, sizeof(r->bench)) < 0 ||
	    get_str(line, "status", r->status, sizeof(r->status)) < 0 ||
	    get_str(line, "reason", r->reason, sizeof(r->reason)) < 0 || get_u64(line, "iters", &r->iters) < 0 ||
	    get_u64(line, "tsc_khz", &r->tsc_khz) < 0)
		return -EINVAL;
	if (get_array(line, "cycles", &r->cycles, &r->n) < 0)
		return -EINVAL;
	if (get_array(line, "control", &r->control, &r->nctl) < 0 || r->nctl != r->n) {
		free(r->cycles);
		free(r->control);
		r->cycles = r->control = NULL;
		return -EINVAL;
	}
	return R0_LINE_RESULT;
}

/* A result line's status as the metric's outcome, flags and reason. */
static void take_status(struct hvs_metric *m, const struct ring0_serial_result *r, struct ring0_serial_summary *sum)
{
	if (!strcmp(r->status, "skip")) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
	} else if (!strcmp(r->status, "timeout")) {
		m->outcome = HVS_TIMEOUT;
		m->flags |= HVS_MF_TIMEOUT;
		sum->any_timeout = 1;
	} else {
		m->outcome = HVS_FAILED;
		sum->any_fail = 1;
	}
	hvs_strlcpy(m->reason, r->reason, sizeof(m->reason));
}

/* One result line into set. 0, or -HVS_ESCHEMA / -ENOMEM with why set. */
static int take_result(struct ring0_serial_result *r, int (*keep)(const char *bench, void *arg), void *arg,
		       uint64_t tsc_khz, struct hvs_metrics *set, struct ring0_serial_summary *sum, char *why,
		       size_t whylen)
{
	int id = ring0_find(r->bench);
	struct hvs_metric *m;

	if (id < 0) {
		snprintf(why, whylen, "unknown benchmark '%.60s'", r->bench);
		return -HVS_ESCHEMA;
	}
	if (keep && !keep(r->bench, arg))
		return 0;
	m = hvs_metrics_add(set);
	if (!m) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	sum->results++;
	if (strcmp(r->status, "ok")) {
		ring0_fill_metric(m, "image.", id, NULL, NULL, 0, 0, 0);
		take_status(m, r, sum);
	} else if (ring0_fill_metric(m, "image.", id, r->cycles, r->control, r->n, r->iters,
				     tsc_khz ? tsc_khz : r->tsc_khz) < 0) {
		m->outcome = HVS_FAILED;
		sum->any_fail = 1;
		hvs_strlcpy(m->reason, "no samples or no TSC rate", sizeof(m->reason));
	} else {
		double cc = NAN;
		unsigned nn;

		for (int i = 0; i < m->nextra; i++)
			if (!strcmp(m->extra[i].key, "control_cycles"))
				cc = m->extra[i].val;
		nn = ring0_notes(cc, r->iters, sum->gv.tsc_gap, sum->gv.xen_vtsc, sum->gv.hypervisor);
		ring0_judge(m);
		/* Emulation is the run's property: kept only if every measured row has it. */
		sum->notes = (sum->notes & ~RING0_NOTE_EMULATED) | (nn & ~RING0_NOTE_EMULATED) |
			     ((sum->measured == 0 || (sum->notes & RING0_NOTE_EMULATED)) ? (nn & RING0_NOTE_EMULATED) : 0);
		sum->measured++;
	}
	return 0;
}

/* The guest's own view (hello facts, CPUID rows as a dump): pure text, no probe. */
void ring0_guest_view_init(struct ring0_guest_view *v)
{
	memset(v, 0, sizeof(*v));
	v->xen_vtsc = -1;
}

void ring0_guest_view_add(struct ring0_guest_view *v, int type, const struct ring0_serial_result *r)
{
	char l[128];
	int w;

	if (type == 4) {
		hvs_strlcpy(v->boot, r->boot, sizeof(v->boot));
		hvs_strlcpy(v->vendor, r->vendor, sizeof(v->vendor));
		hvs_strlcpy(v->hypervisor, r->hypervisor, sizeof(v->hypervisor));
		v->tsc_gap = r->tsc_gap;
		v->xen_vtsc = r->xen_vtsc;
		return;
	}
	if (type != 5)
		return;
	w = snprintf(l, sizeof(l), "%s   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n",
		     v->dlen ? "" : "CPU:\n", r->leaf, r->subleaf, r->regs[0], r->regs[1], r->regs[2], r->regs[3]);
	if (w <= 0)
		return;
	if (v->dlen + (size_t)w + 1 > v->dcap && v->dcap < (1u << 20)) {
		size_t nc = v->dcap ? v->dcap * 2 : 8192;
		char *nd = realloc(v->dump, nc);

		if (!nd)
			return;
		v->dump = nd;
		v->dcap = nc;
	}
	if (v->dlen + (size_t)w + 1 <= v->dcap) {
		memcpy(v->dump + v->dlen, l, (size_t)w + 1);
		v->dlen += (size_t)w;
	}
}

void ring0_guest_view_tags(const struct ring0_guest_view *v, char *buf, size_t len)
{
	snprintf(buf, len, "guest.boot=%s,guest.vendor=%s,guest.hypervisor=%s", v->boot[0] ? v->boot : "unknown",
		 v->vendor[0] ? v->vendor : "unknown", v->hypervisor[0] ? v->hypervisor : "none");
	for (char *p = buf; *p; p++) /* the separators are ours; a guest's comma is not */
		if (*p == ',' && strncmp(p + 1, "guest.", 6))
			*p = '_';
}

void ring0_guest_view_free(struct ring0_guest_view *v)
{
	free(v->dump);
	v->dump = NULL;
	v->dlen = v->dcap = 0;
}

void ring0_serial_summary_free(struct ring0_serial_summary *sum)
{
	ring0_guest_view_free(&sum->gv);
}

int ring0_serial_metrics(const char *path, int (*keep)(const char *bench, void *arg), void *arg,
			 uint64_t tsc_khz, struct hvs_metrics *set, struct ring0_serial_summary *sum, char *why,
			 size_t whylen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	memset(sum, 0, sizeof(*sum));
	ring0_guest_view_init(&sum->gv);
	if (!f) {
		ret = -errno;
		snprintf(why, whylen, "cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	while (!ret && getline(&line, &cap, f) > 0) {
		struct ring0_serial_result r;
		int t = ring0_parse_serial_line(line, &r);

		if (t == R0_LINE_START) {
			hvs_strlcpy(sum->hung, r.bench, sizeof(sum->hung));
		} else if (t == R0_LINE_END) {
			sum->ended = 1;
		} else if (t == R0_LINE_HELLO || t == R0_LINE_CPUID) {
			ring0_guest_view_add(&sum->gv, t, &r); /* the guest's own facts and CPUID */
		} else if (t == -EINVAL) {
			snprintf(why, whylen, "%s: malformed result line", path);
			ret = -EBADMSG;
		} else if (t == R0_LINE_RESULT) {
			char w[120];

			sum->hung[0] = '\0';
			ret = take_result(&r, keep, arg, tsc_khz, set, sum, w, sizeof(w));
			if (ret)
				snprintf(why, whylen, "%s: %s", path, w);
			free(r.cycles);
			free(r.control);
		}
	}
	free(line);
	fclose(f);
	return ret;
}
