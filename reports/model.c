/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * model.c - build the report model (columns = result files, rows =
 * metrics), choose the baseline, compute cost ratios and geometric means.
 */
#include "model.h"
#include "analysis/compare.h"
#include "core/array.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void hvs_rpt_model_init(struct hvs_rpt_model *m)
{
	memset(m, 0, sizeof(*m));
	m->baseline = -1;
}

/*
 * Each column compared with the baseline, once (hvs_compare is the cost of
 * a report: every table, chart and page asks for the same ratios). Made by
 * hvs_rpt_model_finish; filled column by column on first use; dropped when
 * the baseline changes.
 */
struct hvs_rpt_vs {
	int baseline;        /* the baseline the comparisons are against (-1: none yet) */
	struct hvs_cmp *cmp; /* [ncols] */
	int *state;          /* [ncols]: 0 not yet compared, 1 done, -1 compare failed */
};

static void vs_clear(struct hvs_rpt_vs *vs, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++)
		if (vs->state[c] == 1)
			hvs_cmp_free(&vs->cmp[c]);
	memset(vs->state, 0, ncols * sizeof(*vs->state));
}

static void vs_free(struct hvs_rpt_vs *vs, size_t ncols)
{
	if (!vs)
		return;
	vs_clear(vs, ncols);
	free(vs->cmp);
	free(vs->state);
	free(vs);
}

/*
 * Column c compared with the baseline (hvs_compare over the two whole
 * columns, default options) into *out: the model's cached one, else (no
 * cache) a fresh one in own that the caller frees. 0 or -errno.
 */
static int vs_get(const struct hvs_rpt_model *m, size_t c, struct hvs_cmp *own, const struct hvs_cmp **out)
{
	struct hvs_rpt_vs *vs = m->vs;
	struct hvs_cmp_opts o;
	int ret;

	hvs_cmp_opts_default(&o);
	if (!vs) {
		if ((ret = hvs_compare(&m->cols[m->baseline].metrics, &m->cols[c].metrics, &o, own)))
			return ret;
		*out = own;
		return 0;
	}
	if (vs->baseline != m->baseline) {
		vs_clear(vs, m->ncols);
		vs->baseline = m->baseline;
	}
	if (!vs->state[c])
		vs->state[c] = hvs_compare(&m->cols[m->baseline].metrics, &m->cols[c].metrics, &o, &vs->cmp[c])
				       ? -1 : 1;
	*out = &vs->cmp[c];
	return vs->state[c] == 1 ? 0 : -ENOMEM;
}

static void kv_free(struct hvs_rpt_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].val);
	}
	free(v);
}

void hvs_rpt_model_free(struct hvs_rpt_model *m)
{
	for (size_t i = 0; i < m->ncols; i++) {
		struct hvs_rpt_column *c = &m->cols[i];

		free(c->label);
		free(c->file);
		free(c->raw_name);
		free(c->summary);
		free(c->hostname);
		kv_free(c->ctx, c->nctx);
		kv_free(c->tags, c->ntags);
		for (size_t j = 0; j < c->nevidence; j++)
			free(c->evidence[j]);
		free(c->evidence);
		hvs_metrics_free(&c->metrics);
	}
	free(m->cols);
	for (size_t r = 0; r < m->nrows; r++)
		free(m->rows[r].cell);
	free(m->rows);
	vs_free(m->vs, m->ncols);
	hvs_rpt_model_init(m);
}

struct hvs_rpt_column *hvs_rpt_model_add_column(struct hvs_rpt_model *m)
{
	if (HVS_ARRAY_RESERVE(m->cols, m->capcols, m->ncols + 1, 8))
		return NULL;
	memset(&m->cols[m->ncols], 0, sizeof(m->cols[0]));
	return &m->cols[m->ncols++];
}

int hvs_rpt_strset(char **dst, const char *src)
{
	char *s = NULL;

	if (src && !(s = strdup(src)))
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int hvs_rpt_kv_add(struct hvs_rpt_kv **v, size_t *n, size_t *cap, const char *key, const char *val)
{
	struct hvs_rpt_kv *nv;

	if (HVS_ARRAY_RESERVE(*v, *cap, *n + 1, 8))
		return -ENOMEM;
	nv = *v;
	nv[*n].key = strdup(key ? key : "");
	nv[*n].val = strdup(val ? val : "");
	if (!nv[*n].key || !nv[*n].val) {
		free(nv[*n].key);
		free(nv[*n].val);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

int hvs_rpt_evidence_add(struct hvs_rpt_column *c, const char *line)
{
	if (HVS_ARRAY_RESERVE(c->evidence, c->capevidence, c->nevidence + 1, 8))
		return -ENOMEM;
	if (!(c->evidence[c->nevidence] = strdup(line ? line : "")))
		return -ENOMEM;
	c->nevidence++;
	return 0;
}

static const char *tag_get(const struct hvs_rpt_column *c, const char *key)
{
	for (size_t i = 0; i < c->ntags; i++)
		if (!strcmp(c->tags[i].key, key))
			return c->tags[i].val;
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "";
}

/* The label a column asks for before repeats are numbered. */
static char *wanted_label(const struct hvs_rpt_column *c)
{
	const char *t = tag_get(c, "label");
	char *s = NULL;

	if (t && *t)
		return strdup(t);
	if (c->hostname && *c->hostname && c->summary && *c->summary) {
		if (asprintf(&s, "%s/%s", c->hostname, c->summary) < 0)
			return NULL;
		return s;
	}
	if (c->summary && *c->summary)
		return strdup(c->summary);
	if (c->hostname && *c->hostname)
		return strdup(c->hostname);
	return strdup(*base_name(c->file) ? base_name(c->file) : "run");
}

static int label_taken(const struct hvs_rpt_model *m, size_t upto, const char *l)
{
	for (size_t i = 0; i < upto; i++)
		if (m->cols[i].label && !strcmp(m->cols[i].label, l))
			return 1;
	return 0;
}

/* The value a --label key names for column c ("" when it has none). */
static const char *key_value(const struct hvs_rpt_column *c, const char *key)
{
	const char *t = tag_get(c, key);

	if (t)
		return t;
	if (!strcmp(key, "host"))
		return c->hostname ? c->hostname : "";
	if (!strcmp(key, "hypervisor"))
		return c->summary ? c->summary : "";
	if (!strcmp(key, "file"))
		return base_name(c->file);
	return "";
}

/* Label from keys (comma separated): "v" for one key, "k=v, k=v" for several. */
static char *label_from_keys(const struct hvs_rpt_column *c, const char *keys, int named)
{
	char *buf = NULL, *list = strdup(keys), *save = NULL;
	size_t len = 0;
	FILE *f;
	int first = 1;

	if (!list || !(f = open_memstream(&buf, &len))) {
		free(list);
		return NULL;
	}
	for (char *k = strtok_r(list, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		if (named)
			fprintf(f, "%s%s=%s", first ? "" : ", ", k, key_value(c, k));
		else
			fprintf(f, "%s%s", first ? "" : ", ", key_value(c, k));
		first = 0;
	}
	fclose(f);
	free(list);
	return buf;
}

/*
 * The tag keys (other than "label") that every column carries and whose
 * values differ between them, comma separated, or NULL (none, or out of
 * memory).
 */
static char *differing_keys(const struct hvs_rpt_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int any = 0;

	if (!f)
		return NULL;
	for (size_t c = 0; c < m->ncols; c++)
		for (size_t t = 0; t < m->cols[c].ntags; t++) {
			const char *k = m->cols[c].tags[t].key;
			int seen = 0, differ = 0;

			if (!strcmp(k, "label") || strchr(k, ','))
				continue;
			for (size_t p = 0; p < c && !seen; p++)
				seen = tag_get(&m->cols[p], k) != NULL;
			for (size_t q = 0; q < t && !seen; q++)
				seen = !strcmp(m->cols[c].tags[q].key, k);
			if (seen)
				continue;
			for (size_t o = 0; o < m->ncols && differ >= 0; o++) {
				const char *a = tag_get(&m->cols[o], k);

				if (!a)
					differ = -1; /* only keys every run carries */
				else if (strcmp(a, m->cols[c].tags[t].val))
					differ = 1;
			}
			if (differ > 0) {
				fprintf(f, "%s%s", any ? "," : "", k);
				any = 1;
			}
		}
	fclose(f);
	if (!any) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Does every column carry a distinct tag "label"? */
static int labels_tagged(const struct hvs_rpt_model *m)
{
	for (size_t c = 0; c < m->ncols; c++) {
		const char *l = tag_get(&m->cols[c], "label");

		if (!l || !*l)
			return 0;
		for (size_t p = 0; p < c; p++)
			if (!strcmp(tag_get(&m->cols[p], "label"), l))
				return 0;
	}
	return 1;
}

static int make_labels(struct hvs_rpt_model *m)
{
	char *keys = NULL;
	int named = 0;

	if (m->label_by && *m->label_by) {
		keys = strdup(m->label_by);
		if (!keys)
			return -ENOMEM;
	} else if (m->ncols > 1 && !labels_tagged(m)) {
		keys = differing_keys(m);
		named = 1;
	}
	/* automatic names: a run's own tag "label" comes first */
	for (size_t i = 0; i < m->ncols; i++) {
		struct hvs_rpt_column *c = &m->cols[i];
		char *want, *l;

		if (c->label && *c->label && !label_taken(m, i, c->label))
			continue;
		if (c->label && *c->label)
			want = strdup(c->label);
		else if (named && tag_get(c, "label") && *tag_get(c, "label"))
			want = strdup(tag_get(c, "label"));
		else if (keys)
			want = label_from_keys(c, keys, named);
		else
			want = wanted_label(c);
		if (!want) {
			free(keys);
			return -ENOMEM;
		}
		l = want;
		for (int k = 2; label_taken(m, i, l); k++) {
			if (l != want)
				free(l);
			if (asprintf(&l, "%s #%d", want, k) < 0) {
				free(want);
				free(keys);
				return -ENOMEM;
			}
		}
		if (l != want)
			free(want);
		free(c->label);
		c->label = l;
	}
	free(keys);
	return 0;
}

int hvs_rpt_baseline_virtual(const struct hvs_rpt_model *m, char *buf, size_t len)
{
	const struct hvs_rpt_column *b;
	const char *s;

	if (m->baseline < 0)
		return 0;
	b = &m->cols[m->baseline];
	s = b->summary;
	if (!s || !*s || !strcmp(s, "none") || strstr(s, "no hypervisor") || strstr(s, "bare metal") ||
	    !strcmp(s, "unknown"))
		return 0;
	snprintf(buf, len, "%s = %s guest, not bare metal", b->label, s);
	return 1;
}

static int row_cmp(const void *a, const void *b)
{
	const struct hvs_rpt_row *x = a, *y = b;
	int d = strcmp(x->klass, y->klass);

	if (d)
		return d;
	if ((d = strcmp(x->unit, y->unit)))
		return d;
	/* Chase metrics by series (the name before its size), then working set. */
	if (!isnan(x->ws_bytes) && !isnan(y->ws_bytes)) {
		size_t lx = (size_t)(strrchr(x->name, '.') - x->name);
		size_t ly = (size_t)(strrchr(y->name, '.') - y->name);

		d = strncmp(x->name, y->name, lx < ly ? lx : ly);
		if (d || lx != ly)
			return d ? d : lx < ly ? -1 : 1;
		if (x->ws_bytes != y->ws_bytes)
			return x->ws_bytes < y->ws_bytes ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

static long find_row(const struct hvs_rpt_row *rows, size_t n, const struct hvs_metric *mt)
{
	/* Linear: reports have hundreds of rows, not millions. */
	for (size_t r = 0; r < n; r++)
		if (!strcmp(rows[r].name, mt->name) && !strcmp(rows[r].unit, mt->unit))
			return (long)r;
	return -1;
}

int hvs_rpt_model_finish(struct hvs_rpt_model *m)
{
	size_t cap = 0, n = 0;
	struct hvs_rpt_row *rows = NULL;
	int ret = make_labels(m);

	if (ret)
		return ret;
	for (size_t c = 0; c < m->ncols; c++) {
		const struct hvs_metrics *set = &m->cols[c].metrics;

		for (size_t i = 0; i < set->n; i++) {
			const struct hvs_metric *mt = &set->v[i];
			long r = find_row(rows, n, mt);

			if (r < 0) {
				if (HVS_ARRAY_RESERVE(rows, cap, n + 1, 64))
					goto nomem;
				memset(&rows[n], 0, sizeof(rows[0]));
				rows[n].cell = calloc(m->ncols, sizeof(rows[n].cell[0]));
				if (!rows[n].cell)
					goto nomem;
				rows[n].name = mt->name;
				rows[n].unit = mt->unit;
				rows[n].klass = *mt->klass ? mt->klass : "other";
				rows[n].what = mt->what;
				rows[n].direction = mt->direction;
				rows[n].ws_bytes = hvs_rpt_chase_bytes(mt);
				r = (long)n++;
			}
			/* A duplicate metric in one file: the first one wins. */
			if (!rows[r].cell[c])
				rows[r].cell[c] = mt;
		}
	}
	if (n)
		qsort(rows, n, sizeof(*rows), row_cmp);
	for (size_t r = 0; r < m->nrows; r++)
		free(m->rows[r].cell);
	free(m->rows);
	m->rows = rows;
	m->nrows = n;
	vs_free(m->vs, m->ncols);
	/* without the cache (no memory) every ratio compares afresh: slower, the same numbers */
	if ((m->vs = calloc(1, sizeof(*m->vs)))) {
		m->vs->baseline = -1;
		m->vs->cmp = calloc(m->ncols ? m->ncols : 1, sizeof(*m->vs->cmp));
		m->vs->state = calloc(m->ncols ? m->ncols : 1, sizeof(*m->vs->state));
		if (!m->vs->cmp || !m->vs->state) {
			free(m->vs->cmp);
			free(m->vs->state);
			free(m->vs);
			m->vs = NULL;
		}
	}
	return 0;
nomem:
	for (size_t r = 0; r < n; r++)
		free(rows[r].cell);
	free(rows);
	return -ENOMEM;
}

/* Does name equal the file name, with or without directory and ".json"? */
static int file_matches(const char *file, const char *name)
{
	const char *b = base_name(file);
	size_t bl = strlen(b);

	if (!file)
		return 0;
	if (!strcmp(file, name) || !strcmp(b, name))
		return 1;
	return bl > 5 && !strcmp(b + bl - 5, ".json") && strlen(name) == bl - 5 &&
	       !strncmp(b, name, bl - 5);
}

int hvs_rpt_model_set_baseline(struct hvs_rpt_model *m, const char *name)
{
	for (int level = 0; level < 4; level++) {
		int found = -1, count = 0;

		for (size_t i = 0; i < m->ncols; i++) {
			const struct hvs_rpt_column *c = &m->cols[i];
			int hit = 0;

			if (level == 0)
				hit = c->label && !strcmp(c->label, name);
			else if (level == 1)
				hit = file_matches(c->file, name);
			else if (level == 2)
				for (size_t t = 0; t < c->ntags && !hit; t++)
					hit = !strcmp(c->tags[t].val, name);
			else
				hit = (c->summary && !strcasecmp(c->summary, name)) ||
				      (c->hostname && !strcmp(c->hostname, name));
			if (hit) {
				found = (int)i;
				count++;
			}
		}
		if (count > 1)
			return -EINVAL;
		if (count == 1) {
			m->baseline = found;
			return found;
		}
	}
	return -ENOENT;
}

int hvs_rpt_usable(const struct hvs_metric *mt)
{
	return mt && mt->outcome == HVS_PASS && mt->summary.n > 0 && isfinite(mt->summary.median);
}

double hvs_rpt_ratio(const struct hvs_rpt_model *m, size_t r, size_t c, double *lo, double *hi)
{
	const struct hvs_metric *a, *b;
	const struct hvs_cmp *cmp;
	struct hvs_cmp own = { 0 };
	double ra = NAN;

	if (lo)
		*lo = NAN;
	if (hi)
		*hi = NAN;
	if (m->baseline < 0 || r >= m->nrows || c >= m->ncols)
		return NAN;
	a = m->rows[r].cell[m->baseline];
	b = m->rows[r].cell[c];
	if (!hvs_rpt_usable(a) || !hvs_rpt_usable(b) || a->summary.median <= 0 || b->summary.median <= 0)
		return NAN;
	/*
	 * The ratio and its CI are compare's (harness/analysis/compare.c), over
	 * the whole column as compare would see the two files, so a report and
	 * `hvscope compare` print the same interval for the same files.
	 */
	if (vs_get(m, c, &own, &cmp)) {
		hvs_cmp_free(&own);
		return NAN;
	}
	for (size_t i = 0; i < cmp->n; i++) {
		const struct hvs_cmp_row *x = &cmp->rows[i];

		if (strcmp(x->name, a->name) || x->verdict == HVS_V_NA)
			continue;
		ra = x->cost;
		/* Oriented like the cost: A/B for higher-is-better metrics. */
		if (lo)
			*lo = x->direction == HVS_HIGHER_IS_BETTER ? 1 / x->ratio.hi : x->ratio.lo;
		if (hi)
			*hi = x->direction == HVS_HIGHER_IS_BETTER ? 1 / x->ratio.lo : x->ratio.hi;
	}
	hvs_cmp_free(&own);
	return ra;
}

double hvs_rpt_chase_bytes(const struct hvs_metric *mt)
{
	static const struct {
		const char *key;
		double mul;
	} keys[] = {
		{ "working_set_bytes", 1 }, { "ws_bytes", 1 }, { "bytes", 1 },
		{ "working_set_kib", 1024 }, /* microbench/paging_chase.c */
	};
	const char *last, *p;
	char *end;
	double v, mul = 1;

	if (!strstr(mt->name, ".chase.") && strncmp(mt->name, "chase.", 6))
		return NAN;
	for (size_t k = 0; k < HVS_ARRAY_SIZE(keys); k++)
		for (int i = 0; i < mt->nextra; i++)
			if (!strcmp(mt->extra[i].key, keys[k].key) && mt->extra[i].val > 0)
				return mt->extra[i].val * keys[k].mul;
	last = strrchr(mt->name, '.') + 1;
	for (p = last; *p && (*p < '0' || *p > '9'); p++)
		; /* skip a prefix such as "ws" */
	if (!*p)
		return NAN;
	v = strtod(p, &end);
	if (end == p || !(v > 0))
		return NAN;
	switch (*end) {
	case 'k': case 'K': mul = 1024.0; end++; break;
	case 'm': case 'M': mul = 1024.0 * 1024; end++; break;
	case 'g': case 'G': mul = 1024.0 * 1024 * 1024; end++; break;
	default: break;
	}
	if (*end == 'i')
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	return *end ? NAN : v * mul;
}

void hvs_rpt_fmt(double val, double unc, char *vbuf, size_t vlen, char *ubuf, size_t ulen)
{
	int dec;

	if (!isfinite(val)) {
		snprintf(vbuf, vlen, "%s", isnan(val) ? "NaN" : val > 0 ? "inf" : "-inf");
		if (ubuf)
			snprintf(ubuf, ulen, "%s", "");
		return;
	}
	if (isfinite(unc) && unc > 0) {
		/* Two significant digits of the uncertainty fix the decimals. */
		dec = 1 - (int)floor(log10(unc));
	} else {
		double a = fabs(val);

		dec = a > 0 ? 3 - (int)floor(log10(a)) : 0;
	}
	if (dec < 0)
		dec = 0;
	if (dec > 12)
		dec = 12;
	snprintf(vbuf, vlen, "%.*f", dec, val);
	if (ubuf) {
		if (isfinite(unc) && unc > 0)
			snprintf(ubuf, ulen, "%.*f", dec, unc);
		else
			snprintf(ubuf, ulen, "%s", "");
	}
}

/* A view of set holding the metrics keep() accepts that are usable in both sets (not owned). */
static int est_view(const struct hvs_metrics *set, const struct hvs_metrics *other,
		    int (*keep)(const struct hvs_metric *, void *), void *arg, struct hvs_metrics *v)
{
	memset(v, 0, sizeof(*v));
	v->v = malloc((set->n ? set->n : 1) * sizeof(*v->v));
	if (!v->v)
		return -ENOMEM;
	for (size_t i = 0; i < set->n; i++) {
		const struct hvs_metric *mt = &set->v[i];
		long j = hvs_metrics_find(other, mt->name);

		if (j < 0 || !hvs_rpt_usable(mt) || !hvs_rpt_usable(&other->v[j]) || mt->summary.median <= 0 ||
		    other->v[j].summary.median <= 0 || (keep && !keep(mt, arg)))
			continue;
		v->v[v->n++] = *mt; /* shallow: the samples stay the column's */
	}
	return 0;
}

int hvs_rpt_est_vs(const struct hvs_rpt_model *m, size_t base, size_t c,
		   int (*keep)(const struct hvs_metric *mt, void *arg), void *arg, double thr,
		   struct hvs_rpt_est *e)
{
	struct hvs_metrics va, vb;
	struct hvs_cmp_opts o;
	struct hvs_cmp cmp;
	int ret;

	memset(e, 0, sizeof(*e));
	e->v = e->lo = e->hi = NAN;
	e->verdict = HVS_V_NA;
	if (base >= m->ncols || c >= m->ncols)
		return -EINVAL;
	if ((ret = est_view(&m->cols[base].metrics, &m->cols[c].metrics, keep, arg, &va)))
		return ret;
	if ((ret = est_view(&m->cols[c].metrics, &m->cols[base].metrics, keep, arg, &vb))) {
		free(va.v);
		return ret;
	}
	if (!va.n) {
		free(va.v);
		free(vb.v);
		return 0;
	}
	hvs_cmp_opts_default(&o);
	o.threshold = thr;
	ret = hvs_compare(&va, &vb, &o, &cmp);
	free(va.v);
	free(vb.v);
	if (ret)
		return ret;
	e->n = cmp.ncompared;
	for (size_t i = 0; i < cmp.n; i++) {
		const struct hvs_cmp_row *x = &cmp.rows[i];

		if (x->verdict == HVS_V_NA)
			continue;
		if (!e->first[0])
			hvs_strlcpy(e->first, x->name, sizeof(e->first));
		if (cmp.ncompared == 1) {
			e->v = x->cost;
			e->lo = x->direction == HVS_HIGHER_IS_BETTER ? 1 / x->ratio.hi : x->ratio.lo;
			e->hi = x->direction == HVS_HIGHER_IS_BETTER ? 1 / x->ratio.lo : x->ratio.hi;
			e->verdict = x->verdict;
		}
	}
	if (cmp.ncompared > 1) {
		e->v = cmp.geomean.ratio;
		e->lo = cmp.geomean.lo;
		e->hi = cmp.geomean.hi;
		e->verdict = cmp.geomean_verdict;
	}
	hvs_cmp_free(&cmp);
	return 0;
}

/* The row of metric name, or m->nrows. */
static size_t row_of(const struct hvs_rpt_model *m, const char *name)
{
	size_t r = 0;

	while (r < m->nrows && strcmp(m->rows[r].name, name))
		r++;
	return r;
}

struct in_class {
	const struct hvs_rpt_model *m;
	const char *klass;
};

/* keep() for hvs_rpt_est_vs: the metric's row is of class klass (as the tables group it). */
static int in_class(const struct hvs_metric *mt, void *arg)
{
	const struct in_class *k = arg;
	size_t r = row_of(k->m, mt->name);

	return r < k->m->nrows && !strcmp(k->m->rows[r].klass, k->klass);
}

/*
 * The analysis module's geometric mean (hvs_compare over the baseline and
 * column c restricted to the class's metrics: its precision-weighted
 * geometric mean and 95% CI, as `hvscope compare` prints it for those
 * metrics); one metric: that metric's ratio and CI as every table shows it.
 */
double hvs_rpt_geomean_ci(const struct hvs_rpt_model *m, size_t c, const char *klass, double *lo,
			  double *hi, size_t *n)
{
	struct in_class k = { m, klass };
	struct hvs_cmp_opts o;
	struct hvs_rpt_est e;

	*lo = *hi = NAN;
	if (n)
		*n = 0;
	if (m->baseline < 0 || c >= m->ncols)
		return NAN;
	hvs_cmp_opts_default(&o);
	if (hvs_rpt_est_vs(m, (size_t)m->baseline, c, klass ? in_class : NULL, &k, o.threshold, &e) || !e.n)
		return NAN;
	if (n)
		*n = e.n;
	if (e.n == 1)
		return hvs_rpt_ratio(m, row_of(m, e.first), c, lo, hi);
	*lo = e.lo;
	*hi = e.hi;
	return e.v;
}
