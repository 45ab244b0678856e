/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trend.h - history series (per-run medians of each metric, change points
 * marked) from the history database, for the report's trend charts.
 */
#ifndef HVS_REPORT_TREND_H
#define HVS_REPORT_TREND_H

#include "charts.h"

#include <stddef.h>

/*
 * Read the newest run's context (same host and hypervisor) from the
 * history database db, runs started at or after since (YYYY-MM-DD or full
 * ISO 8601 UTC; NULL: all), and return one series per metric that has a
 * change point (every metric with all set) in *out (free with
 * hvs_rpt_series_free). note gets one sentence for the page. Returns 0 or
 * -errno with a one-line message in err (the history's errors; -HVS_EUSAGE:
 * bad since).
 */
int hvs_rpt_history_load(const char *db, const char *since, int all, struct hvs_rpt_series **out,
			 size_t *nout, char *note, size_t notelen, char *err, size_t errlen);

/*
 * Same, for the context that context pins, written as `regress --context`
 * takes it: TAG,...,KEY=VALUE,... (host=web1 charts web1's newest run's
 * context in a fleet history; NULL or "": the newest run's, as above).
 * -HVS_EUSAGE for a bad or too long context; -HVS_ESCHEMA when no run
 * matches the pin (err says which).
 */
int hvs_rpt_history_load_ctx(const char *db, const char *context, const char *since, int all,
			     struct hvs_rpt_series **out, size_t *nout, char *note, size_t notelen,
			     char *err, size_t errlen);

void hvs_rpt_series_free(struct hvs_rpt_series *v, size_t n);

#endif
