/*
 * cpuname.c - the CPU's name from libcpuid (its database knows codenames)
 * or, without it, the "model name" line of /proc/cpuinfo. The only file that
 * includes libcpuid.h.
 */
#include "cpuname.h"
#include "hvs_features.h"
#include "hvscope.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_LIBCPUID
#include <libcpuid.h>
#endif

static int from_procfs(struct hvs_cpuname *c)
{
	char *buf = NULL, *line;
	long n = hvs_read_file("/proc/cpuinfo", 1u << 22, &buf);

	if (n < 0)
		return (int)n;
	c->source = "procfs";
	c->logical_cpus = 0;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *colon = strchr(line, ':');
		const char *v;

		if (!colon)
			continue;
		v = colon + 1 + (colon[1] == ' ');
		if (!strncmp(line, "processor", 9))
			c->logical_cpus++;
		else if (!strncmp(line, "vendor_id", 9))
			hvs_strlcpy(c->vendor, v, sizeof(c->vendor));
		else if (!strncmp(line, "model name", 10))
			hvs_strlcpy(c->brand, v, sizeof(c->brand));
		else if (!strncmp(line, "cpu family", 10))
			c->family = atoi(v);
		else if (!strncmp(line, "model\t", 6))
			c->model = atoi(v);
		else if (!strncmp(line, "stepping", 8))
			c->stepping = atoi(v);
	}
	free(buf);
	return 0;
}

int hvs_cpuname_get(struct hvs_cpuname *c)
{
	memset(c, 0, sizeof(*c));
	hvs_strlcpy(c->vendor, "unknown", sizeof(c->vendor));
	hvs_strlcpy(c->brand, "unknown", sizeof(c->brand));
	c->family = c->model = c->stepping = c->cores = c->logical_cpus = -1;
#if HAVE_LIBCPUID
	{
		struct cpu_id_t id;

		if (cpuid_present() && cpu_identify(NULL, &id) == 0) {
			hvs_strlcpy(c->vendor, id.vendor_str, sizeof(c->vendor));
			hvs_strlcpy(c->brand, id.brand_str, sizeof(c->brand));
			hvs_strlcpy(c->codename, id.cpu_codename, sizeof(c->codename));
			c->family = id.family;
			c->model = id.model;
			c->stepping = id.stepping;
			c->cores = id.num_cores;
			c->logical_cpus = id.num_logical_cpus;
			c->source = "libcpuid";
			return 0;
		}
	}
#endif
	return from_procfs(c);
}
