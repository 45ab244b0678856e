/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_model.c - the report model (labels, baseline choice, cost ratios,
 * geometric means, pointer-chase sizes, number formatting) and the escaping
 * of hostile strings for every output format.
 */
#include "analysis/compare.h"
#include "reports/escape.h"
#include "reports/model.h"
#include "reports/report.h"
#include "tap.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

typedef void (*esc_fn)(FILE *, const char *);

static char *buf;

static char *esc(esc_fn fn, const char *s)
{
	size_t len;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	fn(f, s);
	fclose(f);
	return buf;
}

static void add_metric(struct hvs_rpt_column *c, const char *name, const char *unit, const char *klass,
		       enum hvs_direction dir, double center)
{
	struct hvs_metric *m = hvs_metrics_add(&c->metrics);
	double *x = malloc(9 * sizeof(*x));

	hvs_strlcpy(m->name, name, sizeof(m->name));
	hvs_strlcpy(m->unit, unit, sizeof(m->unit));
	hvs_strlcpy(m->klass, klass, sizeof(m->klass));
	m->direction = dir;
	for (int i = 0; i < 9; i++)
		x[i] = center * (1 + (i - 4) * 0.01);
	hvs_metric_set_samples(m, x, 9);
}

static void test_escape(void)
{
	char fn[32];

	is_str(esc(hvs_esc_html, "<script>alert('x')</script>&\""),
	       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;", "html: markup escaped");
	is_str(esc(hvs_esc_html, "a\nb\r\tc\x7f"), "a b  c ", "html: control characters become spaces");
	is_str(esc(hvs_esc_html, "\xff\xc3(ok \xc2\xb5s"), "?" "?(ok \xc2\xb5s",
	       "html: invalid UTF-8 becomes ?, valid UTF-8 kept");
	is_str(esc(hvs_esc_html, "\xed\xa0\x80"), "???", "html: encoded surrogate rejected");
	is_str(esc(hvs_esc_latex, "a_b%c$d&e#f{g}h\\i^j~k<l>m|n"),
	       "a\\_b\\%c\\$d\\&e\\#f\\{g\\}h\\textbackslash{}i\\textasciicircum{}j\\textasciitilde{}k"
	       "\\textless{}l\\textgreater{}m\\textbar{}n",
	       "latex: every special character");
	is_str(esc(hvs_esc_latex, "\\input{/etc/passwd}\n\\end{tabular}"),
	       "\\textbackslash{}input\\{/etc/passwd\\} \\textbackslash{}end\\{tabular\\}",
	       "latex: no command survives, no line break");
	is_str(esc(hvs_esc_latex, "\xc2\xb5s \xe2\x82\xac"), "\\textmu{}s ?", "latex: micro sign kept, unknown glyph ?");
	is_str(esc(hvs_esc_csv, "a,\"b\"\nc"), "\"a,\"\"b\"\" c\"", "csv: quoted, quotes doubled, one line");
	is_str(esc(hvs_esc_csv, "=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"", "csv: formula defused");
	is_str(esc(hvs_esc_csv, ""), "\"\"", "csv: empty field");
	is_str(esc(hvs_esc_md, "a|b*c_<i>[x](y)"), "a\\|b\\*c\\_&lt;i&gt;\\[x\\](y)", "markdown: table and markup");
	is_str(esc(hvs_esc_gp, "it's `rm -rf /` @x \\n \"; system(\"id\")"),
	       "'it''s `rm -rf /` @x \\n \"; system(\"id\")'", "gnuplot: single-quoted, ' doubled");
	is_str(esc(hvs_esc_gp, "a\nset output '/tmp/x'"), "'a set output ''/tmp/x'''",
	       "gnuplot: a newline cannot start a new command");
	hvs_esc_fname(fn, sizeof(fn), "../a b/c.json");
	is_str(fn, "_._a_b_c.json", "file name: no path, no dot first");
}

static void test_model(void)
{
	struct hvs_rpt_model m;
	struct hvs_rpt_column *a, *b, *c;
	double lo, hi, r;
	size_t n;
	char v[32], u[32];

	hvs_rpt_model_init(&m);
	a = hvs_rpt_model_add_column(&m);
	hvs_rpt_strset(&a->file, "/x/native.json");
	hvs_rpt_strset(&a->hostname, "metal");
	hvs_rpt_strset(&a->summary, "none");
	add_metric(a, "bench.syscall.getppid", "ns", "syscall", HVS_LOWER_IS_BETTER, 100);
	add_metric(a, "bench.io.seq", "MB/s", "io", HVS_HIGHER_IS_BETTER, 2000);
	b = hvs_rpt_model_add_column(&m);
	hvs_rpt_strset(&b->file, "/y/kvm.json");
	hvs_rpt_strset(&b->hostname, "metal");
	hvs_rpt_strset(&b->summary, "KVM");
	hvs_rpt_kv_add(&b->tags, &b->ntags, &b->captags, "config", "ept-off");
	add_metric(b, "bench.syscall.getppid", "ns", "syscall", HVS_LOWER_IS_BETTER, 150);
	add_metric(b, "bench.io.seq", "MB/s", "io", HVS_HIGHER_IS_BETTER, 1000);
	add_metric(b, "bench.memory.chase.64KiB", "ns", "memory", HVS_LOWER_IS_BETTER, 4);
	c = hvs_rpt_model_add_column(&m);
	hvs_rpt_strset(&c->file, "/z/kvm.json");
	hvs_rpt_strset(&c->hostname, "metal");
	hvs_rpt_strset(&c->summary, "KVM");
	add_metric(c, "bench.syscall.getppid", "ns", "syscall", HVS_LOWER_IS_BETTER, 160);
	ok(!hvs_rpt_model_finish(&m), "finish");
	is_str(m.cols[0].label, "metal/none", "label: host/fingerprint");
	is_str(m.cols[2].label, "metal/KVM #2", "label: repeats numbered");
	is_int(m.nrows, 3, "three distinct metrics");
	is_str(m.rows[0].klass, "io", "rows sorted by class");
	ok(!isnan(m.rows[1].ws_bytes) && m.rows[1].ws_bytes == 65536, "chase working set parsed from the name");
	ok(m.rows[1].cell[0] == NULL && m.rows[1].cell[1] != NULL, "a metric missing in a column is NULL");

	is_int(hvs_rpt_model_set_baseline(&m, "nothing"), -ENOENT, "baseline: no match");
	is_int(hvs_rpt_model_set_baseline(&m, "kvm"), -EINVAL, "baseline: ambiguous file name refused");
	is_int(hvs_rpt_model_set_baseline(&m, "ept-off"), 1, "baseline: by tag value");
	is_int(hvs_rpt_model_set_baseline(&m, "native"), 0, "baseline: file name without .json");

	r = hvs_rpt_ratio(&m, 2, 1, &lo, &hi);
	is_near(r, 1.5, 1e-9, "lower is better: ratio = column / baseline");
	ok(lo < 1.5 && hi > 1.5, "ratio interval brackets the ratio (%.4f..%.4f)", lo, hi);
	r = hvs_rpt_ratio(&m, 0, 1, NULL, NULL);
	is_near(r, 2.0, 1e-9, "higher is better: ratio = baseline / column (half the MB/s = 2x cost)");
	ok(isnan(hvs_rpt_ratio(&m, 1, 1, NULL, NULL)), "no ratio where the baseline lacks the metric");
	/* equal spreads, equal weights: the precision-weighted geometric mean is the plain one */
	is_near(hvs_rpt_geomean_ci(&m, 1, NULL, &lo, &hi, &n), sqrt(1.5 * 2.0), 1e-9, "geometric mean of the ratios");
	is_int(n, 2, "geometric mean over two metrics");
	{
		/* every page's geometric mean and CI is the analysis module's (hvs_compare) */
		struct hvs_cmp_opts o;
		struct hvs_cmp cmp;
		double l1, h1;

		hvs_cmp_opts_default(&o);
		ok(!hvs_compare(&m.cols[0].metrics, &m.cols[1].metrics, &o, &cmp), "compare native, kvm");
		is_near(lo, cmp.geomean.lo, 1e-12, "geometric mean's CI low end is compare's");
		is_near(hi, cmp.geomean.hi, 1e-12, "geometric mean's CI high end is compare's");
		hvs_cmp_free(&cmp);
		/* a class of one metric: that metric's ratio and CI, as the tables show it */
		r = hvs_rpt_geomean_ci(&m, 1, "syscall", &lo, &hi, &n);
		is_near(r, hvs_rpt_ratio(&m, 2, 1, &l1, &h1), 1e-12, "class of one metric: its ratio");
		ok(n == 1 && lo == l1 && hi == h1, "class of one metric: its CI (%.4f..%.4f)", lo, hi);
	}
	r = hvs_rpt_geomean_ci(&m, 0, NULL, &lo, &hi, NULL);
	ok(isnan(r) || fabs(r - 1) < 1e-12, "baseline against itself is 1");

	hvs_rpt_fmt(123.456, 2.14, v, sizeof(v), u, sizeof(u));
	is_str(v, "123.5", "format: value to the uncertainty's decimals");
	is_str(u, "2.1", "format: uncertainty to two significant digits");
	hvs_rpt_fmt(1.23456e-3, NAN, v, sizeof(v), u, sizeof(u));
	is_str(v, "0.001235", "format: four significant digits without uncertainty");
	is_str(u, "", "format: no uncertainty");
	hvs_rpt_fmt(98765, 432, v, sizeof(v), NULL, 0);
	is_str(v, "98765", "format: no decimals for large uncertainty");
	hvs_rpt_model_free(&m);
}

static void test_chase_names(void)
{
	struct hvs_metric m = { 0 };
	static const struct {
		const char *name;
		double bytes;
	} cases[] = {
		{ "bench.memory.chase.4KiB", 4096 }, { "bench.memory.chase.4k", 4096 },
		{ "bench.memory.chase.2M", 2097152 }, { "bench.memory.chase.1GiB", 1073741824 },
		{ "bench.memory.chase.ws512", 512 },  { "chase.64MB", 67108864 },
		{ "paging.chase.4k.16MiB", 16777216 }, /* microbench/paging_chase.c: page size, then size */
	};

	for (size_t i = 0; i < HVS_ARRAY_SIZE(cases); i++) {
		hvs_strlcpy(m.name, cases[i].name, sizeof(m.name));
		is_near(hvs_rpt_chase_bytes(&m), cases[i].bytes, 0, "chase size of %s", cases[i].name);
	}
	hvs_strlcpy(m.name, "bench.memory.chase.random", sizeof(m.name));
	ok(isnan(hvs_rpt_chase_bytes(&m)), "no size: not a curve point");
	hvs_strlcpy(m.name, "bench.syscall.getppid", sizeof(m.name));
	ok(isnan(hvs_rpt_chase_bytes(&m)), "not a chase metric");
	hvs_strlcpy(m.name, "bench.memory.chase.x", sizeof(m.name));
	hvs_metric_set_extra(&m, "working_set_bytes", 8192);
	is_near(hvs_rpt_chase_bytes(&m), 8192, 0, "size from the extra value");
	m.nextra = 0;
	hvs_metric_set_extra(&m, "working_set_kib", 16);
	is_near(hvs_rpt_chase_bytes(&m), 16384, 0, "size from working_set_kib");
}

int main(void)
{
	test_escape();
	test_model();
	test_chase_names();
	free(buf);
	return done_testing();
}
