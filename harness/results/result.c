/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * result.c - result file writer and strict reader (jansson), see result.h
 * and results-schema/result.schema.json. The reader checks everything the
 * schema says that matters to a consumer (types, version, finite numbers,
 * unique metric names) so compare/ingest can trust what they get.
 */
#include "result.h"
#include "core/hvs_features.h"
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if HAVE_JANSSON
#include <jansson.h>
#endif

/* Histogram bins are 2^(1/64) wide: a value is known within 0.55%. */
#define HIST_BASE 1.0108892860517005

static const char *const flag_names[] = { "steal", "no_counters", "skipped", "timeout",
					  "histogram" };

const char *hvs_direction_name(enum hvs_direction d)
{
	return d == HVS_HIGHER_IS_BETTER ? "higher_is_better" : "lower_is_better";
}

void hvs_iso8601_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void hvs_run_info_init(struct hvs_run_info *info)
{
	unsigned char r[6] = { 0 };
	char ts[24];

	memset(info, 0, sizeof(*info));
	hvs_iso8601_now(info->started, sizeof(info->started));
	hvs_strlcpy(ts, info->started, sizeof(ts));
	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* No entropy yet (early boot in a guest): time and pid are unique enough. */
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		memcpy(r, &now.tv_nsec, 4);
		r[4] = (unsigned char)getpid();
		r[5] = (unsigned char)(getpid() >> 8);
	}
	/* id: sortable by time, unique across concurrent runners. */
	snprintf(info->id, sizeof(info->id), "%.4s%.2s%.2sT%.2s%.2s%.2sZ-%02x%02x%02x%02x%02x%02x",
		 ts, ts + 5, ts + 8, ts + 11, ts + 14, ts + 17, r[0], r[1], r[2], r[3], r[4], r[5]);
	hvs_strlcpy(info->hvscope_version, hvs_version(), sizeof(info->hvscope_version));
	hvs_strlcpy(info->git_commit, hvs_git_commit(), sizeof(info->git_commit));
}

static int tag_key_ok(const char *k, size_t n)
{
	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int set_tag(struct hvs_run_info *info, const char *k, size_t kn, const char *v,
		   size_t vn)
{
	struct hvs_tag *t = NULL;

	if (!tag_key_ok(k, kn) || vn > 127)
		return -EINVAL;
	for (int i = 0; i < info->ntags; i++)
		if (strlen(info->tags[i].key) == kn && !memcmp(info->tags[i].key, k, kn))
			t = &info->tags[i];
	if (!t) {
		if (info->ntags >= HVS_MAX_TAGS)
			return -ENOSPC;
		t = &info->tags[info->ntags++];
		memcpy(t->key, k, kn);
		t->key[kn] = '\0';
	}
	memcpy(t->val, v, vn);
	t->val[vn] = '\0';
	return 0;
}

int hvs_run_info_add_tags(struct hvs_run_info *info, const char *spec)
{
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ','), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int ret;

		eq = memchr(p, '=', len);
		if (!eq)
			return -EINVAL;
		ret = set_tag(info, p, (size_t)(eq - p), eq + 1, len - (size_t)(eq - p) - 1);
		if (ret)
			return ret;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

const char *hvs_run_info_tag(const struct hvs_run_info *info, const char *key)
{
	for (int i = 0; i < info->ntags; i++)
		if (!strcmp(info->tags[i].key, key))
			return info->tags[i].val;
	return NULL;
}

void hvs_result_free(struct hvs_result *r)
{
	if (!r)
		return;
	hvs_metrics_free(&r->set);
	for (int i = 0; i < r->info.argc; i++)
		free(r->info.argv[i]);
	free(r->info.argv);
	free(r->info.context_json);
	free(r);
}

#if HAVE_JANSSON

/* ---------------------------------------------------------------- writer */

static int put(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		return -EINVAL; /* json_real() refuses NaN/Inf: that is what we want */
	return json_object_set_new(obj, key, v) ? -ENOMEM : 0;
}

static int append(json_t *arr, json_t *v)
{
	if (!v)
		return -EINVAL;
	return json_array_append_new(arr, v) ? -ENOMEM : 0;
}

static json_t *real(double x)
{
	return isfinite(x) ? json_real(x) : NULL;
}

static json_t *histogram_json(const double *x, size_t n)
{
	/* Bins keyed by (sign, k); sort a copy so equal bins are adjacent. */
	double *c = malloc(n * sizeof(*c));
	json_t *h = json_object(), *bins = json_array();
	size_t zero = 0;
	int ret = -ENOMEM;

	if (!c || !h || !bins)
		goto out;
	memcpy(c, x, n * sizeof(*c));
	hvs_sort(c, n);
	for (size_t i = 0; i < n;) {
		int sign;
		long k;
		size_t j = i;

		if (c[i] == 0) {
			zero++;
			i++;
			continue;
		}
		sign = c[i] > 0 ? 1 : -1;
		k = (long)floor(log(fabs(c[i])) / log(HIST_BASE));
		while (j < n && c[j] != 0 && (c[j] > 0 ? 1 : -1) == sign &&
		       (long)floor(log(fabs(c[j])) / log(HIST_BASE)) == k)
			j++;
		if (append(bins, json_pack("[iII]", sign, (json_int_t)k, (json_int_t)(j - i))))
			goto out;
		i = j;
	}
	if (put(h, "base", json_real(HIST_BASE)) || put(h, "n", json_integer((json_int_t)n)) ||
	    put(h, "zero", json_integer((json_int_t)zero)))
		goto out;
	ret = put(h, "bins", bins);
	bins = NULL;
out:
	free(c);
	json_decref(bins);
	if (ret) {
		json_decref(h);
		return NULL;
	}
	return h;
}

static json_t *summary_json(const struct hvs_summary *s)
{
	return json_pack("{sI sf sf sf sf sf sf sf sI}", "n", (json_int_t)s->n, "median", s->median,
			 "mean", s->mean, "mad", s->mad, "min", s->min, "max", s->max, "ci_lo",
			 s->ci_lo, "ci_hi", s->ci_hi, "outliers", (json_int_t)s->outliers);
}

static int summary_finite(const struct hvs_summary *s)
{
	return isfinite(s->median) && isfinite(s->mean) && isfinite(s->mad) &&
	       isfinite(s->min) && isfinite(s->max) && isfinite(s->ci_lo) && isfinite(s->ci_hi);
}

static json_t *metric_json(const struct hvs_metric *m)
{
	json_t *o = json_object(), *flags = json_array(), *a = NULL, *extra = NULL;
	unsigned fl = m->flags;
	int ret = -ENOMEM;

	if (!o || !flags)
		goto out;
	if (m->nsamples > HVS_RESULT_MAX_RAW)
		fl |= HVS_MF_HISTOGRAM;
	for (size_t i = 0; i < HVS_ARRAY_SIZE(flag_names); i++)
		if (fl & (1u << i) && append(flags, json_string(flag_names[i])))
			goto out;
	if (put(o, "name", json_string(m->name)) || put(o, "unit", json_string(m->unit)) ||
	    put(o, "direction", json_string(hvs_direction_name(m->direction))) ||
	    put(o, "outcome", json_string(hvs_outcome_name(m->outcome))))
		goto out;
	ret = put(o, "flags", flags);
	flags = NULL;
	if (ret)
		goto out;
	ret = -EINVAL;
	if (m->klass[0] && put(o, "class", json_string(m->klass)))
		goto out;
	if (m->what[0] && put(o, "what", json_string(m->what)))
		goto out;
	if (m->reason[0] && put(o, "reason", json_string(m->reason)))
		goto out;
	if (m->nsamples) {
		if (put(o, "iterations", json_integer((json_int_t)m->iterations)) ||
		    put(o, "overhead", real(m->overhead)))
			goto out;
		if (m->nsamples > HVS_RESULT_MAX_RAW) {
			if (put(o, "histogram", histogram_json(m->samples, m->nsamples)))
				goto out;
		} else {
			a = json_array();
			if (!a)
				goto out;
			for (size_t i = 0; i < m->nsamples; i++)
				if (append(a, real(m->samples[i])))
					goto out;
			if (put(o, "samples", a)) {
				a = NULL;
				goto out;
			}
			a = NULL;
		}
		if (!summary_finite(&m->summary) || put(o, "summary", summary_json(&m->summary)))
			goto out;
	}
	if (m->nprocesses) {
		a = json_array();
		if (!a)
			goto out;
		for (size_t i = 0; i < m->nprocesses; i++)
			if (append(a, real(m->process_medians[i])))
				goto out;
		if (put(o, "process_medians", a)) {
			a = NULL;
			goto out;
		}
		a = NULL;
	}
	if (m->nextra) {
		extra = json_object();
		if (!extra)
			goto out;
		for (int i = 0; i < m->nextra; i++)
			if (put(extra, m->extra[i].key, real(m->extra[i].val)))
				goto out;
		if (put(o, "extra", extra)) {
			extra = NULL;
			goto out;
		}
		extra = NULL;
	}
	ret = 0;
out:
	json_decref(flags);
	json_decref(a);
	json_decref(extra);
	if (ret) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *minimal_context(void)
{
	return json_pack("{ss s{ss ss} s{ss ss}}", "host", "unknown", "kernel", "sysname", "unknown",
			 "release", "unknown", "build", "compiler", __VERSION__, "flags",
			 hvs_build_flags());
}

int hvs_result_dump(const struct hvs_run_info *info, const struct hvs_metrics *set, char **out)
{
	json_t *root = json_object(), *run = NULL, *tags = NULL, *argv = NULL, *ctx = NULL,
	       *metrics = NULL;
	int ret = -ENOMEM;

	*out = NULL;
	if (!root)
		return -ENOMEM;
	run = json_pack("{ss ss ss ss ss}", "id", info->id, "hvscope_version",
			info->hvscope_version, "git_commit", info->git_commit, "started",
			info->started, "finished", info->finished[0] ? info->finished : info->started);
	tags = json_object();
	argv = json_array();
	metrics = json_array();
	if (!run || !tags || !argv || !metrics)
		goto out;
	if (info->suite[0] && put(run, "suite", json_string(info->suite)))
		goto out;
	if (info->processes > 0 && put(run, "processes", json_integer(info->processes)))
		goto out;
	for (int i = 0; i < info->argc; i++)
		if (append(argv, json_string(info->argv[i])))
			goto out;
	for (int i = 0; i < info->ntags; i++)
		if (put(tags, info->tags[i].key, json_string(info->tags[i].val)))
			goto out;
	ret = put(run, "command_line", argv);
	argv = NULL;
	if (!ret)
		ret = put(run, "tags", tags);
	tags = NULL;
	if (ret)
		goto out;
	if (info->context_json) {
		json_error_t e;

		ctx = json_loads(info->context_json, JSON_REJECT_DUPLICATES, &e);
		if (!json_is_object(ctx)) {
			ret = -EINVAL;
			goto out;
		}
	} else {
		ctx = minimal_context();
	}
	for (size_t i = 0; i < set->n; i++) {
		ret = append(metrics, metric_json(&set->v[i]));
		if (ret)
			goto out;
	}
	ret = put(root, "schema_version", json_integer(HVS_RESULT_SCHEMA_VERSION));
	if (!ret)
		ret = put(root, "kind", json_string("hvscope-result"));
	if (!ret)
		ret = put(root, "run", run);
	run = NULL;
	if (!ret)
		ret = put(root, "context", ctx);
	ctx = NULL;
	if (!ret)
		ret = put(root, "metrics", metrics);
	metrics = NULL;
	if (ret)
		goto out;
	*out = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
	ret = *out ? 0 : -ENOMEM;
out:
	json_decref(run);
	json_decref(tags);
	json_decref(argv);
	json_decref(ctx);
	json_decref(metrics);
	json_decref(root);
	return ret;
}

int hvs_result_write(const char *path, const struct hvs_run_info *info,
		     const struct hvs_metrics *set)
{
	char *text;
	int ret = hvs_result_dump(info, set, &text);
	size_t len;

	if (ret)
		return ret;
	len = strlen(text);
	text[len] = '\n'; /* the NUL becomes the final newline; len + 1 bytes go out */
	if (!strcmp(path, "-")) {
		ret = fwrite(text, 1, len + 1, stdout) == len + 1 && fflush(stdout) == 0 ? 0 : -EIO;
	} else {
		ret = hvs_write_atomic(path, text, len + 1);
	}
	free(text);
	return ret;
}

/* ---------------------------------------------------------------- digest */

/* Canonical form: sorted keys, no blanks, 17 digits (digest.c writes
 * jansson's text for it without jansson's dumper). */
static int digest_json(json_t *root, char *hex)
{
	return hvs_json_digest(root, hex) ? -ENOMEM : 0;
}

int hvs_result_digest(const struct hvs_run_info *info, const struct hvs_metrics *set,
		      char *hex)
{
	char *text;
	json_t *root;
	json_error_t e;
	int ret = hvs_result_dump(info, set, &text);

	if (ret)
		return ret;
	/* What a reader of the file would parse: the same text, so the same digest. */
	root = json_loads(text, 0, &e);
	free(text);
	if (!root)
		return -ENOMEM;
	ret = digest_json(root, hex);
	json_decref(root);
	return ret;
}

/* ---------------------------------------------------------------- reader */

struct rd {
	char *err;
	size_t errlen;
	size_t values; /* samples and process medians decoded so far (the file's budget) */
};

static int fail(struct rd *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct rd *r, int code, const char *fmt, ...)
{
	va_list ap;

	if (r->err && r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
	}
	return -code;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* Fetch a member of the required JSON type (or NULL if optional and absent). */
static int member(struct rd *r, json_t *obj, const char *where, const char *key, int type,
		  int required, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return fail(r, HVS_ESCHEMA, "%s: missing \"%s\"", where, key);
		return 0;
	}
	if (type == JSON_REAL ? !json_is_number(v) : (int)json_typeof(v) != type)
		return fail(r, HVS_ESCHEMA, "%s.%s: expected %s, got %s", where, key,
			    type == JSON_REAL ? "number" :
			    type == JSON_INTEGER ? "integer" :
			    type == JSON_STRING ? "string" :
			    type == JSON_ARRAY ? "array" : "object",
			    type_name(v));
	*out = v;
	return 0;
}

static int get_str(struct rd *r, json_t *obj, const char *where, const char *key, int required,
		   char *buf, size_t len)
{
	json_t *v;
	int ret = member(r, obj, where, key, JSON_STRING, required, &v);

	if (ret || !v)
		return ret;
	if (json_string_length(v) >= len)
		return fail(r, HVS_ESCHEMA, "%s.%s: string longer than %zu bytes", where, key,
			    len - 1);
	hvs_strlcpy(buf, json_string_value(v), len);
	return 0;
}

static int get_num(struct rd *r, json_t *obj, const char *where, const char *key, int required,
		   double *out)
{
	json_t *v;
	int ret = member(r, obj, where, key, JSON_REAL, required, &v);

	if (ret || !v)
		return ret;
	*out = json_number_value(v);
	return 0;
}

static int get_uint(struct rd *r, json_t *obj, const char *where, const char *key, int required,
		    uint64_t *out)
{
	json_t *v;
	int ret = member(r, obj, where, key, JSON_INTEGER, required, &v);

	if (ret || !v)
		return ret;
	if (json_integer_value(v) < 0)
		return fail(r, HVS_ESCHEMA, "%s.%s: negative", where, key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/*
 * Charge n decoded values of where (a metric's samples, histogram or
 * process medians) to the file's budget before allocating them: over the
 * per-array limit max, or the file's HVS_RESULT_MAX_VALUES, is -EFBIG.
 */
static int budget(struct rd *r, const char *where, const char *what, uint64_t n, uint64_t max)
{
	if (n > max)
		return fail(r, EFBIG, "%s: %llu %s, over the limit of %llu per metric", where,
			    (unsigned long long)n, what, (unsigned long long)max);
	if (n > HVS_RESULT_MAX_VALUES - r->values)
		return fail(r, EFBIG,
			    "%s: %llu more %s bring the file to %llu values, over the limit of %u per file",
			    where, (unsigned long long)n, what, (unsigned long long)(r->values + n),
			    HVS_RESULT_MAX_VALUES);
	r->values += n;
	return 0;
}

static int num_array(struct rd *r, json_t *a, const char *where, uint64_t max, double **out,
		     size_t *n)
{
	size_t len = json_array_size(a);
	double *x;
	int ret;

	*out = NULL;
	*n = 0;
	if ((ret = budget(r, where, max == HVS_RESULT_MAX_PROCESSES ? "process medians" : "samples",
			  len, max)))
		return ret;
	x = len ? malloc(len * sizeof(*x)) : NULL;
	if (len && !x)
		return fail(r, ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_number(v)) {
			free(x);
			return fail(r, HVS_ESCHEMA, "%s[%zu]: expected number, got %s", where, i,
				    type_name(v));
		}
		x[i] = json_number_value(v);
	}
	*out = x;
	*n = len;
	return 0;
}

static int read_histogram(struct rd *r, json_t *h, const char *where, double **out, size_t *n)
{
	json_t *bins, *v;
	double base = 0;
	uint64_t total, zero = 0, got = 0;
	double *x;
	size_t i;
	int ret;

	if ((ret = get_num(r, h, where, "base", 1, &base)) ||
	    (ret = get_uint(r, h, where, "n", 1, &total)) ||
	    (ret = get_uint(r, h, where, "zero", 0, &zero)) ||
	    (ret = member(r, h, where, "bins", JSON_ARRAY, 1, &bins)))
		return ret;
	if (!(base > 1) || total == 0)
		return fail(r, HVS_ESCHEMA, "%s: bad base or count", where);
	/* n is one number in a small file: check it before it becomes memory. */
	if ((ret = budget(r, where, "samples", total, HVS_RESULT_MAX_SAMPLES)))
		return ret;
	x = malloc(total * sizeof(*x));
	if (!x)
		return fail(r, ENOMEM, "out of memory");
	for (got = 0; got < zero && got < total; got++)
		x[got] = 0;
	json_array_foreach(bins, i, v) {
		json_int_t sign, k, cnt;

		if (json_unpack(v, "[III!]", &sign, &k, &cnt) || (sign != 1 && sign != -1) ||
		    cnt < 1 || (uint64_t)cnt > total - got || k < -2000 || k > 2000) {
			free(x);
			return fail(r, HVS_ESCHEMA, "%s.bins[%zu]: expected [sign, k, count] within n",
				    where, i);
		}
		{
			double val = (double)sign * pow(base, (double)k + 0.5);

			for (json_int_t c = 0; c < cnt; c++)
				x[got++] = val;
		}
	}
	if (got != total) {
		free(x);
		return fail(r, HVS_ESCHEMA, "%s: bins hold %llu values, n says %llu", where,
			    (unsigned long long)got, (unsigned long long)total);
	}
	*out = x;
	*n = total;
	return 0;
}

static int read_metric(struct rd *r, json_t *o, size_t idx, struct hvs_metric *m)
{
	char where[160], buf[32];
	json_t *flags, *samples, *hist, *pm, *extra, *v;
	const char *key;
	size_t i;
	int ret;

	snprintf(where, sizeof(where), "metrics[%zu]", idx);
	if (!json_is_object(o))
		return fail(r, HVS_ESCHEMA, "%s: expected object, got %s", where, type_name(o));
	if ((ret = get_str(r, o, where, "name", 1, m->name, sizeof(m->name))))
		return ret;
	if (!m->name[0])
		return fail(r, HVS_ESCHEMA, "%s.name: empty", where);
	snprintf(where, sizeof(where), "metric \"%s\"", m->name);
	if ((ret = get_str(r, o, where, "unit", 1, m->unit, sizeof(m->unit))) ||
	    (ret = get_str(r, o, where, "class", 0, m->klass, sizeof(m->klass))) ||
	    (ret = get_str(r, o, where, "what", 0, m->what, sizeof(m->what))) ||
	    (ret = get_str(r, o, where, "reason", 0, m->reason, sizeof(m->reason))))
		return ret;
	if ((ret = get_str(r, o, where, "direction", 1, buf, sizeof(buf))))
		return ret;
	if (!strcmp(buf, "lower_is_better"))
		m->direction = HVS_LOWER_IS_BETTER;
	else if (!strcmp(buf, "higher_is_better"))
		m->direction = HVS_HIGHER_IS_BETTER;
	else
		return fail(r, HVS_ESCHEMA, "%s.direction: unknown \"%s\"", where, buf);
	if ((ret = get_str(r, o, where, "outcome", 1, buf, sizeof(buf))))
		return ret;
	for (i = 0; i <= HVS_INCONCLUSIVE; i++)
		if (!strcmp(buf, hvs_outcome_name((enum hvs_outcome)i)))
			break;
	if (i > HVS_INCONCLUSIVE)
		return fail(r, HVS_ESCHEMA, "%s.outcome: unknown \"%s\"", where, buf);
	m->outcome = (enum hvs_outcome)i;
	if ((ret = member(r, o, where, "flags", JSON_ARRAY, 1, &flags)))
		return ret;
	json_array_foreach(flags, i, v) {
		size_t f;

		for (f = 0; f < HVS_ARRAY_SIZE(flag_names); f++)
			if (json_is_string(v) && !strcmp(json_string_value(v), flag_names[f]))
				break;
		if (f == HVS_ARRAY_SIZE(flag_names))
			return fail(r, HVS_ESCHEMA, "%s.flags[%zu]: unknown flag", where, i);
		m->flags |= 1u << f;
	}
	if ((ret = get_uint(r, o, where, "iterations", 0, &m->iterations)) ||
	    (ret = get_num(r, o, where, "overhead", 0, &m->overhead)) ||
	    (ret = member(r, o, where, "samples", JSON_ARRAY, 0, &samples)) ||
	    (ret = member(r, o, where, "histogram", JSON_OBJECT, 0, &hist)) ||
	    (ret = member(r, o, where, "process_medians", JSON_ARRAY, 0, &pm)) ||
	    (ret = member(r, o, where, "extra", JSON_OBJECT, 0, &extra)) ||
	    (ret = member(r, o, where, "summary", JSON_OBJECT, 0, &v)))
		return ret;
	if (samples && hist)
		return fail(r, HVS_ESCHEMA, "%s: both samples and histogram", where);
	if (samples || hist) {
		double *x;
		size_t n;
		char w2[200];

		snprintf(w2, sizeof(w2), "%s.%s", where, samples ? "samples" : "histogram");
		ret = samples ? num_array(r, samples, w2, HVS_RESULT_MAX_SAMPLES, &x, &n) :
				read_histogram(r, hist, w2, &x, &n);
		if (ret)
			return ret;
		if (n == 0) {
			free(x);
		} else if (hvs_metric_set_samples(m, x, n)) {
			return fail(r, HVS_ESCHEMA, "%s: samples do not summarise", where);
		}
		if (hist)
			m->flags |= HVS_MF_HISTOGRAM;
	}
	if (pm) {
		char w2[200];

		snprintf(w2, sizeof(w2), "%s.process_medians", where);
		if ((ret = num_array(r, pm, w2, HVS_RESULT_MAX_PROCESSES, &m->process_medians,
				     &m->nprocesses)))
			return ret;
	}
	if (extra) {
		json_object_foreach(extra, key, v) {
			if (!json_is_number(v))
				return fail(r, HVS_ESCHEMA, "%s.extra.%s: expected number, got %s",
					    where, key, type_name(v));
			if (strlen(key) >= sizeof(m->extra[0].key) ||
			    hvs_metric_set_extra(m, key, json_number_value(v)))
				return fail(r, HVS_ESCHEMA, "%s.extra: too many or too long keys",
					    where);
		}
	}
	return 0;
}

static int read_run(struct rd *r, json_t *run, struct hvs_run_info *info)
{
	json_t *argv, *tags, *v;
	const char *key;
	uint64_t procs = 0;
	size_t i;
	int ret;

	if ((ret = get_str(r, run, "run", "id", 1, info->id, sizeof(info->id))) ||
	    (ret = get_str(r, run, "run", "hvscope_version", 1, info->hvscope_version,
			   sizeof(info->hvscope_version))) ||
	    (ret = get_str(r, run, "run", "git_commit", 1, info->git_commit,
			   sizeof(info->git_commit))) ||
	    (ret = get_str(r, run, "run", "started", 1, info->started, sizeof(info->started))) ||
	    (ret = get_str(r, run, "run", "finished", 1, info->finished, sizeof(info->finished))) ||
	    (ret = get_str(r, run, "run", "suite", 0, info->suite, sizeof(info->suite))) ||
	    (ret = get_uint(r, run, "run", "processes", 0, &procs)) ||
	    (ret = member(r, run, "run", "command_line", JSON_ARRAY, 1, &argv)) ||
	    (ret = member(r, run, "run", "tags", JSON_OBJECT, 1, &tags)))
		return ret;
	if (!info->id[0])
		return fail(r, HVS_ESCHEMA, "run.id: empty");
	if (procs > 1000000)
		return fail(r, HVS_ESCHEMA, "run.processes: out of range");
	info->processes = (int)procs;
	if (json_array_size(argv) > 4096)
		return fail(r, HVS_ESCHEMA, "run.command_line: too long");
	info->argv = calloc(json_array_size(argv) + 1, sizeof(char *));
	if (!info->argv)
		return fail(r, ENOMEM, "out of memory");
	json_array_foreach(argv, i, v) {
		if (!json_is_string(v))
			return fail(r, HVS_ESCHEMA, "run.command_line[%zu]: expected string, got %s",
				    i, type_name(v));
		info->argv[i] = strdup(json_string_value(v));
		if (!info->argv[i])
			return fail(r, ENOMEM, "out of memory");
		info->argc = (int)i + 1;
	}
	json_object_foreach(tags, key, v) {
		if (!json_is_string(v))
			return fail(r, HVS_ESCHEMA, "run.tags.%s: expected string, got %s", key,
				    type_name(v));
		ret = set_tag(info, key, strlen(key), json_string_value(v),
			      json_string_length(v));
		if (ret)
			return fail(r, HVS_ESCHEMA, "run.tags.%s: bad key, value too long or too many tags",
				    key);
	}
	return 0;
}

/*
 * The budget of the whole file from what its metrics declare (array
 * lengths, histogram n), before any of them is decoded: a file over it
 * is refused at once, not after decoding its first 8 million values.
 * Wrong types are left to read_metric(), which charges the budget again.
 */
static int check_budget(struct rd *r, json_t *metrics)
{
	json_t *o, *a, *h;
	size_t i;
	int ret = 0;

	json_array_foreach(metrics, i, o) {
		char where[200];
		json_t *name = json_object_get(o, "name");

		snprintf(where, sizeof(where), "metric \"%.96s\"",
			 json_is_string(name) ? json_string_value(name) : "?");
		a = json_object_get(o, "samples");
		h = json_object_get(o, "histogram");
		if (json_is_array(a))
			ret = budget(r, where, "samples", json_array_size(a), HVS_RESULT_MAX_SAMPLES);
		else if (json_is_integer(json_object_get(h, "n")) &&
			 json_integer_value(json_object_get(h, "n")) > 0)
			ret = budget(r, where, "samples",
				     (uint64_t)json_integer_value(json_object_get(h, "n")),
				     HVS_RESULT_MAX_SAMPLES);
		a = json_object_get(o, "process_medians");
		if (!ret && json_is_array(a))
			ret = budget(r, where, "process medians", json_array_size(a),
				     HVS_RESULT_MAX_PROCESSES);
		if (ret)
			return ret;
	}
	r->values = 0;
	return 0;
}

/* Where older versions differ, bring them to the current one (docs/results.md). */
static int upgrade(struct rd *r, json_t *root, json_int_t version)
{
	(void)root;
	if (version == HVS_RESULT_SCHEMA_VERSION)
		return 0;
	if (version > HVS_RESULT_SCHEMA_VERSION)
		return fail(r, HVS_ESCHEMA,
			    "schema_version %lld is newer than this hvscope reads (%d): upgrade hvscope",
			    (long long)version, HVS_RESULT_SCHEMA_VERSION);
	return fail(r, HVS_ESCHEMA, "schema_version %lld is not a known version", (long long)version);
}

/* A parse error on NaN/Infinity/overflow is a bad value, not a broken file. */
static int classify_parse_error(struct rd *r, const char *buf, size_t len, const json_error_t *e)
{
	size_t pos = e->position > 0 ? (size_t)e->position : 0;
	enum json_error_code c = json_error_code(e);

	if (c == json_error_numeric_overflow)
		return fail(r, HVS_ESCHEMA, "line %d: number out of range (%s)", e->line, e->text);
	if (c == json_error_duplicate_key)
		return fail(r, HVS_ESCHEMA, "line %d: duplicate key (%s)", e->line, e->text);
	{
		for (size_t back = 0; back < 2 && back <= pos; back++) {
			const char *p = buf + pos - back;
			size_t rest = len - (pos - back);

			if ((rest >= 3 && !memcmp(p, "NaN", 3)) ||
			    (rest >= 8 && !memcmp(p, "Infinity", 8)) ||
			    (rest >= 9 && !memcmp(p, "-Infinity", 9)))
				return fail(r, HVS_ESCHEMA,
					    "line %d: NaN/Infinity is not a valid number", e->line);
		}
		if (strstr(e->text, "'NaN'") || strstr(e->text, "'Infinity'"))
			return fail(r, HVS_ESCHEMA, "line %d: NaN/Infinity is not a valid number",
				    e->line);
	}
	if (c == json_error_premature_end_of_input || strstr(e->text, "end of file"))
		return fail(r, EBADMSG, "truncated JSON at line %d: %s", e->line, e->text);
	return fail(r, EBADMSG, "malformed JSON at line %d column %d: %s", e->line, e->column,
		    e->text);
}

int hvs_result_parse(const char *buf, size_t len, struct hvs_result **out, char *err,
		     size_t errlen)
{
	struct rd r = { err, errlen, 0 };
	struct hvs_result *res = NULL;
	json_t *root, *v, *run, *ctx, *metrics;
	json_error_t e;
	json_int_t version;
	size_t i;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (len > HVS_RESULT_MAX_BYTES)
		return fail(&r, EFBIG, "%zu bytes is over the %u-byte limit", len,
			    HVS_RESULT_MAX_BYTES);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
	if (!root)
		return classify_parse_error(&r, buf, len, &e);
	if (!json_is_object(root)) {
		ret = fail(&r, HVS_ESCHEMA, "top level: expected object, got %s", type_name(root));
		goto out;
	}
	v = json_object_get(root, "schema_version");
	if (!v) {
		ret = fail(&r, HVS_ESCHEMA, "missing schema_version (not an hvscope result file?)");
		goto out;
	}
	if (!json_is_integer(v)) {
		ret = fail(&r, HVS_ESCHEMA, "schema_version: expected integer, got %s", type_name(v));
		goto out;
	}
	version = json_integer_value(v);
	if ((ret = upgrade(&r, root, version)))
		goto out;
	v = json_object_get(root, "kind");
	if (!json_is_string(v) || strcmp(json_string_value(v), "hvscope-result")) {
		ret = fail(&r, HVS_ESCHEMA, "kind: expected \"hvscope-result\"");
		goto out;
	}
	res = calloc(1, sizeof(*res));
	if (!res) {
		ret = fail(&r, ENOMEM, "out of memory");
		goto out;
	}
	res->schema_version = (int)version;
	if ((ret = member(&r, root, "top level", "run", JSON_OBJECT, 1, &run)) ||
	    (ret = member(&r, root, "top level", "context", JSON_OBJECT, 1, &ctx)) ||
	    (ret = member(&r, root, "top level", "metrics", JSON_ARRAY, 1, &metrics)) ||
	    (ret = read_run(&r, run, &res->info)) ||
	    (ret = get_str(&r, ctx, "context", "host", 1, res->host, sizeof(res->host))) ||
	    (ret = get_str(&r, ctx, "context", "hypervisor", 0, res->hypervisor,
			   sizeof(res->hypervisor))))
		goto out;
	if (json_array_size(metrics) > HVS_RESULT_MAX_METRICS) {
		ret = fail(&r, EFBIG, "%zu metrics is over the limit of %d per file",
			   json_array_size(metrics), HVS_RESULT_MAX_METRICS);
		goto out;
	}
	if ((ret = check_budget(&r, metrics)))
		goto out;
	res->info.context_json = json_dumps(ctx, JSON_COMPACT | JSON_REAL_PRECISION(17));
	if (!res->info.context_json) {
		ret = fail(&r, ENOMEM, "out of memory");
		goto out;
	}
	json_array_foreach(metrics, i, v) {
		struct hvs_metric *m = hvs_metrics_add(&res->set);

		if (!m) {
			ret = fail(&r, ENOMEM, "out of memory");
			goto out;
		}
		if ((ret = read_metric(&r, v, i, m)))
			goto out;
		/* Duplicates: a name seen before makes compare ambiguous. */
		if (hvs_metrics_find(&res->set, m->name) != (long)res->set.n - 1) {
			ret = fail(&r, HVS_ESCHEMA, "duplicate metric \"%s\"", m->name);
			goto out;
		}
	}
	if (digest_json(root, res->digest)) {
		ret = fail(&r, ENOMEM, "out of memory");
		goto out;
	}
	*out = res;
	res = NULL;
	ret = 0;
out:
	hvs_result_free(res);
	json_decref(root);
	return ret;
}

#else /* !HAVE_JANSSON */

int hvs_result_dump(const struct hvs_run_info *info, const struct hvs_metrics *set, char **out)
{
	(void)info;
	(void)set;
	*out = NULL;
	return -ENOTSUP;
}

int hvs_result_write(const char *path, const struct hvs_run_info *info,
		     const struct hvs_metrics *set)
{
	(void)path;
	(void)info;
	(void)set;
	return -ENOTSUP;
}

int hvs_result_digest(const struct hvs_run_info *info, const struct hvs_metrics *set,
		      char *hex)
{
	(void)info;
	(void)set;
	hex[0] = '\0';
	return -ENOTSUP;
}

int hvs_result_parse(const char *buf, size_t len, struct hvs_result **out, char *err,
		     size_t errlen)
{
	(void)buf;
	(void)len;
	*out = NULL;
	snprintf(err, errlen, "built without jansson: cannot read JSON");
	return -ENODEV;
}

#endif

int hvs_result_read(const char *path, struct hvs_result **out, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	long n;
	int ret;

	*out = NULL;
	/* Check the size first: a 1 GB (even sparse) file is refused unread. */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > HVS_RESULT_MAX_BYTES) {
		snprintf(err, errlen, "%s: %lld bytes is over the %u-byte limit", path,
			 (long long)st.st_size, HVS_RESULT_MAX_BYTES);
		return -EFBIG;
	}
	n = hvs_read_file(path, HVS_RESULT_MAX_BYTES, &buf);
	if (n == -EFBIG) {
		snprintf(err, errlen, "%s: over the %u-byte limit", path, HVS_RESULT_MAX_BYTES);
		return -EFBIG;
	}
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror((int)-n));
		return (int)n;
	}
	ret = hvs_result_parse(buf, (size_t)n, out, err, errlen);
	free(buf);
	if (ret && err && errlen) {
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
		hvs_strlcpy(err, tmp, errlen);
	}
	return ret;
}
