/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mprint.c - the commands' one printer of metric rows (mprint.h): the
 * spread line of `bench` and the column table of `kvm`.
 */
#include "mprint.h"
#include "core/units.h"

#include <math.h>
#include <string.h>

void hvs_mprint_legend(FILE *f, const char *indent)
{
	fprintf(f, "%s(each metric: median and its 95%% CI, %s when symmetric, else [low, high]; MAD; n samples)\n",
		indent ? indent : "", hvs_units_pm(HVS_U_TERM));
}

double hvs_mprint_extra(const struct hvs_metric *m, const char *key)
{
	for (int i = 0; i < m->nextra; i++)
		if (!strcmp(m->extra[i].key, key))
			return m->extra[i].val;
	return NAN;
}

/* What it measured, ops per sample, overhead, extras, counters (--verbose). */
static void verbose_lines(FILE *f, const char *in, const struct hvs_metric *m)
{
	char ov[64], x[48];

	fprintf(f, "%s%-34s   %s; %llu op(s)/sample, overhead %s subtracted\n", in, "", m->what,
		(unsigned long long)m->iterations, hvs_fmt_val(ov, sizeof(ov), m->overhead, m->unit, HVS_U_TERM));
	if (m->nextra) {
		fprintf(f, "%s%-34s  ", in, "");
		for (int i = 0; i < m->nextra; i++)
			fprintf(f, " %s=%s", m->extra[i].key, hvs_fmt_num(x, sizeof(x), m->extra[i].val));
		fprintf(f, "\n");
	}
	if (m->flags & HVS_MF_NO_COUNTERS)
		fprintf(f, "%s%-34s   counters: unavailable\n", in, "");
}

void hvs_mprint_line(FILE *f, const struct hvs_metric *m, const struct hvs_mline *o)
{
	const struct hvs_summary *s = &m->summary;
	const char *in = o->indent ? o->indent : "";
	char ci[160], mad[64];

	if (m->outcome != HVS_PASS) {
		fprintf(f, "%s%-34s %s: %s\n", in, m->name, m->outcome == HVS_SKIP ? "SKIP" : hvs_outcome_name(m->outcome),
			m->reason[0] ? m->reason : "(no reason)");
		return;
	}
	hvs_fmt_ci(ci, sizeof(ci), s->median, s->ci_lo, s->ci_hi, m->unit, HVS_U_TERM);
	hvs_fmt_val(mad, sizeof(mad), s->mad, m->unit, HVS_U_TERM);
	fprintf(f, "%s%-34s %s  MAD %s  n=%zu", in, m->name, ci, mad, s->n);
	if (o->details && s->outliers)
		fprintf(f, "  outliers %zu", s->outliers);
	if (o->details && (m->flags & HVS_MF_STEAL))
		fprintf(f, "  STEAL");
	fprintf(f, "\n");
	if (o->details && m->reason[0])
		fprintf(f, "%s%-34s   note: %s\n", in, "", m->reason);
	if (o->verbose)
		verbose_lines(f, in, m);
}

void hvs_mprint_status(const struct hvs_metric *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", hvs_outcome_name(m->outcome), m->reason[0] ? ": " : "", m->reason);
}

void hvs_mprint_table_header(FILE *f, int name_width, const struct hvs_mcol *cols, size_t n)
{
	fprintf(f, "%-*s", name_width, "benchmark");
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %*s", cols[i].width, cols[i].title);
	fprintf(f, "  %s\n", "status");
}

void hvs_mprint_table_row(FILE *f, int name_width, const struct hvs_mcol *cols, size_t n,
			  const struct hvs_metric *m, const char *status)
{
	fprintf(f, "%-*s", name_width, m->name);
	for (size_t i = 0; i < n; i++) {
		const struct hvs_mcol *c = &cols[i];
		double v = c->src == HVS_MCOL_MEDIAN  ? m->summary.median :
			   c->src == HVS_MCOL_CI_HALF ? (m->summary.ci_hi - m->summary.ci_lo) / 2 :
							hvs_mprint_extra(m, c->key);

		if ((!m->nsamples && !c->any_outcome) || (c->any_outcome && isnan(v)))
			fprintf(f, " %*s", c->width, "-");
		else
			fprintf(f, " %*.*f", c->width, c->prec, v);
	}
	fprintf(f, "  %s\n", status);
}
