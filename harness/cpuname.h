/*
 * cpuname.h - which CPU this is, by name (libcpuid when built with it,
 * /proc/cpuinfo otherwise). Used for the context of result files.
 */
#ifndef HVS_CPUNAME_H
#define HVS_CPUNAME_H

struct hvs_cpuname {
	char vendor[32];
	char brand[64];
	char codename[64];
	int family, model, stepping; /* -1 = unknown */
	int cores, logical_cpus;     /* -1 = unknown */
	const char *source;          /* "libcpuid" or "procfs" */
};

/* Fill *c. Returns 0, or -errno when no source could be read (fields "unknown"/-1). */
int hvs_cpuname_get(struct hvs_cpuname *c);

#endif
