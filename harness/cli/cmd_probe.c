/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_probe.c - `hvscope probe`: the fingerprint (verdict layers with
 * evidence, CPU, hypervisor CPUID ranges, platform evidence, host facts),
 * as text or JSON (results-schema/fingerprint.schema.json).
 */
#include "commands.h"
#include "probes/fingerprint.h"
#include "microbench/infer.h"
#include "core/hvscope.h"

#include <getopt.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: hvscope probe [--json] [--cpuid-dump FILE] [--root DIR] [--dmidecode FILE]\n"
		   "                     [--privileged] [--timing]\n\n"
		   "What am I running on? Hypervisor layers with mode, confidence and evidence,\n"
		   "CPU and virtualization features, hypervisor CPUID leaves, platform evidence,\n"
		   "host facts.\n\n"
		   "  --json             JSON (results-schema/fingerprint.schema.json)\n"
		   "  --cpuid-dump FILE  replay a CPUID dump (cpuid -r, InstLatx64, RJCP XML, IC Book\n"
		   "                     Labs, libcpuid); nothing is read from this machine then,\n"
		   "                     except what --root/--dmidecode name\n"
		   "  --root DIR         read /sys, /proc, /dev evidence under DIR\n"
		   "  --dmidecode FILE   use this dmidecode text output as DMI evidence\n"
		   "  --privileged       also read MSRs through /dev/cpu/N/msr (root)\n"
		   "  --timing           measure the CPUID exit cost and infer measured facts\n"
		   "                     (SLAT, trapped RDTSC, PV clock, vDSO; ~1 s)\n");
}

int cmd_probe(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "cpuid-dump", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "dmidecode", required_argument, NULL, 'd' },
		{ "privileged", no_argument, NULL, 'p' },
		{ "timing", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvs_probe_opts o = { 0 };
	struct hvs_fingerprint *fp;
	struct hvs_inference inf;
	int json = 0, have_inf = 0, c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'f':
			o.cpuid_dump = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 'd':
			o.dmidecode = optarg;
			break;
		case 'p':
			o.privileged = 1;
			break;
		case 't':
			o.timing = 1;
			break;
		case 'h':
			usage(stdout);
			return HVS_EX_OK;
		default: /* ':' or '?' */
			return hvs_getopt_fail(c, argv);
		}
	}
	if (optind < argc) {
		hvs_err("%s: unexpected argument '%s' (try 'hvscope %s --help')", argv[0], argv[optind],
			argv[0]);
		return HVS_EX_USAGE;
	}
	rc = hvs_fingerprint_collect(&o, &fp);
	if (rc < 0)
		return rc < -HVS_EX_INTERNAL ? HVS_EX_IO : -rc;
	/*
	 * --timing on the live machine also runs the guest-side benchmarks the
	 * inference needs (microbench/infer.h): CPUID/RDTSC cost, SLAT,
	 * paravirtual clocksource, vDSO. A replayed dump has nothing to time.
	 */
	if (o.timing && !o.cpuid_dump) {
		have_inf = hvs_infer_measure(&inf, NULL) == 0;
		if (!have_inf)
			hvs_err("--timing: the measured-facts benchmarks failed; the rest stands");
	}
	if (json) {
#if HAVE_JANSSON
		json_t *j = hvs_fingerprint_json(fp);

		if (j && have_inf)
			json_object_set_new(j, "measured_facts", hvs_infer_json(&inf));

		if (!j || json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
			json_decref(j);
			hvs_fingerprint_free(fp);
			hvs_err("cannot write JSON");
			return HVS_EX_IO;
		}
		putchar('\n');
		json_decref(j);
#else
		hvs_fingerprint_free(fp);
		hvs_err("--json: this binary was built without jansson");
		return HVS_EX_NODEV;
#endif
	} else {
		hvs_fingerprint_print(fp, stdout);
		if (have_inf) {
			printf("Measured facts (--timing, from guest-side benchmarks):\n");
			hvs_infer_print(&inf, stdout);
		}
	}
	hvs_fingerprint_free(fp);
	if (fflush(stdout)) {
		hvs_err("writing the output failed");
		return HVS_EX_IO;
	}
	return HVS_EX_OK;
}
