/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topology.h - which CPUs share a core (SMT siblings), a cache, a package.
 *
 * From hwloc when the binary has it (HAVE_HWLOC), otherwise from sysfs
 * (/sys/devices/system/cpu/cpuN/topology/{core_id,physical_package_id} and
 * cache/indexN/{level,shared_cpu_list}), which is what the static build
 * uses inside an unknown guest. Cross-CPU benchmarks pick a pair with
 * hvs_topology_pick_pair() and name it with hvs_topology_pair_name(); the
 * result writer records hvs_topology_describe() as context.
 *
 * Ownership: hvs_topology_load() allocates, hvs_topology_free() frees.
 */
#ifndef HVS_TOPOLOGY_H
#define HVS_TOPOLOGY_H

#include <stddef.h>

#define HVS_TOPO_CACHE_LEVELS 4 /* index by level 1..3; [0] unused */

struct hvs_topo_cpu {
	int os;        /* Linux CPU number */
	int package;   /* physical package id */
	int core;      /* core id, unique within the package */
	int cache[HVS_TOPO_CACHE_LEVELS]; /* id of the data/unified cache at each level, -1 if none */
};

struct hvs_topology {
	const char *source; /* "hwloc" or "sysfs" */
	size_t n;           /* online CPUs */
	struct hvs_topo_cpu *cpu;
};

/* How close two CPUs are, closest first. */
enum hvs_topo_rel {
	HVS_TOPO_SAME_CPU = 0,
	HVS_TOPO_SAME_CORE,    /* SMT siblings */
	HVS_TOPO_SHARE_L2,     /* different cores sharing L2 */
	HVS_TOPO_SHARE_L3,     /* share the last-level cache */
	HVS_TOPO_SAME_PACKAGE, /* same package, no shared cache */
	HVS_TOPO_OTHER_PACKAGE,
	HVS_TOPO_REL_COUNT
};

/*
 * Load the topology of the online CPUs. root prefixes the sysfs path (NULL
 * or "" = live; tests pass a fake tree, which forces the sysfs reader).
 * Returns 0 or -errno (-ENOENT when no CPU could be read).
 */
int hvs_topology_load(const char *root, struct hvs_topology **out);
void hvs_topology_free(struct hvs_topology *t);

/* Relation of CPUs a and b (Linux numbers); -EINVAL when either is unknown. */
int hvs_topology_relation(const struct hvs_topology *t, int a, int b);

/* "same-core", "share-L2", ... */
const char *hvs_topology_rel_name(enum hvs_topo_rel r);

/*
 * Choose two distinct CPUs for a cross-CPU benchmark: the pair whose
 * relation is the farthest (prefer_far) or closest (!prefer_far) available.
 * A caller's choice (*a, *b >= 0) is kept if both CPUs exist. Returns the
 * relation, or -ENODEV with one online CPU.
 */
int hvs_topology_pick_pair(const struct hvs_topology *t, int prefer_far, int *a, int *b);

/* "cpu0-cpu1 (share-L3)" into buf; returns buf. */
const char *hvs_topology_pair_name(const struct hvs_topology *t, int a, int b, char *buf, size_t len);

/* One line: "2 CPUs, 1 package, 2 cores, L2 per core, L3 shared by 2 (sysfs)". */
const char *hvs_topology_describe(const struct hvs_topology *t, char *buf, size_t len);

/* Pin the calling thread to one CPU. Returns 0 or -errno. */
int hvs_pin_cpu(int cpu);

/* hwloc backend (topology_hwloc.c): -ENOSYS when not built in. */
int hvs_topology_load_hwloc(struct hvs_topology *t);

#endif
