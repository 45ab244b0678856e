/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: every registered benchmark runs briefly (quick settings) and
 * each metric is either a plausible positive number with its spread or a
 * SKIP with a reason; the instruction-probe child catches SIGILL (#UD) and
 * a hang; a forced PAPI failure degrades to "unavailable" with its reason.
 */
#include "microbench/bench.h"
#include "microbench/bench_util.h"
#include "microbench/counters.h"
#include "tap.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static uint64_t do_ud2(void *arg)
{
	(void)arg;
	__asm__ __volatile__("ud2");
	return 0;
}

static uint64_t do_hang(void *arg)
{
	(void)arg;
	signal(SIGALRM, SIG_IGN); /* like a vCPU the hypervisor never resumes */
	for (;;)
		__asm__ __volatile__("pause");
	return 0;
}

static uint64_t do_return(void *arg)
{
	return *(uint64_t *)arg;
}

static uint64_t do_return42(void *arg)
{
	(void)arg;
	return 42;
}

int main(void)
{
	struct hvs_bench_ctx ctx;
	struct hvs_metrics set = { 0 };
	struct hvs_insn_probe p;
	struct hvs_counters c;
	uint64_t v = 42;
	size_t n;
	const struct hvs_bench *const *all = hvs_bench_all(&n);

	hvs_bench_ctx_default(&ctx);
	ctx.quick = 1;
	ctx.samples = 7;
	ctx.min_sample_ns = 1e5;
	ctx.budget_s = 0.5;
	for (size_t i = 0; i < n; i++) {
		size_t first = set.n;
		enum hvs_outcome o = hvs_bench_run(all[i], &ctx, &set);

		ok(o == HVS_PASS || o == HVS_SKIP, "%s runs or skips (outcome %s)", all[i]->name,
		   hvs_outcome_name(o));
		for (size_t j = first; j < set.n; j++) {
			const struct hvs_metric *m = &set.v[j];
			const struct hvs_summary *s = &m->summary;

			if (m->outcome == HVS_SKIP) {
				ok(m->reason[0] != 0, "  %s: SKIP with a reason (%s)", m->name, m->reason);
				continue;
			}
			ok(m->outcome == HVS_PASS && s->n >= 5 && s->median > 0 && s->median < 1e10 &&
				   s->ci_lo <= s->median && s->median <= s->ci_hi && s->mad >= 0 && m->unit[0],
			   "  %s: %.4g %s, CI [%.4g, %.4g], MAD %.3g, n=%zu", m->name, s->median, m->unit,
			   s->ci_lo, s->ci_hi, s->mad, s->n);
		}
	}
	hvs_metrics_free(&set);

	is_int(hvs_probe_insn(do_ud2, NULL, 1000, &p), 0, "probe child for ud2 started");
	ok(p.end == HVS_INSN_SIGNAL && p.sig == SIGILL, "ud2 ends in SIGILL (#UD), caught: %s",
	   hvs_fault_name(p.sig));
	is_int(hvs_probe_insn(do_return, &v, 1000, &p), 0, "probe child for a plain function started");
	ok(p.end == HVS_INSN_RETURNED && p.value == 42, "a returning probe passes its value back");
	is_int(hvs_probe_insn(do_hang, NULL, 200, &p), 0, "probe child for a hang started");
	ok(p.end == HVS_INSN_HUNG, "a hang is stopped by the watchdog");
	{
		struct hvs_metric m = { 0 };

		is_int(hvs_probe_or_skip(do_ud2, "ud2", "no such path", &m, &p), 0,
		       "probe-or-skip: a faulting instruction is not measured");
		ok(m.outcome == HVS_SKIP && (m.flags & HVS_MF_SKIPPED) && !(m.flags & HVS_MF_TIMEOUT) &&
			   !strcmp(m.reason, "ud2 at CPL 3 raises SIGILL (#UD): no such path"),
		   "  skipped with the fault and the caller's why: %s", m.reason);
		ok(m.nextra == 1 && m.extra[0].val == SIGILL, "  the signal is kept as an extra");
		memset(&m, 0, sizeof(m));
		is_int(hvs_probe_or_skip(do_return42, "ret", "-", &m, &p), 1,
		       "probe-or-skip: a returning instruction is measured");
		ok(m.outcome == HVS_PASS && !m.flags && !m.reason[0] && p.value == 42, "  metric untouched, value passed");
	}

	setenv("HVSCOPE_COUNTERS", "papi", 1);
	setenv("HVSCOPE_FORCE_NO_PAPI", "1", 1);
	ok(hvs_counters_open(&c) < 0 && c.backend == 0, "forced PAPI failure: counters unavailable");
	ok(strstr(c.reason, "PAPI") != NULL, "  with a reason: %s", c.reason);
	hvs_counters_close(&c);
	setenv("HVSCOPE_COUNTERS", "none", 1);
	ok(hvs_counters_open(&c) < 0 && strstr(c.reason, "HVSCOPE_COUNTERS=none"), "counters off on request");
	setenv("HVSCOPE_COUNTERS", "bogus", 1);
	ok(hvs_counters_open(&c) < 0 && strstr(c.reason, "unknown"), "a bogus backend degrades with a reason");
	unsetenv("HVSCOPE_COUNTERS");
	unsetenv("HVSCOPE_FORCE_NO_PAPI");
	hvs_counters_open(&c);
	ok(c.backend != 0 || c.reason[0], "live counters: %s%s", c.backend ? "available via " : "unavailable: ",
	   c.reason);
	hvs_counters_close(&c);
	return done_testing();
}
