/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * result.h - result files (results-schema/result.schema.json): one run's
 * metrics plus the context they were measured in, written atomically and
 * read back with strict validation.
 *
 * Errors: the reader returns -errno (hvs_errno_exit() gives the exit code
 * in brackets) and a one-line message:
 *   -EBADMSG      malformed or truncated JSON (3)
 *   -HVS_ESCHEMA  wrong schema version, wrong type, NaN/Inf, duplicate metric (4)
 *   -EFBIG        file over HVS_RESULT_MAX_BYTES, or decoding to more than
 *                 the budget below (samples per metric and per file,
 *                 process medians, metrics) (5)
 *   -ENOMEM       out of memory (10)
 *   -ENOENT, -EACCES, -EIO, ...  cannot open/read (message says why)
 */
#ifndef HVS_RESULT_H
#define HVS_RESULT_H

#include "core/metric.h"
#include "core/sha256.h"

#include <stddef.h>

#define HVS_RESULT_SCHEMA_VERSION 1
#define HVS_RESULT_MAX_BYTES (256u << 20) /* larger files are refused, not parsed */
#define HVS_RESULT_MAX_RAW 65536          /* more samples than this -> histogram */
/*
 * The budget on what a file decodes to (docs/results.md), so a small file
 * cannot expand without bound (a histogram's n, one number, is n samples
 * in memory and n rows in the history). Over it: -EFBIG.
 *   per metric: samples after histogram expansion, 16 x the raw limit
 *     (run --samples 1000000 in one process, bench --samples 100000 fit);
 *   per file: samples and process medians of all metrics together, as
 *     many 8-byte values as a quarter of HVS_RESULT_MAX_BYTES holds, so a
 *     decoded file never costs more than the largest file read as text;
 *   process medians per metric: run --processes' upper bound;
 *   metrics per file: 100 x what the largest suite or kvm writes.
 */
#define HVS_RESULT_MAX_SAMPLES (1u << 20)                   /* 1,048,576 per metric */
#define HVS_RESULT_MAX_VALUES (HVS_RESULT_MAX_BYTES / 32u)  /* 8,388,608 per file */
#define HVS_RESULT_MAX_PROCESSES 1000                       /* process_medians per metric */
#define HVS_RESULT_MAX_METRICS 10000
#define HVS_MAX_TAGS 32

struct hvs_tag {
	char key[64];
	char val[128];
};

struct hvs_run_info {
	char id[64];
	char hvscope_version[32];
	char git_commit[48];
	char started[24], finished[24]; /* ISO 8601 UTC: 2026-11-21T12:00:00Z */
	char suite[32];                 /* "" = none */
	int processes;                  /* 0 = not recorded */
	int argc;
	char **argv; /* command line; owned by the caller (writer) or the result (reader) */
	struct hvs_tag tags[HVS_MAX_TAGS];
	int ntags;
	/*
	 * The context object as compact JSON text (harness/results/context.h builds it).
	 * NULL writes a minimal context. Owned like argv.
	 */
	char *context_json;
};

/* A result read back from a file. */
struct hvs_result {
	int schema_version;
	struct hvs_run_info info;
	struct hvs_metrics set;
	char host[128];       /* context.host */
	char hypervisor[128]; /* context.hypervisor, "" when absent */
	/*
	 * SHA-256 of the content: the (upgraded) JSON with sorted keys, no
	 * blanks, numbers to 17 digits. Layout and key order do not change it;
	 * any value does. The history keeps it beside the run id.
	 */
	char digest[HVS_SHA256_HEX];
};

/* Fill id, version, commit and the started timestamp. */
void hvs_run_info_init(struct hvs_run_info *info);

/* Format now (or t) as ISO 8601 UTC into buf[24]. */
void hvs_iso8601_now(char *buf, size_t len);

/*
 * Parse "k=v,k2=v2" and add the tags to info (replacing same keys).
 * Returns 0 or -EINVAL (bad syntax, key not [A-Za-z0-9_.-]{1,63}) / -ENOSPC.
 */
int hvs_run_info_add_tags(struct hvs_run_info *info, const char *spec);

/* The value of tag key, or NULL. */
const char *hvs_run_info_tag(const struct hvs_run_info *info, const char *key);

/*
 * Serialise to compact JSON text (malloc'd, NUL-terminated) in *out.
 * Returns 0, -EINVAL (a non-finite number, a bad context_json) or -ENOMEM
 * / -ENOTSUP (no jansson).
 */
int hvs_result_dump(const struct hvs_run_info *info, const struct hvs_metrics *set, char **out);

/*
 * The digest a file written from info and set reads back with (struct
 * hvs_result.digest), for runs added to the history without a file.
 * Returns 0, or -errno as hvs_result_dump().
 */
int hvs_result_digest(const struct hvs_run_info *info, const struct hvs_metrics *set,
		      char *hex);

/*
 * Write a result file atomically (temp file + fsync + rename): a crash
 * leaves the old file or the complete new one. path "-" writes to stdout.
 * Returns 0 or -errno.
 */
int hvs_result_write(const char *path, const struct hvs_run_info *info,
		     const struct hvs_metrics *set);

/*
 * Read and validate a result file (older schema versions are upgraded in
 * memory, see docs/results.md). Returns 0 with *out set, or -errno (see
 * the top) with a one-line message in err.
 */
int hvs_result_read(const char *path, struct hvs_result **out, char *err, size_t errlen);

/* Same, from a buffer (len bytes, need not be NUL-terminated). */
int hvs_result_parse(const char *buf, size_t len, struct hvs_result **out, char *err,
		     size_t errlen);

void hvs_result_free(struct hvs_result *r);

const char *hvs_direction_name(enum hvs_direction d);

#endif
