/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_detect.c - `hvscope detect`: one identifier, a drop-in for
 * systemd-detect-virt (same words, same flags, same exit codes: 0 when
 * something was found, 1 for "none"), from the full fingerprint, so it is
 * right where systemd-detect-virt is not: Xen PV guests whose CPUID does
 * not trap, KVM with Hyper-V enlightenments (not "microsoft"), a Hyper-V
 * root partition (a host: "none").
 */
#include "commands.h"
#include "options.h"
#include "probes/fingerprint.h"
#include "core/hvscope.h"
#include "core/jsonw.h"

#include <string.h>

struct detect_args {
	struct hvs_probe_opts probe;
	int what; /* enum hvs_detect_what */
	int quiet, list, json;
};

const struct hvs_cmdopts cmd_detect_opts = {
	.name = "detect",
	.head = "usage: hvscope detect [--vm|--container] [--quiet] [--list] [--json]\n"
		"                      [--cpuid-dump FILE] [--root DIR] [--dmidecode FILE]\n\n"
		"Print the virtualization technology as systemd-detect-virt names it; exit 0\n"
		"when one was found, 1 for none.\n\n",
	.col = 21,
	.show_letters = 1,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_FLAG, "vm", 'v', NULL, HVS_OPT_AT(struct detect_args, what), .val = HVS_DETECT_VM,
		  .help = "only hardware virtualization" },
		{ HVS_OPT_FLAG, "container", 'c', NULL, HVS_OPT_AT(struct detect_args, what),
		  .val = HVS_DETECT_CONTAINER, .help = "only containers" },
		{ HVS_OPT_FLAG, "quiet", 'q', NULL, HVS_OPT_AT(struct detect_args, quiet),
		  .help = "print nothing, only set the exit code" },
		{ HVS_OPT_FLAG, "list", 0, NULL, HVS_OPT_AT(struct detect_args, list),
		  .help = "print every identifier that can be printed" },
		{ HVS_OPT_FLAG, "json", 0, NULL, HVS_OPT_AT(struct detect_args, json),
		  .help = "JSON (results-schema/detect.schema.json)" },
		{ HVS_OPT_PATH, "cpuid-dump", 0, "FILE", HVS_OPT_AT(struct detect_args, probe.cpuid_dump),
		  .help = "decide from a CPUID dump (plus --root/--dmidecode only)" },
		{ HVS_OPT_PATH, "root", 0, "DIR", HVS_OPT_AT(struct detect_args, probe.root),
		  .help = "read /sys, /proc, /dev evidence under DIR" },
		{ HVS_OPT_PATH, "dmidecode", 0, "FILE", HVS_OPT_AT(struct detect_args, probe.dmidecode),
		  .help = "use this dmidecode text output as DMI evidence" },
		{ 0 } },
};

static int print_list(void)
{
	for (int i = 0; hvs_detect_vocabulary[i]; i++)
		puts(hvs_detect_vocabulary[i]);
	return HVS_EX_OK;
}

/* {"id", "found", "only"}, or with id NULL (--list) {"identifiers": [...]}. */
static int print_json(const char *id, enum hvs_detect_what what)
{
	static const char *const only[] = { [HVS_DETECT_ANY] = "any", [HVS_DETECT_VM] = "vm",
					     [HVS_DETECT_CONTAINER] = "container" };
	struct hvs_jw w;

	hvs_jw_init(&w, stdout);
	hvs_jw_obj(&w, NULL);
	if (id) {
		hvs_jw_str(&w, "id", id);
		hvs_jw_bool(&w, "found", strcmp(id, "none") != 0);
		hvs_jw_str(&w, "only", only[what]);
	} else {
		hvs_jw_arr(&w, "identifiers");
		for (int i = 0; hvs_detect_vocabulary[i]; i++)
			hvs_jw_str(&w, NULL, hvs_detect_vocabulary[i]);
		hvs_jw_end(&w);
	}
	hvs_jw_end(&w);
	if (hvs_jw_finish(&w)) {
		hvs_err("detect: writing the output failed");
		return HVS_EX_IO;
	}
	return HVS_EX_OK;
}

int cmd_detect(int argc, char **argv)
{
	struct detect_args a = { .probe = { .detect_only = 1 }, .what = HVS_DETECT_ANY };
	struct hvs_probe_opts o;
	enum hvs_detect_what what;
	struct hvs_fingerprint *fp;
	const char *id;
	char why[300];
	int quiet, rc;

	rc = hvs_opts_parse(&cmd_detect_opts, argc, argv, &a, NULL);
	if (rc != HVS_OPTS_GO)
		return rc;
	if (a.list)
		return a.json ? print_json(NULL, HVS_DETECT_ANY) : print_list();
	o = a.probe;
	what = (enum hvs_detect_what)a.what;
	quiet = a.quiet;
	rc = hvs_fingerprint_collect(&o, &fp, why, sizeof(why));
	if (rc < 0) {
		hvs_err("%s", why);
		return hvs_errno_exit(-rc);
	}
	id = hvs_fingerprint_detect(fp, what);
	if (!id) {
		hvs_err("cannot decide: %s (the CPUID dump lacks leaf 0 or 1)", hvs_fingerprint_summary(fp));
		hvs_fingerprint_free(fp);
		return HVS_EX_PARSE;
	}
	if (a.json && !quiet) {
		if (print_json(id, what)) {
			hvs_fingerprint_free(fp);
			return HVS_EX_IO;
		}
	} else if (!quiet) {
		puts(id);
	}
	rc = strcmp(id, "none") ? HVS_EX_OK : HVS_EX_FAIL;
	hvs_fingerprint_free(fp);
	return rc;
}
