/*
 * fingerprint.h - the public face of probes/: collect every piece of
 * evidence about the machine we run on and turn it into a verdict.
 *
 * This is the contract between probes/ and its users (the probe/detect
 * commands, `hvscope run`, which embeds the fingerprint in result files, and
 * the guest launcher). The struct is opaque to them.
 */
#ifndef HVS_FINGERPRINT_H
#define HVS_FINGERPRINT_H

#include "hvs_features.h"

#if HAVE_JANSSON
#include <jansson.h>
#endif

struct hvs_probe_opts {
	const char *cpuid_dump; /* replay this dump instead of the live CPU (NULL: live) */
	const char *root;       /* prefix for /sys, /proc, /dev evidence; NULL or "" = live */
	const char *dmidecode;  /* dmidecode text output to use as DMI evidence (optional) */
	int privileged;         /* read MSRs via /dev/cpu/N/msr (root only) */
	int timing;             /* measure the CPUID exit cost */
};

struct hvs_fingerprint;

/*
 * Collect evidence and compute the verdict. With cpuid_dump set, only the
 * dump and evidence named explicitly (root, dmidecode) are used, never the
 * live machine. Returns 0, or a negative HVS_EX_* / -errno for a dump that
 * cannot be read or parsed (*out is then NULL).
 */
int hvs_fingerprint_collect(const struct hvs_probe_opts *o, struct hvs_fingerprint **out);
void hvs_fingerprint_free(struct hvs_fingerprint *fp);

/* One line: the layers outermost last, e.g. "Xen PV dom0 on QEMU TCG". */
const char *hvs_fingerprint_summary(const struct hvs_fingerprint *fp);

#if HAVE_JANSSON
/* The fingerprint as a JSON object (results-schema/fingerprint.schema.json). */
json_t *hvs_fingerprint_json(const struct hvs_fingerprint *fp);
#endif

#endif
