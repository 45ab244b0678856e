/*
 * ring0_metric.c - ring-0 samples to metrics, and the reader of the
 * bootable image's serial lines (a fixed, flat JSON shape written by
 * microbench/ring0/main.c: a tiny purpose-built scanner suffices and keeps
 * the static binary free of a JSON dependency for this path).
 */
#include "ring0_metric.h"

#include <errno.h>
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
	uint32_t k = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (!p || *p != '[')
		return -EINVAL;
	for (p++; *p && *p != ']';) {
		char *end;

		if (k == cap) {
			uint64_t *nv;

			if (cap >= 1u << 20)
				goto bad;
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto bad;
			v = nv;
		}
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
		return 0;
	if (!strcmp(type, "start"))
		return get_str(line, "bench", r->bench, sizeof(r->bench)) < 0 ? -EINVAL : 2;
	if (!strcmp(type, "end"))
		return 3;
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
		return 4;
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
		return 5;
	}
	if (strcmp(type, "result"))
		return 0;
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
	return 1;
}
