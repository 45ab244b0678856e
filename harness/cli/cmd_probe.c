/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_probe.c - `hvscope probe`: the fingerprint (verdict layers with
 * evidence, CPU, hypervisor CPUID ranges, platform evidence, host facts),
 * as text or JSON (results-schema/fingerprint.schema.json).
 */
#include "commands.h"
#include "options.h"
#include "probes/fingerprint.h"
#include "microbench/infer.h"
#include "core/hvscope.h"

#include <stdlib.h>

struct probe_args {
	struct hvs_probe_opts probe;
	int json;
};

const struct hvs_cmdopts cmd_probe_opts = {
	.name = "probe",
	.head = "usage: hvscope probe [--json] [--cpuid-dump FILE] [--root DIR] [--dmidecode FILE]\n"
		"                     [--privileged] [--timing]\n\n"
		"What am I running on? Hypervisor layers with mode, confidence and evidence,\n"
		"CPU and virtualization features, hypervisor CPUID leaves, platform evidence,\n"
		"host facts.\n\n",
	.col = 21,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_FLAG, "json", 0, NULL, HVS_OPT_AT(struct probe_args, json),
		  .help = "JSON (results-schema/fingerprint.schema.json)" },
		{ HVS_OPT_PATH, "cpuid-dump", 0, "FILE", HVS_OPT_AT(struct probe_args, probe.cpuid_dump),
		  .help = "replay a CPUID dump (cpuid -r, InstLatx64, RJCP XML, IC Book\n"
			  "Labs, libcpuid); nothing is read from this machine then,\n"
			  "except what --root/--dmidecode name" },
		{ HVS_OPT_PATH, "root", 0, "DIR", HVS_OPT_AT(struct probe_args, probe.root),
		  .help = "read /sys, /proc, /dev evidence under DIR" },
		{ HVS_OPT_PATH, "dmidecode", 0, "FILE", HVS_OPT_AT(struct probe_args, probe.dmidecode),
		  .help = "use this dmidecode text output as DMI evidence" },
		{ HVS_OPT_FLAG, "privileged", 0, NULL, HVS_OPT_AT(struct probe_args, probe.privileged),
		  .help = "also read MSRs through /dev/cpu/N/msr (root)" },
		{ HVS_OPT_FLAG, "timing", 0, NULL, HVS_OPT_AT(struct probe_args, probe.timing),
		  .help = "measure the CPUID exit cost and infer measured facts\n"
			  "(SLAT, trapped RDTSC, PV clock, vDSO; ~1 s)" },
		{ 0 } },
};

int cmd_probe(int argc, char **argv)
{
	struct probe_args a = { 0 };
	struct hvs_probe_opts o;
	struct hvs_fingerprint *fp;
	struct hvs_inference inf;
	char why[300];
	int json, have_inf = 0, rc;

	rc = hvs_opts_parse(&cmd_probe_opts, argc, argv, &a, NULL);
	if (rc != HVS_OPTS_GO)
		return rc;
	o = a.probe;
	json = a.json;
	rc = hvs_fingerprint_collect(&o, &fp, why, sizeof(why));
	if (rc < 0) {
		hvs_err("%s", why);
		return hvs_errno_exit(-rc);
	}
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
