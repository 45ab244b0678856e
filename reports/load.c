/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * load.c - turn a result file into a report column. The file is read and
 * validated by the harness reader (harness/results/result.h); this only picks what
 * the report shows: host, fingerprint summary and evidence, tags and a few
 * context facts, and takes over the metrics.
 */
#include "load.h"
#include "core/hvs_features.h"
#include "core/units.h"
#include "results/result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int add_ctx(struct hvs_rpt_column *col, const char *key, const char *val)
{
	if (!val || !*val)
		return 0;
	return hvs_rpt_kv_add(&col->ctx, &col->nctx, &col->capctx, key, val);
}

#if HAVE_JANSSON
#include <jansson.h>

#define MAX_EVIDENCE 400

/* One evidence item as a line: a string as it is, an object as "k: v; k: v". */
static int evidence_line(struct hvs_rpt_column *col, json_t *it)
{
	const char *k;
	json_t *v;
	char *buf = NULL, nb[48];
	size_t len = 0;
	FILE *f;
	int first = 1, ret;

	if (json_is_string(it))
		return hvs_rpt_evidence_add(col, json_string_value(it));
	if (!json_is_object(it))
		return 0;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	json_object_foreach(it, k, v) {
		if (json_is_string(v))
			fprintf(f, "%s%s: %s", first ? "" : "; ", k, json_string_value(v));
		else if (json_is_integer(v))
			fprintf(f, "%s%s: %lld", first ? "" : "; ", k, (long long)json_integer_value(v));
		else if (json_is_real(v))
			fprintf(f, "%s%s: %s", first ? "" : "; ", k, hvs_fmt_num(nb, sizeof(nb), json_real_value(v)));
		else if (json_is_boolean(v))
			fprintf(f, "%s%s: %s", first ? "" : "; ", k, json_is_true(v) ? "yes" : "no");
		else
			continue;
		first = 0;
	}
	fclose(f);
	ret = first ? 0 : hvs_rpt_evidence_add(col, buf);
	free(buf);
	return ret;
}

/* Every array called "evidence" anywhere in the fingerprint, depth-first. */
static int collect_evidence(struct hvs_rpt_column *col, json_t *j, int depth)
{
	const char *k;
	json_t *v;
	size_t i;
	int ret;

	if (depth > 8)
		return 0;
	if (json_is_object(j)) {
		json_object_foreach(j, k, v) {
			if (!strcmp(k, "evidence") && json_is_object(v)) {
				/* A table of facts: one "key: value" line each. */
				const char *ek;
				json_t *ev;

				json_object_foreach(v, ek, ev) {
					json_t *one = json_object();

					if (!one)
						return -ENOMEM;
					if (json_is_array(ev)) {
						/* Arrays of strings joined: "a, b". */
						char *buf = NULL;
						size_t len = 0, q;
						json_t *it;
						FILE *f = open_memstream(&buf, &len);

						if (!f) {
							json_decref(one);
							return -ENOMEM;
						}
						json_array_foreach(ev, q, it)
							if (json_is_string(it))
								fprintf(f, "%s%s", q ? ", " : "", json_string_value(it));
						fclose(f);
						json_object_set_new(one, ek, json_string(buf ? buf : ""));
						free(buf);
					} else {
						json_object_set(one, ek, ev);
					}
					ret = col->nevidence < MAX_EVIDENCE ? evidence_line(col, one) : 0;
					json_decref(one);
					if (ret)
						return ret;
				}
			} else if (!strcmp(k, "evidence") && json_is_array(v)) {
				for (i = 0; i < json_array_size(v) && col->nevidence < MAX_EVIDENCE; i++)
					if ((ret = evidence_line(col, json_array_get(v, i))))
						return ret;
			} else if ((ret = collect_evidence(col, v, depth + 1))) {
				return ret;
			}
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if ((ret = collect_evidence(col, v, depth + 1)))
				return ret;
	}
	return 0;
}

static const char *jstr(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b)
		v = json_object_get(v, b);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int context(struct hvs_rpt_column *col, const char *text)
{
	json_t *ctx, *fp, *v;
	json_error_t e;
	char buf[64];
	int ret = 0;
	size_t i;

	if (!text)
		return 0;
	ctx = json_loads(text, 0, &e);
	if (!ctx)
		return 0; /* the reader validated it; nothing to add */
	if ((ret = add_ctx(col, "cpu", jstr(ctx, "cpu", "brand"))) ||
	    (ret = add_ctx(col, "kernel", jstr(ctx, "kernel", "release"))) ||
	    (ret = add_ctx(col, "compiler", jstr(ctx, "build", "compiler"))) ||
	    (ret = add_ctx(col, "governor", jstr(ctx, "power", "governor"))) ||
	    (ret = add_ctx(col, "fingerprint", jstr(ctx, "fingerprint_unavailable", NULL))))
		goto out;
	v = json_object_get(ctx, "steal_fraction");
	if (json_is_number(v)) {
		snprintf(buf, sizeof(buf), "%.2f%%", json_number_value(v) * 100);
		if ((ret = add_ctx(col, "steal time", buf)))
			goto out;
	}
	json_array_foreach(json_object_get(ctx, "warnings"), i, v)
		if (json_is_string(v) && (ret = add_ctx(col, "warning", json_string_value(v))))
			goto out;
	fp = json_object_get(ctx, "fingerprint");
	if (fp) {
		const char *s = jstr(fp, "verdict", "summary");

		if (!s)
			s = jstr(fp, "summary", NULL);

		if (s && (!col->summary || !*col->summary) && (ret = hvs_rpt_strset(&col->summary, s)))
			goto out;
		ret = collect_evidence(col, fp, 0);
	}
out:
	json_decref(ctx);
	return ret;
}
int hvs_rpt_file_kind(const char *path, char *why, size_t whylen)
{
	json_error_t e;
	json_t *root, *k;
	struct stat st;
	int ret = -1;

	if (why && whylen)
		why[0] = 0;
	/* Too large or not a regular file: the reader says so properly. */
	if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_size > HVS_RESULT_MAX_BYTES)
		return -1;
	if (!(root = json_load_file(path, 0, &e)))
		return -1;
	if (!json_is_object(root)) {
		snprintf(why, whylen, "a JSON %s, not a result", json_is_array(root) ? "array" : "value");
		ret = 0;
		goto out;
	}
	k = json_object_get(root, "kind");
	if (json_is_string(k)) {
		ret = !strcmp(json_string_value(k), "hvscope-result");
		if (!ret)
			snprintf(why, whylen, "kind %.60s", json_string_value(k));
	} else if (json_object_get(root, "schema_version") && json_object_get(root, "metrics")) {
		ret = 1; /* an older result without "kind": the reader upgrades it */
	} else {
		snprintf(why, whylen, "no \"kind\": not an hvscope result");
		ret = 0;
	}
out:
	json_decref(root);
	return ret;
}
#else
int hvs_rpt_file_kind(const char *path, char *why, size_t whylen)
{
	(void)path;
	if (why && whylen)
		why[0] = 0;
	return -1;
}

static int context(struct hvs_rpt_column *col, const char *text)
{
	(void)col;
	(void)text;
	return 0;
}
#endif

int hvs_rpt_load(struct hvs_rpt_model *m, const char *path, char *err, size_t errlen)
{
	struct hvs_result *r = NULL;
	struct hvs_rpt_column *col;
	char buf[128];
	int ret;

	ret = hvs_result_read(path, &r, err, errlen);
	if (ret)
		return ret;
	col = hvs_rpt_model_add_column(m);
	if (!col)
		goto nomem;
	col->metrics = r->set; /* taken over */
	memset(&r->set, 0, sizeof(r->set));
	if (hvs_rpt_strset(&col->file, path) || hvs_rpt_strset(&col->hostname, r->host) ||
	    hvs_rpt_strset(&col->summary, r->hypervisor))
		goto nomem;
	for (int i = 0; i < r->info.ntags; i++)
		if (hvs_rpt_kv_add(&col->tags, &col->ntags, &col->captags, r->info.tags[i].key, r->info.tags[i].val))
			goto nomem;
	snprintf(buf, sizeof(buf), "%s (%s)", r->info.hvscope_version, r->info.git_commit);
	if (add_ctx(col, "started", r->info.started) || add_ctx(col, "hvscope", buf) ||
	    add_ctx(col, "suite", r->info.suite))
		goto nomem;
	if (context(col, r->info.context_json))
		goto nomem;
	hvs_result_free(r);
	return 0;
nomem:
	hvs_result_free(r);
	snprintf(err, errlen, "%s: out of memory", path);
	return -ENOMEM;
}
