/* SPDX-License-Identifier: GPL-2.0-or-later */
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

#include "core/hvs_features.h"

#include <stdio.h>

#if HAVE_JANSSON
#include <jansson.h>
#endif

struct hvs_probe_opts {
	const char *cpuid_dump; /* replay this dump instead of the live CPU (NULL: live) */
	const char *root;       /* prefix for /sys, /proc, /dev evidence; NULL or "" = live */
	const char *dmidecode;  /* dmidecode text output to use as DMI evidence (optional) */
	int privileged;         /* read MSRs via /dev/cpu/N/msr (root only) */
	int timing;             /* measure the CPUID exit cost */
	int detect_only;        /* skip what detect does not need: host facts, libcpuid naming */
};

struct hvs_fingerprint;

/*
 * Collect evidence and compute the verdict. With cpuid_dump set, only the
 * dump and evidence named explicitly (root, dmidecode) are used, never the
 * live machine. Returns 0, or -errno for a dump or dmidecode file that
 * cannot be read or used (-EBADMSG malformed, -EFBIG too big, -ENOMEM, the
 * errno of reading it), with one line saying why in why (*out is then NULL).
 * Prints nothing.
 */
int hvs_fingerprint_collect(const struct hvs_probe_opts *o, struct hvs_fingerprint **out, char *why,
			    size_t whylen);
void hvs_fingerprint_free(struct hvs_fingerprint *fp);

/* One line: the layers outermost last, e.g. "Xen PV dom0 on QEMU TCG". */
const char *hvs_fingerprint_summary(const struct hvs_fingerprint *fp);

#if HAVE_JANSSON
/* The fingerprint as a JSON object (results-schema/fingerprint.schema.json). */
json_t *hvs_fingerprint_json(const struct hvs_fingerprint *fp);
#endif

/* Version of results-schema/fingerprint.schema.json that the JSON follows. */
#define HVS_FINGERPRINT_SCHEMA_VERSION 1

/*
 * The fingerprint as human-readable text (verdict, layers with evidence,
 * CPU, hypervisor ranges, platform evidence, host, timing).
 */
void hvs_fingerprint_print(const struct hvs_fingerprint *fp, FILE *f);

/* What `hvscope detect` asks for. */
enum hvs_detect_what {
	HVS_DETECT_ANY = 0,   /* container first, then VM (systemd-detect-virt default) */
	HVS_DETECT_VM,        /* --vm */
	HVS_DETECT_CONTAINER, /* --container */
};

/*
 * The systemd-detect-virt identifier ("kvm", "xen", "docker", ..., "none")
 * for the fingerprint. NULL when the verdict is unknown (the dump did not
 * say enough). Hyper-V root partitions and Xen dom0 are hosts: they do not
 * count as a VM layer (systemd's policy for dom0), the next outer layer does.
 */
const char *hvs_fingerprint_detect(const struct hvs_fingerprint *fp, enum hvs_detect_what what);

/* Every identifier detect can print, NULL-terminated (for --list). */
extern const char *const hvs_detect_vocabulary[];

#endif
