/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topology_hwloc.c - fill struct hvs_topology from hwloc (dynamic build).
 * hwloc knows topologies sysfs describes poorly (and other OSes); the
 * static build falls back to sysfs (topology.c).
 */
#include "hvs_features.h"
#include "topology.h"

#include <errno.h>
#include <stdlib.h>

#if HAVE_HWLOC
#include <hwloc.h>

int hvs_topology_load_hwloc(struct hvs_topology *t)
{
	hwloc_topology_t topo;
	int npu, ret = 0;

	if (hwloc_topology_init(&topo) < 0)
		return -ENOMEM;
	if (hwloc_topology_load(topo) < 0) {
		ret = -EIO;
		goto out;
	}
	npu = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	if (npu <= 0) {
		ret = -ENOENT;
		goto out;
	}
	t->cpu = calloc((size_t)npu, sizeof(*t->cpu));
	if (!t->cpu) {
		ret = -ENOMEM;
		goto out;
	}
	t->n = (size_t)npu;
	t->source = "hwloc";
	for (int i = 0; i < npu; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, i), o;
		struct hvs_topo_cpu *c = &t->cpu[i];

		c->os = (int)pu->os_index;
		c->package = 0;
		c->core = c->os;
		for (int l = 0; l < HVS_TOPO_CACHE_LEVELS; l++)
			c->cache[l] = -1;
		for (o = pu->parent; o; o = o->parent) {
			if (o->type == HWLOC_OBJ_CORE)
				c->core = (int)o->logical_index;
			else if (o->type == HWLOC_OBJ_PACKAGE)
				c->package = (int)o->logical_index;
			else if (hwloc_obj_type_is_dcache(o->type) && o->attr &&
				 o->attr->cache.depth < HVS_TOPO_CACHE_LEVELS)
				c->cache[o->attr->cache.depth] = (int)o->logical_index;
		}
	}
out:
	hwloc_topology_destroy(topo);
	return ret;
}

#else

int hvs_topology_load_hwloc(struct hvs_topology *t)
{
	(void)t;
	return -ENOSYS;
}

#endif
