/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * load.h - read a result file (through the harness reader) into a new
 * column of a report model.
 */
#ifndef HVS_REPORT_LOAD_H
#define HVS_REPORT_LOAD_H

#include "model.h"

#include <stddef.h>

/*
 * Read and validate path with hvs_result_read() and append it as a column.
 * Returns 0, or the reader's -errno with a one-line message in err
 * (-ENOMEM when out of memory).
 */
int hvs_rpt_load(struct hvs_rpt_model *m, const char *path, char *err, size_t errlen);

/*
 * What a file given to `hvscope report` is, without loading it: 1 an
 * hvscope result file (kind "hvscope-result"), 0 some other JSON document
 * (a fingerprint, a probe's output, a matrix summary: why says which, e.g.
 * "kind hvscope-fingerprint"), -1 unreadable or not JSON (the loader then
 * gives the proper error).
 */
int hvs_rpt_file_kind(const char *path, char *why, size_t whylen);

#endif
