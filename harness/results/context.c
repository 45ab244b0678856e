/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * context.c - collect the run context and the environment warnings.
 *
 * In a guest most of what pyperf checks (governor, turbo, SMT, isolated
 * CPUs) belongs to the host: the guest sees no cpufreq directory and an SMT
 * control of "notsupported". We say so instead of pretending it is fine.
 */
#include "context.h"
#include "probes/cpu.h"
#include "probes/cpuid_src.h"
#include "probes/fingerprint.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "core/topology.h"

#include <cpuid.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#if HAVE_JANSSON
#include <jansson.h>
#endif

static void warn(struct hvs_context *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct hvs_context *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (c->nwarnings >= HVS_CONTEXT_MAX_WARN)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		c->warnings[c->nwarnings++] = s;
	va_end(ap);
}

static void snapshot(struct hvs_snapshot *s)
{
	char line[256];

	memset(s, 0, sizeof(*s));
	if (hvs_read_line("/proc/loadavg", line, sizeof(line)) > 0 &&
	    sscanf(line, "%lf %lf %lf", &s->loadavg[0], &s->loadavg[1], &s->loadavg[2]) == 3 &&
	    hvs_cputime_read(NULL, &s->ticks) == 0)
		s->ok = 1;
}

/* CPUID 0x40000000 signature, when CPUID.1:ECX[31] says a hypervisor is there. */
static void cpuid_hypervisor(struct hvs_context *c)
{
	unsigned a, b, cx, d;
	char sig[13];

	hvs_strlcpy(c->hypervisor, "none", sizeof(c->hypervisor));
	if (!__get_cpuid(1, &a, &b, &cx, &d) || !(cx & (1u << 31)))
		return;
	c->in_guest = 1;
	__cpuid(0x40000000, a, b, cx, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &cx, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	for (int i = 0; i < 12; i++)
		if (sig[i] && (sig[i] < 0x20 || sig[i] > 0x7e))
			sig[i] = '?';
	snprintf(c->hypervisor, sizeof(c->hypervisor), "cpuid:%s", sig[0] ? sig : "unnamed");
}

static void fingerprint(struct hvs_context *c)
{
	struct hvs_probe_opts o = { 0 };
	struct hvs_fingerprint *fp = NULL;
	char why[200];
	int ret;

	ret = hvs_fingerprint_collect(&o, &fp, why, sizeof(why));
	if (ret || !fp) {
		snprintf(c->fingerprint_why, sizeof(c->fingerprint_why),
			 "fingerprint collection failed: %.120s", why);
		return;
	}
	if (hvs_fingerprint_summary(fp))
		hvs_strlcpy(c->hypervisor, hvs_fingerprint_summary(fp), sizeof(c->hypervisor));
#if HAVE_JANSSON
	c->fingerprint_json = hvs_fingerprint_json(fp);
#endif
	if (!c->fingerprint_json)
		hvs_strlcpy(c->fingerprint_why, "fingerprint has no JSON form",
			    sizeof(c->fingerprint_why));
	hvs_fingerprint_free(fp);
}

static void power(struct hvs_context *c)
{
	char buf[64];

	c->turbo = -1;
	c->aslr = -1;
	if (hvs_read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", c->governor,
			  sizeof(c->governor)) < 0)
		c->governor[0] = '\0';
	/* intel_pstate says no_turbo (inverted); acpi-cpufreq and amd say boost. */
	if (hvs_read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", buf, sizeof(buf)) > 0)
		c->turbo = buf[0] == '0';
	else if (hvs_read_line("/sys/devices/system/cpu/cpufreq/boost", buf, sizeof(buf)) > 0)
		c->turbo = buf[0] == '1';
	if (hvs_read_line("/sys/devices/system/cpu/smt/control", c->smt, sizeof(c->smt)) < 0)
		c->smt[0] = '\0';
	if (hvs_read_line("/proc/sys/kernel/randomize_va_space", buf, sizeof(buf)) > 0)
		c->aslr = atoi(buf);
	c->online_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
}

static void checks(struct hvs_context *c, unsigned ms)
{
	struct hvs_cputime a, b;
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	if (c->in_guest)
		warn(c, "running in a guest (%s): host-side settings (host governor, turbo, SMT, "
			"host load, vCPU pinning) can't be checked from here",
		     c->hypervisor);
	if (c->governor[0] && strcmp(c->governor, "performance"))
		warn(c, "CPU frequency governor is '%s': use 'performance' for stable numbers",
		     c->governor);
	else if (!c->governor[0] && !c->in_guest)
		warn(c, "cpufreq is not readable: the frequency governor is unknown");
	if (c->turbo == 1)
		warn(c, "turbo/boost is on: the clock varies with load and temperature");
	if (!strcmp(c->smt, "on"))
		warn(c, "SMT is on: a sibling hardware thread can disturb measurements");
	if (c->before.ok && c->before.loadavg[0] > 0.5 * (c->online_cpus > 0 ? c->online_cpus : 1))
		warn(c, "load average %.2f on %d CPUs: other work competes with the benchmarks",
		     c->before.loadavg[0], c->online_cpus);
	if (c->aslr > 0)
		warn(c, "ASLR is on (randomize_va_space=%d): address layout varies between processes "
			"(kept on, as pyperf does; --processes N averages over it)",
		     c->aslr);
	if (ms && hvs_cputime_read(NULL, &a) == 0) {
		nanosleep(&ts, NULL);
		if (hvs_cputime_read(NULL, &b) == 0) {
			double f = hvs_cputime_steal_fraction(&a, &b);

			if (f > 0.01)
				warn(c, "steal time %.1f%% over %u ms: the hypervisor runs other work on our CPUs",
				     f * 100, ms);
		}
	}
}

int hvs_context_collect(struct hvs_context *c, int check, unsigned check_ms)
{
	memset(c, 0, sizeof(*c));
	if (gethostname(c->host, sizeof(c->host) - 1) < 0)
		hvs_strlcpy(c->host, "unknown", sizeof(c->host));
	cpuid_hypervisor(c);
	fingerprint(c);
	power(c);
	snapshot(&c->before);
	if (check)
		checks(c, check_ms);
	return 0;
}

void hvs_context_finish(struct hvs_context *c)
{
	snapshot(&c->after);
}

double hvs_context_steal(const struct hvs_context *c)
{
	if (!c->before.ok || !c->after.ok)
		return 0;
	return hvs_cputime_steal_fraction(&c->before.ticks, &c->after.ticks);
}

void hvs_context_free(struct hvs_context *c)
{
	for (int i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	c->nwarnings = 0;
#if HAVE_JANSSON
	json_decref(c->fingerprint_json);
#endif
	c->fingerprint_json = NULL;
}

#if HAVE_JANSSON
static json_t *snap_json(const struct hvs_snapshot *s)
{
	const struct hvs_cputime *t = &s->ticks;

	return json_pack("{s[fff] s{sIsIsIsIsIsIsIsI}}", "loadavg", s->loadavg[0], s->loadavg[1],
			 s->loadavg[2], "cpu_ticks", "user", (json_int_t)t->user, "nice",
			 (json_int_t)t->nice, "system", (json_int_t)t->system, "idle",
			 (json_int_t)t->idle, "iowait", (json_int_t)t->iowait, "irq",
			 (json_int_t)t->irq, "softirq", (json_int_t)t->softirq, "steal",
			 (json_int_t)t->steal);
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

/* CPU identity from the live CPUID source of probes/ (libcpuid names the uarch). */
static json_t *cpu_json(void)
{
	struct hvs_cpuid_src src;
	struct hvs_cpu cpu;
	json_t *o;

	memset(&cpu, 0, sizeof(cpu));
	if (hvs_cpuid_src_live(&src))
		return json_pack("{ss}", "source", "cpuid");
	hvs_cpu_collect(&src, &cpu, 1);
	o = json_pack("{ss ss ss si si si si ss}", "vendor", cpu.vendor, "brand", cpu.brand,
		      "codename", cpu.uarch, "family", (int)cpu.family, "model", (int)cpu.model,
		      "stepping", (int)cpu.stepping, "logical_cpus",
		      (int)sysconf(_SC_NPROCESSORS_CONF), "source",
		      cpu.uarch[0] ? "libcpuid" : "cpuid");
	hvs_cpu_free(&cpu);
	hvs_cpuid_src_free(&src);
	return o;
}

/* Which CPUs share a core, a cache, a package (hwloc, or sysfs in the static build). */
static json_t *topology_json(void)
{
	struct hvs_topology *t = NULL;
	json_t *o = NULL, *cpus;
	char desc[256];

	if (hvs_topology_load(NULL, &t))
		return NULL;
	cpus = json_array();
	for (size_t i = 0; cpus && i < t->n; i++) {
		const struct hvs_topo_cpu *p = &t->cpu[i];

		json_array_append_new(cpus, json_pack("{si si si s[iii]}", "os", p->os, "package",
						      p->package, "core", p->core, "cache",
						      p->cache[1], p->cache[2], p->cache[3]));
	}
	if (cpus)
		o = json_pack("{ss ss so}", "source", t->source, "summary",
			      hvs_topology_describe(t, desc, sizeof(desc)), "cpus", cpus);
	hvs_topology_free(t);
	return o;
}

char *hvs_context_to_json(const struct hvs_context *c)
{
	struct utsname u;
	json_t *topo;
	char cmdline[1024] = "";
	json_t *o, *warnings;
	char *text = NULL;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	hvs_read_line("/proc/cmdline", cmdline, sizeof(cmdline));
	o = json_pack("{ss ss so s{ss ss ss ss ss}"
		      " s{ss ss ss sb s{sb sb sb sb sb}}"
		      " s{so so so so so}}",
		      "host", c->host, "hypervisor", c->hypervisor,
		      "cpu", cpu_json(),
		      "kernel", "sysname", u.sysname, "release", u.release, "version", u.version,
		      "machine", u.machine, "cmdline", cmdline,
		      "build", "compiler", __VERSION__, "flags", hvs_build_flags(), "libc", hvs_libc(), "static",
		      HVS_STATIC, "features", "jansson", HAVE_JANSSON, "libcpuid", HAVE_LIBCPUID,
		      "sqlite", HAVE_SQLITE, "hwloc", HAVE_HWLOC, "papi", HAVE_PAPI,
		      "power", "governor", str_or_null(c->governor), "turbo",
		      c->turbo < 0 ? json_null() : json_boolean(c->turbo), "smt", str_or_null(c->smt),
		      "aslr", c->aslr < 0 ? json_null() : json_integer(c->aslr), "online_cpus",
		      json_integer(c->online_cpus));
	if (!o)
		return NULL;
	topo = topology_json();
	if (topo)
		json_object_set_new(o, "topology", topo);
	if (c->fingerprint_json)
		json_object_set(o, "fingerprint", c->fingerprint_json);
	else
		json_object_set_new(o, "fingerprint_unavailable", json_string(c->fingerprint_why));
	if (c->before.ok)
		json_object_set_new(o, "before", snap_json(&c->before));
	if (c->after.ok) {
		json_object_set_new(o, "after", snap_json(&c->after));
		if (c->before.ok)
			json_object_set_new(o, "steal_fraction", json_real(hvs_context_steal(c)));
	}
	warnings = json_array();
	for (int i = 0; warnings && i < c->nwarnings; i++)
		json_array_append_new(warnings, json_string(c->warnings[i]));
	if (warnings)
		json_object_set_new(o, "warnings", warnings);
	text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(o);
	return text;
}

void hvs_context_conditions(const char *json, double *load, double *steal)
{
	json_t *c = json ? json_loads(json, 0, NULL) : NULL, *v;
	double l = 0, cpus;
	int nl = 0;

	*load = *steal = NAN;
	if (!c)
		return;
	v = json_object_get(json_object_get(c, "power"), "online_cpus");
	cpus = json_is_integer(v) ? (double)json_integer_value(v) : 0;
	for (int k = 0; k < 2; k++) {
		json_t *la = json_object_get(json_object_get(c, k ? "after" : "before"), "loadavg");

		if (json_is_array(la) && json_is_number(json_array_get(la, 0))) {
			l += json_number_value(json_array_get(la, 0));
			nl++;
		}
	}
	if (nl && cpus > 0)
		*load = l / nl / cpus;
	v = json_object_get(c, "steal_fraction");
	if (json_is_number(v))
		*steal = json_number_value(v);
	json_decref(c);
}
#else
char *hvs_context_to_json(const struct hvs_context *c)
{
	(void)c;
	return NULL;
}

void hvs_context_conditions(const char *json, double *load, double *steal)
{
	(void)json;
	*load = *steal = NAN;
}
#endif
