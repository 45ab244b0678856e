/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: topology from a fake sysfs tree (2 cores x 2 SMT threads, L2
 * per core, one L3; and a second package), relations, pair choice, names;
 * the live machine loads too.
 */
#include "tap.h"
#include "core/topology.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];

static void put(const char *rel, const char *val)
{
	char path[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s\n", val);
		fclose(f);
	}
}

static void cpu(int n, int pkg, int core, const char *l2, const char *l3)
{
	char rel[200], v[32];

	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", n);
	snprintf(v, sizeof(v), "%d", pkg);
	put(rel, v);
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/topology/core_id", n);
	snprintf(v, sizeof(v), "%d", core);
	put(rel, v);
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index0/type", n);
	put(rel, "Data");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index0/level", n);
	put(rel, "1");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index0/shared_cpu_list", n);
	put(rel, l2); /* L1d shared like L2 (SMT siblings) */
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index1/type", n);
	put(rel, "Instruction");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index2/type", n);
	put(rel, "Unified");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index2/level", n);
	put(rel, "2");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index2/shared_cpu_list", n);
	put(rel, l2);
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index3/type", n);
	put(rel, "Unified");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index3/level", n);
	put(rel, "3");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index3/shared_cpu_list", n);
	put(rel, l3);
}

int main(void)
{
	struct hvs_topology *t = NULL;
	char buf[200];
	int a = -1, b = -1, r;

	plan(16);
	snprintf(root, sizeof(root), "%s/hvs-topo.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root)) {
		skip(16, "no temporary directory");
		return done_testing();
	}
	put("/sys/devices/system/cpu/online", "0-5");
	cpu(0, 0, 0, "0-1", "0-3");
	cpu(1, 0, 0, "0-1", "0-3");
	cpu(2, 0, 1, "2-3", "0-3");
	cpu(3, 0, 1, "2-3", "0-3");
	cpu(4, 1, 0, "4", "4-5");
	cpu(5, 1, 1, "5", "4-5");

	is_int(hvs_topology_load(root, &t), 0, "fake sysfs tree loads");
	ok(t && t->n == 6 && !strcmp(t->source, "sysfs"), "6 CPUs from sysfs");
	is_int(hvs_topology_relation(t, 0, 1), HVS_TOPO_SAME_CORE, "cpu0/cpu1 are SMT siblings");
	is_int(hvs_topology_relation(t, 0, 2), HVS_TOPO_SHARE_L3, "cpu0/cpu2 share L3");
	is_int(hvs_topology_relation(t, 4, 5), HVS_TOPO_SHARE_L3, "cpu4/cpu5 share their package's L3");
	is_int(hvs_topology_relation(t, 0, 4), HVS_TOPO_OTHER_PACKAGE, "cpu0/cpu4 are on different packages");
	is_int(hvs_topology_relation(t, 3, 3), HVS_TOPO_SAME_CPU, "a CPU with itself");
	is_int(hvs_topology_relation(t, 0, 9), -EINVAL, "an unknown CPU is refused");
	r = hvs_topology_pick_pair(t, 1, &a, &b);
	ok(r == HVS_TOPO_OTHER_PACKAGE && a == 0 && b == 4, "farthest pair: cpu%d-cpu%d (%s)", a, b,
	   hvs_topology_rel_name(r));
	a = b = -1;
	r = hvs_topology_pick_pair(t, 0, &a, &b);
	ok(r == HVS_TOPO_SAME_CORE && a == 0 && b == 1, "closest pair: cpu%d-cpu%d", a, b);
	a = 2;
	b = 5;
	is_int(hvs_topology_pick_pair(t, 1, &a, &b), HVS_TOPO_OTHER_PACKAGE, "a caller's pair is kept");
	is_str(hvs_topology_pair_name(t, 0, 2, buf, sizeof(buf)), "cpu0-cpu2 (share-L3)", "pair name");
	hvs_topology_describe(t, buf, sizeof(buf));
	ok(strstr(buf, "6 CPUs, 2 package(s), 4 core(s)") != NULL, "described: %s", buf);
	hvs_topology_free(t);

	put("/sys/devices/system/cpu/online", "0");
	is_int(hvs_topology_load(root, &t), 0, "one-CPU tree loads");
	a = b = -1;
	is_int(hvs_topology_pick_pair(t, 1, &a, &b), -ENODEV, "no pair on one CPU");
	hvs_topology_free(t);

	t = NULL;
	r = hvs_topology_load(NULL, &t);
	ok(r == 0 && t && t->n >= 1, "the live machine: %s",
	   t ? hvs_topology_describe(t, buf, sizeof(buf)) : "failed");
	hvs_topology_free(t);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd))
			diag("could not remove %s", root);
	}
	return done_testing();
}
