/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topology.c - CPU topology from sysfs, relations and pair choice (see
 * topology.h). The hwloc reader lives in topology_hwloc.c.
 */
#include "topology.h"
#include "hvscope.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static const char *const rel_names[] = {
	[HVS_TOPO_SAME_CPU] = "same-cpu",
	[HVS_TOPO_SAME_CORE] = "same-core",
	[HVS_TOPO_SHARE_L2] = "share-L2",
	[HVS_TOPO_SHARE_L3] = "share-L3",
	[HVS_TOPO_SAME_PACKAGE] = "same-package",
	[HVS_TOPO_OTHER_PACKAGE] = "other-package",
};
_Static_assert(HVS_ARRAY_SIZE(rel_names) == HVS_TOPO_REL_COUNT, "one name per relation");

const char *hvs_topology_rel_name(enum hvs_topo_rel r)
{
	return (unsigned)r < HVS_TOPO_REL_COUNT ? rel_names[r] : "?";
}

/* First number of a cpu list like "0-3,8" (or -1). */
static int list_first(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end == s || v < 0 || v > INT_MAX ? -1 : (int)v;
}

/* Parse a CPU list "0-3,8,10-11" into cpus[0..max); returns the count or -EINVAL. */
static int list_parse(const char *s, int *cpus, int max)
{
	int n = 0;

	while (*s && n < max) {
		char *end;
		long lo = strtol(s, &end, 10), hi;

		if (end == s)
			return -EINVAL;
		hi = lo;
		s = end;
		if (*s == '-') {
			hi = strtol(s + 1, &end, 10);
			if (end == s + 1)
				return -EINVAL;
			s = end;
		}
		for (long c = lo; c <= hi && n < max; c++)
			cpus[n++] = (int)c;
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return n;
}

static int read_int(const char *root, const char *fmt, int cpu, const char *leaf, int *out)
{
	char rel[160], path[512], line[64];
	char *end;
	long v;

	snprintf(rel, sizeof(rel), fmt, cpu, leaf);
	if (hvs_read_line(hvs_path(path, sizeof(path), root, rel), line, sizeof(line)) < 0)
		return -ENOENT;
	v = strtol(line, &end, 10);
	if (end == line)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int load_sysfs(const char *root, struct hvs_topology *t)
{
	char path[512], line[4096];
	int cpus[4096];
	int n;

	if (hvs_read_line(hvs_path(path, sizeof(path), root, "/sys/devices/system/cpu/online"), line,
			  sizeof(line)) < 0)
		return -ENOENT;
	n = list_parse(line, cpus, (int)HVS_ARRAY_SIZE(cpus));
	if (n <= 0)
		return -ENOENT;
	t->cpu = calloc((size_t)n, sizeof(*t->cpu));
	if (!t->cpu)
		return -ENOMEM;
	t->n = (size_t)n;
	t->source = "sysfs";
	for (int i = 0; i < n; i++) {
		struct hvs_topo_cpu *c = &t->cpu[i];

		c->os = cpus[i];
		if (read_int(root, "/sys/devices/system/cpu/cpu%d/topology/%s", c->os,
			     "physical_package_id", &c->package))
			c->package = 0;
		if (read_int(root, "/sys/devices/system/cpu/cpu%d/topology/%s", c->os, "core_id",
			     &c->core))
			c->core = c->os; /* unknown: every CPU its own core */
		for (int l = 0; l < HVS_TOPO_CACHE_LEVELS; l++)
			c->cache[l] = -1;
		for (int idx = 0; idx < 8; idx++) {
			char rel[160], word[32];
			int level;

			snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index%d/type",
				 c->os, idx);
			if (hvs_read_line(hvs_path(path, sizeof(path), root, rel), word, sizeof(word)) < 0)
				break;
			if (!strcmp(word, "Instruction"))
				continue;
			snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index%d/level",
				 c->os, idx);
			if (hvs_read_line(hvs_path(path, sizeof(path), root, rel), word, sizeof(word)) < 0)
				continue;
			level = atoi(word);
			snprintf(rel, sizeof(rel),
				 "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list", c->os, idx);
			if (hvs_read_line(hvs_path(path, sizeof(path), root, rel), line, sizeof(line)) < 0)
				continue;
			/* The cache instance is named by the lowest CPU sharing it. */
			if (level >= 1 && level < HVS_TOPO_CACHE_LEVELS)
				c->cache[level] = list_first(line);
		}
	}
	return 0;
}

int hvs_topology_load(const char *root, struct hvs_topology **out)
{
	struct hvs_topology *t = calloc(1, sizeof(*t));
	int ret = -ENOSYS;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	if (!root || !*root)
		ret = hvs_topology_load_hwloc(t);
	if (ret) {
		free(t->cpu);
		memset(t, 0, sizeof(*t));
		ret = load_sysfs(root, t);
	}
	if (ret) {
		hvs_topology_free(t);
		return ret;
	}
	*out = t;
	return 0;
}

void hvs_topology_free(struct hvs_topology *t)
{
	if (!t)
		return;
	free(t->cpu);
	free(t);
}

static const struct hvs_topo_cpu *find(const struct hvs_topology *t, int os)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->cpu[i].os == os)
			return &t->cpu[i];
	return NULL;
}

int hvs_topology_relation(const struct hvs_topology *t, int a, int b)
{
	const struct hvs_topo_cpu *x = find(t, a), *y = find(t, b);

	if (!x || !y)
		return -EINVAL;
	if (a == b)
		return HVS_TOPO_SAME_CPU;
	if (x->package != y->package)
		return HVS_TOPO_OTHER_PACKAGE;
	if (x->core == y->core)
		return HVS_TOPO_SAME_CORE;
	if (x->cache[2] >= 0 && x->cache[2] == y->cache[2])
		return HVS_TOPO_SHARE_L2;
	if (x->cache[3] >= 0 && x->cache[3] == y->cache[3])
		return HVS_TOPO_SHARE_L3;
	return HVS_TOPO_SAME_PACKAGE;
}

int hvs_topology_pick_pair(const struct hvs_topology *t, int prefer_far, int *a, int *b)
{
	int best = -1;

	if (*a >= 0 && *b >= 0 && *a != *b && find(t, *a) && find(t, *b))
		return hvs_topology_relation(t, *a, *b);
	if (t->n < 2)
		return -ENODEV;
	for (size_t i = 0; i < t->n; i++)
		for (size_t j = i + 1; j < t->n; j++) {
			int r = hvs_topology_relation(t, t->cpu[i].os, t->cpu[j].os);

			if (best < 0 || (prefer_far ? r > best : r < best)) {
				best = r;
				*a = t->cpu[i].os;
				*b = t->cpu[j].os;
			}
		}
	return best;
}

const char *hvs_topology_pair_name(const struct hvs_topology *t, int a, int b, char *buf, size_t len)
{
	int r = hvs_topology_relation(t, a, b);

	snprintf(buf, len, "cpu%d-cpu%d (%s)", a, b, r < 0 ? "unknown" : hvs_topology_rel_name(r));
	return buf;
}

/* Number of distinct values of key over all CPUs. */
static size_t distinct(const struct hvs_topology *t, int (*key)(const struct hvs_topo_cpu *))
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		size_t j;
		int k = key(&t->cpu[i]);

		for (j = 0; j < i; j++)
			if (key(&t->cpu[j]) == k)
				break;
		if (j == i && k >= 0)
			n++;
	}
	return n;
}

static int key_pkg(const struct hvs_topo_cpu *c)
{
	return c->package;
}

static int key_core(const struct hvs_topo_cpu *c)
{
	return c->package * 65536 + c->core;
}

static int key_l2(const struct hvs_topo_cpu *c)
{
	return c->cache[2];
}

static int key_l3(const struct hvs_topo_cpu *c)
{
	return c->cache[3];
}

const char *hvs_topology_describe(const struct hvs_topology *t, char *buf, size_t len)
{
	size_t l2 = distinct(t, key_l2), l3 = distinct(t, key_l3);

	snprintf(buf, len, "%zu CPUs, %zu package(s), %zu core(s), %zu L2, %zu L3 (%s)", t->n,
		 distinct(t, key_pkg), distinct(t, key_core), l2, l3, t->source);
	return buf;
}

int hvs_pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}
